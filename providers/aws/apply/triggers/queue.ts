/** queue triggers: SQS event source mappings on the alias (the role's policy grants the queue reads). */
import { CreateEventSourceMappingCommand, DeleteEventSourceMappingCommand, UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { CloudError } from '../../../../src/driver.js';
import type { DesiredFunction } from '../../desired.js';
import { missingQueue } from '../../missing-source.js';
import { arnName } from '../../names.js';
import { isRolePropagation, isTransient } from '../../retry.js';
import { changes, kindOf, type ApplyContext } from '../context.js';

/**
 * SQS mappings with BatchSize > 10 need MaximumBatchingWindowInSeconds >= 1 (Lambda rejects them
 * otherwise); fnx uses the smallest window, 1 second.
 */
export function batchingWindow(batchSize: number): { MaximumBatchingWindowInSeconds?: number } {
  return batchSize > 10 ? { MaximumBatchingWindowInSeconds: 1 } : {};
}

/**
 * With the entry adapter, the function answers a batch with `batchItemFailures`; Lambda reads
 * that answer only with ReportBatchItemFailures (without it, failed messages would be deleted).
 */
function responseTypes(report: boolean): { FunctionResponseTypes: Array<'ReportBatchItemFailures'> } {
  return { FunctionResponseTypes: report ? ['ReportBatchItemFailures'] : [] };
}

/** Lambda refuses a mapping when the queue hides a received message for less time than the function may run. */
function shortVisibility(fn: string, queueArn: string, visibility: number, timeout: number, cause: unknown): CloudError {
  const name = arnName(queueArn);
  return new CloudError('aws', 'invalid', `queue trigger of ${fn}: queue ${name} has a visibility timeout of ${visibility} s, less than the function's timeout of ${timeout} s, so Lambda refuses to read from it`, {
    hint: `Raise the queue's visibility timeout to at least ${timeout} s (AWS recommends 6x the function timeout: \`aws sqs set-queue-attributes --queue-url <url of ${name}> --attributes VisibilityTimeout=${timeout * 6}\`), or lower \`timeout:\` in fnx.yaml to ${visibility} or less; then run \`fnx deploy\` again.`,
    cause,
  });
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
      await aws.call(
        'UpdateEventSourceMapping',
        () => aws.lambda.send(new UpdateEventSourceMappingCommand({ UUID: existing.uuid, BatchSize: t.batchSize, ...batchingWindow(t.batchSize), ...responseTypes(t.reportFailures) })),
        { resource: t.queueArn },
      );
      continue;
    }
    try {
      await aws.call(
        'CreateEventSourceMapping',
        () => aws.lambda.send(new CreateEventSourceMappingCommand({ FunctionName: d.aliasArn, EventSourceArn: t.queueArn, BatchSize: t.batchSize, ...batchingWindow(t.batchSize), ...responseTypes(t.reportFailures), Enabled: true })),
        { resource: t.queueArn, retryable: (err) => isTransient(err) || isRolePropagation(err) },
      );
    } catch (err) {
      const message = (err as Error)?.message ?? '';
      if (/NonExistentQueue|queue does not exist/i.test(message)) throw missingQueue(d.fn, t.queueArn, { cause: err });
      const visibility = /visibility timeout: (\d+) seconds is less than Function timeout: (\d+) seconds/i.exec(message);
      if (visibility) throw shortVisibility(d.fn, t.queueArn, Number(visibility[1]), Number(visibility[2]), err);
      if (kindOf(err) !== 'conflict') throw err;
    }
  }
  for (const m of cur?.mappings ?? []) {
    if (changes(ctx, `trigger:${d.fn}:queue:${m.sourceArn}`)?.op === 'delete') {
      await aws.find('DeleteEventSourceMapping', () => aws.lambda.send(new DeleteEventSourceMappingCommand({ UUID: m.uuid })), { resource: m.sourceArn });
    }
  }
}
