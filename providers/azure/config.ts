/**
 * The Azure config block and the per-plan facts the module, the packaging hooks and the driver
 * share (no SDK): which functions deploy to Azure, the Flex instance sizes, Premium plan sizes.
 */
import type { AzureProviderConfig, ResolvedFunction, ResolvedManifest } from '../../src/driver.js';

export type AzurePlan = AzureProviderConfig['plan'];

/** The functions of `manifest` that deploy to Azure. */
export function azureFunctions(manifest: ResolvedManifest): ResolvedFunction[] {
  return manifest.providers.azure ? manifest.functions.filter((f) => f.providers.includes('azure')) : [];
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
