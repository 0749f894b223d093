/**
 * The emulated Lambda runs the code: Invoke (RequestResponse, Event, LogType Tail), handler
 * resolution and errors as Lambda reports them, Timeout, environment, alias weights, metrics per
 * alias and ExecutedVersion, and the output in CloudWatch Logs (FilterLogEvents, GetLogEvents,
 * DescribeLogStreams).
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CreateAliasCommand, CreateFunctionCommand, InvokeCommand, LambdaClient, PublishVersionCommand, ResourceConflictException, ResourceNotFoundException, UpdateFunctionCodeCommand } from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient, DescribeLogStreamsCommand, FilterLogEventsCommand, GetLogEventsCommand, InvalidParameterException } from '@aws-sdk/client-cloudwatch-logs';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { startAwsEmulator, type AwsEmulator } from './index.js';
import { FakeClock, useEmulatorEnv, zipFiles } from './helpers.js';

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const hasPython = spawnSync('python3', ['--version']).status === 0;

const NODE = {
  'package.json': '{"type":"module"}',
  'src/app.js': `export const handler = async (event, context) => {
  console.log('got', JSON.stringify(event));
  if (event.fail) throw new TypeError('bad input: ' + event.fail);
  if (event.sleep) await new Promise((r) => setTimeout(r, event.sleep));
  return { hello: event.name ?? 'world', version: context.functionVersion, env: process.env.GREETING, region: process.env.AWS_REGION, leaked: process.env.SECRET_OF_PARENT ?? null, remaining: context.getRemainingTimeInMillis() > 0 };
};
export const nested = { deep: async () => 'deep' };
`,
  'legacy.cjs': 'exports.handler = (event, context, callback) => callback(null, { cjs: true });',
};

let em: AwsEmulator;
let lambda: LambdaClient;
let logs: CloudWatchLogsClient;
let role = '';

beforeAll(async () => {
  process.env.SECRET_OF_PARENT = 'hush';
  em = await startAwsEmulator({ asyncDelayMs: 5, routingSeed: 11 });
  useEmulatorEnv(em.env());
  lambda = new LambdaClient({});
  logs = new CloudWatchLogsClient({});
});

afterAll(async () => {
  delete process.env.SECRET_OF_PARENT;
  await em.close();
});

beforeEach(async () => {
  em.reset();
  role = (await new IAMClient({}).send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: TRUST }))).Role?.Arn ?? '';
});

/** Lets Pending / InProgress states settle (asyncDelayMs 5; the SDK waiters poll every 5 s). */
const settle = () => new Promise((r) => setTimeout(r, 30));

async function deploy(name: string, files: Record<string, string>, extra: Record<string, unknown> = {}): Promise<string> {
  await lambda.send(new CreateFunctionCommand({ FunctionName: name, Role: role, Runtime: 'nodejs22.x', Handler: 'src/app.handler', Code: { ZipFile: zipFiles(files) }, Environment: { Variables: { GREETING: 'hi' } }, ...extra }));
  await settle();
  const v = await lambda.send(new PublishVersionCommand({ FunctionName: name }));
  await settle();
  return v.Version ?? '';
}

async function call(name: string, payload: unknown, qualifier?: string) {
  const out = await lambda.send(new InvokeCommand({ FunctionName: name, Qualifier: qualifier, Payload: Buffer.from(JSON.stringify(payload)), LogType: 'Tail' }));
  return {
    ...out,
    body: JSON.parse(Buffer.from(out.Payload ?? []).toString('utf8')) as Record<string, unknown>,
    tail: Buffer.from(out.LogResult ?? '', 'base64').toString('utf8'),
  };
}

