/** The generated execution role: created with Lambda's trust policy, its one inline policy written when it changed. */
import { CreateRoleCommand, PutRolePolicyCommand, TagRoleCommand } from '@aws-sdk/client-iam';
import type { DesiredFunction } from '../desired.js';
import { INLINE_POLICY } from '../names.js';
import { trustPolicy } from '../policy.js';
import { changes, kindOf, type ApplyContext } from './context.js';
import { isTransient } from '../retry.js';

export async function applyRole(ctx: ApplyContext, d: DesiredFunction): Promise<void> {
  const action = changes(ctx, `role:${d.fn}`);
  if (!d.role || !action) return;
  const { aws } = ctx;
  const name = d.role.name;
  const tags = Object.entries(d.tags).map(([Key, Value]) => ({ Key, Value }));
  if (action.op === 'create') {
    try {
      await aws.call('CreateRole', () => aws.iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trustPolicy), Tags: tags, Description: `fnx execution role of ${d.name}` })), {
        resource: name,
        retryable: isTransient,
      });
    } catch (err) {
      if (kindOf(err) !== 'conflict') throw err;
      await aws.call('TagRole', () => aws.iam.send(new TagRoleCommand({ RoleName: name, Tags: tags })), { resource: name });
    }
  }
  await aws.call('PutRolePolicy', () => aws.iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: INLINE_POLICY, PolicyDocument: JSON.stringify(d.role!.policy) })), { resource: name });
}
