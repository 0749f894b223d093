/**
 * Stream triggers on AWS: a Lambda event source mapping on a DynamoDB table's stream or a Kinesis
 * data stream. Pure: ARNs of the sources and their on-failure destinations, the settings fnx
 * writes on the mapping (and compares with what is deployed), and the rules Lambda applies that
 * depend only on the manifest (validate.ts reports them at their place in fnx.yaml).
 *
 * fnx reads a stream through the shared (standard) iterator, never an enhanced fan-out consumer:
 * the role needs no kinesis:SubscribeToShard and fnx creates no consumer.
 */
import { ExitCode, FnxError, type StreamTrigger } from '../../src/driver.js';
import { arn } from './names.js';

export interface StreamTarget {
  readonly region: string;
  readonly accountId: string;
}

/** The table (dynamodb) or data stream (kinesis) ARN the trigger names: its key in plans. */
export function streamSourceArn(t: StreamTarget, trigger: Pick<StreamTrigger, 'source' | 'name'>): string {
  if (trigger.name.startsWith('arn:')) return trigger.name;
  return trigger.source === 'dynamodb' ? `arn:aws:dynamodb:${t.region}:${t.accountId}:table/${trigger.name}` : `arn:aws:kinesis:${t.region}:${t.accountId}:stream/${trigger.name}`;
}

/** A mapping's EventSourceArn is a stream source (not a queue). */
export function isStreamSource(eventSourceArn: string): boolean {
  return eventSourceArn.includes(':dynamodb:') || eventSourceArn.includes(':kinesis:');
}

/** The table or data stream ARN a mapping's EventSourceArn reads (a DynamoDB stream ARN names its table). */
export function sourceOfMapping(eventSourceArn: string): string {
  const i = eventSourceArn.indexOf('/stream/');
  return eventSourceArn.includes(':dynamodb:') && i >= 0 ? eventSourceArn.slice(0, i) : eventSourceArn;
}

/** The name in an ARN (`table/orders` -> orders, `stream/clicks` -> clicks). */
export function streamName(sourceArn: string): string {
  const resource = sourceArn.split(':').slice(5).join(':');
  return resource.split('/')[1] ?? resource;
}

export function onFailureArn(t: StreamTarget, onFailure: StreamTrigger['onFailure']): string {
  if (onFailure?.queue) return onFailure.queue.startsWith('arn:') ? onFailure.queue : arn.queue(t.region, t.accountId, onFailure.queue);
  if (onFailure?.topic) return onFailure.topic.startsWith('arn:') ? onFailure.topic : arn.topic(t.region, t.accountId, onFailure.topic);
  return '';
}

export const STARTING_POSITIONS = { latest: 'LATEST', trimHorizon: 'TRIM_HORIZON', atTimestamp: 'AT_TIMESTAMP' } as const;

/**
 * The mapping settings fnx manages that UpdateEventSourceMapping can change, in a comparable shape
 * (inspect reads the same shape back). `onFailure` is '' without a destination.
 */
export interface StreamSettings {
  readonly batchSize: number;
  readonly batchWindow: number;
  readonly maxRetries: number;
  readonly maxAge: number;
  readonly bisectOnError: boolean;
  readonly parallelization: number;
  /** Filter patterns as JSON text, in manifest order. */
  readonly filters: readonly string[];
  readonly onFailure: string;
  /** FunctionResponseTypes holds ReportBatchItemFailures (the entry adapter answers with batchItemFailures). */
  readonly reportFailures: boolean;
}

/** What a mapping was created with: UpdateEventSourceMapping cannot change it. */
export interface StreamStart {
  readonly startingPosition: string;
  /** ISO 8601, with AT_TIMESTAMP. */
  readonly timestamp?: string;
}

