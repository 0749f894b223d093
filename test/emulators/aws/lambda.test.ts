import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import {
  AddPermissionCommand, CreateAliasCommand, CreateEventSourceMappingCommand, CreateFunctionCommand, DeleteFunctionCommand, GetAliasCommand,
  GetEventSourceMappingCommand, GetFunctionCommand, GetFunctionConfigurationCommand, GetPolicyCommand, InvalidParameterValueException, InvokeCommand,
  LambdaClient, ListTagsCommand, ListVersionsByFunctionCommand, PreconditionFailedException, PublishLayerVersionCommand, PublishVersionCommand,
  PutProvisionedConcurrencyConfigCommand, RemovePermissionCommand, ResourceConflictException, ResourceNotFoundException,
  TagResourceCommand, UpdateAliasCommand, UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand, waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2, GetProvisionedConcurrencyConfigCommand, ListAliasesCommand, CreateFunctionUrlConfigCommand,
} from '@aws-sdk/client-lambda';
import { AttachRolePolicyCommand, CreateRoleCommand, IAMClient, PutRolePolicyCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startAwsEmulator, type AwsEmulator } from './index.js';
import { FakeClock, useEmulatorEnv, zipOf } from './helpers.js';

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

const allow = (Action: string[], Resource: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action, Resource }] });

let em: AwsEmulator;
let lambda: LambdaClient;
let iam: IAMClient;
const clock = new FakeClock();
let roleArn = '';

beforeAll(async () => {
  em = await startAwsEmulator({ clock, asyncDelayMs: 1000, maxRequestBytes: 200_000 });
  useEmulatorEnv(em.env());
  lambda = new LambdaClient({});
  iam = new IAMClient({});
});

afterAll(async () => {
  await em.close();
});

beforeEach(async () => {
  em.reset();
  const role = await iam.send(new CreateRoleCommand({ RoleName: 'fn-role', AssumeRolePolicyDocument: TRUST }));
  roleArn = role.Role?.Arn ?? '';
});

async function create(name: string, extra: Record<string, unknown> = {}) {
  return lambda.send(
    new CreateFunctionCommand({ FunctionName: name, Role: roleArn, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: zipOf(name) }, ...extra }),
  );
}

/** Create and let it become Active (fake clock). */
async function createActive(name: string, extra: Record<string, unknown> = {}) {
  await create(name, extra);
  clock.advance(1000);
  return lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
}

