import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  CreateAliasCommand, CreateFunctionCommand, GetAliasCommand, GetFunctionCommand, LambdaClient, ListVersionsByFunctionCommand, PublishVersionCommand,
  ServiceException, TooManyRequestsException, UpdateAliasCommand,
} from '@aws-sdk/client-lambda';
import { CreateRoleCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { startAwsEmulator, type AwsEmulator } from './index.js';
import { useEmulatorEnv, zipOf } from './helpers.js';

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

let em: AwsEmulator;

beforeAll(async () => {
  em = await startAwsEmulator({ asyncDelayMs: 0 });
  useEmulatorEnv(em.env());
});

afterAll(async () => {
  await em.close();
});

beforeEach(() => em.reset());

/** A small "deploy": role, function, version 1, alias live. */
async function deploy(lambda: LambdaClient, iam: IAMClient): Promise<void> {
  const role = await iam.send(new CreateRoleCommand({ RoleName: 'svc-role', AssumeRolePolicyDocument: TRUST }));
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'svc-fn', Role: role.Role?.Arn, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: zipOf('svc') } }));
  await lambda.send(new PublishVersionCommand({ FunctionName: 'svc-fn' }));
  await lambda.send(new CreateAliasCommand({ FunctionName: 'svc-fn', Name: 'live', FunctionVersion: '1' }));
}

describe('fault injection', () => {
  it('answers throttles, 500s and resets without changing state; a single-attempt client sees each', async () => {
    const lambda = new LambdaClient({ maxAttempts: 1 });
    const create = () => lambda.send(new CreateFunctionCommand({ FunctionName: 'f', Role: 'arn:aws:iam::123456789012:role/x', Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: zipOf('f') } }));
    em.setFaults({ rate: 1, kinds: ['throttle'] });
    await expect(create()).rejects.toBeInstanceOf(TooManyRequestsException);
    em.setFaults({ rate: 1, kinds: ['error500'] });
    await expect(create()).rejects.toBeInstanceOf(ServiceException);
    em.setFaults({ rate: 1, kinds: ['reset'] });
    await expect(create()).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|EPIPE/) });
    expect(em.state.lambda.functions.size).toBe(0);
    expect(em.calls.map((c) => [c.operation, c.fault, c.status])).toEqual([
      ['CreateFunction', 'throttle', 429],
      ['CreateFunction', 'error500', 500],
      ['CreateFunction', 'reset', 0],
    ]);
    em.setFaults({ rate: 1, kinds: ['slow'], slowMs: 20 });
    await create();
    expect(em.state.lambda.functions.has('f')).toBe(true);
    expect(em.calls.at(-1)).toMatchObject({ fault: 'slow', status: 201 });
  });

  it('throttles each protocol with an error the SDK retries', async () => {
    em.setFaults({ rate: 1, kinds: ['throttle'] });
    const iam = new IAMClient({ maxAttempts: 2 });
    const sqs = new SQSClient({ maxAttempts: 2 });
    const s3 = new S3Client({ maxAttempts: 2, forcePathStyle: true });
    const lambda = new LambdaClient({ maxAttempts: 2 });
    await expect(iam.send(new GetRoleCommand({ RoleName: 'x' }))).rejects.toMatchObject({ name: 'Throttling', $metadata: { attempts: 2 } });
    await expect(sqs.send(new CreateQueueCommand({ QueueName: 'q' }))).rejects.toMatchObject({ name: 'ThrottlingException', $metadata: { attempts: 2 } });
    await expect(s3.send(new HeadBucketCommand({ Bucket: 'b' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 503, attempts: 2 } });
    await expect(lambda.send(new GetFunctionCommand({ FunctionName: 'f' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 429, attempts: 2 } });
    expect(em.calls.map((c) => c.fault)).toEqual(Array(8).fill('throttle'));
  });

  it('limits faults to the listed services, deterministically per seed', async () => {
    const run = async () => {
      em.reset();
      em.setFaults({ rate: 0.5, kinds: ['throttle'], seed: 42, services: ['iam'] });
      const iam = new IAMClient({ maxAttempts: 1 });
      const sqs = new SQSClient({ maxAttempts: 1 });
      const outcomes: string[] = [];
      for (let i = 0; i < 12; i++) {
        await sqs.send(new CreateQueueCommand({ QueueName: `q${i}` }));
        outcomes.push(await iam.send(new CreateRoleCommand({ RoleName: `r${i}`, AssumeRolePolicyDocument: TRUST })).then(() => 'ok', (e: Error) => e.name));
      }
      return outcomes;
    };
    const first = await run();
    expect(first).toContain('ok');
    expect(first).toContain('Throttling');
    expect(await run()).toEqual(first);
    expect(em.callsTo('sqs').every((c) => !c.fault)).toBe(true);
  });

  it('lets the SDK standard retries converge under 30% faults to the same end state as without faults', async () => {
    em.setFaults({ rate: 0.3, kinds: ['throttle', 'error500', 'reset'], seed: 7 });
    await deploy(new LambdaClient({ maxAttempts: 8 }), new IAMClient({ maxAttempts: 8 }));
    const faulted = em.calls.filter((c) => c.fault).length;
    expect(faulted).toBeGreaterThan(0);
    const alias = em.state.lambda.functions.get('svc-fn')?.aliases.get('live');
    expect(alias?.functionVersion).toBe('1');
    expect([...(em.state.lambda.functions.get('svc-fn')?.versions.keys() ?? [])]).toEqual(['1']);
    expect([...em.state.iam.roles.keys()]).toEqual(['svc-role']);
  });
});

