/**
 * End to end: health gates and hooks through the built CLI against the local AWS emulator —
 * error rate from CloudWatch metrics of the new version, an HTTP probe through the function's own
 * API route, and a failing preTraffic hook. Each failure exits 3 with the alias back on the
 * previous version. Needs `npm run build` first.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFnx, type CliResult } from '../../helpers/cli.js';
import { startAwsEmulator, type AwsEmulator } from '../../emulators/aws/index.js';

const FN = 'gates-prod-api';

function manifest(health: string, hooks = ''): string {
  return `service: gates
providers:
  aws: { region: us-east-1 }
functions:
  api:
    handler: src/api.handler
    triggers:
      - http: { method: GET, path: /hello }
    release:
      strategy: canary
      percent: 10
      wait: 5m
      health:
${health}
${hooks}
  smoke:
    handler: src/smoke.handler
`;
}

describe('release gates end to end against the AWS emulator', () => {
  let aws: AwsEmulator;
  let project: string;
  let rev = 0;
  let httpStatus = 200;
  let smokeFails = false;

  const fnx = (args: string[]): Promise<CliResult> =>
    runFnx([...args, '--stage', 'prod'], { cwd: project, env: { ...aws.env(), FNX_TIME_SCALE: '0.001' }, timeoutMs: 60_000 });
  const changeCode = () => writeFile(join(project, 'src/api.js'), `export const handler = async () => ({ statusCode: 200, body: 'v${++rev}' });\n`);
  const alias = () => aws.state.lambda.functions.get(FN)?.aliases.get('live');
  const nextVersion = () => String(aws.state.lambda.functions.get(FN)?.nextVersion);
  const weights = () => Object.keys(alias()?.routingConfig?.AdditionalVersionWeights ?? {});

  /**
   * Records the metrics of `version` as soon as the canary gives it a share, so that they fall in
   * the gate's window (which ends an hour ahead) however long the deploy took to get there: a
   * fixed offset from the start of the test does not, on a loaded machine.
   */
  async function recordWhenCanaryStarts(version: string, counts: { invocations: number; errors: number }): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (!weights().includes(version)) {
      if (Date.now() > deadline) throw new Error(`the canary never gave version ${version} a share`);
      await new Promise((r) => setTimeout(r, 5));
    }
    // A little ahead: the gate's window opens when the CLI has the shift's answer, just after the emulator applied it.
    aws.recordMetrics(FN, version, counts, { alias: 'live', time: Date.now() + 5_000 });
  }

  async function deployExpectingRollback(reason: string | RegExp): Promise<void> {
    await changeCode();
    const live = alias()?.functionVersion;
    const r = await fnx(['deploy']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(reason);
    expect(alias()?.functionVersion).toBe(live);
    expect(weights()).toEqual([]);
  }

  beforeAll(async () => {
    aws = await startAwsEmulator({
      asyncDelayMs: 10,
      invokeHandler: (name, _version, _payload, ctx) => {
        if (name === 'gates-prod-smoke' && smokeFails) throw new Error('smoke test: GET /hello answered 502');
        if (ctx.source === 'http') return { statusCode: httpStatus, body: 'hi' };
        return { ok: true };
      },
    });
    project = await mkdtemp(join(tmpdir(), 'fnx-gates-'));
    await mkdir(join(project, 'src'), { recursive: true });
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'gates', version: '1.0.0', type: 'module' }));
    await writeFile(join(project, 'src/smoke.js'), 'export const handler = async () => ({ ok: true });\n');
    await writeFile(join(project, 'fnx.yaml'), manifest('        alarms: []'));
    await changeCode();
    const first = await fnx(['deploy']);
    expect(first.code).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await aws?.close();
    if (project) await rm(project, { recursive: true, force: true });
  });

  it('error rate of the new version above the threshold: rolled back, exit 3', async () => {
    await writeFile(join(project, 'fnx.yaml'), manifest('        errorRate: 5%'));
    const recorded = recordWhenCanaryStarts(nextVersion(), { invocations: 100, errors: 20 });
    await deployExpectingRollback(/error rate 20% \(20 errors \/ 100 invocations\) above 5%/);
    await recorded;
  });

  it('error rate under the threshold: the canary goes live', async () => {
    await writeFile(join(project, 'fnx.yaml'), manifest('        errorRate: 5%'));
    const next = nextVersion();
    const recorded = recordWhenCanaryStarts(next, { invocations: 100, errors: 1 });
    await changeCode();
    const r = await fnx(['deploy']);
    expect(r.code).toBe(0);
    await recorded;
    expect(alias()?.functionVersion).toBe(next);
  });

  it('an alarm gate naming an alarm that does not exist fails instead of passing silently: rolled back, exit 3', async () => {
    await writeFile(join(project, 'fnx.yaml'), manifest('        alarms: [no-such-alarm]'));
    await deployExpectingRollback(/alarm no-such-alarm not found \(check the name and the region\)/);
  });

  it('HTTP probe through the function own route answering 500: rolled back, exit 3', async () => {
    await writeFile(join(project, 'fnx.yaml'), manifest('        http: { path: /hello, expect: 200 }'));
    httpStatus = 500;
    try {
      await deployExpectingRollback(/HTTP probe GET http:\/\/127\.0\.0\.1:\d+\/_apigw\/[^/]+\/hello returned 500, expected 200/);
    } finally {
      httpStatus = 200;
    }
  });

  it('a failing preTraffic hook: no traffic moved, exit 3', async () => {
    await writeFile(join(project, 'fnx.yaml'), manifest('        alarms: []', '      hooks: { preTraffic: smoke }'));
    smokeFails = true;
    aws.clearCalls();
    try {
      await deployExpectingRollback(/preTraffic hook smoke failed: smoke test: GET \/hello answered 502/);
    } finally {
      smokeFails = false;
    }
    // The only write to the api alias records the rollback; no weight was ever set.
    const updates = aws.callsTo('lambda', 'UpdateAlias').filter((c) => String(c.input.FunctionName).endsWith('-api'));
    expect(updates.map((c) => Object.keys((c.input.RoutingConfig as { AdditionalVersionWeights?: object } | undefined)?.AdditionalVersionWeights ?? {}).length)).toEqual([0]);
  });

  it('an alarm already firing before the first step: no traffic reaches the new version, exit 3', async () => {
    await writeFile(join(project, 'fnx.yaml'), manifest('        alarms: [gates-already-firing]'));
    aws.setAlarm('gates-already-firing', 'ALARM', 'Threshold Crossed');
    aws.clearCalls();
    try {
      await deployExpectingRollback(/alarm gates-already-firing in ALARM state/);
    } finally {
      aws.setAlarm('gates-already-firing', 'OK');
    }
    const updates = aws.callsTo('lambda', 'UpdateAlias').filter((c) => String(c.input.FunctionName).endsWith('-api'));
    expect(updates.map((c) => Object.keys((c.input.RoutingConfig as { AdditionalVersionWeights?: object } | undefined)?.AdditionalVersionWeights ?? {}).length)).toEqual([0]);
  });
});