describe('functions: states, waiters, conflicts', () => {
  it('creates a Pending function that a waiter sees become Active; CodeSha256 is the base64 SHA-256 of the zip', async () => {
    const real = await startAwsEmulator({ asyncDelayMs: 50 });
    const client = new LambdaClient({ endpoint: real.url });
    const realIam = new IAMClient({ endpoint: real.url });
    try {
      const role = await realIam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: TRUST }));
      const out = await client.send(new CreateFunctionCommand({ FunctionName: 'waited', Role: role.Role?.Arn, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: zipOf('w') }, Tags: { 'fnx:service': 'demo' } }));
      expect(out.State).toBe('Pending');
      expect(out.CodeSha256).toBe(createHash('sha256').update(zipOf('w')).digest('base64'));
      expect(out.CodeSize).toBe(zipOf('w').length);
      const waited = await waitUntilFunctionActiveV2({ client, maxWaitTime: 20 }, { FunctionName: 'waited' });
      expect(waited.state).toBe('SUCCESS');
      const got = await client.send(new GetFunctionCommand({ FunctionName: 'waited' }));
      expect(got.Configuration?.State).toBe('Active');
      expect(got.Configuration?.LastUpdateStatus).toBe('Successful');
      expect(got.Tags).toEqual({ 'fnx:service': 'demo' });
    } finally {
      await real.close();
    }
  });

  it('refuses updates while Pending or InProgress with ResourceConflictException (409), then accepts them', async () => {
    await create('busy');
    await expect(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'busy', MemorySize: 256 }))).rejects.toBeInstanceOf(ResourceConflictException);
    clock.advance(1000);
    const upd = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'busy', MemorySize: 256 }));
    expect(upd.LastUpdateStatus).toBe('InProgress');
    const second = lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'busy', ZipFile: zipOf('v2') }));
    await expect(second).rejects.toBeInstanceOf(ResourceConflictException);
    await expect(second).rejects.toMatchObject({ $metadata: { httpStatusCode: 409 } });
    await expect(lambda.send(new PublishVersionCommand({ FunctionName: 'busy' }))).rejects.toBeInstanceOf(ResourceConflictException);
    clock.advance(1000);
    const done = await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 5 }, { FunctionName: 'busy' });
    expect(done.state).toBe('SUCCESS');
    const cfg = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'busy' }));
    expect(cfg.MemorySize).toBe(256);
  });

  it('validates configuration with InvalidParameterValueException', async () => {
    const bad: Record<string, unknown>[] = [
      { MemorySize: 100 },
      { MemorySize: 10241 },
      { Timeout: 0 },
      { Timeout: 901 },
      { Runtime: 'nodejs4.3' },
      { Handler: 'has space' },
      { Environment: { Variables: { BIG: 'x'.repeat(4100) } } },
      { Role: 'arn:aws:iam::000000000000:role/missing' },
      { Layers: ['arn:aws:lambda:us-east-1:000000000000:layer:nope:1'] },
    ];
    for (const extra of bad) {
      await expect(create(`bad-${Object.keys(extra)[0]}`, extra), JSON.stringify(extra).slice(0, 60)).rejects.toBeInstanceOf(InvalidParameterValueException);
    }
    await createActive('ok');
    await expect(create('ok')).rejects.toBeInstanceOf(ResourceConflictException);
    await expect(lambda.send(new GetFunctionCommand({ FunctionName: 'absent' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('allows at most 5 layers, all of which must exist', async () => {
    const arns: string[] = [];
    for (let i = 0; i < 6; i++) {
      const l = await lambda.send(new PublishLayerVersionCommand({ LayerName: `lib${i}`, Content: { ZipFile: zipOf(`l${i}`) }, Description: `hash ${i}` }));
      expect(l.Version).toBe(1);
      expect(l.Description).toBe(`hash ${i}`);
      arns.push(l.LayerVersionArn ?? '');
    }
    await expect(create('six', { Layers: arns })).rejects.toThrow(/more than 5 layers/);
    const five = await create('five', { Layers: arns.slice(0, 5) });
    expect(five.Layers?.map((l) => l.Arn)).toEqual(arns.slice(0, 5));
  });

  it('answers 413 RequestEntityTooLargeException above the request size limit', async () => {
    const big = Buffer.alloc(250_000, 1);
    // As on AWS, the SDK has no class for it: a LambdaServiceException named RequestEntityTooLargeException.
    await expect(create('huge', { Code: { ZipFile: big } })).rejects.toMatchObject({ name: 'RequestEntityTooLargeException', $metadata: { httpStatusCode: 413 } });
    expect(em.state.lambda.functions.has('huge')).toBe(false);
  });
});

describe('versions and aliases', () => {
  it('PublishVersion enforces CodeSha256 and RevisionId (412) and returns the existing version when nothing changed', async () => {
    const cfg = await createActive('pub');
    await expect(lambda.send(new PublishVersionCommand({ FunctionName: 'pub', CodeSha256: 'wrong' }))).rejects.toBeInstanceOf(PreconditionFailedException);
    await expect(lambda.send(new PublishVersionCommand({ FunctionName: 'pub', RevisionId: 'stale' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
    const v1 = await lambda.send(new PublishVersionCommand({ FunctionName: 'pub', CodeSha256: cfg.CodeSha256, RevisionId: cfg.RevisionId, Description: 'deploy d1' }));
    expect(v1.Version).toBe('1');
    expect(v1.Description).toBe('deploy d1');
    const again = await lambda.send(new PublishVersionCommand({ FunctionName: 'pub', Description: 'deploy d2' }));
    expect(again.Version).toBe('1');
    expect(again.Description).toBe('deploy d1');
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'pub', ZipFile: zipOf('pub-v2') }));
    clock.advance(1000);
    const v2 = await lambda.send(new PublishVersionCommand({ FunctionName: 'pub', Description: 'deploy d3' }));
    expect(v2.Version).toBe('2');
    const list = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'pub', MaxItems: 2 }));
    expect(list.Versions?.map((v) => v.Version)).toEqual(['$LATEST', '1']);
    const next = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'pub', Marker: list.NextMarker }));
    expect(next.Versions?.map((v) => v.Version)).toEqual(['2']);
    expect(next.NextMarker).toBeUndefined();
  });

  it('RevisionId changes on every change, and UpdateFunctionCode honours it (412)', async () => {
    const a = await create('rev');
    clock.advance(1000);
    const b = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'rev' }));
    expect(b.RevisionId).not.toBe(a.RevisionId);
    await expect(lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'rev', ZipFile: zipOf('r2'), RevisionId: a.RevisionId }))).rejects.toBeInstanceOf(PreconditionFailedException);
    const c = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'rev', ZipFile: zipOf('r2'), RevisionId: b.RevisionId }));
    expect(c.RevisionId).not.toBe(b.RevisionId);
  });

  it('enforces alias routing rules and the alias RevisionId precondition', async () => {
    await createActive('al');
    const v1 = await lambda.send(new PublishVersionCommand({ FunctionName: 'al' }));
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'al', MemorySize: 512 }));
    clock.advance(1000);
    const v2 = await lambda.send(new PublishVersionCommand({ FunctionName: 'al' }));
    expect([v1.Version, v2.Version]).toEqual(['1', '2']);
    const alias = await lambda.send(new CreateAliasCommand({ FunctionName: 'al', Name: 'live', FunctionVersion: '1', Description: 'release r1' }));
    const invalidRouting: Record<string, number>[] = [{ '2': 1.5 }, { '2': -0.1 }, { $LATEST: 0.1 }, { '9': 0.1 }, { '2': 0.1, '3': 0.1 }, { '1': 0.1 }];
    for (const w of invalidRouting) {
      await expect(lambda.send(new UpdateAliasCommand({ FunctionName: 'al', Name: 'live', RoutingConfig: { AdditionalVersionWeights: w } })), JSON.stringify(w)).rejects.toBeInstanceOf(InvalidParameterValueException);
    }
    await expect(lambda.send(new UpdateAliasCommand({ FunctionName: 'al', Name: 'live', FunctionVersion: '$LATEST', RoutingConfig: { AdditionalVersionWeights: { '2': 0.1 } } }))).rejects.toBeInstanceOf(InvalidParameterValueException);
    const shifted = await lambda.send(new UpdateAliasCommand({ FunctionName: 'al', Name: 'live', RevisionId: alias.RevisionId, RoutingConfig: { AdditionalVersionWeights: { '2': 0.1 } } }));
    expect(shifted.RoutingConfig?.AdditionalVersionWeights).toEqual({ '2': 0.1 });
    await expect(lambda.send(new UpdateAliasCommand({ FunctionName: 'al', Name: 'live', RevisionId: alias.RevisionId, FunctionVersion: '2' }))).rejects.toBeInstanceOf(PreconditionFailedException);
    const done = await lambda.send(new UpdateAliasCommand({ FunctionName: 'al', Name: 'live', FunctionVersion: '2', RoutingConfig: { AdditionalVersionWeights: {} } }));
    expect(done.FunctionVersion).toBe('2');
    expect(done.RoutingConfig).toBeUndefined();
    const got = await lambda.send(new GetAliasCommand({ FunctionName: 'al', Name: 'live' }));
    expect(got.Description).toBe('release r1');
    const list = await lambda.send(new ListAliasesCommand({ FunctionName: 'al' }));
    expect(list.Aliases?.map((a) => a.Name)).toEqual(['live']);
    await expect(lambda.send(new DeleteFunctionCommand({ FunctionName: 'al', Qualifier: '2' }))).rejects.toBeInstanceOf(ResourceConflictException);
    await lambda.send(new DeleteFunctionCommand({ FunctionName: 'al', Qualifier: '1' }));
    const after = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'al' }));
    expect(after.Versions?.map((v) => v.Version)).toEqual(['$LATEST', '2']);
  });

  it('invokes through the handler with weighted alias routing, reporting function errors and metrics', async () => {
    await createActive('inv');
    await lambda.send(new PublishVersionCommand({ FunctionName: 'inv' }));
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'inv', ZipFile: zipOf('inv2') }));
    clock.advance(1000);
    await lambda.send(new PublishVersionCommand({ FunctionName: 'inv' }));
    clock.advance(1000);
    await lambda.send(new CreateAliasCommand({ FunctionName: 'inv', Name: 'live', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 0.5 } } }));
    em.setInvokeHandler((_fn, version, payload) => {
      if (version === '2') throw new TypeError('boom');
      return { echoed: payload };
    });
    const seen = { ok: 0, failed: 0 };
    for (let i = 0; i < 40; i++) {
      const out = await lambda.send(new InvokeCommand({ FunctionName: 'inv', Qualifier: 'live', Payload: Buffer.from(JSON.stringify({ i })) }));
      const body = JSON.parse(Buffer.from(out.Payload ?? new Uint8Array()).toString('utf8')) as Record<string, unknown>;
      if (out.FunctionError) {
        expect(out.FunctionError).toBe('Unhandled');
        expect(out.ExecutedVersion).toBe('2');
        expect(body).toMatchObject({ errorMessage: 'boom', errorType: 'TypeError' });
        seen.failed++;
      } else {
        expect(out.ExecutedVersion).toBe('1');
        expect(body).toEqual({ echoed: { i } });
        seen.ok++;
      }
    }
    expect(seen.ok).toBeGreaterThan(5);
    expect(seen.failed).toBeGreaterThan(5);
    const points = em.state.cloudwatch.metrics.filter((p) => p.executedVersion === '2');
    expect(points.reduce((n, p) => n + p.errors, 0)).toBe(seen.failed);
    expect(points.every((p) => p.resource === 'live')).toBe(true);
  });
});

