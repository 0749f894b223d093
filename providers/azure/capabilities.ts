/**
 * Azure Functions facts needed without the SDK. Limits are the Flex Consumption plan's: instances
 * of 512-4096 MB, no maximum run time (fnx allows the schema's 3600 s; HTTP answers within 230 s,
 * validate.ts), a 1 GB package. Premium's memory depends on its size (validate.ts).
 */
import type { CapabilitiesFor, ProviderCapabilities } from '../../src/driver.js';
import { azureConfig } from './config.js';
import { azureRuntimes } from './runtimes.js';

/** The default plan's (Flex Consumption): no deployment slots, so releases replace the code in place. */
export const azureCapabilities = {
  name: 'azure',
  layers: 'merged',
  traffic: 'replace',
  trafficHint: 'the premium plan (`providers.azure.plan: premium`) has deployment slots, which can take a share of HTTP traffic',
  triggers: ['http', 'schedule', 'queue', 'storage', 'topic'],
  plannedTriggers: { stream: 'Event Hubs trigger, Cosmos DB change feed' },
  runtimes: azureRuntimes.map((r) => r.name),
  httpRoutes: 'shared',
  limits: {
    memoryMb: { min: 512, max: 4096 },
    timeoutSeconds: { max: 3600 },
    unzippedBytes: 1024 * 1024 * 1024,
  },
  credentials: {
    secretVariables: ['AZURE_CLIENT_SECRET', 'AZURE_CLIENT_CERTIFICATE_PASSWORD', 'ARM_CLIENT_SECRET', 'ARM_ACCESS_KEY', 'AZURE_STORAGE_KEY', 'AZURE_STORAGE_CONNECTION_STRING'],
  },
} as const satisfies ProviderCapabilities;

/**
 * By plan: Premium has deployment slots (traffic model 'slot': a share of HTTP traffic on the
 * staging slot, then a swap); Flex Consumption has none ('replace').
 */
export const azureCapabilitiesFor: CapabilitiesFor = (manifest) => {
  if (azureConfig(manifest)?.plan !== 'premium') return azureCapabilities;
  const { trafficHint: _flexOnly, ...premium } = azureCapabilities;
  return { ...premium, traffic: 'slot' };
};
