/** The AWS provider module: everything the core needs about AWS Lambda, without the AWS SDK. */
import type { ProviderModule } from '../../src/driver.js';
import { awsCapabilities, awsCapabilitiesFor } from './capabilities.js';
import { awsPackaging } from './entry.js';
import { awsRuntimes } from './runtimes.js';
import { validateAws } from './validate.js';

export const aws: ProviderModule = {
  name: 'aws',
  title: 'AWS Lambda',
  configSchema: { $ref: '#/definitions/awsProvider' },
  init: { snippet: () => ['  aws:', '    region: us-east-1'].join('\n'), byDefault: true },
  resolveConfig: (block) => ({ ...block, tags: block.tags ?? {} }),
  capabilities: awsCapabilities,
  capabilitiesFor: awsCapabilitiesFor,
  runtimes: awsRuntimes,
  validate: validateAws,
  packaging: awsPackaging,
  load: async () => (await import('./index.js')).createDriver,
};
