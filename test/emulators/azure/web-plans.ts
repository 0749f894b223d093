// Microsoft.Web serverfarms (App Service plans): FC1 = Flex Consumption (Linux only, one app per
// plan, no slots), EP1-EP3 = Elastic Premium. PUT answers 200 at once (the SDK's poller ends there).
import type { Route, RouteContext } from './router.js';
import { bodyJson, checkIfMatch, empty, json, newEtag, obj, str, tagsOf, webError } from './protocol.js';
import { planId } from './ids.js';
import { planKey, type Plan } from './state.js';
import { normLoc } from './resources.js';

const PLAN = '/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Web/serverfarms/{name}';

const SKUS: Record<string, { tier: string; family: string }> = {
  FC1: { tier: 'FlexConsumption', family: 'FC' },
  EP1: { tier: 'ElasticPremium', family: 'EP' },
  EP2: { tier: 'ElasticPremium', family: 'EP' },
  EP3: { tier: 'ElasticPremium', family: 'EP' },
};

export function isFlex(plan: Plan | undefined): boolean {
  return String(plan?.sku.name ?? '').toUpperCase() === 'FC1';
}

export function planBody(ctx: { emu: RouteContext['emu'] }, p: Plan): unknown {
  const sites = [...ctx.emu.state.sites.values()].filter((s) => s.planKey === planKey(p.resourceGroup, p.name));
  return {
    id: planId(ctx.emu, p.resourceGroup, p.name),
    name: p.name,
    type: 'Microsoft.Web/serverfarms',
    location: p.location,
    kind: p.kind,
    tags: p.tags,
    sku: p.sku,
    properties: { ...p.properties, status: 'Ready', provisioningState: 'Succeeded', numberOfSites: sites.length, resourceGroup: p.resourceGroup },
  };
}

function findPlan(ctx: RouteContext): Plan {
  const p = ctx.emu.state.plans.get(planKey(ctx.params.rg!, ctx.params.name!));
  if (!p) throw webError(404, 'NotFound', `The Resource 'Microsoft.Web/serverFarms/${ctx.params.name}' under resource group '${ctx.params.rg}' was not found.`);
  return p;
}

function putPlan(ctx: RouteContext) {
  const name = ctx.params.name!;
  if (!/^[a-zA-Z0-9-]{1,60}$/.test(name)) throw webError(400, 'BadRequest', `The parameter Name has an invalid value '${name}'.`);
  const body = bodyJson(ctx.req, 'web');
  const location = str(body.location);
  if (!location) throw webError(400, 'LocationRequired', 'The location property is required for this definition.');
  const skuName = str(obj(body.sku).name)?.toUpperCase();
  if (!skuName) throw webError(400, 'BadRequest', "The parameter 'sku' is required.");
  const sku = SKUS[skuName];
  if (!sku) throw webError(400, 'BadRequest', `The pricing tier '${skuName}' is not allowed for this resource (the emulator supports FC1 and EP1-EP3).`);
  const props = obj(body.properties);
  if (skuName === 'FC1' && props.reserved !== true) {
    throw webError(400, 'BadRequest', 'Flex Consumption plans are only available for Linux: set properties.reserved to true.');
  }
  if (props.maximumElasticWorkerCount !== undefined && (typeof props.maximumElasticWorkerCount !== 'number' || props.maximumElasticWorkerCount < 1 || props.maximumElasticWorkerCount > 100)) {
    throw webError(400, 'BadRequest', 'MaximumElasticWorkerCount must be between 1 and 100.');
  }
  const tags = tagsOf(body.tags, 'web') ?? {};
  const key = planKey(ctx.params.rg!, name);
  const existing = ctx.emu.state.plans.get(key);
  const capacity = typeof obj(body.sku).capacity === 'number' ? obj(body.sku).capacity : 1;
  const skuOut = { name: skuName, tier: sku.tier, size: skuName, family: sku.family, capacity: skuName === 'FC1' ? 0 : capacity };
  if (existing) {
    checkIfMatch(ctx.req, existing.etag, 'web');
    if (isFlex(existing) !== (skuName === 'FC1')) {
      throw webError(400, 'BadRequest', `Cannot change the pricing tier of plan '${name}' between Flex Consumption and '${skuName}'.`);
    }
    existing.sku = skuOut;
    existing.tags = tags;
    existing.properties = { ...existing.properties, ...props };
    existing.etag = newEtag();
    return json(200, planBody(ctx, existing), { etag: existing.etag });
  }
  const plan: Plan = {
    name,
    resourceGroup: ctx.params.rg!,
    location: normLoc(location),
    kind: str(body.kind) ?? (skuName === 'FC1' ? 'functionapp' : 'elastic'),
    sku: skuOut,
    tags,
    properties: { reserved: props.reserved === true, maximumElasticWorkerCount: props.maximumElasticWorkerCount ?? (skuName === 'FC1' ? undefined : 20), zoneRedundant: props.zoneRedundant === true },
    etag: newEtag(),
  };
  ctx.emu.state.plans.set(key, plan);
  return json(200, planBody(ctx, plan), { etag: plan.etag });
}

function deletePlan(ctx: RouteContext) {
  const key = planKey(ctx.params.rg!, ctx.params.name!);
  const p = ctx.emu.state.plans.get(key);
  if (!p) return empty(204);
  const sites = [...ctx.emu.state.sites.values()].filter((s) => s.planKey === key);
  if (sites.length > 0) {
    throw webError(409, 'Conflict', `Server farm '${p.name}' cannot be deleted because it has web app(s) ${sites.map((s) => s.name).join(',')} assigned to it.`);
  }
  ctx.emu.state.plans.delete(key);
  return empty(200);
}

export const planRoutes: Route[] = [
  { method: 'PUT', template: PLAN, operation: 'AppServicePlans_CreateOrUpdate', write: true, provider: 'Microsoft.Web', handle: putPlan },
  {
    method: 'GET',
    template: PLAN,
    operation: 'AppServicePlans_Get',
    write: false,
    provider: 'Microsoft.Web',
    handle: (ctx) => {
      const p = findPlan(ctx);
      return json(200, planBody(ctx, p), { etag: p.etag });
    },
  },
  {
    method: 'PATCH',
    template: PLAN,
    operation: 'AppServicePlans_Update',
    write: true,
    provider: 'Microsoft.Web',
    handle: (ctx) => {
      const p = findPlan(ctx);
      checkIfMatch(ctx.req, p.etag, 'web');
      const body = bodyJson(ctx.req, 'web');
      const tags = tagsOf(body.tags, 'web');
      if (tags) p.tags = tags;
      p.properties = { ...p.properties, ...obj(body.properties) };
      p.etag = newEtag();
      return json(200, planBody(ctx, p), { etag: p.etag });
    },
  },
  { method: 'DELETE', template: PLAN, operation: 'AppServicePlans_Delete', write: true, provider: 'Microsoft.Web', handle: deletePlan },
];
