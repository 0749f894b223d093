// DynamoDB (awsJson1_0, DynamoDB_20120810) and Kinesis (awsJson1_1, Kinesis_20131202): the describe
// calls fnx makes for stream triggers. Tables and data streams are seeded by tests (seedTable,
// seedStream): fnx never creates them, and neither does this emulator over the wire.
import { AwsError, jsonProtocolError, routeJsonTarget, str, type HttpReq, type ServiceHandler } from '../protocol.js';
import type { Emulator } from '../emulator.js';
import type { DynamoTable, KinesisStream } from '../state.js';

type In = Record<string, unknown>;

/** A DynamoDB stream ARN: the table ARN, `/stream/` and the stream's label. */
export function dynamoStreamArn(t: DynamoTable): string | undefined {
  return t.latestStreamLabel ? `${t.arn}/stream/${t.latestStreamLabel}` : undefined;
}

/** The table a name or ARN (of this account and region) names. */
function tableOf(em: Emulator, ref: string): DynamoTable | undefined {
  const m = /^arn:aws[a-z-]*:dynamodb:([a-z0-9-]+):(\d{12}):table\/([A-Za-z0-9_.-]+)$/.exec(ref);
  if (m) return m[1] === em.region && m[2] === em.accountId ? em.state.dynamodb.tables.get(m[3] ?? '') : undefined;
  return em.state.dynamodb.tables.get(ref);
}

/** The table whose stream `streamArn` is (its latest stream). */
export function tableOfStream(em: Emulator, streamArn: string): DynamoTable | undefined {
  const i = streamArn.indexOf('/stream/');
  const t = i < 0 ? undefined : tableOf(em, streamArn.slice(0, i));
  return t && dynamoStreamArn(t) === streamArn ? t : undefined;
}

function streamOf(em: Emulator, input: In): KinesisStream | undefined {
  const arn = str(input, 'StreamARN');
  const name = str(input, 'StreamName');
  if (arn === undefined && name === undefined) throw new AwsError('ValidationException', 'Either StreamName or StreamARN should be provided.', 400);
  if (arn !== undefined) {
    const m = /^arn:aws[a-z-]*:kinesis:([a-z0-9-]+):(\d{12}):stream\/([A-Za-z0-9_.-]+)$/.exec(arn);
    if (!m) throw new AwsError('ValidationException', `1 validation error detected: Value '${arn}' at 'streamARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+`, 400);
    return m[1] === em.region && m[2] === em.accountId ? em.state.kinesis.streams.get(m[3] ?? '') : undefined;
  }
  return em.state.kinesis.streams.get(name ?? '');
}

/** A Kinesis data stream by ARN (this account and region). */
export function kinesisStreamOf(em: Emulator, arn: string): KinesisStream | undefined {
  return [...em.state.kinesis.streams.values()].find((s) => s.arn === arn);
}

function dynamoOps(em: Emulator): Record<string, { run: (input: In) => unknown }> {
  return {
    DescribeTable: {
      run(input) {
        const ref = str(input, 'TableName', true) as string;
        const t = tableOf(em, ref);
        if (!t) throw new AwsError('ResourceNotFoundException', `Requested resource not found: Table: ${ref} not found`, 400);
        const streamArn = dynamoStreamArn(t);
        return {
          Table: {
            TableName: t.name,
            TableArn: t.arn,
            TableStatus: 'ACTIVE',
            CreationDateTime: t.created / 1000,
            KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
            AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
            BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
            ...(t.streamEnabled || streamArn ? { StreamSpecification: { StreamEnabled: t.streamEnabled, ...(t.streamEnabled ? { StreamViewType: t.streamViewType } : {}) } } : {}),
            ...(streamArn ? { LatestStreamArn: streamArn, LatestStreamLabel: t.latestStreamLabel } : {}),
          },
        };
      },
    },
  };
}

function kinesisOps(em: Emulator): Record<string, { run: (input: In) => unknown }> {
  const found = (input: In): KinesisStream => {
    const s = streamOf(em, input);
    if (!s) throw new AwsError('ResourceNotFoundException', `Stream ${str(input, 'StreamName') ?? str(input, 'StreamARN')} under account ${em.accountId} not found.`, 400);
    return s;
  };
  return {
    DescribeStreamSummary: {
      run(input) {
        const s = found(input);
        return {
          StreamDescriptionSummary: {
            StreamName: s.name,
            StreamARN: s.arn,
            StreamStatus: s.status,
            StreamModeDetails: { StreamMode: 'PROVISIONED' },
            RetentionPeriodHours: 24,
            StreamCreationTimestamp: s.created / 1000,
            EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
            EncryptionType: 'NONE',
            OpenShardCount: s.shards,
            ConsumerCount: 0,
          },
        };
      },
    },
  };
}

export function createDynamoDbService(em: Emulator): ServiceHandler {
  const table = dynamoOps(em);
  return {
    name: 'dynamodb',
    route: (req: HttpReq) => routeJsonTarget(req, table, 'application/x-amz-json-1.0'),
    error: (err) => ({ ...jsonProtocolError(err, 'com.amazonaws.dynamodb.v20120810'), headers: { 'content-type': 'application/x-amz-json-1.0' } }),
    throttleError: () => new AwsError('ThrottlingException', 'Rate of requests exceeds the allowed throughput.', 400),
    internalError: () => new AwsError('InternalServerError', 'Internal server error (injected fault).', 500),
  };
}

export function createKinesisService(em: Emulator): ServiceHandler {
  const table = kinesisOps(em);
  return {
    name: 'kinesis',
    route: (req: HttpReq) => routeJsonTarget(req, table, 'application/x-amz-json-1.1'),
    error: (err) => jsonProtocolError(err, 'com.amazonaws.kinesis.v20131202'),
    throttleError: () => new AwsError('LimitExceededException', 'Rate exceeded for stream.', 400),
    internalError: () => new AwsError('InternalFailureException', 'Internal service failure (injected fault).', 500),
  };
}

export interface SeedTableOptions {
  /** Turn the table's stream on (default true) with this view type (default NEW_AND_OLD_IMAGES). */
  readonly stream?: boolean;
  readonly viewType?: DynamoTable['streamViewType'];
}

/** Creates (or replaces) a table, as a user would before deploying; returns it. */
export function seedTable(em: Emulator, name: string, opts: SeedTableOptions = {}): DynamoTable {
  const enabled = opts.stream ?? true;
  const now = em.now();
  const t: DynamoTable = {
    name,
    arn: em.arn('dynamodb', `table/${name}`),
    created: now,
    streamEnabled: enabled,
    ...(enabled ? { streamViewType: opts.viewType ?? 'NEW_AND_OLD_IMAGES', latestStreamLabel: new Date(now).toISOString().replace('Z', '') } : {}),
  };
  em.state.dynamodb.tables.set(name, t);
  return t;
}

/** Creates (or replaces) an ACTIVE Kinesis data stream; returns it. */
export function seedStream(em: Emulator, name: string, shards = 1): KinesisStream {
  const s: KinesisStream = { name, arn: em.arn('kinesis', `stream/${name}`), created: em.now(), status: 'ACTIVE', shards };
  em.state.kinesis.streams.set(name, s);
  return s;
}
