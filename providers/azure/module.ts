/** The Azure provider module: everything the core needs about Azure Functions, without the Azure SDK. */
import type { ProviderModule } from '../../src/driver.js';
import { azureCapabilities, azureCapabilitiesFor } from './capabilities.js';
import { azurePackaging } from './entry.js';
import { azureRuntimes } from './runtimes.js';
import { validateAzure } from './validate.js';

export const azure: ProviderModule = {
  name: 'azure',
  title: 'Azure Functions',
  configSchema: { $ref: '#/definitions/azureProvider' },
  init: {
    snippet: ({ service }) =>
      [
        '  azure:',
        `    resourceGroup: "${service}-\${stage}"`,
        '    location: westeurope',
      ].join('\n'),
  },
  resolveConfig: (block) => ({ ...block, plan: block.plan ?? 'flex', tags: block.tags ?? {} }),
  capabilities: azureCapabilities,
  capabilitiesFor: azureCapabilitiesFor,
  runtimes: azureRuntimes,
  validate: validateAzure,
  packaging: azurePackaging,
  load: async () => (await import('./index.js')).createDriver,
};
