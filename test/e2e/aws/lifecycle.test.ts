/**
 * End to end: the built CLI against the in-process AWS emulator, through a project's life:
 * first deploy, unchanged redeploy (zero writes), code change, config-only change, triggers
 * added and removed, layer change, status, and remove. Needs `npm run build` first.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsEmulator } from '../../emulators/aws/index.js';
import { FOREIGN_FUNCTION, fnx, newProject, shopFiles, startWorld, writeProject } from './world.js';

describe('aws: deploy lifecycle against the emulator', () => {
  let aws: AwsEmulator;
  let dir: string;
  const run = (args: string[]) => fnx(aws, dir, [...args, '--stage', 'dev']);
  const fn = (name: string) => aws.state.lambda.functions.get(`shop-dev-${name}`);
  const live = (name: string) => fn(name)?.aliases.get('live');
  const writes = () => aws.writeCalls().map((c) => c.operation);

  beforeAll(async () => {
    aws = await startWorld();
    dir = await newProject(shopFiles());
  });
  afterAll(() => aws?.close());

  it('first deploy creates functions, versions, alias, role, log group, layer and every trigger', async () => {
    const r = await run(['deploy']);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('aws: shop-dev is not deployed yet');
    expect(r.stderr).not.toContain('0 functions');
    expect(r.stdout).toMatch(/api\s+aws\s+1\s+-\s+live\s+http:\/\/127\.0\.0\.1:\d+\/_apigw\/\w+\/hello/);

    const api = fn('api')!;
    expect(api.tags).toMatchObject({ 'fnx:service': 'shop', 'fnx:stage': 'dev', 'fnx:function': 'api' });
    // api sets `events: native`: Lambda calls its handler directly, with no entry adapter.
    expect(api.latest.config).toMatchObject({ Runtime: 'nodejs22.x', Handler: 'src/api.handler', MemorySize: 256 });
    expect(api.latest.config.Environment?.Variables).toEqual({
      GREETING: 'hello',
      DB_PASSWORD_SECRET_ARN: `arn:aws:secretsmanager:us-east-1:${aws.accountId}:secret:shop/db-password`,
    });
    expect(api.latest.config.Layers).toEqual([expect.stringMatching(/:layer:shop-dev-shared:1$/)]);
    expect(live('api')?.functionVersion).toBe('1');
    expect(JSON.parse(api.versions.get('1')!.description)).toMatchObject({ fnx: 1, d: expect.any(String), t: expect.any(String) });
    expect(JSON.parse(live('api')!.description)).toMatchObject({ v: '1', st: 'all-at-once' });

    const role = aws.state.iam.roles.get('shop-dev-api-role')!;
    expect(api.latest.config.Role).toBe(role.Arn);
    const policy = JSON.parse(decodeURIComponent(role.inlinePolicies.get('fnx')!)) as { Statement: { Sid: string; Resource: string[] }[] };
    expect(policy.Statement.map((s) => s.Sid)).toEqual(['Logs', 'Secrets']);
    expect(policy.Statement[1]!.Resource).toContain(`arn:aws:secretsmanager:us-east-1:${aws.accountId}:secret:shop/db-password-??????`);
    const workerPolicy = JSON.parse(decodeURIComponent(aws.state.iam.roles.get('shop-dev-worker-role')!.inlinePolicies.get('fnx')!)) as { Statement: { Sid: string; Resource: string[] }[] };
    expect(workerPolicy.Statement.find((s) => s.Sid === 'QueueTriggers')?.Resource).toEqual([`arn:aws:sqs:us-east-1:${aws.accountId}:jobs`]);
    expect(aws.state.logs.groups.get('/aws/lambda/shop-dev-api')?.retentionInDays).toBe(14);

    const rule = [...aws.state.events.rules.values()].find((x) => x.Name.startsWith('shop-dev-api-'))!;
    expect(rule.ScheduleExpression).toBe('cron(0 2 * * ? *)');
    expect([...rule.targets.values()].map((t) => t.Arn)).toEqual([`arn:aws:lambda:us-east-1:${aws.accountId}:function:shop-dev-api:live`]);
    const httpApi = [...aws.state.apigateway.apis.values()][0]!;
    expect([...httpApi.routes.values()].map((x) => x.routeKey)).toEqual(['GET /hello']);
    expect([...httpApi.stages.keys()]).toEqual(['$default']);
    expect(fn('api')!.policies.get('live')?.statements.map((s) => s.Sid).sort()).toEqual(['fnx-http', expect.stringMatching(/^fnx-events-/)].sort());

    const worker = fn('worker')!;
    expect(worker.reservedConcurrency).toBe(5);
    expect(worker.provisioned.get('live')?.requested).toBe(1);
    const mapping = [...aws.state.lambda.eventSourceMappings.values()][0]!;
    expect(mapping.functionArn).toMatch(/shop-dev-worker:live$/);
    // worker gets neutral events: Lambda runs fnx's entry adapter, which answers a batch with
    // batchItemFailures, read by Lambda only with this response type.
    expect(worker.latest.config.Handler).toBe('fnx_entry/worker.handler');
    expect(mapping.functionResponseTypes).toEqual(['ReportBatchItemFailures']);
    const bucket = aws.state.s3.buckets.get('uploads')!;
    expect(bucket.notifications.queue.map((q) => q.Id)).toEqual(['someone-else']);
    expect(bucket.notifications.lambda).toEqual([expect.objectContaining({ Arn: expect.stringMatching(/shop-dev-worker:live$/), Events: ['s3:ObjectCreated:*'], FilterRules: [{ Name: 'Prefix', Value: 'in/' }] })]);
    expect([...aws.state.sns.topics.get(`arn:aws:sns:us-east-1:${aws.accountId}:events`)!.subscriptions.values()].map((s) => s.endpoint)).toEqual([
      expect.stringMatching(/shop-dev-worker:live$/),
    ]);
  });

  it('a second deploy with nothing changed makes zero write calls', async () => {
    aws.clearCalls();
    const r = await run(['deploy']);
    expect(r.code, r.stderr).toBe(0);
    expect(writes()).toEqual([]);
    expect(r.stderr).toContain('aws: shop-dev has 2 functions deployed now');
    expect(aws.calls.length).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/api\s+aws\s+1\s+1\s+unchanged/);
  });

  it('a code change uploads only that function, publishes a new version and moves the alias', async () => {
    await writeFile(join(dir, 'src/api.js'), 'export const handler = async () => ({ statusCode: 200, body: "v2" });\n');
    aws.clearCalls();
    const r = await run(['deploy']);
    expect(r.code, r.stderr).toBe(0);
    expect(live('api')?.functionVersion).toBe('2');
    expect(live('worker')?.functionVersion).toBe('1');
    expect(aws.callsTo('lambda', 'UpdateFunctionCode').map((c) => c.input.FunctionName)).toEqual(['shop-dev-api']);
    expect(aws.callsTo('lambda', 'UpdateFunctionConfiguration')).toEqual([]);
    expect(writes().sort()).toEqual(['PublishVersion', 'UpdateAlias', 'UpdateFunctionCode']);
    expect(JSON.parse(live('api')!.description)).toMatchObject({ v: '2', p: '1' });
  });

  it('a config-only change writes configuration (no code upload) and publishes a new version', async () => {
    const files = shopFiles();
    await writeProject(dir, { 'fnx.yaml': files['fnx.yaml']!.replace('memory: 256', 'memory: 512') });
    const plan = await run(['plan']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/~ update\s+config\s+shop-dev-api/);
    expect(plan.stdout).toContain('memory: 256 -> 512');
    aws.clearCalls();
    const r = await run(['deploy']);
    expect(r.code, r.stderr).toBe(0);
    expect(aws.callsTo('lambda', 'UpdateFunctionCode')).toEqual([]);
    expect(aws.callsTo('lambda', 'UpdateFunctionConfiguration').map((c) => c.input.MemorySize)).toEqual([512]);
    expect(fn('api')!.latest.config.MemorySize).toBe(512);
    expect(live('api')?.functionVersion).toBe('3');
  });

  it('adding a trigger creates it and removing one deletes it from AWS', async () => {
    const base = shopFiles()['fnx.yaml']!.replace('memory: 256', 'memory: 512');
    const withPost = base.replace('      - http: { method: GET, path: /hello }\n', '      - http: { method: GET, path: /hello }\n      - http: { method: POST, path: /orders }\n');
    const withoutSchedule = withPost.replace('      - schedule: { cron: "0 2 * * *" }\n', '');
    await writeProject(dir, { 'fnx.yaml': withoutSchedule });
    const r = await run(['deploy']);
    expect(r.code, r.stderr).toBe(0);
    const httpApi = [...aws.state.apigateway.apis.values()][0]!;
    expect([...httpApi.routes.values()].map((x) => x.routeKey).sort()).toEqual(['GET /hello', 'POST /orders']);
    expect([...aws.state.events.rules.values()].filter((x) => x.Name.startsWith('shop-dev-'))).toEqual([]);
    expect(fn('api')!.policies.get('live')?.statements.map((s) => s.Sid)).toEqual(['fnx-http']);
    // Triggers do not change code or configuration: no new version. (api has `events: native`; a
    // function with neutral events loses its entry adapter, a code change, with its last non-http trigger.)
    expect(live('api')?.functionVersion).toBe('3');
    await writeProject(dir, { 'fnx.yaml': base });
    expect((await run(['deploy'])).code).toBe(0);
  });

  it('a layer change publishes a new layer version and a new function version using it', async () => {
    await writeProject(dir, { 'layers/shared/util.js': 'module.exports = { version: 2 };\n' });
    aws.clearCalls();
    const r = await run(['deploy']);
    expect(r.code, r.stderr).toBe(0);
    expect(aws.callsTo('lambda', 'PublishLayerVersion')).toHaveLength(1);
    expect(fn('api')!.latest.config.Layers).toEqual([expect.stringMatching(/:layer:shop-dev-shared:2$/)]);
    expect(live('api')?.functionVersion).toBe('4');
    expect(live('worker')?.functionVersion).toBe('1');
  });

  it('status shows the alias target, releases, triggers and URLs', async () => {
    const r = await run(['status', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { providers: { functions: { function: string; traffic: { primary: string }; releases: { version: string; status: string; strategy: string }[]; triggers: string[]; urls: string[] }[] }[] };
    const api = out.providers[0]!.functions.find((f) => f.function === 'api')!;
    expect(api.traffic.primary).toBe('4');
    expect(api.releases.map((x) => [x.version, x.status])).toEqual([
      ['4', 'live'],
      ['3', 'superseded'],
      ['2', 'superseded'],
      ['1', 'superseded'],
    ]);
    // Every release names its strategy, the first one included (not "unknown").
    expect(api.releases.map((x) => x.strategy)).toEqual(['all-at-once', 'all-at-once', 'all-at-once', 'all-at-once']);
    expect(api.triggers).toEqual(['http GET /hello', 'schedule cron(0 2 * * ? *)']);
    expect(api.urls).toEqual([expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/_apigw\/\w+\/hello$/)]);
  });

  it('after `fnx rollback` an unchanged deploy does not release the rolled-back version again: exit 3 says so; --release-rolled-back releases it', async () => {
    const rb = await run(['rollback']);
    expect(rb.code, rb.stderr).toBe(0);
    expect(live('api')?.functionVersion).toBe('3');
    aws.clearCalls();
    const r = await run(['deploy']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/error \[E_RELEASE_HELD_BACK\] Not released: the manifest's code is a version that was rolled back before, and it is not live:\n {2}api \(aws\): 4 was rolled back at \S+ \(`fnx rollback` moved traffic back\); 3 is live/);
    expect(r.stderr).toContain('`fnx deploy --stage dev --release-rolled-back`');
    expect(writes()).toEqual([]);
    expect(live('api')?.functionVersion).toBe('3');

    const anyway = await run(['deploy', '--release-rolled-back']);
    expect(anyway.code, anyway.stderr).toBe(0);
    expect(anyway.stderr).toContain('api (aws): releasing 4 again (--release-rolled-back): 4 was rolled back at');
    expect(live('api')?.functionVersion).toBe('4');
  });

  it('a function removed from fnx.yaml is deleted with its triggers, role and log group (delete-orphan)', async () => {
    const current = shopFiles()['fnx.yaml']!.replace('memory: 256', 'memory: 512');
    const withoutWorker = current.slice(0, current.indexOf('  worker:'));
    await writeProject(dir, { 'fnx.yaml': withoutWorker });
    aws.clearCalls();
    const plan = await run(['plan']);
    expect(plan.stdout).toMatch(/- delete\s+function\s+shop-dev-worker/);
    const r = await run(['deploy']);
    expect(r.code, r.stderr).toBe(0);
    expect(fn('worker')).toBeUndefined();
    expect(aws.state.iam.roles.has('shop-dev-worker-role')).toBe(false);
    // A deleted mapping stays "Deleting" for a moment, as on AWS.
    expect([...aws.state.lambda.eventSourceMappings.values()].filter((m) => m.state !== 'Deleting')).toEqual([]);
    expect(aws.callsTo('lambda', 'DeleteEventSourceMapping').filter((c) => c.status < 300)).toHaveLength(1);
    expect(aws.state.logs.groups.has('/aws/lambda/shop-dev-worker')).toBe(false);
    const bucket = aws.state.s3.buckets.get('uploads')!;
    expect(bucket.notifications.lambda).toEqual([]);
    expect(bucket.notifications.queue.map((q) => q.Id)).toEqual(['someone-else']);
    expect(fn('api')).toBeDefined();
    expect(aws.state.lambda.functions.has(FOREIGN_FUNCTION)).toBe(true);
  });

  it('remove refuses without --yes in CI, then deletes everything fnx created and nothing else', async () => {
    const refused = await run(['remove']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    expect(fn('api')).toBeDefined();

    const r = await run(['remove', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect([...aws.state.lambda.functions.keys()]).toEqual([FOREIGN_FUNCTION]);
    expect([...aws.state.iam.roles.keys()]).toEqual(['legacy-role']);
    expect([...aws.state.lambda.eventSourceMappings.values()].filter((m) => m.state !== 'Deleting')).toEqual([]);
    expect([...aws.state.events.rules.keys()]).toEqual([]);
    expect(aws.state.apigateway.apis.size).toBe(0);
    expect(aws.state.logs.groups.size).toBe(0);
    expect([...aws.state.lambda.layers.values()].flat()).toEqual([]);
    const bucket = aws.state.s3.buckets.get('uploads')!;
    expect(bucket.notifications.lambda).toEqual([]);
    expect(bucket.notifications.queue.map((q) => q.Id)).toEqual(['someone-else']);
    expect([...aws.state.sns.topics.values()][0]!.subscriptions.size).toBe(0);

    aws.clearCalls();
    const again = await run(['remove', '--yes']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing to remove');
    expect(writes()).toEqual([]);
  });
});
