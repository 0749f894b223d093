/**
 * remove(): deletes what fnx created for a stage, found by inspect() (names + fnx tags), and
 * nothing else: per function its event source mappings, schedule rules, its own bucket
 * notification entries (others' are kept), SNS subscriptions, HTTP routes and integration, the
 * function (versions, alias, permissions, concurrency), its generated role and its log group; then
 * the stage's layer versions and HTTP API.
 */
import { DeleteLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DeleteApiCommand, DeleteIntegrationCommand, DeleteRouteCommand } from '@aws-sdk/client-apigatewayv2';
import { DeleteRoleCommand, DeleteRolePolicyCommand } from '@aws-sdk/client-iam';
import { DeleteEventSourceMappingCommand, DeleteFunctionCommand, DeleteLayerVersionCommand } from '@aws-sdk/client-lambda';
import { UnsubscribeCommand } from '@aws-sdk/client-sns';
import pLimit from 'p-limit';
import { InterruptedError, type PlanAction, plural, type ProviderPlan, type RemoveRequest, type RemoveResult, type ResolvedManifest } from '../../src/driver.js';
import type { AwsClients } from './clients.js';
import { KeyedLock } from './apply/context.js';
import { deleteRule } from './apply/triggers/schedule.js';
import { rewriteNotifications } from './apply/triggers/storage.js';
import { INLINE_POLICY, apiName, arn, logGroupName, statementId } from './names.js';
import { isStreamSource, sourceOfMapping } from './stream.js';
import type { AwsDeployed, DeployedFunction } from './state.js';

export interface RemoveContext {
  readonly aws: AwsClients;
  readonly locks: KeyedLock;
  readonly detail: { readonly deployed: AwsDeployed };
}

/** Deletes one function and everything fnx attached to it. */
export async function removeFunction(ctx: RemoveContext, cur: DeployedFunction): Promise<string[]> {
  const { aws } = ctx;
  const deleted: string[] = [];
  const deployed = ctx.detail.deployed;
  const aliasArn = arn.alias(deployed.region, deployed.accountId, cur.name);
  for (const m of cur.mappings) {
    await aws.find('DeleteEventSourceMapping', () => aws.lambda.send(new DeleteEventSourceMappingCommand({ UUID: m.uuid })), { resource: m.sourceArn });
    deleted.push(`event source mapping ${m.sourceArn}`);
  }
  for (const r of cur.rules) {
    await deleteRule(ctx, cur.name, r, statementId.schedule(r.name));
    deleted.push(`rule ${r.name}`);
  }
  const buckets = [...new Set(cur.notifications.map((n) => n.bucket))].sort();
  for (const bucket of buckets) {
    await rewriteNotifications(ctx, cur.fn, bucket, new Set(cur.notifications.filter((n) => n.bucket === bucket).map((n) => n.id)), []);
    deleted.push(`notifications on bucket ${bucket}`);
  }
  for (const s of cur.subscriptions) {
    await aws.find('Unsubscribe', () => aws.sns.send(new UnsubscribeCommand({ SubscriptionArn: s.subscriptionArn })), { resource: s.topicArn });
    deleted.push(`subscription to ${s.topicArn}`);
  }
  const api = deployed.api;
  const integration = api?.integrations.find((i) => i.uri === aliasArn);
  if (api && integration) {
    for (const r of api.routes.filter((x) => x.target === `integrations/${integration.id}`)) {
      await aws.find('DeleteRoute', () => aws.apigw.send(new DeleteRouteCommand({ ApiId: api.id, RouteId: r.id })), { resource: r.key });
      deleted.push(`route ${r.key}`);
    }
    await aws.find('DeleteIntegration', () => aws.apigw.send(new DeleteIntegrationCommand({ ApiId: api.id, IntegrationId: integration.id })), { resource: cur.name });
  }
  await aws.find('DeleteFunction', () => aws.lambda.send(new DeleteFunctionCommand({ FunctionName: cur.name })), { resource: cur.name });
  deleted.push(`function ${cur.name}`);
  if (cur.role) {
    await aws.find('DeleteRolePolicy', () => aws.iam.send(new DeleteRolePolicyCommand({ RoleName: cur.role!.name, PolicyName: INLINE_POLICY })), { resource: cur.role.name });
    await aws.find('DeleteRole', () => aws.iam.send(new DeleteRoleCommand({ RoleName: cur.role!.name })), { resource: cur.role.name });
    deleted.push(`role ${cur.role.name}`);
  }
  if (cur.logGroup) {
    await aws.find('DeleteLogGroup', () => aws.logs.send(new DeleteLogGroupCommand({ logGroupName: logGroupName(cur.name) })), { resource: cur.name });
    deleted.push(`log group ${logGroupName(cur.name)}`);
  }
  return deleted;
}

