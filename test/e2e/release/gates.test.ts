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
    aws.recordMetrics(FN, nextVersion(), { invocations: 100, errors: 20 }, { alias: 'live', time: Date.now() + 5_000 });
    await deployExpectingRollback(/error rate 20% \(20 errors \/ 100 invocations\) above 5%/);
  });

  it('error rate under the threshold: the canary goes live', async () => {
    await writeFile(join(project, 'fnx.yaml'), manifest('        errorRate: 5%'));
    const next = nextVersion();
    aws.recordMetrics(FN, next, { invocations: 100, errors: 1 }, { alias: 'live', time: Date.now() + 5_000 });
    await changeCode();
    const r = await fnx(['deploy']);
    expect(r.code).toBe(0);
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
