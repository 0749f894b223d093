/** Azure Functions facts needed without the SDK. Limits are those of the Flex/Consumption plans. */
import type { ProviderCapabilities } from '../../src/driver.js';
import { azureRuntimes } from './runtimes.js';

export const azureCapabilities = {
  name: 'azure',
  layers: 'merged',
  traffic: 'slot',
  triggers: ['http', 'schedule', 'queue', 'storage', 'topic'],
  runtimes: azureRuntimes.map((r) => r.name),
  httpRoutes: 'shared',
  limits: {
    memoryMb: { min: 512, max: 4096 },
    timeoutSeconds: { max: 600 },
    unzippedBytes: 1024 * 1024 * 1024,
  },
  credentials: {
    secretVariables: ['AZURE_CLIENT_SECRET', 'AZURE_CLIENT_CERTIFICATE_PASSWORD', 'ARM_CLIENT_SECRET', 'ARM_ACCESS_KEY', 'AZURE_STORAGE_KEY', 'AZURE_STORAGE_CONNECTION_STRING'],
  },
} as const satisfies ProviderCapabilities;
