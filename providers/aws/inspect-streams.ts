/**
 * inspect() for stream triggers: the tables and data streams they name (DescribeTable,
 * DescribeStreamSummary; read-only, fnx never creates them) and the stream settings of an
 * event source mapping in the shape plan() compares.
 */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import type { EventSourceMappingConfiguration } from '@aws-sdk/client-lambda';
import type { LimitFunction } from 'p-limit';
import type { ResolvedManifest } from '../../src/driver.js';
import type { AwsClients } from './clients.js';
import { awsFunctions } from './desired.js';
import type { DeployedMapping, StreamSource } from './state.js';
import { streamSourceArn, type StreamTarget } from './stream.js';

/** The mapping's stream settings, with Lambda's defaults where it leaves a field out. */
export function streamMappingOf(m: EventSourceMappingConfiguration): NonNullable<DeployedMapping['stream']> {
  return {
    batchSize: m.BatchSize ?? 100,
    batchWindow: m.MaximumBatchingWindowInSeconds ?? 0,
    maxRetries: m.MaximumRetryAttempts ?? -1,
    maxAge: m.MaximumRecordAgeInSeconds ?? -1,
    bisectOnError: m.BisectBatchOnFunctionError ?? false,
    parallelization: m.ParallelizationFactor ?? 1,
    filters: (m.FilterCriteria?.Filters ?? []).map((f) => f.Pattern ?? ''),
    onFailure: m.DestinationConfig?.OnFailure?.Destination ?? '',
    reportFailures: (m.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
    startingPosition: m.StartingPosition ?? '',
    ...(m.StartingPositionTimestamp ? { timestamp: new Date(m.StartingPositionTimestamp).toISOString() } : {}),
  };
}

/** Each stream trigger's source by ARN; undefined when the manifest has no stream trigger (no SDK loaded). */
export async function readStreamSources(aws: AwsClients, manifest: ResolvedManifest, t: StreamTarget, limit: LimitFunction): Promise<Record<string, StreamSource> | undefined> {
  const sources = new Map<string, 'dynamodb' | 'kinesis'>();
  for (const f of awsFunctions(manifest)) for (const tr of f.triggers) if (tr.kind === 'stream') sources.set(streamSourceArn(t, tr), tr.source);
  if (!sources.size) return undefined;
  const out: Record<string, StreamSource> = {};
  await Promise.all(
    [...sources].map(([sourceArn, source]) =>
      limit(async () => {
        out[sourceArn] = source === 'dynamodb' ? await readTable(aws, sourceArn) : await readDataStream(aws, sourceArn);
      }),
    ),
  );
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

async function readTable(aws: AwsClients, tableArn: string): Promise<StreamSource> {
  const client = await aws.dynamodb();
  const got = await aws.find('DescribeTable', () => client.send(new DescribeTableCommand({ TableName: tableArn })), { resource: tableArn });
  if (!got?.Table) return { state: 'missing' };
  const enabled = got.Table.StreamSpecification?.StreamEnabled === true && got.Table.LatestStreamArn;
  return enabled ? { state: 'ok', streamArn: got.Table.LatestStreamArn! } : { state: 'disabled' };
}

async function readDataStream(aws: AwsClients, streamArn: string): Promise<StreamSource> {
  const client = await aws.kinesis();
  const got = await aws.find('DescribeStreamSummary', () => client.send(new DescribeStreamSummaryCommand({ StreamARN: streamArn })), { resource: streamArn });
  const summary = got?.StreamDescriptionSummary;
  if (!summary || summary.StreamStatus === 'DELETING') return { state: 'missing' };
  return { state: 'ok', streamArn: summary.StreamARN ?? streamArn };
}
