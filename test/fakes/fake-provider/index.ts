/**
 * A provider module that lives entirely under test/: the proof that a cloud is one module plus
 * one registry entry, with no core file naming it. Its driver is the in-memory FakeDriver.
 * Register it with `useProviders([...BUILT_IN_PROVIDERS, fakeProvider(cloud)])`.
 */
import type { ManifestProblem, ProviderModule } from '../../../src/driver.js';
import { ExitCode, FnxError } from '../../../src/errors.js';
import type { ProviderName } from '../../../src/manifest/model.js';
import { FakeCloud, FakeDriver } from '../fake-driver.js';

/** Not one of the built-in names: the core must take it from the registry. */
export const FAKE = 'fake' as ProviderName;

/** The fake's own rule: at most 1024 MB per function. */
const MAX_MEMORY = 1024;

export function fakeProvider(cloud: FakeCloud = new FakeCloud()): ProviderModule {
  return {
    name: FAKE,
    title: 'Fake Functions',
    configSchema: { $ref: '#/definitions/fakeProvider' },
    init: { snippet: ({ service }) => ['  fake:', `    zone: ${service}-zone`].join('\n') },
    resolveConfig: (block) => ({ ...block, zone: block.zone ?? 'zone-1', tags: block.tags ?? {} }),
    capabilities: {
      name: FAKE,
      layers: 'merged',
      traffic: 'weighted',
      triggers: ['http', 'schedule'],
      runtimes: ['nodejs20', 'nodejs22'],
      httpRoutes: 'own',
      limits: { memoryMb: { min: 128, max: 4096 }, timeoutSeconds: { max: 60 }, unzippedBytes: 1024 },
    },
    runtimes: [{ name: 'nodejs20', refused: '2026-01-01', reason: 'the fake cloud retired it' }, { name: 'nodejs22' }],
    validate: (manifest) => {
      const out: ManifestProblem[] = [];
      for (const fn of manifest.functions.filter((f) => f.providers.includes(FAKE))) {
        if (fn.memory > MAX_MEMORY) {
          out.push({
            path: ['functions', fn.name, 'memory'],
            error: new FnxError('E_FAKE_MEMORY', `Function "${fn.name}" asks for ${fn.memory} MB; the fake cloud gives at most ${MAX_MEMORY} MB.`, {
              hint: `Set memory to ${MAX_MEMORY} or less.`,
              exitCode: ExitCode.usage,
            }),
          });
        }
      }
      return out;
    },
    load: async () => () => new FakeDriver(cloud, { provider: FAKE }),
  };
}
