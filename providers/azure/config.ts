/** The resolved `providers.azure` block: config.schema.json with the module's defaults (module.ts resolveConfig). */
import type { ResolvedManifest } from '../../src/driver.js';

export interface AzureProviderConfig {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly location: string;
  readonly plan: 'consumption' | 'flex' | 'premium';
  readonly storageAccount?: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** The manifest's Azure block, when it has one. */
export function azureConfig(manifest: ResolvedManifest): AzureProviderConfig | undefined {
  return manifest.providers.azure as AzureProviderConfig | undefined;
}
