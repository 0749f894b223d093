/** Cloud Functions (2nd gen) facts needed without the SDK. */
import type { CapabilitiesFor, ProviderCapabilities } from '../../src/driver.js';

export const gcpCapabilities = {
  name: 'gcp',
  layers: 'merged',
  traffic: 'weighted',
  triggers: ['http', 'schedule', 'queue', 'storage', 'topic'],
  runtimes: ['nodejs20', 'nodejs22', 'python3.10', 'python3.11', 'python3.12', 'python3.13'],
  limits: {
    memoryMb: { min: 128, max: 32768 },
    timeoutSeconds: { max: 3600, maxEventDriven: 540 },
    unzippedBytes: 500 * 1024 * 1024,
  },
} as const satisfies ProviderCapabilities;

/** Cloud Run splits traffic between revisions whatever the config. */
export const gcpCapabilitiesFor: CapabilitiesFor = () => gcpCapabilities;
