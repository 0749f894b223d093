/** Invoke permissions on the alias `live` for trigger sources (API Gateway, EventBridge, S3, SNS). */
import { AddPermissionCommand, RemovePermissionCommand } from '@aws-sdk/client-lambda';
import { ALIAS } from '../../names.js';
import type { AwsClients } from '../../clients.js';
import { kindOf } from '../context.js';
import { isTransient } from '../../retry.js';

export async function allow(ctx: { aws: AwsClients }, fnName: string, sid: string, principal: string, sourceArn: string, sourceAccount?: string): Promise<void> {
  const { aws } = ctx;
  try {
    await aws.call(
      'AddPermission',
      () =>
        aws.lambda.send(
          new AddPermissionCommand({
            FunctionName: fnName,
            Qualifier: ALIAS,
            StatementId: sid,
            Action: 'lambda:InvokeFunction',
            Principal: principal,
            SourceArn: sourceArn,
            ...(sourceAccount ? { SourceAccount: sourceAccount } : {}),
          }),
        ),
      { resource: fnName, retryable: isTransient },
    );
  } catch (err) {
    if (kindOf(err) !== 'conflict') throw err;
  }
}

export async function revoke(ctx: { aws: AwsClients }, fnName: string, sid: string): Promise<void> {
  const { aws } = ctx;
  await aws.find('RemovePermission', () => aws.lambda.send(new RemovePermissionCommand({ FunctionName: fnName, Qualifier: ALIAS, StatementId: sid })), { resource: fnName });
}
