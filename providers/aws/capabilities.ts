/** AWS Lambda facts needed without the SDK (validate, package limits). Source: Lambda quotas. */
import type { CapabilitiesFor, ProviderCapabilities } from '../../src/driver.js';
import { awsRuntimes } from './runtimes.js';

export const awsCapabilities = {
  name: 'aws',
  layers: 'native',
  traffic: 'weighted',
  triggers: ['http', 'schedule', 'queue', 'storage', 'topic', 'stream'],
  runtimes: awsRuntimes.map((r) => r.name),
  httpRoutes: 'shared',
  limits: {
    memoryMb: { min: 128, max: 10240 },
    timeoutSeconds: { max: 900 },
    maxLayers: 5,
    directUploadBytes: 50 * 1024 * 1024,
    unzippedBytes: 250 * 1024 * 1024,
    environmentBytes: 4096,
  },
  credentials: { secretVariables: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN', 'AWS_CONTAINER_AUTHORIZATION_TOKEN'] },
} as const satisfies ProviderCapabilities;

/** Lambda's capabilities do not depend on the config. */
export const awsCapabilitiesFor: CapabilitiesFor = () => awsCapabilities;