describe('Invoke runs the published code', () => {
  it('returns the handler result, ExecutedVersion and the log tail; the code sees its env and context, not this process env', async () => {
    const v = await deploy('app', NODE);
    const out = await call('app', { name: 'fnx' }, v);
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBeUndefined();
    expect(out.ExecutedVersion).toBe(v);
    expect(out.body).toEqual({ hello: 'fnx', version: v, env: 'hi', region: 'us-east-1', leaked: null, remaining: true });
    expect(out.tail).toMatch(new RegExp(`^START RequestId: ([0-9a-f-]{36}) Version: ${v}\\n`));
    const id = /RequestId: ([0-9a-f-]{36})/.exec(out.tail)?.[1] ?? '';
    expect(out.tail).toContain(`\t${id}\tINFO\tgot {"name":"fnx"}\n`);
    expect(out.tail).toMatch(new RegExp(`END RequestId: ${id}\\nREPORT RequestId: ${id}\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB`));
  });

  it('a thrown error is FunctionError Unhandled with the Lambda error JSON; a missing handler or module as Lambda names them', async () => {
    const v = await deploy('app', { ...NODE, 'src/other.js': '' });
    const out = await call('app', { fail: 'x' }, v);
    expect(out.FunctionError).toBe('Unhandled');
    expect(out.body).toMatchObject({ errorType: 'TypeError', errorMessage: 'bad input: x' });
    expect((out.body.trace as string[])[0]).toBe('TypeError: bad input: x');
    expect(out.tail).toContain('\tERROR\tInvoke Error \t{"errorType":"TypeError","errorMessage":"bad input: x"');

    await deploy('nohandler', NODE, { Handler: 'src/app.missing' });
    expect((await call('nohandler', {}, '1')).body).toMatchObject({ errorType: 'Runtime.HandlerNotFound', errorMessage: 'app.missing is undefined or not exported' });
    await deploy('nomodule', NODE, { Handler: 'src/none.handler' });
    expect((await call('nomodule', {}, '1')).body).toMatchObject({ errorType: 'Runtime.ImportModuleError', errorMessage: expect.stringContaining("Cannot find module 'none'") });
    await deploy('nested', NODE, { Handler: 'src/app.nested.deep' });
    expect((await call('nested', {}, '1')).body).toBe('deep');
    await deploy('cjs', NODE, { Handler: 'legacy.handler' });
    expect((await call('cjs', {}, '1')).body).toEqual({ cjs: true });
  });

  it('concurrent invocations each get an environment of their own (at most 8 per version), and all answer', async () => {
    const v = await deploy('busy', NODE);
    const outs = await Promise.all(Array.from({ length: 12 }, (_, i) => call('busy', { name: `n${i}`, sleep: 200 }, v)));
    expect(outs.map((o) => o.body.hello)).toEqual(Array.from({ length: 12 }, (_, i) => `n${i}`));
    const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/aws/lambda/busy' }));
    expect(streams.logStreams?.length).toBe(8);
  });

  it('a run longer than Timeout is killed: Sandbox.Timedout, and the next invocation gets a fresh environment', async () => {
    const v = await deploy('slow', NODE, { Timeout: 1 });
    const out = await call('slow', { sleep: 5000 }, v);
    expect(out.FunctionError).toBe('Unhandled');
    expect(out.body).toMatchObject({ errorType: 'Sandbox.Timedout', errorMessage: expect.stringMatching(/Task timed out after 1\.00 seconds$/) });
    expect(out.tail).toContain('Task timed out after 1.00 seconds');
    expect((await call('slow', { name: 'again' }, v)).body).toMatchObject({ hello: 'again' });
  });

  it('python: module.function with a context object; errors carry stackTrace', async (ctx) => {
    if (!hasPython) ctx.skip();
    const files = { 'pkg/main.py': 'import os\ndef handler(event, context):\n    print("py got", event)\n    if event.get("fail"):\n        raise ValueError("nope")\n    return {"v": context.function_version, "env": os.environ.get("GREETING"), "id": context.aws_request_id}\n' };
    const v = await deploy('py', files, { Runtime: 'python3.12', Handler: 'pkg/main.handler' });
    const out = await call('py', { a: 1 }, v);
    expect(out.body).toMatchObject({ v, env: 'hi' });
    expect(out.tail).toContain("py got {'a': 1}\n");
    const bad = await call('py', { fail: true }, v);
    expect(bad.FunctionError).toBe('Unhandled');
    expect(bad.body).toMatchObject({ errorType: 'ValueError', errorMessage: 'nope', stackTrace: expect.any(Array) });
  });

  it('a version that is not Active yet and an unknown qualifier fail as on Lambda; Event invocations answer 202 and still run', async () => {
    const clock = new FakeClock();
    const slow = await startAwsEmulator({ clock, asyncDelayMs: 1000 });
    try {
      const client = new LambdaClient({ endpoint: slow.url });
      const arn = (await new IAMClient({ endpoint: slow.url }).send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: TRUST }))).Role?.Arn;
      await client.send(new CreateFunctionCommand({ FunctionName: 'app', Role: arn, Runtime: 'nodejs22.x', Handler: 'src/app.handler', Code: { ZipFile: zipFiles(NODE) } }));
      clock.advance(1000);
      const pending = await client.send(new PublishVersionCommand({ FunctionName: 'app' }));
      await expect(client.send(new InvokeCommand({ FunctionName: 'app', Qualifier: pending.Version }))).rejects.toBeInstanceOf(ResourceConflictException);
      await expect(client.send(new InvokeCommand({ FunctionName: 'app', Qualifier: '99' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
      clock.advance(1000);
      expect((await client.send(new InvokeCommand({ FunctionName: 'app', Qualifier: pending.Version }))).ExecutedVersion).toBe(pending.Version);
    } finally {
      await slow.close();
    }
    await deploy('app', NODE);
    const event = await lambda.send(new InvokeCommand({ FunctionName: 'app', Qualifier: '1', InvocationType: 'Event', Payload: Buffer.from('{"name":"async"}') }));
    expect(event.StatusCode).toBe(202);
    await expect.poll(async () => (await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/app', filterPattern: '"got {\\"name\\":\\"async\\"}"' }))).events?.length ?? 0, { timeout: 5000 }).toBe(1);
  });
});

describe('alias weights and metrics', () => {
  it('routes AdditionalVersionWeights by weight and records Invocations/Errors per alias and ExecutedVersion', async () => {
    await deploy('w', NODE);
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'w', ZipFile: zipFiles({ ...NODE, 'src/app.js': 'export const handler = async () => { throw new Error("v2 is broken"); };' }) }));
    await settle();
    await lambda.send(new PublishVersionCommand({ FunctionName: 'w' }));
    await settle();
    await lambda.send(new CreateAliasCommand({ FunctionName: 'w', Name: 'live', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 0.1 } } }));
    const since = new Date(Date.now() - 60_000);
    let onCandidate = 0;
    for (let i = 0; i < 200; i++) {
      const out = await lambda.send(new InvokeCommand({ FunctionName: 'w', Qualifier: 'live', Payload: Buffer.from('{}') }));
      if (out.ExecutedVersion === '2') {
        onCandidate++;
        expect(out.FunctionError).toBe('Unhandled');
      } else expect(out.FunctionError).toBeUndefined();
    }
    // Binomial(200, 0.1): mean 20, sd 4.2; [6, 40] is beyond 3 sd either way (and the seed is fixed).
    expect(onCandidate).toBeGreaterThanOrEqual(6);
    expect(onCandidate).toBeLessThanOrEqual(40);
    const dims = (version: string) => [{ Name: 'FunctionName', Value: 'w' }, { Name: 'Resource', Value: 'w:live' }, { Name: 'ExecutedVersion', Value: version }];
    const q = (id: string, metric: string, version: string) => ({ Id: id, MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: metric, Dimensions: dims(version) }, Period: 3600, Stat: 'Sum' } });
    const data = await new CloudWatchClient({}).send(new GetMetricDataCommand({ StartTime: since, EndTime: new Date(Date.now() + 60_000), MetricDataQueries: [q('i2', 'Invocations', '2'), q('e2', 'Errors', '2'), q('i1', 'Invocations', '1'), q('e1', 'Errors', '1')] }));
    const sum = (id: string) => (data.MetricDataResults ?? []).find((r) => r.Id === id)?.Values?.reduce((a, b) => a + b, 0) ?? 0;
    expect([sum('i2'), sum('e2'), sum('i1'), sum('e1')]).toEqual([onCandidate, onCandidate, 200 - onCandidate, 0]);
  }, 60_000);
});