export function streamSettings(t: StreamTarget, trigger: StreamTrigger, reportFailures: boolean): StreamSettings {
  return {
    batchSize: trigger.batchSize,
    batchWindow: trigger.batchWindow,
    maxRetries: trigger.maxRetries,
    maxAge: trigger.maxAge,
    bisectOnError: trigger.bisectOnError,
    parallelization: trigger.parallelization,
    filters: trigger.filter.map((f) => JSON.stringify(f)),
    onFailure: onFailureArn(t, trigger.onFailure),
    reportFailures,
  };
}

/** The fields of UpdateEventSourceMapping (and CreateEventSourceMapping) that carry `s`. */
export function mappingFields(s: StreamSettings) {
  return {
    BatchSize: s.batchSize,
    MaximumBatchingWindowInSeconds: s.batchWindow,
    MaximumRetryAttempts: s.maxRetries,
    MaximumRecordAgeInSeconds: s.maxAge,
    BisectBatchOnFunctionError: s.bisectOnError,
    ParallelizationFactor: s.parallelization,
    FilterCriteria: { Filters: s.filters.map((Pattern) => ({ Pattern })) },
    DestinationConfig: { OnFailure: s.onFailure ? { Destination: s.onFailure } : {} },
    FunctionResponseTypes: s.reportFailures ? ['ReportBatchItemFailures' as const] : [],
  };
}

/** Field-level differences of two settings, named as in fnx.yaml. */
export function settingsChanges(from: StreamSettings, to: StreamSettings): { field: string; from: unknown; to: unknown }[] {
  const labels: Record<keyof StreamSettings, string> = {
    batchSize: 'batchSize',
    batchWindow: 'batchWindow',
    maxRetries: 'maxRetries',
    maxAge: 'maxAge',
    bisectOnError: 'bisectOnError',
    parallelization: 'parallelization',
    filters: 'filter',
    onFailure: 'onFailure',
    reportFailures: 'reportBatchItemFailures',
  };
  return (Object.keys(labels) as (keyof StreamSettings)[])
    .filter((k) => JSON.stringify(from[k]) !== JSON.stringify(to[k]))
    .map((k) => ({ field: labels[k], from: from[k] === '' ? undefined : from[k], to: to[k] === '' ? undefined : to[k] }));
}

/** Lambda keeps each filter pattern to 4096 characters. */
export const FILTER_PATTERN_MAX = 4096;

function usage(code: string, message: string, hint: string): FnxError {
  return new FnxError(code, message, { hint, exitCode: ExitCode.usage });
}

/** Lambda's rules on a stream trigger that the neutral schema leaves open: each with the field it is about. */
export function streamRuleProblems(trigger: StreamTrigger): { field: (string | number)[]; error: FnxError }[] {
  const out: { field: (string | number)[]; error: FnxError }[] = [];
  if (trigger.source === 'dynamodb' && trigger.startingPosition === 'atTimestamp') {
    out.push({ field: ['startingPosition'], error: usage('E_AWS_STREAM_POSITION', 'DynamoDB streams cannot start reading at a timestamp (Lambda takes `latest` or `trimHorizon` for them).', 'Use `startingPosition: latest` or `trimHorizon` (and remove `timestamp`).') });
  }
  if (trigger.maxAge >= 0 && trigger.maxAge < 60) {
    out.push({ field: ['maxAge'], error: usage('E_AWS_STREAM_MAX_AGE', `maxAge ${trigger.maxAge} is not one Lambda takes: -1 (no limit) or 60-604800 seconds.`, 'Use -1, or at least 60.') });
  }
  trigger.filter.forEach((f, i) => {
    const length = JSON.stringify(f).length;
    if (length > FILTER_PATTERN_MAX) {
      out.push({ field: ['filter', i], error: usage('E_AWS_STREAM_FILTER', `filter pattern ${i + 1} is ${length} characters of JSON; Lambda keeps at most ${FILTER_PATTERN_MAX}.`, 'Shorten the pattern, or split it into several patterns (at most 5).') });
    }
  });
  return out;
}