function del(id: string, resource: string, name: string, fn?: string, summary?: string): PlanAction {
  return { id, op: 'delete', resource, name, ...(fn ? { function: fn } : {}), ...(summary ? { summary } : {}) };
}

export function planRemoval(manifest: ResolvedManifest, deployed: AwsDeployed): ProviderPlan {
  const actions: PlanAction[] = [];
  for (const [fn, cur] of Object.entries(deployed.functions).sort(([a], [b]) => a.localeCompare(b))) {
    const aliasArn = arn.alias(deployed.region, deployed.accountId, cur.name);
    const integration = deployed.api?.integrations.find((i) => i.uri === aliasArn);
    for (const r of integration ? (deployed.api?.routes ?? []).filter((x) => x.target === `integrations/${integration.id}`) : []) actions.push(del(`trigger:${fn}:http:${r.key}`, 'trigger:http', r.key, fn));
    for (const r of cur.rules) actions.push(del(`trigger:${fn}:schedule:${r.expression}`, 'trigger:schedule', r.name, fn, r.expression));
    for (const m of cur.mappings) {
      if (isStreamSource(m.sourceArn)) actions.push(del(`trigger:${fn}:stream:${sourceOfMapping(m.sourceArn)}`, 'trigger:stream', sourceOfMapping(m.sourceArn), fn));
      else actions.push(del(`trigger:${fn}:queue:${m.sourceArn}`, 'trigger:queue', m.sourceArn, fn));
    }
    for (const n of cur.notifications) actions.push(del(`trigger:${fn}:storage:${n.id}`, 'trigger:storage', n.bucket, fn, 'only fnx entries; other notifications are kept'));
    for (const s of cur.subscriptions) actions.push(del(`trigger:${fn}:topic:${s.topicArn}`, 'trigger:topic', s.topicArn, fn));
    actions.push(del(`function:${fn}`, 'function', cur.name, fn, `${plural(cur.versions.length, 'version')}, alias live`));
    if (cur.role) actions.push(del(`role:${fn}`, 'role', cur.role.name, fn));
    if (cur.logGroup) actions.push(del(`loggroup:${fn}`, 'log-group', logGroupName(cur.name), fn));
  }
  for (const l of Object.values(deployed.layers)) if (l.versions.length) actions.push(del(`layer:${l.layer}`, 'layer', l.name, undefined, `${l.versions.length} version(s)`));
  if (deployed.api) actions.push(del('api', 'http-api', apiName(manifest.service, manifest.stage), undefined, deployed.api.endpoint));
  return { provider: 'aws', target: `${deployed.region} (account ${deployed.accountId})`, actions, notes: [], detail: { deployed } };
}

export async function removeStage(aws: AwsClients, req: RemoveRequest): Promise<RemoveResult> {
  const deployed = req.deployed.detail as AwsDeployed;
  const ctx: RemoveContext = { aws, locks: new KeyedLock(), detail: { deployed } };
  const limit = pLimit(Math.max(1, req.concurrency));
  const deleted: string[] = [];
  const results = await Promise.allSettled(
    Object.values(deployed.functions).map((cur) =>
      limit(async () => {
        if (req.signal.aborted) return;
        deleted.push(...(await removeFunction(ctx, cur)));
      }),
    ),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  if (req.signal.aborted) throw new InterruptedError('Interrupted: some resources remain; run `fnx remove` again.');
  for (const l of Object.values(deployed.layers)) {
    for (const v of l.versions) {
      await aws.find('DeleteLayerVersion', () => aws.lambda.send(new DeleteLayerVersionCommand({ LayerName: l.name, VersionNumber: v })), { resource: l.name });
    }
    if (l.versions.length) deleted.push(`layer ${l.name} (${l.versions.length} version(s))`);
  }
  if (deployed.api) {
    const id = deployed.api.id;
    await aws.find('DeleteApi', () => aws.apigw.send(new DeleteApiCommand({ ApiId: id })), { resource: id });
    deleted.push(`http api ${id}`);
  }
  return { deleted };
}
