import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFnx } from '../helpers/cli.js';

describe('--provider and --function mean the same in every command', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fnx-select-'));
    await mkdir(join(dir, 'src'));
    await writeFile(join(dir, 'src/handler.js'), 'export const handler = async () => ({ statusCode: 200 });\n');
    await writeFile(
      join(dir, 'fnx.yaml'),
      'service: sel\nproviders:\n  aws: { region: us-east-1 }\n  gcp: { project: sel-project, region: europe-west1 }\nfunctions:\n  api:\n    handler: src/handler.handler\n    providers: [aws]\n',
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  for (const command of ['plan', 'deploy', 'status', 'remove', 'rollback', 'promote']) {
    it(`${command}: a provider no function uses is one usage error, before any cloud call`, async () => {
      const r = await runFnx([command, '--stage', 'dev', '--provider', 'gcp', ...(command === 'remove' ? ['--yes'] : [])], {
        cwd: dir,
        env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' },
      });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('[E_USAGE_PROVIDER] Provider not configured for any function: gcp.');
    });

  }

  for (const command of ['package', 'plan', 'deploy', 'rollback', 'promote']) {
    it(`${command}: an unknown function is one usage error`, async () => {
      const r = await runFnx([command, '--stage', 'dev', '--function', 'apj'], {
        cwd: dir,
        env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' },
      });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('[E_USAGE_FUNCTION] Unknown function: apj.');
    });
  }
});
