/**
 * `fnx deploy --json` whose release is rolled back automatically: exactly one JSON document on
 * stdout (ok:false, the error with every outcome's reason), exit 3. Needs `npm run build` first.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFnx, type CliResult } from '../../helpers/cli.js';
import { startAwsEmulator, type AwsEmulator } from '../../emulators/aws/index.js';

const MANIFEST = `service: jsonrel
providers:
  aws: { region: us-east-1 }
functions:
  api:
    handler: src/api.handler
    release: { strategy: canary, percent: 10, wait: 5m, health: { alarms: [missing-alarm] } }
`;

describe('deploy --json with an automatic rollback', () => {
  let aws: AwsEmulator;
  let project: string;
  const fnx = (args: string[]): Promise<CliResult> =>
    runFnx([...args, '--stage', 'prod'], { cwd: project, env: { ...aws.env(), FNX_TIME_SCALE: '0.001' }, timeoutMs: 60_000 });
  const code = (body: string) => writeFile(join(project, 'src/api.js'), `export const handler = async () => ({ statusCode: 200, body: '${body}' });\n`);

  beforeAll(async () => {
    aws = await startAwsEmulator({ asyncDelayMs: 10 });
    project = await mkdtemp(join(tmpdir(), 'fnx-json-rel-'));
    await writeFile(join(project, 'fnx.yaml'), MANIFEST);
    await mkdir(join(project, 'src'));
    await code('v1');
    expect((await fnx(['deploy'])).code).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await aws?.close();
    if (project) await rm(project, { recursive: true, force: true });
  });

  it('prints one document: ok false, exit 3, the reason of each outcome', async () => {
    await code('v2');
    const r = await fnx(['deploy', '--json']);
    expect(r.code, r.stderr).toBe(3);
    const doc = JSON.parse(r.stdout) as { ok: boolean; error: { code: string; exitCode: number; details: { deployId: string; providers: { outcomes: { function: string; status: string; reason: string }[] }[] } } };
    expect(doc.ok).toBe(false);
    expect(doc.error).toMatchObject({ code: 'E_RELEASE_ROLLED_BACK', exitCode: 3 });
    expect(doc.error.details.deployId).toMatch(/\w+/);
    expect(doc.error.details.providers[0]?.outcomes).toEqual([
      expect.objectContaining({ function: 'api', status: 'rolled-back', reason: expect.stringContaining('alarm missing-alarm not found') }),
    ]);
  });
});