describe('permissions, tags, concurrency, event sources', () => {
  it('manages per-qualifier resource policies with duplicate detection', async () => {
    await createActive('perm');
    await lambda.send(new PublishVersionCommand({ FunctionName: 'perm' }));
    await lambda.send(new CreateAliasCommand({ FunctionName: 'perm', Name: 'live', FunctionVersion: '1' }));
    const add = { FunctionName: 'perm', Qualifier: 'live', StatementId: 'apigw', Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com', SourceArn: 'arn:aws:execute-api:us-east-1:000000000000:abc/*/*' };
    const out = await lambda.send(new AddPermissionCommand(add));
    expect(JSON.parse(out.Statement ?? '{}')).toMatchObject({ Sid: 'apigw', Principal: { Service: 'apigateway.amazonaws.com' }, Resource: 'arn:aws:lambda:us-east-1:000000000000:function:perm:live' });
    await expect(lambda.send(new AddPermissionCommand(add))).rejects.toBeInstanceOf(ResourceConflictException);
    await expect(lambda.send(new GetPolicyCommand({ FunctionName: 'perm' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    const policy = await lambda.send(new GetPolicyCommand({ FunctionName: 'perm', Qualifier: 'live' }));
    expect(JSON.parse(policy.Policy ?? '{}').Statement).toHaveLength(1);
    await lambda.send(new RemovePermissionCommand({ FunctionName: 'perm', Qualifier: 'live', StatementId: 'apigw' }));
    await expect(lambda.send(new GetPolicyCommand({ FunctionName: 'perm', Qualifier: 'live' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('tags functions only, and provisions concurrency on aliases', async () => {
    const cfg = await createActive('tagged', { Tags: { a: '1' } });
    await lambda.send(new TagResourceCommand({ Resource: cfg.FunctionArn, Tags: { b: '2' } }));
    expect((await lambda.send(new ListTagsCommand({ Resource: cfg.FunctionArn }))).Tags).toEqual({ a: '1', b: '2' });
    await expect(lambda.send(new TagResourceCommand({ Resource: `${cfg.FunctionArn}:live`, Tags: { c: '3' } }))).rejects.toBeInstanceOf(InvalidParameterValueException);
    await lambda.send(new PublishVersionCommand({ FunctionName: 'tagged' }));
    await lambda.send(new CreateAliasCommand({ FunctionName: 'tagged', Name: 'live', FunctionVersion: '1' }));
    await expect(lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'tagged', Qualifier: '$LATEST', ProvisionedConcurrentExecutions: 2 }))).rejects.toBeInstanceOf(InvalidParameterValueException);
    const pc = await lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'tagged', Qualifier: 'live', ProvisionedConcurrentExecutions: 2 }));
    expect(pc.Status).toBe('IN_PROGRESS');
    clock.advance(1000);
    expect((await lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: 'tagged', Qualifier: 'live' }))).Status).toBe('READY');
  });

  it('creates SQS event source mappings on an alias: Creating -> Enabled, duplicates refused, visibility timeout checked', async () => {
    const sqs = new SQSClient({});
    const q = await sqs.send(new CreateQueueCommand({ QueueName: 'orders', Attributes: { VisibilityTimeout: '60' } }));
    expect(q.QueueUrl).toContain('/000000000000/orders');
    await createActive('worker', { Timeout: 30 });
    await lambda.send(new PublishVersionCommand({ FunctionName: 'worker' }));
    const alias = await lambda.send(new CreateAliasCommand({ FunctionName: 'worker', Name: 'live', FunctionVersion: '1' }));
    const source = 'arn:aws:sqs:us-east-1:000000000000:orders';
    await expect(lambda.send(new CreateEventSourceMappingCommand({ FunctionName: alias.AliasArn, EventSourceArn: source, BatchSize: 5 }))).rejects.toThrow(
      'The provided execution role does not have permissions to call ReceiveMessage on SQS',
    );
    await iam.send(new PutRolePolicyCommand({ RoleName: 'fn-role', PolicyName: 'q', PolicyDocument: allow(['sqs:ReceiveMessage', 'sqs:GetQueueAttributes'], source) }));
    await expect(lambda.send(new CreateEventSourceMappingCommand({ FunctionName: alias.AliasArn, EventSourceArn: source }))).rejects.toThrow('call DeleteMessage on SQS');
    await iam.send(new PutRolePolicyCommand({ RoleName: 'fn-role', PolicyName: 'q', PolicyDocument: allow(['sqs:*'], 'arn:aws:sqs:us-east-1:000000000000:*') }));
    await expect(lambda.send(new CreateEventSourceMappingCommand({ FunctionName: alias.AliasArn, EventSourceArn: source, BatchSize: 100 }))).rejects.toThrow(/batch window/);
    const m = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: alias.AliasArn, EventSourceArn: source, BatchSize: 5 }));
    expect(m.State).toBe('Creating');
    expect(m.FunctionArn).toBe(alias.AliasArn);
    await expect(lambda.send(new CreateEventSourceMappingCommand({ FunctionName: alias.AliasArn, EventSourceArn: source }))).rejects.toBeInstanceOf(ResourceConflictException);
    clock.advance(1000);
    expect((await lambda.send(new GetEventSourceMappingCommand({ UUID: m.UUID }))).State).toBe('Enabled');
    await createActive('slow', { Timeout: 120 });
    await expect(lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'slow', EventSourceArn: source }))).rejects.toThrow(/visibility timeout/);
    await sqs.send(new CreateQueueCommand({ QueueName: 'orders.fifo', Attributes: { FifoQueue: 'true', VisibilityTimeout: '60' } }));
    const fifo = 'arn:aws:sqs:us-east-1:000000000000:orders.fifo';
    await expect(lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'worker', EventSourceArn: fifo, BatchSize: 20, MaximumBatchingWindowInSeconds: 1 }))).rejects.toThrow(/maximum of 10 for a FIFO queue/);
    await expect(lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'worker', EventSourceArn: fifo, BatchSize: 10, MaximumBatchingWindowInSeconds: 1 }))).rejects.toThrow(/not supported for FIFO/);
    expect((await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'worker', EventSourceArn: fifo, BatchSize: 10 }))).State).toBe('Creating');
  });

  it('checks the execution role as Lambda does: trusted by lambda.amazonaws.com, propagated, and granting the dead-letter and VPC actions', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'ec2-role', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) }));
    await expect(create('untrusted', { Role: roleArn.replace('fn-role', 'ec2-role') })).rejects.toThrow('The role defined for the function cannot be assumed by Lambda.');
    const dlq = 'arn:aws:sqs:us-east-1:000000000000:dead';
    await expect(create('dl', { DeadLetterConfig: { TargetArn: dlq } })).rejects.toThrow('The provided execution role does not have permissions to call SendMessage on SQS');
    await expect(create('dl', { DeadLetterConfig: { TargetArn: 'arn:aws:sns:us-east-1:000000000000:dead' } })).rejects.toThrow('call Publish on SNS');
    await expect(create('dl', { VpcConfig: { SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-1'] } })).rejects.toThrow('call CreateNetworkInterface on EC2');
    await iam.send(new PutRolePolicyCommand({ RoleName: 'fn-role', PolicyName: 'dl', PolicyDocument: allow(['sqs:SendMessage'], dlq) }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'fn-role', PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole' }));
    expect((await create('dl', { DeadLetterConfig: { TargetArn: dlq }, VpcConfig: { SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-1'] } })).State).toBe('Pending');

    const slow = await startAwsEmulator({ clock, iamPropagationMs: 5_000 });
    try {
      const slowIam = new IAMClient({ endpoint: slow.url });
      const slowLambda = new LambdaClient({ endpoint: slow.url });
      const role = await slowIam.send(new CreateRoleCommand({ RoleName: 'fresh', AssumeRolePolicyDocument: TRUST }));
      const input = { FunctionName: 'fresh', Role: role.Role?.Arn, Runtime: 'nodejs20.x' as const, Handler: 'index.handler', Code: { ZipFile: zipOf('fresh') } };
      await expect(slowLambda.send(new CreateFunctionCommand(input))).rejects.toThrow('The role defined for the function cannot be assumed by Lambda.');
      clock.advance(5_000);
      expect((await slowLambda.send(new CreateFunctionCommand(input))).State).toBe('Pending');
      clock.advance(1_000);
      await slowIam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'fresh', PolicyDocument: TRUST }));
      await expect(slowLambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'fresh', Role: role.Role?.Arn }))).rejects.toThrow(/cannot be assumed/);
    } finally {
      await slow.close();
    }
  });

  it('serves function URLs through the invoke handler once a public permission exists', async () => {
    await createActive('web');
    await lambda.send(new PublishVersionCommand({ FunctionName: 'web' }));
    clock.advance(1000);
    await lambda.send(new CreateAliasCommand({ FunctionName: 'web', Name: 'live', FunctionVersion: '1' }));
    const url = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'web', Qualifier: 'live', AuthType: 'NONE' }));
    expect(url.FunctionUrl).toBe(`${em.url}/_url/web/live/`);
    em.setInvokeHandler((_fn, version) => ({ statusCode: 200, body: `v${version}` }));
    expect((await fetch(`${url.FunctionUrl}health`)).status).toBe(403);
    for (const [sid, action] of [['url', 'lambda:InvokeFunctionUrl'], ['invoke', 'lambda:InvokeFunction']]) {
      await lambda.send(new AddPermissionCommand({ FunctionName: 'web', Qualifier: 'live', StatementId: sid, Action: action, Principal: '*', ...(sid === 'url' ? { FunctionUrlAuthType: 'NONE' } : {}) }));
    }
    const res = await fetch(`${url.FunctionUrl}health`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('v1');
  });
});