describe('CloudWatch Logs: what the code printed', () => {
  it('FilterLogEvents matches simple terms within startTime..endTime; streams are YYYY/MM/DD/[VERSION]hex; GetLogEvents pages with tokens', async () => {
    const v = await deploy('app', NODE);
    await call('app', { name: 'alpha' }, v);
    await call('app', { name: 'beta' }, v);
    const group = '/aws/lambda/app';
    const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: group, orderBy: 'LastEventTime', descending: true }));
    expect(streams.logStreams?.map((s) => s.logStreamName)).toEqual([expect.stringMatching(new RegExp(`^\\d{4}/\\d{2}/\\d{2}/\\[${v}\\][0-9a-f]{32}$`))]);
    const all = await logs.send(new FilterLogEventsCommand({ logGroupName: group }));
    expect(all.events?.map((e) => e.message?.split(/[\t ]/)[0])).toEqual(['START', expect.any(String), 'END', 'REPORT', 'START', expect.any(String), 'END', 'REPORT']);
    const beta = await logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: 'got beta' }));
    expect(beta.events?.map((e) => e.message)).toEqual([expect.stringContaining('INFO\tgot {"name":"beta"}')]);
    expect((await logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: '?alpha ?beta -START' }))).events).toHaveLength(2);
    expect((await logs.send(new FilterLogEventsCommand({ logGroupName: group, startTime: Date.now() + 60_000 }))).events).toEqual([]);
    const paged = await logs.send(new FilterLogEventsCommand({ logGroupName: group, limit: 3 }));
    expect(paged.events).toHaveLength(3);
    const rest = await logs.send(new FilterLogEventsCommand({ logGroupName: group, nextToken: paged.nextToken }));
    expect(rest.events).toHaveLength(5);
    expect(rest.nextToken).toBeUndefined();
    const stream = streams.logStreams?.[0]?.logStreamName;
    const head = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startFromHead: true, limit: 4 }));
    expect(head.events?.[0]?.message).toMatch(/^START /);
    const next = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, nextToken: head.nextForwardToken }));
    expect(next.events).toHaveLength(4);
    await expect(logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: '{ $.level = "x" }' }))).rejects.toBeInstanceOf(InvalidParameterException);
  });
});
