/**
 * The two dependency directions between core and providers (docs/providers.md, "The driver
 * surface") are lint errors: eslint.config.js reports each way of breaking them.
 */
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

const eslint = new ESLint({ cwd: repoRoot });

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(repoRoot, file) });
  return (result?.messages ?? []).map((m) => `${m.line}: ${m.message}`);
}

describe('the driver surface', () => {
  it('a driver may import the core only through src/driver.ts, and may not read process.env', async () => {
    const found = await problems(
      'providers/aws/surface-probe.ts',
      [
        "import { FnxError } from '../../src/errors.js';",
        "import type { ResolvedManifest } from '../../src/manifest/model.js';",
        "import { sleep, type Environment } from '../../src/driver.js';",
        "export const load = () => import('../../src/package/artifact.js');",
        'export const home = process.env.HOME;',
        'export type T = [typeof FnxError, typeof sleep, ResolvedManifest, Environment];',
      ].join('\n'),
    );
    expect(found).toEqual([
      expect.stringMatching(/^1: .*Providers import the core only through src\/driver\.ts/),
      expect.stringMatching(/^2: .*Providers import the core only through src\/driver\.ts/),
      expect.stringMatching(/^4: Providers import the core only through src\/driver\.ts/),
      expect.stringMatching(/^5: .*A driver reads the `env` it is given/),
    ]);
  });

  it('the core may reach providers only through src/registry.ts, and that only the registry', async () => {
    const core = await problems(
      'src/deploy/surface-probe.ts',
      [
        "import { capabilities } from '../../providers/index.js';",
        "import { awsCapabilities } from '../../providers/aws/capabilities.js';",
        "export const load = () => import('../../providers/aws/index.js');",
        "import { loadDriver } from '../registry.js';",
        'export const all = [capabilities, awsCapabilities, loadDriver];',
      ].join('\n'),
    );
    expect(core).toEqual([
      expect.stringMatching(/^1: .*only through src\/registry\.ts/),
      expect.stringMatching(/^2: .*only through src\/registry\.ts/),
      expect.stringMatching(/^3: The core loads drivers only through src\/registry\.ts/),
    ]);
    const registry = await problems('src/registry.ts', "export { capabilities } from '../providers/index.js';\nexport { createDriver } from '../providers/aws/index.js';\n");
    expect(registry).toEqual([expect.stringMatching(/^2: .*only through the registry, providers\/index\.ts/)]);
  });
});
