/**
 * storage triggers: entries in the bucket's notification configuration. S3 replaces the whole
 * configuration on write, so fnx reads it, changes only its own entries (Id `fnx-<function>-...`),
 * and writes it back, serialised per bucket within a run. Other entries are kept as they are.
 * The bucket is read before the invoke permission is added, so a missing bucket leaves nothing behind.
 */
import { GetBucketNotificationConfigurationCommand, PutBucketNotificationConfigurationCommand, type LambdaFunctionConfiguration } from '@aws-sdk/client-s3';
import type { DesiredFunction, DesiredTrigger } from '../../desired.js';
import { missingBucket } from '../../missing-source.js';
import { arn, statementId } from '../../names.js';
import type { AwsClients } from '../../clients.js';
import { isRetryable } from '../../retry.js';
import { changes, type ApplyContext, type KeyedLock } from '../context.js';
import { allow, revoke } from './permission.js';

type StorageTrigger = Extract<DesiredTrigger, { kind: 'storage' }>;

function entry(t: StorageTrigger, functionArn: string): LambdaFunctionConfiguration {
  const rules = [...(t.prefix ? [{ Name: 'prefix' as const, Value: t.prefix }] : []), ...(t.suffix ? [{ Name: 'suffix' as const, Value: t.suffix }] : [])];
  return { Id: t.id, LambdaFunctionArn: functionArn, Events: [...t.events] as never, ...(rules.length ? { Filter: { Key: { FilterRules: rules } } } : {}) };
}

/**
 * Read-modify-write of one bucket: drop entries with ids in `remove`, then add `add`. `beforeWrite`
 * runs once the bucket is known to exist (the invoke permission S3 checks on write), so a missing
 * bucket leaves no permission behind. `fn` names the trigger's function in errors.
 */
export async function rewriteNotifications(
  ctx: { aws: AwsClients; locks: KeyedLock },
  fn: string,
  bucket: string,
  remove: ReadonlySet<string>,
  add: readonly LambdaFunctionConfiguration[],
  beforeWrite?: () => Promise<void>,
): Promise<void> {
  const { aws } = ctx;
  await ctx.locks.run(`s3:${bucket}`, async () => {
    const current = await aws.find('GetBucketNotificationConfiguration', () => aws.s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket })), { resource: bucket });
    if (!current) {
      if (add.length === 0) return;
      throw missingBucket(fn, bucket);
    }
    await beforeWrite?.();
    const replaced = new Set([...remove, ...add.map((a) => a.Id ?? '')]);
    const kept = (current.LambdaFunctionConfigurations ?? []).filter((c) => !replaced.has(c.Id ?? ''));
    await aws.call(
      'PutBucketNotificationConfiguration',
      () =>
        aws.s3.send(
          new PutBucketNotificationConfigurationCommand({
            Bucket: bucket,
            NotificationConfiguration: {
              ...(current.TopicConfigurations?.length ? { TopicConfigurations: current.TopicConfigurations } : {}),
              ...(current.QueueConfigurations?.length ? { QueueConfigurations: current.QueueConfigurations } : {}),
              ...(current.EventBridgeConfiguration ? { EventBridgeConfiguration: current.EventBridgeConfiguration } : {}),
              LambdaFunctionConfigurations: [...kept, ...add],
            },
          }),
        ),
      // S3 validates the destination's invoke permission, which can take a moment to propagate.
      { resource: bucket, retryable: (err) => isRetryable(err) || /Unable to validate/i.test((err as Error)?.message ?? '') },
    );
  });
}

export async function applyStorage(ctx: ApplyContext, d: DesiredFunction): Promise<void> {
  const cur = ctx.detail.deployed.functions[d.fn];
  const wanted = d.triggers.filter((t): t is StorageTrigger => t.kind === 'storage');
  const creates = wanted.filter((t) => changes(ctx, `trigger:${d.fn}:${t.key}`));
  const deletes = (cur?.notifications ?? []).filter((n) => changes(ctx, `trigger:${d.fn}:storage:${n.id}`)?.op === 'delete');
  const buckets = new Set([...creates.map((t) => t.bucket), ...deletes.map((n) => n.bucket)]);
  for (const bucket of [...buckets].sort()) {
    const add = creates.filter((t) => t.bucket === bucket);
    await rewriteNotifications(
      ctx,
      d.fn,
      bucket,
      new Set(deletes.filter((n) => n.bucket === bucket).map((n) => n.id)),
      add.map((t) => entry(t, d.aliasArn)),
      add.length ? () => allow(ctx, d.name, statementId.storage(bucket), 's3.amazonaws.com', arn.bucket(bucket), ctx.detail.accountId) : undefined,
    );
    if (!wanted.some((t) => t.bucket === bucket)) await revoke(ctx, d.name, statementId.storage(bucket));
  }
}
