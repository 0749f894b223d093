/**
 * The resolved `providers.azure` block (config.schema.json with the module's defaults, module.ts
 * resolveConfig) and the per-plan facts the module, the packaging hooks and the driver share (no
 * SDK): which functions deploy to Azure, the Flex instance sizes, Premium plan sizes.
 */
import type { ResolvedFunction, ResolvedManifest } from '../../src/driver.js';

export interface AzureProviderConfig {
  /** Absent: the driver reads AZURE_SUBSCRIPTION_ID from its environment. */
  readonly subscriptionId?: string;
  readonly resourceGroup: string;
  readonly location: string;
  readonly plan: 'flex' | 'premium';
  /** Premium plan size (plan premium only; default EP1). */
  readonly sku?: 'EP1' | 'EP2' | 'EP3';
  readonly storageAccount?: string;
  /** Existing Key Vault holding the `${secret:...}` secrets. */
  readonly keyVault?: string;
  /** Existing Service Bus namespace for queue triggers (default: Storage queues). */
  readonly serviceBus?: string;
  readonly tags: Readonly<Record<string, string>>;
}

export type AzurePlan = AzureProviderConfig['plan'];

/** The manifest's Azure block, when it has one. */
export function azureConfig(manifest: ResolvedManifest): AzureProviderConfig | undefined {
  return manifest.providers.azure as AzureProviderConfig | undefined;
}

/** The functions of `manifest` that deploy to Azure. */
export function azureFunctions(manifest: ResolvedManifest): ResolvedFunction[] {
  return azureConfig(manifest) ? manifest.functions.filter((f) => f.providers.includes('azure')) : [];
}

/** Flex Consumption instance sizes (`scaleAndConcurrency.instanceMemoryMB`). */
export const FLEX_MEMORY_MB = [512, 2048, 4096] as const;

/** The Flex instance size that runs `memoryMb`: the smallest one at least as large; undefined above 4096. */
export function flexInstanceMemory(memoryMb: number): number | undefined {
  return FLEX_MEMORY_MB.find((m) => m >= memoryMb);
}

/** Elastic Premium sizes: vCPU and memory per instance. */
export const PREMIUM_SKUS = {
  EP1: { cores: 1, memoryMb: 3584 },
  EP2: { cores: 2, memoryMb: 7168 },
  EP3: { cores: 4, memoryMb: 14336 },
} as const;

export type PremiumSku = keyof typeof PREMIUM_SKUS;

export function premiumSku(config: AzureProviderConfig): PremiumSku {
  return config.sku ?? 'EP1';
}

/** Azure's front end answers 504 after 230 s, whatever the function's timeout (HTTP triggers). */
export const HTTP_RESPONSE_LIMIT_SECONDS = 230;
