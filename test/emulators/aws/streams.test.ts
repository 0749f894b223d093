/**
 * The emulator's DynamoDB and Kinesis describe calls, through the unmodified SDK clients, and
 * Lambda's rules for event source mappings on streams (what CreateEventSourceMapping and
 * UpdateEventSourceMapping refuse, and the mapping's states).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DescribeTableCommand, DynamoDBClient, ResourceNotFoundException as TableNotFound } from '@aws-sdk/client-dynamodb';
import { DescribeStreamSummaryCommand, KinesisClient, ResourceNotFoundException as StreamNotFound } from '@aws-sdk/client-kinesis';
import { CreateEventSourceMappingCommand, CreateFunctionCommand, DeleteEventSourceMappingCommand, GetEventSourceMappingCommand, InvalidParameterValueException, LambdaClient, ResourceInUseException, UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { startAwsEmulator, type AwsEmulator } from './index.js';
import { FakeClock, useEmulatorEnv, zipOf } from './helpers.js';

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const ACCOUNT = '000000000000';
const READS = ['dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:DescribeStream', 'dynamodb:ListStreams', 'kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:DescribeStream', 'kinesis:ListShards'];

let em: AwsEmulator;
let lambda: LambdaClient;
let iam: IAMClient;
const clock = new FakeClock();
let tableStream = '';
const kinesisArn = `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/clicks`;

beforeAll(async () => {
  em = await startAwsEmulator({ clock, asyncDelayMs: 1000 });
  useEmulatorEnv(em.env());
  lambda = new LambdaClient({});
  iam = new IAMClient({});
});
afterAll(() => em.close());

async function fnWithRole(name: string, reads: readonly string[]): Promise<void> {
  const role = await iam.send(new CreateRoleCommand({ RoleName: `${name}-role`, AssumeRolePolicyDocument: TRUST }));
  if (reads.length) await iam.send(new PutRolePolicyCommand({ RoleName: `${name}-role`, PolicyName: 'p', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: reads, Resource: '*' }] }) }));
  await lambda.send(new CreateFunctionCommand({ FunctionName: name, Role: role.Role!.Arn!, Runtime: 'nodejs22.x', Handler: 'index.handler', Code: { ZipFile: zipOf(name) } }));
  clock.advance(1000);
}

beforeEach(async () => {
  em.reset();
  const t = em.seedTable('orders');
  tableStream = `${t.arn}/stream/${t.latestStreamLabel}`;
  em.seedStream('clicks');
  await fnWithRole('fn', READS);
});

const rejects = async (input: ConstructorParameters<typeof CreateEventSourceMappingCommand>[0], message: RegExp) => {
  const err = await lambda.send(new CreateEventSourceMappingCommand(input)).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(InvalidParameterValueException);
  expect((err as Error).message).toMatch(message);
};

describe('DynamoDB and Kinesis describe calls', () => {
  it('DescribeTable answers by name or ARN with the latest stream, and ResourceNotFoundException for a missing table', async () => {
    const ddb = new DynamoDBClient({});
    const byName = await ddb.send(new DescribeTableCommand({ TableName: 'orders' }));
    const byArn = await ddb.send(new DescribeTableCommand({ TableName: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders` }));
    expect(byName.Table).toMatchObject({ TableName: 'orders', StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' }, LatestStreamArn: tableStream });
    expect(byArn.Table?.LatestStreamArn).toBe(tableStream);
    em.seedTable('plain', { stream: false });
    const plain = await ddb.send(new DescribeTableCommand({ TableName: 'plain' }));
    expect(plain.Table?.StreamSpecification).toBeUndefined();
    expect(plain.Table?.LatestStreamArn).toBeUndefined();
    await expect(ddb.send(new DescribeTableCommand({ TableName: 'nope' }))).rejects.toBeInstanceOf(TableNotFound);
  });

  it('DescribeStreamSummary answers by name or ARN, and ResourceNotFoundException for a missing stream', async () => {
    const kinesis = new KinesisClient({ requestHandler: new NodeHttpHandler() });
    const s = await kinesis.send(new DescribeStreamSummaryCommand({ StreamARN: kinesisArn }));
    expect(s.StreamDescriptionSummary).toMatchObject({ StreamName: 'clicks', StreamARN: kinesisArn, StreamStatus: 'ACTIVE', OpenShardCount: 1 });
    expect((await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'clicks' }))).StreamDescriptionSummary?.StreamARN).toBe(kinesisArn);
    await expect(kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'nope' }))).rejects.toBeInstanceOf(StreamNotFound);
  });
});

describe('event source mappings on streams', () => {
  it('a stream mapping needs StartingPosition; AT_TIMESTAMP is Kinesis-only and needs its timestamp; SQS refuses stream settings', async () => {
    await rejects({ FunctionName: 'fn', EventSourceArn: tableStream }, /StartingPosition is required/);
    await rejects({ FunctionName: 'fn', EventSourceArn: tableStream, StartingPosition: 'AT_TIMESTAMP', StartingPositionTimestamp: new Date() }, /Unsupported starting position AT_TIMESTAMP/);
    await rejects({ FunctionName: 'fn', EventSourceArn: kinesisArn, StartingPosition: 'AT_TIMESTAMP' }, /StartingPositionTimestamp is required/);
    await rejects({ FunctionName: 'fn', EventSourceArn: kinesisArn, StartingPosition: 'LATEST', StartingPositionTimestamp: new Date() }, /only supported with StartingPosition AT_TIMESTAMP/);
    const queue = `arn:aws:sqs:us-east-1:${ACCOUNT}:jobs`;
    await rejects({ FunctionName: 'fn', EventSourceArn: queue, StartingPosition: 'LATEST' }, /Unsupported StartingPosition parameter/);
    await rejects({ FunctionName: 'fn', EventSourceArn: queue, DestinationConfig: { OnFailure: { Destination: queue } } }, /Unsupported DestinationConfig parameter/);
  });

  it('refuses stream settings out of Lambda\'s ranges, too many filters and a missing stream', async () => {
    const base = { FunctionName: 'fn', EventSourceArn: kinesisArn, StartingPosition: 'LATEST' as const };
    await rejects({ ...base, BatchSize: 10001 }, /BatchSize must be between 1 and 10000/);
    await rejects({ ...base, MaximumBatchingWindowInSeconds: 301 }, /maximumBatchingWindowInSeconds/);
    await rejects({ ...base, MaximumRetryAttempts: 10001 }, /maximumRetryAttempts/);
    await rejects({ ...base, MaximumRecordAgeInSeconds: 59 }, /maximumRecordAgeInSeconds/);
    await rejects({ ...base, ParallelizationFactor: 11 }, /parallelizationFactor/);
    await rejects({ ...base, FilterCriteria: { Filters: Array.from({ length: 6 }, () => ({ Pattern: '{"a":[1]}' })) } }, /maximum number of filters/);
    await rejects({ ...base, FilterCriteria: { Filters: [{ Pattern: '[1]' }] } }, /Invalid filter pattern/);
    await rejects({ ...base, EventSourceArn: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/nope` }, /Stream not found/);
  });

  it('the role must read the stream and send to the on-failure destination', async () => {
    await fnWithRole('bare', []);
    await rejects({ FunctionName: 'bare', EventSourceArn: tableStream, StartingPosition: 'LATEST' }, /Cannot access stream .*Please ensure the role can perform the GetRecords, GetShardIterator, DescribeStream, and ListStreams Actions/);
    await rejects({ FunctionName: 'fn', EventSourceArn: tableStream, StartingPosition: 'LATEST', DestinationConfig: { OnFailure: { Destination: `arn:aws:sqs:us-east-1:${ACCOUNT}:failed` } } }, /does not have permissions to call SendMessage on SQS/);
  });

  it('a mapping goes Creating -> Enabled, reports Lambda\'s stream defaults, refuses updates while Creating/Updating, and cannot change its starting position', async () => {
    const m = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'fn', EventSourceArn: tableStream, StartingPosition: 'TRIM_HORIZON' }));
    expect(m).toMatchObject({ State: 'Creating', BatchSize: 100, StartingPosition: 'TRIM_HORIZON', MaximumRetryAttempts: -1, MaximumRecordAgeInSeconds: -1, BisectBatchOnFunctionError: false, ParallelizationFactor: 1 });
    await expect(lambda.send(new UpdateEventSourceMappingCommand({ UUID: m.UUID, BatchSize: 5 }))).rejects.toBeInstanceOf(ResourceInUseException);
    clock.advance(1000);
    expect((await lambda.send(new GetEventSourceMappingCommand({ UUID: m.UUID }))).State).toBe('Enabled');
    const u = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: m.UUID, BatchSize: 5, MaximumRetryAttempts: 2 }));
    expect(u).toMatchObject({ State: 'Updating', BatchSize: 5, MaximumRetryAttempts: 2 });
    await expect(lambda.send(new DeleteEventSourceMappingCommand({ UUID: m.UUID }))).rejects.toBeInstanceOf(ResourceInUseException);
    clock.advance(1000);
    const raw = await fetch(`${em.url}/2015-03-31/event-source-mappings/${m.UUID}`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/lambda/aws4_request` }, body: JSON.stringify({ StartingPosition: 'LATEST' }) });
    expect(raw.status).toBe(400);
    expect(await raw.text()).toContain('StartingPosition cannot be changed');
  });
});
