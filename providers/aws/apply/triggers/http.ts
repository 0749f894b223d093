/**
 * http triggers: routes of the stage's one HTTP API (API Gateway v2), each through an AWS_PROXY
 * integration (payload 2.0) on the function's alias, with one invoke permission per function.
 */
import {
  CreateApiCommand,
  CreateIntegrationCommand,
  CreateRouteCommand,
  CreateStageCommand,
  DeleteApiCommand,
  DeleteIntegrationCommand,
  DeleteRouteCommand,
  UpdateRouteCommand,
} from '@aws-sdk/client-apigatewayv2';
import type { DesiredFunction } from '../../desired.js';
import { apiName, arn, ownershipTags, statementId } from '../../names.js';
import { changes, kindOf, type ApplyContext } from '../context.js';
import { isTransient } from '../../retry.js';
import { allow, revoke } from './permission.js';

/** Makes sure the HTTP API and its auto-deployed $default stage exist. */
export async function ensureApi(ctx: ApplyContext): Promise<void> {
  const { aws, detail } = ctx;
  const deployed = detail.deployed.api;
  if (deployed) ctx.api = { id: deployed.id, endpoint: deployed.endpoint };
  if (detail.api !== 'create') return;
  if (!ctx.api) {
    const name = apiName(detail.service, detail.stage);
    const api = await aws.call('CreateApi', () => aws.apigw.send(new CreateApiCommand({ Name: name, ProtocolType: 'HTTP', Tags: ownershipTags(detail.service, detail.stage) })), { resource: name });
    ctx.api = { id: api.ApiId ?? '', endpoint: api.ApiEndpoint ?? '' };
  }
  if (!deployed?.hasDefaultStage) {
    const apiId = ctx.api.id;
    try {
      await aws.call('CreateStage', () => aws.apigw.send(new CreateStageCommand({ ApiId: apiId, StageName: '$default', AutoDeploy: true })), { resource: apiId, retryable: isTransient });
    } catch (err) {
      if (kindOf(err) !== 'conflict') throw err;
    }
  }
}

export async function deleteApi(ctx: ApplyContext): Promise<void> {
  const api = ctx.detail.deployed.api;
  if (ctx.detail.api !== 'delete' || !api) return;
  await ctx.aws.find('DeleteApi', () => ctx.aws.apigw.send(new DeleteApiCommand({ ApiId: api.id })), { resource: api.id });
}

export async function applyHttp(ctx: ApplyContext, d: DesiredFunction): Promise<void> {
  const { aws } = ctx;
  const http = d.triggers.filter((t) => t.kind === 'http');
  const deployed = ctx.detail.deployed.api;
  const integration0 = deployed?.integrations.find((i) => i.uri === d.aliasArn);
  const routes = integration0 && deployed ? deployed.routes.filter((r) => r.target === `integrations/${integration0.id}`) : [];
  const creates = http.filter((t) => changes(ctx, `trigger:${d.fn}:${t.key}`));
  const deletes = routes.filter((r) => changes(ctx, `trigger:${d.fn}:http:${r.key}`)?.op === 'delete');
  if (creates.length === 0 && deletes.length === 0) return;
  if (creates.length > 0) {
    if (!ctx.api) throw new Error(`HTTP API missing for ${d.name}`);
    const apiId = ctx.api.id;
    let integrationId = integration0?.id;
    if (!integrationId) {
      const created = await aws.call(
        'CreateIntegration',
        () => aws.apigw.send(new CreateIntegrationCommand({ ApiId: apiId, IntegrationType: 'AWS_PROXY', IntegrationUri: d.aliasArn, PayloadFormatVersion: '2.0' })),
        { resource: d.name },
      );
      integrationId = created.IntegrationId ?? '';
    }
    await allow(ctx, d.name, statementId.http(), 'apigateway.amazonaws.com', `${arn.api(ctx.detail.region, ctx.detail.accountId, apiId)}/*/*`);
    for (const t of creates) {
      const existing = routes.find((r) => r.key === t.routeKey);
      if (existing) {
        if (existing.authorization !== t.authorization) {
          await aws.call('UpdateRoute', () => aws.apigw.send(new UpdateRouteCommand({ ApiId: apiId, RouteId: existing.id, AuthorizationType: t.authorization })), { resource: t.routeKey });
        }
        continue;
      }
      try {
        await aws.call(
          'CreateRoute',
          () => aws.apigw.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: t.routeKey, Target: `integrations/${integrationId}`, AuthorizationType: t.authorization })),
          { resource: t.routeKey, retryable: isTransient },
        );
      } catch (err) {
        if (kindOf(err) !== 'conflict') throw err;
      }
    }
  }
  if (deployed) {
    for (const r of deletes) await aws.find('DeleteRoute', () => aws.apigw.send(new DeleteRouteCommand({ ApiId: deployed.id, RouteId: r.id })), { resource: r.key });
    if (http.length === 0 && integration0) {
      await aws.find('DeleteIntegration', () => aws.apigw.send(new DeleteIntegrationCommand({ ApiId: deployed.id, IntegrationId: integration0.id })), { resource: d.name });
      await revoke(ctx, d.name, statementId.http());
    }
  }
}
