/**
 * End to end (issue: "Ctrl-C, then 'Deploy again to release it', releases nothing and exits 0"):
 * what an unchanged deploy does with the manifest's version after it was rolled back, by why.
 * Interrupted deploys and promotes are released again; a release rolled back by a failed gate is
 * not, and the deploy exits 3 saying which version, when and why, until --release-rolled-back.
 * `fnx status` shows the same why. Needs `npm run build` first.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFnx, type CliResult } from '../../helpers/cli.js';
import { startAwsEmulator, type AwsEmulator } from '../../emulators/aws/index.js';

const FN = 'againapp-prod-api';
const ALARM = 'againapp-api-5xx';

describe('deploying again after a rollback, against the AWS emulator', () => {
  let aws: AwsEmulator;
  let project: string;
  let codeRevision = 0;

  const fnx = (args: string[], opts: { interruptWhen?: RegExp } = {}): Promise<CliResult> =>
    runFnx([...args, '--stage', 'prod'], { cwd: project, env: { ...aws.env(), FNX_TIME_SCALE: '0.001' }, timeoutMs: 60_000, ...opts });
  const changeCode = () => writeFile(join(project, 'src/api.js'), `export const handler = async () => ({ statusCode: 200, body: 'v${++codeRevision}' });\n`);
  const live = () => aws.state.lambda.functions.get(FN)?.aliases.get('live')?.functionVersion;
  const weighted = () => Object.keys(aws.state.lambda.functions.get(FN)?.aliases.get('live')?.routingConfig?.AdditionalVersionWeights ?? {});

  beforeAll(async () => {
    aws = await startAwsEmulator({ asyncDelayMs: 10 });
    project = await mkdtemp(join(tmpdir(), 'fnx-again-'));
    await writeFile(
      join(project, 'fnx.yaml'),
      `service: againapp\nproviders:\n  aws: { region: us-east-1 }\nfunctions:\n  api:\n    handler: src/api.handler\n    release: { strategy: canary, percent: 10, wait: 5m, health: { alarms: [${ALARM}] } }\n`,
    );
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'againapp', version: '1.0.0', type: 'module' }));
    await mkdir(join(project, 'src'), { recursive: true });
    aws.setAlarm(ALARM, 'OK');
    await changeCode();
    const first = await fnx(['deploy']);
    expect(first.code, first.stderr).toBe(0);
    expect(live()).toBe('1');
  }, 120_000);

  afterAll(async () => {
    await aws?.close();
    if (project) await rm(project, { recursive: true, force: true });
  });

  it('Ctrl-C during the canary, then "Deploy again to release it": the next deploy releases the edited code (exit 0)', async () => {
    await changeCode();
    const interrupted = await fnx(['deploy'], { interruptWhen: /step 1\/2: 10% on 2/ });
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toContain('Deploy again to release it');
    expect(live()).toBe('1');

    const status = await fnx(['status']);
    expect(status.stdout).toMatch(/version 2 +rolled-back .*\(its release was interrupted; a deploy of the same code releases it again\)/);

    const again = await fnx(['deploy']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/api \(aws\): releasing 2 again: 2 was rolled back at \S+ \(its release was interrupted\)/);
    expect(again.stdout).not.toContain('unchanged');
    expect(live()).toBe('2');
    expect(weighted()).toEqual([]);
  });

  it('an interrupted `fnx promote`: the next deploy releases the version again', async () => {
    await changeCode();
    const started = await fnx(['deploy', '--no-wait']);
    expect(started.code, started.stderr).toBe(0);
    expect(weighted()).toEqual(['3']);
    const promote = await fnx(['promote'], { interruptWhen: /step 1\/2 \(continued\)/ });
    expect(promote.code).toBe(130);
    expect(live()).toBe('2');
    expect(weighted()).toEqual([]);

    const again = await fnx(['deploy']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/releasing 3 again: 3 was rolled back at \S+ \(its release was interrupted\)/);
    expect(live()).toBe('3');
  });

  it('rolled back by a failed gate: the next deploy does not release it, exits 3 with which version, when and why; --release-rolled-back releases it', async () => {
    await changeCode();
    aws.clearCalls();
    const deploying = fnx(['deploy']);
    while (weighted().length === 0) await new Promise((done) => setTimeout(done, 5));
    aws.setAlarm(ALARM, 'ALARM', 'Threshold Crossed');
    const failed = await deploying;
    aws.setAlarm(ALARM, 'OK');
    expect(failed.code).toBe(3);
    expect(live()).toBe('3');

    aws.clearCalls();
    const again = await fnx(['deploy']);
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(
      /error \[E_RELEASE_HELD_BACK\] Not released: the manifest's code is a version that was rolled back before, and it is not live:\n {2}api \(aws\): 4 was rolled back at \S+ \(a health gate or hook failed: alarm againapp-api-5xx in ALARM state\); 3 is live/,
    );
    expect(again.stderr).toContain('release version 4 as it is with `fnx deploy --stage prod --release-rolled-back`');
    expect(again.stdout).toMatch(/api +aws +4 +3 +not-released/);
    expect(aws.writeCalls()).toEqual([]);
    expect(live()).toBe('3');

    const json = await fnx(['deploy', '--json']);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      error: { code: 'E_RELEASE_HELD_BACK', exitCode: 3, details: { providers: [{ outcomes: [{ function: 'api', status: 'not-released', version: '4', previous: '3', rolledBack: { version: '4', cause: 'failed' } }] }] } },
    });

    const status = await fnx(['status']);
    expect(status.stdout).toContain('last release rolled back: 4 -> 3');
    expect(status.stdout).toMatch(/version 4 +rolled-back .*\(a health gate or hook failed; a deploy of the same code stops with exit 3 unless --release-rolled-back\)/);

    const anyway = await fnx(['deploy', '--release-rolled-back']);
    expect(anyway.code, anyway.stderr).toBe(0);
    expect(anyway.stderr).toContain('api (aws): releasing 4 again (--release-rolled-back): 4 was rolled back at');
    expect(live()).toBe('4');
  });
});
