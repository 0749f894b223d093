/** AWS Lambda facts needed without the SDK (validate, package limits). Source: Lambda quotas. */
import type { CapabilitiesFor, ProviderCapabilities } from '../../src/driver.js';

export const awsCapabilities = {
  name: 'aws',
  layers: 'native',
  traffic: 'weighted',
  triggers: ['http', 'schedule', 'queue', 'storage', 'topic'],
  runtimes: ['nodejs20', 'nodejs22', 'nodejs24', 'python3.10', 'python3.11', 'python3.12', 'python3.13'],
  limits: {
    memoryMb: { min: 128, max: 10240 },
    timeoutSeconds: { max: 900 },
    maxLayers: 5,
    directUploadBytes: 50 * 1024 * 1024,
    unzippedBytes: 250 * 1024 * 1024,
    environmentBytes: 4096,
  },
} as const satisfies ProviderCapabilities;

/** Lambda's capabilities do not depend on the config. */
export const awsCapabilitiesFor: CapabilitiesFor = () => awsCapabilities;
