/** The resolved `providers.gcp` block: config.schema.json with the module's defaults (module.ts resolveConfig). */
import type { ResolvedManifest } from '../../src/driver.js';

export interface GcpProviderConfig {
  readonly project: string;
  readonly region: string;
  readonly serviceAccount?: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** The manifest's Google Cloud block, when it has one. */
export function gcpConfig(manifest: ResolvedManifest): GcpProviderConfig | undefined {
  return manifest.providers.gcp as GcpProviderConfig | undefined;
}
