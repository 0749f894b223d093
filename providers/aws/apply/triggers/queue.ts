/** queue triggers: SQS event source mappings on the alias (the role's policy grants the queue reads). */
import { CreateEventSourceMappingCommand, DeleteEventSourceMappingCommand, UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { CloudError } from '../../../../src/errors.js';
import type { DesiredFunction } from '../../desired.js';
import { isRolePropagation } from '../../retry.js';
import { changes, kindOf, notConflict, type ApplyContext } from '../context.js';

/**
 * SQS mappings with BatchSize > 10 need MaximumBatchingWindowInSeconds >= 1 (Lambda rejects them
 * otherwise); fnx uses the smallest window, 1 second.
 */
export function batchingWindow(batchSize: number): { MaximumBatchingWindowInSeconds?: number } {
  return batchSize > 10 ? { MaximumBatchingWindowInSeconds: 1 } : {};
}

export async function applyQueues(ctx: ApplyContext, d: DesiredFunction): Promise<void> {
  const { aws } = ctx;
  const cur = ctx.detail.deployed.functions[d.fn];
  for (const t of d.triggers) {
    if (t.kind !== 'queue') continue;
    const action = changes(ctx, `trigger:${d.fn}:${t.key}`);
    if (!action) continue;
    const existing = cur?.mappings.find((m) => m.sourceArn === t.queueArn);
    if (existing) {
      await aws.call('UpdateEventSourceMapping', () => aws.lambda.send(new UpdateEventSourceMappingCommand({ UUID: existing.uuid, BatchSize: t.batchSize, ...batchingWindow(t.batchSize) })), { resource: t.queueArn });
      continue;
    }
    try {
      await aws.call(
        'CreateEventSourceMapping',
        () => aws.lambda.send(new CreateEventSourceMappingCommand({ FunctionName: d.aliasArn, EventSourceArn: t.queueArn, BatchSize: t.batchSize, ...batchingWindow(t.batchSize), Enabled: true })),
        { resource: t.queueArn, retryable: (err) => notConflict(err) || isRolePropagation(err) },
      );
    } catch (err) {
      if (/NonExistentQueue|queue does not exist/i.test((err as Error)?.message ?? '')) {
        throw new CloudError('aws', 'not-found', `queue trigger of ${d.fn}: queue ${t.queueArn} does not exist`, {
          hint: 'fnx does not create queues: create it first (in the region of the function), or fix the queue name in fnx.yaml.',
          cause: err,
        });
      }
      if (kindOf(err) !== 'conflict') throw err;
    }
  }
  for (const m of cur?.mappings ?? []) {
    if (changes(ctx, `trigger:${d.fn}:queue:${m.sourceArn}`)?.op === 'delete') {
      await aws.find('DeleteEventSourceMapping', () => aws.lambda.send(new DeleteEventSourceMappingCommand({ UUID: m.uuid })), { resource: m.sourceArn });
    }
  }
}
