/**
 * stream triggers: event source mappings on the alias reading a DynamoDB table's stream or a
 * Kinesis data stream (the role's policy grants the stream reads and the on-failure send).
 * A mapping that is still Creating or Updating is retried as a conflict (ResourceInUseException).
 */
import { CreateEventSourceMappingCommand, DeleteEventSourceMappingCommand, UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import type { DesiredFunction } from '../../desired.js';
import { missingStreamSource } from '../../missing-source.js';
import { isRolePropagation, isTransient } from '../../retry.js';
import { isStreamSource, mappingFields, sourceOfMapping } from '../../stream.js';
import { changes, kindOf, type ApplyContext } from '../context.js';

export async function applyStreams(ctx: ApplyContext, d: DesiredFunction): Promise<void> {
  const { aws } = ctx;
  const cur = ctx.detail.deployed.functions[d.fn];
  for (const t of d.triggers) {
    if (t.kind !== 'stream') continue;
    const action = changes(ctx, `trigger:${d.fn}:${t.key}`);
    if (!action || action.op === 'no-change') continue;
    const existing = cur?.mappings.find((m) => m.stream && sourceOfMapping(m.sourceArn) === t.sourceArn);
    if (existing) {
      await aws.call('UpdateEventSourceMapping', () => aws.lambda.send(new UpdateEventSourceMappingCommand({ UUID: existing.uuid, ...mappingFields(t.settings) })), { resource: t.sourceArn });
      continue;
    }
    const start = {
      StartingPosition: t.start.startingPosition as 'LATEST' | 'TRIM_HORIZON' | 'AT_TIMESTAMP',
      ...(t.start.timestamp ? { StartingPositionTimestamp: new Date(t.start.timestamp) } : {}),
    };
    try {
      await aws.call(
        'CreateEventSourceMapping',
        () => aws.lambda.send(new CreateEventSourceMappingCommand({ FunctionName: d.aliasArn, EventSourceArn: t.streamArn, ...start, ...mappingFields(t.settings), Enabled: true })),
        { resource: t.sourceArn, retryable: (err) => isTransient(err) || isRolePropagation(err) },
      );
    } catch (err) {
      if (kindOf(err) === 'not-found' || /Stream not found/i.test((err as Error)?.message ?? '')) throw missingStreamSource(d.fn, t.source, t.sourceArn, { cause: err });
      if (kindOf(err) !== 'conflict') throw err;
    }
  }
  for (const m of cur?.mappings ?? []) {
    if (!isStreamSource(m.sourceArn)) continue;
    if (changes(ctx, `trigger:${d.fn}:stream:${sourceOfMapping(m.sourceArn)}`)?.op === 'delete') {
      await aws.find('DeleteEventSourceMapping', () => aws.lambda.send(new DeleteEventSourceMappingCommand({ UUID: m.uuid })), { resource: m.sourceArn });
    }
  }
}
