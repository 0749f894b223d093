/**
 * End to end: the built CLI against the local AWS emulator. Canary and linear releases run for
 * real with FNX_TIME_SCALE=0.001 (a 5-minute canary holds 300 ms); every UpdateAlias the emulator
 * received is asserted in order. Rollback and promote run from a fresh directory holding only the
 * manifest (no .fnx/), as on a new CI runner. Needs `npm run build` first.
 */
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFnx, type CliResult } from '../../helpers/cli.js';
import { startAwsEmulator, type AwsEmulator } from '../../emulators/aws/index.js';

const FN = 'relapp-prod-api';
const ALARM = 'relapp-api-5xx';

function manifest(release: string): string {
  return `service: relapp
providers:
  aws: { region: us-east-1 }
functions:
  api:
    handler: src/api.handler
    release:
${release}
`;
}

const canary = `      strategy: canary
      percent: 10
      wait: 5m
      health:
        alarms: [${ALARM}]`;

const linear = (interval: string) => `      strategy: linear
      step: 25
      interval: ${interval}
      health:
        alarms: [${ALARM}]`;

describe('release end to end against the AWS emulator', () => {
  let aws: AwsEmulator;
  let project: string;
  let codeRevision = 0;

  const fnx = (args: string[], opts: { cwd?: string; interruptWhen?: RegExp } = {}): Promise<CliResult> =>
    runFnx([...args, '--stage', 'prod'], { cwd: opts.cwd ?? project, env: { ...aws.env(), FNX_TIME_SCALE: '0.001' }, timeoutMs: 60_000, ...(opts.interruptWhen ? { interruptWhen: opts.interruptWhen } : {}) });

  /** Changes the function's code so the next deploy publishes a new version. */
  const changeCode = () => writeFile(join(project, 'src/api.js'), `export const handler = async () => ({ statusCode: 200, body: 'v${++codeRevision}' });\n`);

  const alias = () => aws.state.lambda.functions.get(FN)?.aliases.get('live');

  /** UpdateAlias calls as "primary" or "primary+candidate@weight", in order. */
  const aliasUpdates = () =>
    aws.callsTo('lambda', 'UpdateAlias').filter((c) => c.status === 200).map((c) => {
      const input = c.input as { FunctionVersion?: string; RoutingConfig?: { AdditionalVersionWeights?: Record<string, number> } };
      const extra = Object.entries(input.RoutingConfig?.AdditionalVersionWeights ?? {});
      return `${input.FunctionVersion ?? '?'}${extra.map(([v, w]) => `+${v}@${w}`).join('')}`;
    });

  /** A directory with only the manifest: no .fnx/, no build cache, no code. */
  async function freshRunner(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'fnx-fresh-'));
    await cp(join(project, 'fnx.yaml'), join(dir, 'fnx.yaml'));
    await cp(join(project, 'src'), join(dir, 'src'), { recursive: true });
    return dir;
  }

  beforeAll(async () => {
    aws = await startAwsEmulator({ asyncDelayMs: 10 });
    project = await mkdtemp(join(tmpdir(), 'fnx-release-'));
    await writeFile(join(project, 'fnx.yaml'), manifest(canary));
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'relapp', version: '1.0.0', type: 'module' }));
    await mkdir(join(project, 'src'), { recursive: true });
    await changeCode();
    aws.setAlarm(ALARM, 'OK');
    const first = await fnx(['deploy']);
    expect(first.stderr + first.stdout).not.toContain('error');
    expect(first.code).toBe(0);
    expect(alias()?.functionVersion).toBe('1');
  }, 120_000);

  afterAll(async () => {
    await aws?.close();
    if (project) await rm(project, { recursive: true, force: true });
  });

  it('canary 10% for 5m: 10% on the new version, then 100%, one line per step', async () => {
    await changeCode();
    aws.clearCalls();
    const r = await fnx(['deploy']);
    expect(r.code).toBe(0);
    expect(aliasUpdates()).toEqual(['1+2@0.1', '2']);
    expect(alias()).toMatchObject({ functionVersion: '2' });
    expect(Object.keys(alias()?.routingConfig?.AdditionalVersionWeights ?? {})).toEqual([]);
    expect(r.stderr).toContain('api (aws): step 1/2: 10% on 2, 90% on 1; next step in 5m, 5m left');
    // Off a TTY the hold is never silent: a line every minute (of release time) with health so far.
    expect(r.stderr).toContain('api (aws): step 1/2 holding: 10% on 2, 90% on 1; health: 5 checks passed (last: alarm OK); next step in 4m, 4m left');
    expect(r.stderr).toContain('api (aws): step 1/2 holding: 10% on 2, 90% on 1; health: 17 checks passed (last: alarm OK); next step in 1m, 1m left');
  });

  it('an alarm in ALARM during the canary: traffic back on the previous version, exit 3', async () => {
    await changeCode();
    aws.clearCalls();
    const deploying = fnx(['deploy']);
    // The alarm goes off once 10% of traffic is on the new version (the hold lasts 300 ms).
    while (aliasUpdates().length === 0) await new Promise((done) => setTimeout(done, 5));
    aws.setAlarm(ALARM, 'ALARM', 'Threshold Crossed');
    const r = await deploying;
    aws.setAlarm(ALARM, 'OK');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`alarm ${ALARM} in ALARM state`);
    expect(aliasUpdates()).toEqual(['2+3@0.1', '2']);
    expect(alias()?.functionVersion).toBe('2');
    expect(Object.keys(alias()?.routingConfig?.AdditionalVersionWeights ?? {})).toEqual([]);
  });

  it('rollback from a fresh directory moves the alias to the release before the live one', async () => {
    const dir = await freshRunner();
    aws.clearCalls();
    const r = await fnx(['rollback', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, functions: [{ function: 'api', action: 'rolled-back', from: '2', to: '1' }] });
    expect(aliasUpdates()).toEqual(['1']);
    await rm(dir, { recursive: true, force: true });
  });

  it('deploy --no-wait starts the canary; promote from a fresh directory finishes it', async () => {
    await changeCode();
    aws.clearCalls();
    const started = await fnx(['deploy', '--no-wait']);
    expect(started.code).toBe(0);
    const version = alias()?.routingConfig ? Object.keys(alias()?.routingConfig?.AdditionalVersionWeights ?? {})[0] : undefined;
    expect(version).toBeDefined();
    expect(alias()?.routingConfig?.AdditionalVersionWeights).toEqual({ [version as string]: 0.1 });
    const dir = await freshRunner();
    const r = await fnx(['promote'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/api \(aws\): step 1\/2 \(continued\): 10% on \d+, 90% on \d+; next step in /);
    expect(r.stderr).toMatch(/api \(aws\): step 1\/2 holding: 10% on \d+, 90% on \d+; health: \d+ checks passed \(last: alarm OK\); next step in /);
    expect(alias()?.functionVersion).toBe(version);
    expect(Object.keys(alias()?.routingConfig?.AdditionalVersionWeights ?? {})).toEqual([]);
    const again = await fnx(['promote'], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing to promote');
    await rm(dir, { recursive: true, force: true });
  });

  it('--no-wait then rollback from a fresh directory aborts the release in progress', async () => {
    await changeCode();
    const live = alias()?.functionVersion;
    const started = await fnx(['deploy', '--no-wait']);
    expect(started.code).toBe(0);
    const dir = await freshRunner();
    aws.clearCalls();
    const r = await fnx(['rollback'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(aliasUpdates()).toEqual([live]);
    expect(alias()?.functionVersion).toBe(live);
    expect(Object.keys(alias()?.routingConfig?.AdditionalVersionWeights ?? {})).toEqual([]);
    await rm(dir, { recursive: true, force: true });
  });

  it('linear 25% steps, every alias update in order; Ctrl-C mid-release rolls back (exit 130)', async () => {
    await writeFile(join(project, 'fnx.yaml'), manifest(linear('1m')));
    await changeCode();
    const live = alias()?.functionVersion as string;
    aws.clearCalls();
    const done = await fnx(['deploy']);
    expect(done.code).toBe(0);
    const v = alias()?.functionVersion as string;
    expect(aliasUpdates()).toEqual([`${live}+${v}@0.25`, `${live}+${v}@0.5`, `${live}+${v}@0.75`, v]);

    // 10m holds (600 ms scaled): the interrupt lands while step 2 is held.
    await writeFile(join(project, 'fnx.yaml'), manifest(linear('10m')));
    await changeCode();
    aws.clearCalls();
    const r = await fnx(['deploy'], { interruptWhen: /step 2\/4/ });
    expect(r.code).toBe(130);
    expect(alias()?.functionVersion).toBe(v);
    expect(Object.keys(alias()?.routingConfig?.AdditionalVersionWeights ?? {})).toEqual([]);
    expect(aliasUpdates().at(-1)).toBe(v);
  });
  it('Ctrl-C with --keep-on-interrupt leaves the weights; promote --now from a fresh directory finishes', async () => {
    await writeFile(join(project, 'fnx.yaml'), manifest(linear('10m')));
    await changeCode();
    const live = alias()?.functionVersion as string;
    const r = await fnx(['deploy', '--keep-on-interrupt'], { interruptWhen: /step 2\/4/ });
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('fnx promote --stage prod');
    const candidate = Object.keys(alias()?.routingConfig?.AdditionalVersionWeights ?? {})[0] as string;
    expect(alias()).toMatchObject({ functionVersion: live, routingConfig: { AdditionalVersionWeights: { [candidate]: 0.5 } } });
    const dir = await freshRunner();
    aws.clearCalls();
    const p = await fnx(['promote', '--now', '--json'], { cwd: dir });
    expect(p.code).toBe(0);
    expect(JSON.parse(p.stdout)).toMatchObject({ ok: true, promoted: [{ function: 'api', status: 'live', version: candidate, previous: live }] });
    expect(aliasUpdates()).toEqual([candidate]);
    await rm(dir, { recursive: true, force: true });
  });
});