describe('call records', () => {
  it('count write calls (none for a read-only pass) and keep decoded inputs in order', async () => {
    const lambda = new LambdaClient({});
    await deploy(lambda, new IAMClient({}));
    expect(em.writeCalls().map((c) => `${c.service}:${c.operation}`)).toEqual(['iam:CreateRole', 'lambda:CreateFunction', 'lambda:PublishVersion', 'lambda:CreateAlias']);
    em.clearCalls();
    await lambda.send(new GetFunctionCommand({ FunctionName: 'svc-fn' }));
    await lambda.send(new GetAliasCommand({ FunctionName: 'svc-fn', Name: 'live' }));
    await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'svc-fn' }));
    expect(em.calls).toHaveLength(3);
    expect(em.writeCalls()).toEqual([]);
    await lambda.send(new UpdateAliasCommand({ FunctionName: 'svc-fn', Name: 'live', FunctionVersion: '1', Description: 'r2' }));
    expect(em.callsTo('lambda', 'UpdateAlias').map((c) => c.input)).toEqual([{ FunctionName: 'svc-fn', Name: 'live', FunctionVersion: '1', Description: 'r2' }]);
    const create = em.state.lambda.functions.get('svc-fn');
    expect(create).toBeDefined();
  });

  it('record blobs as sizes, not contents', async () => {
    const lambda = new LambdaClient({});
    await deploy(lambda, new IAMClient({}));
    const input = em.callsTo('lambda', 'CreateFunction')[0]?.input as { Code: { ZipFile: string } };
    expect(input.Code.ZipFile).toMatch(/^<\d+ chars>$/);
  });
});

describe('CLI', () => {
  it('prints its URL, serves SDK calls and stops on SIGTERM', async () => {
    const main = resolve('dist/test/emulators/aws/main.js');
    expect(existsSync(main), 'run `npm run build` first').toBe(true);
    const child = spawn(process.execPath, [main, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await new Promise<string>((ok, fail) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /AWS emulator listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) ok(m[1] ?? '');
      });
      child.on('exit', (code) => fail(new Error(`exited ${code}`)));
    });
    const sqs = new SQSClient({ endpoint: url });
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'cli' }));
    expect((await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn).toBe('arn:aws:sqs:us-east-1:000000000000:cli');
    const code = await new Promise<number | null>((ok) => {
      child.on('exit', (c) => ok(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  });

  it('routes every client through one AWS_ENDPOINT_URL', async () => {
    const s3 = new S3Client({ forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'routed' }));
    await new SQSClient({}).send(new CreateQueueCommand({ QueueName: 'routed' }));
    expect(em.calls.map((c) => c.service)).toEqual(['s3', 'sqs']);
  });
});
