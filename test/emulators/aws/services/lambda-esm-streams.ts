// Lambda's rules for event source mappings on DynamoDB and Kinesis streams (CreateEventSourceMapping /
// UpdateEventSourceMapping API reference): the settings only streams take and their limits, the
// starting position (required for streams, refused for SQS), on-failure destinations (streams only),
// filter criteria, and the execution role's stream reads and destination sends.
import type { Emulator } from '../emulator.js';
import { num, obj, str } from '../protocol.js';
import type { LambdaFunction } from '../state.js';
import { localRole, roleAllows } from './iam-eval.js';
import { invalid, requirePermission, versionFor } from './lambda-common.js';
import { kinesisStreamOf, tableOfStream } from './streams.js';

type In = Record<string, unknown>;

/** Fields only stream mappings take (SQS refuses them). */
const STREAM_ONLY = ['StartingPosition', 'StartingPositionTimestamp', 'MaximumRetryAttempts', 'MaximumRecordAgeInSeconds', 'BisectBatchOnFunctionError', 'ParallelizationFactor', 'DestinationConfig', 'TumblingWindowInSeconds'];

export type SourceKind = 'sqs' | 'dynamodb' | 'kinesis' | 'other';

export function sourceKind(arn: string): SourceKind {
  if (arn.includes(':sqs:')) return 'sqs';
  if (/^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[^/]+\/stream\/.+$/.test(arn)) return 'dynamodb';
  if (/^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:\d{12}:stream\/[^/]+$/.test(arn)) return 'kinesis';
  return 'other';
}

const STREAM_READS = {
  dynamodb: ['dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:DescribeStream', 'dynamodb:ListStreams'],
  kinesis: ['kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:DescribeStream', 'kinesis:ListShards'],
} as const;

/** The stream exists (a table's latest stream, an ACTIVE data stream) and the function's role may read it. */
export function checkStreamSource(em: Emulator, kind: 'dynamodb' | 'kinesis', sourceArn: string, fn: LambdaFunction, q: string): void {
  const local = sourceArn.split(':')[4] === em.accountId;
  if (local) {
    const exists = kind === 'dynamodb' ? tableOfStream(em, sourceArn) !== undefined : kinesisStreamOf(em, sourceArn)?.status === 'ACTIVE';
    if (!exists) throw invalid(`Stream not found: ${sourceArn}`);
  }
  const role = localRole(em, versionFor(em, fn, q).config.Role);
  if (role && STREAM_READS[kind].some((a) => !roleAllows(role, a, sourceArn))) {
    throw invalid(`Cannot access stream ${sourceArn}. Please ensure the role can perform the GetRecords, GetShardIterator, DescribeStream, and ListStreams Actions on your stream in IAM.`);
  }
}

function destinationOf(input: In): string | undefined {
  const config = obj(input, 'DestinationConfig');
  if (!config) return undefined;
  const onFailure = (config.OnFailure ?? {}) as In;
  return str(onFailure, 'Destination');
}

/** The role may send to the on-failure destination (SQS SendMessage, SNS Publish). */
export function checkDestination(em: Emulator, destination: string | undefined, fn: LambdaFunction, q: string): void {
  if (!destination) return;
  if (!/^arn:aws[a-z-]*:(sqs|sns|s3):/.test(destination)) throw invalid(`The destination ARN ${destination} is invalid.`);
  const role = localRole(em, versionFor(em, fn, q).config.Role);
  if (!role) return;
  if (destination.includes(':sqs:')) requirePermission(role, 'sqs:SendMessage', destination);
  if (destination.includes(':sns:')) requirePermission(role, 'sns:Publish', destination);
}

function range(input: In, key: string, min: number, max: number, extra?: (n: number) => boolean): void {
  const n = num(input, key);
  if (n === undefined) return;
  if (!Number.isInteger(n) || n < min || n > max || (extra && !extra(n))) {
    throw invalid(`1 validation error detected: Value '${n}' at '${key.charAt(0).toLowerCase()}${key.slice(1)}' failed to satisfy constraint: Member must have value between ${min} and ${max}`);
  }
}

