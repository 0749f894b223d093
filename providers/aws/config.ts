/** The resolved `providers.aws` block: config.schema.json with the module's defaults (module.ts resolveConfig). */
import type { ResolvedManifest } from '../../src/driver.js';

export interface AwsProviderConfig {
  readonly region: string;
  readonly role?: string;
  readonly accountId?: string;
  readonly profile?: string;
  readonly deploymentBucket?: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** The manifest's AWS block, when it has one. */
export function awsConfig(manifest: ResolvedManifest): AwsProviderConfig | undefined {
  return manifest.providers.aws as AwsProviderConfig | undefined;
}
