/** Settings beside the function: its log group (created by fnx, with retention), reserved and provisioned concurrency. */
import { CreateLogGroupCommand, DeleteRetentionPolicyCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DeleteFunctionConcurrencyCommand, DeleteProvisionedConcurrencyConfigCommand, PutFunctionConcurrencyCommand, PutProvisionedConcurrencyConfigCommand } from '@aws-sdk/client-lambda';
import type { DesiredFunction } from '../desired.js';
import { ALIAS } from '../names.js';
import { changes, kindOf, type ApplyContext } from './context.js';
import { isTransient } from '../retry.js';

export async function applyLogGroup(ctx: ApplyContext, d: DesiredFunction): Promise<void> {
  const action = changes(ctx, `loggroup:${d.fn}`);
  if (!action) return;
  const { aws } = ctx;
  const name = d.logGroup.name;
  if (action.op === 'create') {
    try {
      await aws.call('CreateLogGroup', () => aws.logs.send(new CreateLogGroupCommand({ logGroupName: name, tags: { ...d.tags } })), { resource: name, retryable: isTransient });
    } catch (err) {
      if (kindOf(err) !== 'conflict') throw err;
    }
    if (d.logGroup.retention) await aws.call('PutRetentionPolicy', () => aws.logs.send(new PutRetentionPolicyCommand({ logGroupName: name, retentionInDays: d.logGroup.retention })), { resource: name });
    return;
  }
  if (d.logGroup.retention) await aws.call('PutRetentionPolicy', () => aws.logs.send(new PutRetentionPolicyCommand({ logGroupName: name, retentionInDays: d.logGroup.retention })), { resource: name });
  else await aws.call('DeleteRetentionPolicy', () => aws.logs.send(new DeleteRetentionPolicyCommand({ logGroupName: name })), { resource: name });
}

export async function applyConcurrency(ctx: ApplyContext, d: DesiredFunction): Promise<void> {
  const { aws } = ctx;
  if (changes(ctx, `concurrency:${d.fn}`)) {
    if (d.reserved === undefined) await aws.find('DeleteFunctionConcurrency', () => aws.lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: d.name })), { resource: d.name });
    else
      await aws.call('PutFunctionConcurrency', () => aws.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: d.name, ReservedConcurrentExecutions: d.reserved })), { resource: d.name });
  }
  if (changes(ctx, `provisioned:${d.fn}`)) {
    if (d.provisioned === undefined) {
      await aws.find('DeleteProvisionedConcurrencyConfig', () => aws.lambda.send(new DeleteProvisionedConcurrencyConfigCommand({ FunctionName: d.name, Qualifier: ALIAS })), { resource: d.name });
    } else {
      await aws.call(
        'PutProvisionedConcurrencyConfig',
        () => aws.lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: d.name, Qualifier: ALIAS, ProvisionedConcurrentExecutions: d.provisioned })),
        { resource: d.name },
      );
    }
  }
}
