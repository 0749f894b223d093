/** Azure Functions facts needed without the SDK. Limits are those of the Flex/Consumption plans. */
import type { CapabilitiesFor, ProviderCapabilities } from '../../src/driver.js';

/** The default plan's (Flex Consumption): no deployment slots, so releases replace the code in place. */
export const azureCapabilities = {
  name: 'azure',
  layers: 'merged',
  traffic: 'replace',
  trafficHint: 'the premium plan (`providers.azure.plan: premium`) has deployment slots, which can take a share of HTTP traffic',
  triggers: ['http', 'schedule', 'queue', 'storage', 'topic'],
  runtimes: ['nodejs20', 'nodejs22', 'python3.10', 'python3.11', 'python3.12'],
  limits: {
    memoryMb: { min: 512, max: 4096 },
    timeoutSeconds: { max: 600 },
    unzippedBytes: 1024 * 1024 * 1024,
  },
} as const satisfies ProviderCapabilities;

/**
 * By plan: Premium has deployment slots (traffic model 'slot': a share of HTTP traffic on the
 * staging slot, then a swap); Flex Consumption and Consumption have none ('replace').
 */
export const azureCapabilitiesFor: CapabilitiesFor = (manifest) => {
  if (manifest.providers.azure?.plan !== 'premium') return azureCapabilities;
  const { trafficHint: _flexOnly, ...premium } = azureCapabilities;
  return { ...premium, traffic: 'slot' };
};
