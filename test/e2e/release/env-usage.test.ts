/**
 * End to end: fnx's own environment variables are checked before the first cloud call. A bad
 * value exits 2 naming the variable, and the emulator received no request at all (nothing was
 * published, no traffic moved). Needs `npm run build` first.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFnx, type CliResult } from '../../helpers/cli.js';
import { startAwsEmulator, type AwsEmulator } from '../../emulators/aws/index.js';

const FN = 'envapp-prod-api';

describe('bad environment variables change nothing', () => {
  let aws: AwsEmulator;
  let project: string;
  let codeRevision = 0;

  const fnx = (args: string[], env: Record<string, string> = {}, stage: string[] = ['--stage', 'prod']): Promise<CliResult> =>
    runFnx([...args, ...stage], { cwd: project, env: { ...aws.env(), ...env }, timeoutMs: 60_000 });
  const changeCode = () => writeFile(join(project, 'src/api.js'), `export const handler = async () => ({ statusCode: 200, body: 'v${++codeRevision}' });\n`);
  const versions = () => [...(aws.state.lambda.functions.get(FN)?.versions.keys() ?? [])];

  beforeAll(async () => {
    aws = await startAwsEmulator({ asyncDelayMs: 10 });
    project = await mkdtemp(join(tmpdir(), 'fnx-env-'));
    await writeFile(
      join(project, 'fnx.yaml'),
      'service: envapp\nproviders:\n  aws: { region: us-east-1 }\nfunctions:\n  api:\n    handler: src/api.handler\n    release: { strategy: canary, percent: 10, wait: 5m }\n',
    );
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'envapp', version: '1.0.0', type: 'module' }));
    await mkdir(join(project, 'src'), { recursive: true });
    await changeCode();
    const first = await fnx(['deploy']);
    expect(first.code, first.stderr).toBe(0);
    await changeCode();
  }, 120_000);

  afterAll(async () => {
    await aws?.close();
    if (project) await rm(project, { recursive: true, force: true });
  });

  const cases: [string, string[], Record<string, string>, string, string[]?][] = [
    ['FNX_TIME_SCALE=abc fnx deploy', ['deploy'], { FNX_TIME_SCALE: 'abc' }, 'E_USAGE_TIME_SCALE] FNX_TIME_SCALE must be a positive number, got "abc". Nothing was changed.'],
    ['FNX_TIME_SCALE=0 fnx promote', ['promote'], { FNX_TIME_SCALE: '0' }, 'FNX_TIME_SCALE must be a positive number, got "0"'],
    ['FNX_TIME_SCALE=-1 fnx rollback', ['rollback'], { FNX_TIME_SCALE: '-1' }, 'FNX_TIME_SCALE must be a positive number, got "-1"'],
    ['FNX_AWS_WAITER_DELAY_MS=fast fnx deploy', ['deploy'], { FNX_AWS_WAITER_DELAY_MS: 'fast' }, 'E_USAGE_AWS_WAITER_DELAY] FNX_AWS_WAITER_DELAY_MS must be a positive number, got "fast". Nothing was changed.'],
    ['FNX_AWS_DIRECT_UPLOAD_BYTES=1MB fnx deploy', ['deploy'], { FNX_AWS_DIRECT_UPLOAD_BYTES: '1MB' }, 'FNX_AWS_DIRECT_UPLOAD_BYTES must be a positive number, got "1MB"'],
    ['FNX_STAGE=Prod fnx deploy', ['deploy'], { FNX_STAGE: 'Prod' }, 'E_USAGE_FNX_STAGE] FNX_STAGE="Prod" is not a valid stage name. Nothing was changed.', []],
  ];
  for (const [title, args, env, message, stage] of cases) {
    it(`${title}: exit 2, the variable named, no cloud call`, async () => {
      aws.clearCalls();
      const before = versions();
      const r = await fnx(args, env, stage);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr).toMatch(/hint: .+/);
      expect(aws.calls).toEqual([]);
      expect(versions()).toEqual(before);
    });
  }

  it('an empty FNX_TIME_SCALE means unset: the deploy releases', async () => {
    const r = await fnx(['deploy'], { FNX_TIME_SCALE: '' }, ['--stage', 'prod', '--no-wait']);
    expect(r.code, r.stderr).toBe(0);
    expect(versions()).toContain('2');
  });
});
