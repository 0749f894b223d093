/** Cloud Functions (2nd gen) facts needed without the SDK. */
import type { CapabilitiesFor, ProviderCapabilities } from '../../src/driver.js';
import { gcpRuntimes } from './runtimes.js';

export const gcpCapabilities = {
  name: 'gcp',
  layers: 'merged',
  traffic: 'weighted',
  triggers: ['http', 'schedule', 'queue', 'storage', 'topic'],
  plannedTriggers: { stream: 'Eventarc (Firestore document events, Pub/Sub-backed change streams)' },
  runtimes: gcpRuntimes.map((r) => r.name),
  httpRoutes: 'own',
  limits: {
    memoryMb: { min: 128, max: 32768 },
    timeoutSeconds: { max: 3600, maxEventDriven: 540 },
    unzippedBytes: 500 * 1024 * 1024,
  },
  credentials: {
    secretVariables: ['GOOGLE_CREDENTIALS', 'GOOGLE_OAUTH_ACCESS_TOKEN', 'CLOUDSDK_AUTH_ACCESS_TOKEN'],
    fileVariables: ['GOOGLE_APPLICATION_CREDENTIALS', 'CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE'],
  },
} as const satisfies ProviderCapabilities;

/** Cloud Run splits traffic between revisions whatever the config. */
export const gcpCapabilitiesFor: CapabilitiesFor = () => gcpCapabilities;