function checkFilters(input: In): void {
  const criteria = obj(input, 'FilterCriteria');
  if (!criteria) return;
  const filters = Array.isArray(criteria.Filters) ? (criteria.Filters as In[]) : [];
  if (filters.length > 5) throw invalid(`The maximum number of filters per event source mapping is 5, got ${filters.length}.`);
  for (const f of filters) {
    const pattern = str(f, 'Pattern') ?? '';
    if (pattern.length > 4096) throw invalid('1 validation error detected: Value at \'filterCriteria.filters.member.pattern\' failed to satisfy constraint: Member must have length less than or equal to 4096');
    let parsed: unknown;
    try {
      parsed = JSON.parse(pattern);
    } catch {
      parsed = undefined;
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalid(`Invalid filter pattern definition: ${pattern}`);
  }
}

/**
 * The settings of a create (`create`) or an update of a mapping on `kind`: refuses what Lambda
 * refuses. `batchSize` and `window` are the values in effect after the call.
 */
export function checkMappingSettings(kind: SourceKind, input: In, batchSize: number, window: number, create: boolean): void {
  if (batchSize < 1 || batchSize > 10000) throw invalid('BatchSize must be between 1 and 10000');
  range(input, 'MaximumBatchingWindowInSeconds', 0, 300);
  void window;
  checkFilters(input);
  if (kind === 'sqs') {
    const given = STREAM_ONLY.filter((k) => input[k] !== undefined);
    if (given.includes('DestinationConfig')) throw invalid('Unsupported DestinationConfig parameter for given event source mapping type.');
    if (given.length) throw invalid(`Unsupported ${given[0]} parameter for given event source mapping type.`);
    return;
  }
  if (kind !== 'dynamodb' && kind !== 'kinesis') return;
  if (!create && (input.StartingPosition !== undefined || input.StartingPositionTimestamp !== undefined)) {
    throw invalid('StartingPosition cannot be changed on an existing event source mapping.');
  }
  if (create) {
    const position = str(input, 'StartingPosition');
    if (position === undefined) throw invalid('StartingPosition is required for Kinesis and DynamoDB Streams event sources.');
    const allowed = kind === 'dynamodb' ? ['TRIM_HORIZON', 'LATEST'] : ['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP'];
    if (!allowed.includes(position)) throw invalid(`Unsupported starting position ${position} for ${kind === 'dynamodb' ? 'DynamoDB Streams' : 'Kinesis'} event sources.`);
    if (position === 'AT_TIMESTAMP' && input.StartingPositionTimestamp === undefined) throw invalid('StartingPositionTimestamp is required when StartingPosition is AT_TIMESTAMP.');
    if (position !== 'AT_TIMESTAMP' && input.StartingPositionTimestamp !== undefined) throw invalid('StartingPositionTimestamp is only supported with StartingPosition AT_TIMESTAMP.');
  }
  range(input, 'MaximumRetryAttempts', -1, 10000);
  range(input, 'MaximumRecordAgeInSeconds', -1, 604800, (n) => n === -1 || n >= 60);
  range(input, 'ParallelizationFactor', 1, 10);
  if (input.BisectBatchOnFunctionError !== undefined && typeof input.BisectBatchOnFunctionError !== 'boolean') throw invalid('BisectBatchOnFunctionError must be a boolean');
}

/** The destination a create or update names ('' clears it, undefined leaves it). */
export function destinationInput(input: In): string | undefined {
  if (input.DestinationConfig === undefined) return undefined;
  return destinationOf(input) ?? '';
}

/** What Lambda reports for a stream mapping's settings fnx did not send. */
export const STREAM_DEFAULTS = { MaximumRetryAttempts: -1, MaximumRecordAgeInSeconds: -1, BisectBatchOnFunctionError: false, ParallelizationFactor: 1, DestinationConfig: { OnFailure: {} } } as const;
