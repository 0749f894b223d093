/** The Google Cloud provider module: everything the core needs about Cloud Run functions, without the Google SDKs. */
import type { ProviderModule } from '../../src/driver.js';
import { gcpCapabilities, gcpCapabilitiesFor } from './capabilities.js';
import { gcpPackaging } from './entry.js';
import { gcpRuntimes } from './runtimes.js';
import { validateGcp } from './validate.js';

export const gcp: ProviderModule = {
  name: 'gcp',
  title: 'Google Cloud Functions',
  configSchema: { $ref: '#/definitions/gcpProvider' },
  init: { snippet: () => ['  gcp:', '    project: "${env:GOOGLE_CLOUD_PROJECT, my-project}"', '    region: europe-west1'].join('\n') },
  resolveConfig: (block) => ({ ...block, tags: block.tags ?? {} }),
  capabilities: gcpCapabilities,
  capabilitiesFor: gcpCapabilitiesFor,
  runtimes: gcpRuntimes,
  validate: validateGcp,
  packaging: gcpPackaging,
  load: async () => (await import('./index.js')).createDriver,
};
