/**
 * End to end: stream triggers on DynamoDB tables and Kinesis data streams fnx does not create.
 * A deploy creates one event source mapping on the alias with the manifest's settings and a role
 * that may read exactly that stream (and send to its on-failure destination); changing a setting
 * updates the mapping in place, an unchanged redeploy writes nothing, removing the trigger deletes
 * the mapping and the grants; a missing table or stream, or a table without a stream, stops the
 * deploy before any change with how to fix it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AwsEmulator } from '../../emulators/aws/index.js';
import { createQueue, fnx, newProject, startWorld, writeProject } from './world.js';

const ACCOUNT = '000000000000';

const project = (service: string, triggers: string, extra = '') => ({
  'fnx.yaml': `service: ${service}\nproviders:\n  aws: { region: us-east-1 }\nfunctions:\n  worker:\n    handler: src/w.handler\n${extra}    triggers:\n${triggers}`,
  'src/w.js': 'export const handler = async () => ({});\n',
});

interface Statement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource: string[] | string;
}

function policy(aws: AwsEmulator, role: string): Statement[] {
  const doc = aws.state.iam.roles.get(role)?.inlinePolicies.get('fnx');
  return doc ? (JSON.parse(decodeURIComponent(doc)) as { Statement: Statement[] }).Statement : [];
}

function mappings(aws: AwsEmulator, fn: string) {
  return [...aws.state.lambda.eventSourceMappings.values()].filter((m) => m.functionArn === `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${fn}:live` && m.state !== 'Deleting');
}

describe('aws: stream triggers', () => {
  let aws: AwsEmulator;
  beforeAll(async () => {
    aws = await startWorld();
  });
  afterAll(() => aws?.close());
  beforeEach(() => {
    aws.seedTable('orders');
    aws.seedStream('clicks');
  });

  it('creates a mapping per stream with its settings, scopes the role to those streams statement by statement, redeploys with zero writes; remove deletes the mappings and leaves table and stream', async () => {
    await createQueue(aws, 'orders-failed');
    const dir = await newProject(
      project(
        'str',
        `      - stream: { source: dynamodb, table: orders, batchSize: 50, batchWindow: 5, startingPosition: trimHorizon, maxRetries: 3, maxAge: 3600, bisectOnError: true, parallelization: 2, filter: [{ eventName: [INSERT] }], onFailure: { queue: orders-failed } }\n      - stream: { source: kinesis, stream: clicks }\n`,
      ),
    );
    const r = await fnx(aws, dir, ['deploy', '--stage', 'dev']);
    expect(r.code, r.stderr).toBe(0);
    const table = aws.state.dynamodb.tables.get('orders')!;
    const streamArn = `${table.arn}/stream/${table.latestStreamLabel}`;
    const clicks = `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/clicks`;
    const queue = `arn:aws:sqs:us-east-1:${ACCOUNT}:orders-failed`;
    const [dynamo, kinesis] = [...mappings(aws, 'str-dev-worker')].sort((a, b) => a.eventSourceArn.localeCompare(b.eventSourceArn));
    expect(dynamo).toMatchObject({ eventSourceArn: streamArn, batchSize: 50, maximumBatchingWindowInSeconds: 5, functionResponseTypes: ['ReportBatchItemFailures'] });
    expect(dynamo!.extra).toMatchObject({
      StartingPosition: 'TRIM_HORIZON',
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 3600,
      BisectBatchOnFunctionError: true,
      ParallelizationFactor: 2,
      FilterCriteria: { Filters: [{ Pattern: '{"eventName":["INSERT"]}' }] },
      DestinationConfig: { OnFailure: { Destination: queue } },
    });
    expect(kinesis).toMatchObject({ eventSourceArn: clicks, batchSize: 100, maximumBatchingWindowInSeconds: 0 });
    expect(kinesis!.extra).toMatchObject({ StartingPosition: 'LATEST', MaximumRetryAttempts: -1, MaximumRecordAgeInSeconds: -1, BisectBatchOnFunctionError: false, ParallelizationFactor: 1, DestinationConfig: { OnFailure: {} } });

    expect(policy(aws, 'str-dev-worker-role')).toEqual([
      { Sid: 'Logs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/str-dev-worker:*`] },
      { Sid: 'DynamoDBStreamTriggers', Effect: 'Allow', Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'], Resource: [streamArn] },
      {
        Sid: 'KinesisStreamTriggers',
        Effect: 'Allow',
        Action: ['kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:ListShards', 'kinesis:ListStreams'],
        Resource: [clicks],
      },
      { Sid: 'StreamFailureQueues', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [queue] },
    ]);

    const status = await fnx(aws, dir, ['status', '--stage', 'dev']);
    expect(status.stdout).toContain('stream orders (batch 50)');
    expect(status.stdout).toContain('stream clicks (batch 100)');
    expect(status.stdout).not.toContain('not deployed');

    aws.clearCalls();
    const again = await fnx(aws, dir, ['deploy', '--stage', 'dev']);
    expect(again.code, again.stderr).toBe(0);
    expect(aws.writeCalls()).toEqual([]);
    expect(aws.callsTo('dynamodb', 'DescribeTable')).toHaveLength(1);
    expect(aws.callsTo('kinesis', 'DescribeStreamSummary')).toHaveLength(1);

    const removed = await fnx(aws, dir, ['remove', '--stage', 'dev', '--yes']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(mappings(aws, 'str-dev-worker')).toEqual([]);
    expect(aws.state.dynamodb.tables.has('orders')).toBe(true);
    expect(aws.state.kinesis.streams.has('clicks')).toBe(true);
  });

  it('changing settings updates the mapping in place (same UUID); a new topic destination is granted, dropping it clears it and its grant; removing the trigger deletes the mapping and its grants', async () => {
    const dir = await newProject(project('chg', '      - stream: { source: dynamodb, table: orders }\n'));
    expect((await fnx(aws, dir, ['deploy', '--stage', 'dev'])).code).toBe(0);
    const [before] = mappings(aws, 'chg-dev-worker');
    await writeProject(dir, project('chg', '      - stream: { source: dynamodb, table: orders, batchSize: 500, maxRetries: 2, onFailure: { topic: events } }\n'));
    const plan = await fnx(aws, dir, ['plan', '--stage', 'dev']);
    expect(plan.stdout).toMatch(/batchSize: 100 -> 500/);
    expect(plan.stdout).toMatch(/maxRetries: -1 -> 2/);
    aws.clearCalls();
    const r = await fnx(aws, dir, ['deploy', '--stage', 'dev']);
    expect(r.code, r.stderr).toBe(0);
    expect(aws.callsTo('lambda', 'CreateEventSourceMapping')).toEqual([]);
    expect(aws.callsTo('lambda', 'UpdateEventSourceMapping').map((c) => c.input.UUID)).toEqual([before!.uuid]);
    const [after] = mappings(aws, 'chg-dev-worker');
    const topic = `arn:aws:sns:us-east-1:${ACCOUNT}:events`;
    expect(after).toMatchObject({ uuid: before!.uuid, batchSize: 500 });
    expect(after!.extra).toMatchObject({ MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: topic } } });
    expect(policy(aws, 'chg-dev-worker-role').find((s) => s.Sid === 'StreamFailureTopics')).toEqual({ Sid: 'StreamFailureTopics', Effect: 'Allow', Action: ['sns:Publish'], Resource: [topic] });

    await writeProject(dir, project('chg', '      - stream: { source: dynamodb, table: orders, batchSize: 500, maxRetries: 2 }\n'));
    expect((await fnx(aws, dir, ['deploy', '--stage', 'dev'])).code).toBe(0);
    expect(mappings(aws, 'chg-dev-worker')[0]!.extra).toMatchObject({ DestinationConfig: { OnFailure: {} } });
    expect(policy(aws, 'chg-dev-worker-role').map((s) => s.Sid)).toEqual(['Logs', 'DynamoDBStreamTriggers']);

    await writeProject(dir, project('chg', '      - schedule: { rate: 1h }\n'));
    const removed = await fnx(aws, dir, ['deploy', '--stage', 'dev']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(mappings(aws, 'chg-dev-worker')).toEqual([]);
    expect(policy(aws, 'chg-dev-worker-role').map((s) => s.Sid)).toEqual(['Logs']);
  });

  it('a missing table or data stream stops the deploy before any change, saying fnx does not create them', async () => {
    for (const [service, trigger, message, hint] of [
      ['nt', 'table: no-such-table', `stream trigger of worker: DynamoDB table arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/no-such-table does not exist; nothing was changed`, 'fnx does not create tables'],
      ['ns', 'stream: no-such-stream', `stream trigger of worker: Kinesis data stream arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/no-such-stream does not exist; nothing was changed`, 'hint: fnx does not create data streams: create it first (`aws kinesis create-stream --stream-name no-such-stream --region us-east-1`)'],
    ] as const) {
      const source = trigger.startsWith('table') ? 'dynamodb' : 'kinesis';
      const dir = await newProject(project(service, `      - stream: { source: ${source}, ${trigger} }\n`));
      aws.clearCalls();
      const r = await fnx(aws, dir, ['deploy', '--stage', 'dev']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`error [E_CLOUD_NOT_FOUND] ${message}`);
      expect(r.stderr).toContain(hint);
      expect(aws.writeCalls()).toEqual([]);
    }
  });

  it('a table without a stream stops the deploy before any change, with the command that enables it', async () => {
    aws.seedTable('plain', { stream: false });
    const dir = await newProject(project('pl', '      - stream: { source: dynamodb, table: plain }\n'));
    aws.clearCalls();
    const r = await fnx(aws, dir, ['deploy', '--stage', 'dev']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error [E_CLOUD_INVALID] stream trigger of worker: DynamoDB table arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/plain has no stream enabled; nothing was changed`);
    expect(r.stderr).toContain('hint: fnx does not change tables: enable its stream (`aws dynamodb update-table --table-name plain --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES --region us-east-1`), then run `fnx deploy` again.');
    expect(aws.writeCalls()).toEqual([]);
  });

  it('Lambda\'s limits are validate errors with their position (exit 2), before any cloud call', async () => {
    const dir = await newProject(project('lim', '      - stream: { source: dynamodb, table: orders, startingPosition: atTimestamp, timestamp: "2026-01-01T00:00:00Z", maxAge: 30, parallelization: 11 }\n'));
    aws.clearCalls();
    const r = await fnx(aws, dir, ['validate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/fnx\.yaml:8:\d+: error \[E_SCHEMA_RANGE\] functions\.worker\.triggers\[0\]\.stream\.parallelization must be at most 10, got 11\./);
    const fixed = await newProject(project('lim', '      - stream: { source: dynamodb, table: orders, startingPosition: atTimestamp, timestamp: "2026-01-01T00:00:00Z", maxAge: 30 }\n'));
    const v = await fnx(aws, fixed, ['validate']);
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/fnx\.yaml:8:\d+: error \[E_AWS_STREAM_POSITION\] DynamoDB streams cannot start reading at a timestamp/);
    expect(v.stderr).toMatch(/fnx\.yaml:8:\d+: error \[E_AWS_STREAM_MAX_AGE\] maxAge 30 is not one Lambda takes/);
    expect(aws.calls).toEqual([]);
  });
});
