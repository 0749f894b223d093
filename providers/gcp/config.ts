/** The resolved `providers.gcp` block: config.schema.json with the module's defaults (module.ts resolveConfig). */
import type { ResolvedManifest } from '../../src/driver.js';

export interface GcpProviderConfig {
  readonly project: string;
  readonly region: string;
  readonly serviceAccount?: string;
  /** Cloud Run ingress of every function (absent: all). */
  readonly ingress?: 'all' | 'internal' | 'internal-and-gclb';
  readonly tags: Readonly<Record<string, string>>;
}

/** The manifest's Google Cloud block, when it has one. */
export function gcpConfig(manifest: ResolvedManifest): GcpProviderConfig | undefined {
  return manifest.providers.gcp as GcpProviderConfig | undefined;
}
