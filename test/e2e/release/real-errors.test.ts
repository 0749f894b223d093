/**
 * End to end: a canary whose new code throws is rolled back by the error-rate gate because real
 * invocations failed. The emulator runs the deployed code; this test sends traffic to the API
 * route while `fnx deploy` holds the canary, so the errors the gate reads are the handler's own.
 * Needs `npm run build` first.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFnx } from '../../helpers/cli.js';
import { startAwsEmulator, type AwsEmulator } from '../../emulators/aws/index.js';

const FN = 'real-prod-api';

const MANIFEST = `service: real
providers:
  aws: { region: us-east-1 }
functions:
  api:
    handler: src/api.handler
    triggers:
      - http: { method: GET, path: /hello }
    release:
      strategy: canary
      percent: 25
      wait: 5m
      health:
        errorRate: 5%
`;

const code = (body: string) => `export const handler = async () => { ${body} };\n`;

describe('a canary of a throwing version against the AWS emulator running the code', () => {
  let aws: AwsEmulator;
  let project: string;
  // FNX_TIME_SCALE 0.01: the 5-minute canary holds 3 s, time for real traffic to reach the candidate.
  const deploy = () => runFnx(['deploy', '--stage', 'prod'], { cwd: project, env: { ...aws.env(), FNX_TIME_SCALE: '0.01' }, timeoutMs: 90_000 });
  const alias = () => aws.state.lambda.functions.get(FN)?.aliases.get('live');

  beforeAll(async () => {
    aws = await startAwsEmulator({ asyncDelayMs: 10, routingSeed: 3 });
    project = await mkdtemp(join(tmpdir(), 'fnx-real-errors-'));
    await mkdir(join(project, 'src'));
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'real', type: 'module' }));
    await writeFile(join(project, 'fnx.yaml'), MANIFEST);
    await writeFile(join(project, 'src/api.js'), code("return { statusCode: 200, body: 'v1' };"));
    const first = await deploy();
    expect(first.code, first.stderr).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await aws?.close();
    if (project) await rm(project, { recursive: true, force: true });
  });

  it('the error-rate gate sees the failed invocations of the new version: rolled back, exit 3', async () => {
    await writeFile(join(project, 'src/api.js'), code("throw new Error('database unreachable');"));
    const api = [...aws.state.apigateway.apis.values()][0];
    const url = `${aws.url}/_apigw/${api?.apiId}/hello`;
    const running = deploy();
    let done = false;
    void running.then(() => (done = true));
    const answers: number[] = [];
    while (!done) answers.push((await fetch(url)).status);
    const r = await running;
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/error rate 100% \(\d+ errors \/ \d+ invocations\) above 5%/);
    expect(alias()?.functionVersion).toBe('1');
    expect(alias()?.routingConfig).toBeUndefined();
    // Both versions served during the canary: the candidate's requests failed (500), the others did not.
    expect(answers).toContain(500);
    expect(answers).toContain(200);
    const metrics = aws.state.cloudwatch.metrics.filter((m) => m.functionName === FN && m.executedVersion === '2');
    expect(metrics.length).toBeGreaterThan(0);
    expect(metrics.every((m) => m.errors === 1)).toBe(true);
  });
});
