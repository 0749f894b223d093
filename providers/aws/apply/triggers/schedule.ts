/** schedule triggers: one EventBridge rule per expression, targeting the alias, with an invoke permission. */
import { DeleteRuleCommand, PutRuleCommand, PutTargetsCommand, RemoveTargetsCommand } from '@aws-sdk/client-eventbridge';
import type { DesiredFunction } from '../../desired.js';
import { arn, ownershipTags } from '../../names.js';
import type { DeployedRule } from '../../state.js';
import type { AwsClients } from '../../clients.js';
import { changes, type ApplyContext } from '../context.js';
import { allow, revoke } from './permission.js';

export async function deleteRule(ctx: { aws: AwsClients }, fnName: string, rule: DeployedRule, sid: string): Promise<void> {
  const { aws } = ctx;
  if (rule.targetIds.length) await aws.find('RemoveTargets', () => aws.events.send(new RemoveTargetsCommand({ Rule: rule.name, Ids: [...rule.targetIds] })), { resource: rule.name });
  await aws.find('DeleteRule', () => aws.events.send(new DeleteRuleCommand({ Name: rule.name })), { resource: rule.name });
  await revoke(ctx, fnName, sid);
}

export async function applySchedules(ctx: ApplyContext, d: DesiredFunction, statementFor: (rule: string) => string): Promise<void> {
  const { aws, detail } = ctx;
  for (const t of d.triggers) {
    if (t.kind !== 'schedule' || !changes(ctx, `trigger:${d.fn}:${t.key}`)) continue;
    const tags = Object.entries(ownershipTags(detail.service, detail.stage, d.fn)).map(([Key, Value]) => ({ Key, Value }));
    const rule = await aws.call(
      'PutRule',
      () => aws.events.send(new PutRuleCommand({ Name: t.rule, ScheduleExpression: t.expression, State: t.enabled ? 'ENABLED' : 'DISABLED', Tags: tags, Description: `fnx: ${d.name}` })),
      { resource: t.rule },
    );
    await allow(ctx, d.name, t.statementId, 'events.amazonaws.com', rule.RuleArn ?? arn.rule(ctx.detail.region, ctx.detail.accountId, t.rule));
    await aws.call('PutTargets', () => aws.events.send(new PutTargetsCommand({ Rule: t.rule, Targets: [{ Id: 'fnx', Arn: d.aliasArn }] })), { resource: t.rule });
  }
  const cur = ctx.detail.deployed.functions[d.fn];
  for (const r of cur?.rules ?? []) {
    if (changes(ctx, `trigger:${d.fn}:schedule:${r.expression}`)?.op === 'delete') await deleteRule(ctx, d.name, r, statementFor(r.name));
  }
}
