// Microsoft.Web sites and slots: PUT (create = LRO 202 with Azure-AsyncOperation + Location),
// GET, PATCH, DELETE, and slotsswap (LRO). Host names are 127.0.0.1:<port> listeners (see README).
import { randomUUID } from 'node:crypto';
import type { Route, RouteContext } from './router.js';
import { bodyJson, checkIfMatch, empty, json, newEtag, obj, str, tagsOf, webError } from './protocol.js';
import { siteId } from './ids.js';
import { planKey, type Json, type Site, type SiteInstance } from './state.js';
import { isFlex } from './web-plans.js';
import { checkFlexAppSettings, checkFlexSiteConfig, checkFunctionAppConfig } from './flex.js';
import { normLoc } from './resources.js';
import type { Emulator } from './emulator.js';

export const SITE = '/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Web/sites/{name}';
export const SLOT = `${SITE}/slots/{slot}`;

/** Slots per Elastic Premium app, production included. */
export const PREMIUM_MAX_SLOTS = 3;

export function findSite(ctx: RouteContext): Site {
  const s = ctx.emu.state.sites.get(ctx.params.name!.toLowerCase());
  if (!s || s.resourceGroup.toLowerCase() !== ctx.params.rg!.toLowerCase()) {
    throw webError(404, 'NotFound', `The Resource 'Microsoft.Web/sites/${ctx.params.name}' under resource group '${ctx.params.rg}' was not found.`);
  }
  return s;
}

export function hostOf(port: number): string {
  return `127.0.0.1:${port}`;
}

/** Settings from siteConfig.appSettings ([{name, value}]). */
function settingsFromBody(siteConfig: Json): Record<string, string> | undefined {
  const list = siteConfig.appSettings;
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list)) throw webError(400, 'BadRequest', 'SiteConfig.AppSettings must be an array of name/value pairs.');
  const out: Record<string, string> = {};
  for (const e of list) {
    const n = str(obj(e).name);
    if (!n) throw webError(400, 'BadRequest', 'Each app setting needs a name.');
    out[n] = String(obj(e).value ?? '');
  }
  return out;
}

export function siteBody(emu: Emulator, site: Site, inst: SiteInstance): Json {
  const app = hostOf(inst.appPort);
  const scm = hostOf(inst.scmPort);
  const plan = emu.state.plans.get(site.planKey);
  const { appSettings: _omit, ...siteConfig } = inst.siteConfig;
  const slotName = inst.slot === 'production' ? site.name : `${site.name}/${inst.slot}`;
  return {
    id: siteId(emu, site.resourceGroup, site.name, inst.slot),
    name: slotName,
    type: inst.slot === 'production' ? 'Microsoft.Web/sites' : 'Microsoft.Web/sites/slots',
    kind: site.kind,
    location: site.location,
    tags: inst.tags,
    ...(site.identity ? { identity: site.identity } : {}),
    properties: {
      ...inst.properties,
      name: slotName,
      state: 'Running',
      hostNames: [app],
      enabledHostNames: [app, scm],
      hostNameSslStates: [
        { name: app, sslState: 'Disabled', hostType: 'Standard' },
        { name: scm, sslState: 'Disabled', hostType: 'Repository' },
      ],
      defaultHostName: app,
      repositorySiteName: site.name,
      usageState: 'Normal',
      enabled: true,
      availabilityState: 'Normal',
      serverFarmId: site.serverFarmId,
      reserved: plan?.properties.reserved === true,
      sku: plan ? (isFlex(plan) ? 'FlexConsumption' : 'ElasticPremium') : undefined,
      resourceGroup: site.resourceGroup,
      siteConfig: { ...siteConfig, appSettings: null },
      ...(site.functionAppConfig && inst.slot === 'production' ? { functionAppConfig: site.functionAppConfig } : {}),
      lastModifiedTimeUtc: new Date(emu.now()).toISOString(),
    },
  };
}

function validName(name: string, what: string): void {
  if (!/^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,58}[a-zA-Z0-9])?$/.test(name) || name.length < 2) {
    throw webError(400, 'BadRequest', `The ${what} name '${name}' is invalid. It must be 2 to 60 characters of letters, digits and hyphens, and start and end with a letter or digit.`);
  }
}

async function putSite(ctx: RouteContext) {
  const emu = ctx.emu;
  const name = ctx.params.name!;
  validName(name, 'app');
  const body = bodyJson(ctx.req, 'web');
  const props = obj(body.properties);
  const existing = emu.state.sites.get(name.toLowerCase());
  if (existing && existing.resourceGroup.toLowerCase() !== ctx.params.rg!.toLowerCase()) {
    throw webError(409, 'Conflict', `Website with given name ${name} already exists.`);
  }
  const location = str(body.location);
  if (!location) throw webError(400, 'LocationRequired', 'The location property is required for this definition.');
  const farmId = str(props.serverFarmId) ?? existing?.serverFarmId;
  if (!farmId) throw webError(400, 'BadRequest', "The parameter 'properties.serverFarmId' is required.");
  const fm = /\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Web\/serverfarms\/([^/]+)$/i.exec(farmId);
  if (!fm) throw webError(400, 'BadRequest', `The parameter ServerFarmId has an invalid value '${farmId}'.`);
  const pk = planKey(fm[1]!, fm[2]!);
  const plan = emu.state.plans.get(pk);
  if (!plan) throw webError(404, 'NotFound', `Server farm with name ${fm[2]} not found.`);
  if (normLoc(plan.location) !== normLoc(location)) {
    throw webError(400, 'BadRequest', `The site location '${location}' must match the location of server farm '${plan.name}' ('${plan.location}').`);
  }
  const siteConfig = obj(props.siteConfig);
  const settings = settingsFromBody(siteConfig);
  const flex = isFlex(plan);
  const fac = props.functionAppConfig === undefined ? existing?.functionAppConfig : obj(props.functionAppConfig);
  if (flex) {
    checkFlexAppSettings(Object.keys(settings ?? {}));
    checkFlexSiteConfig(siteConfig);
    checkFunctionAppConfig(emu, fac, settings ?? existing?.production.appSettings ?? {});
    const other = [...emu.state.sites.values()].find((s) => s.planKey === pk && s.name.toLowerCase() !== name.toLowerCase());
    if (other) throw webError(400, 'BadRequest', `The Flex Consumption plan '${plan.name}' already hosts the app '${other.name}'. A Flex Consumption plan can host only one app.`);
  } else if (props.functionAppConfig !== undefined && props.functionAppConfig !== null) {
    throw webError(400, 'BadRequest', 'FunctionAppConfig is only supported for sites on a Flex Consumption plan.');
  }
  const tags = tagsOf(body.tags, 'web') ?? {};
  const { serverFarmId: _f, siteConfig: _s, functionAppConfig: _c, ...rest } = props;
  const { appSettings: _a, ...configRest } = siteConfig;
  if (existing) {
    const inst = existing.production;
    checkIfMatch(ctx.req, inst.etag, 'web');
    emu.assertNotBusy(inst, existing);
    if (existing.planKey !== pk && (flex || isFlex(emu.state.plans.get(existing.planKey)))) {
      throw webError(400, 'BadRequest', 'An app cannot be moved to or from a Flex Consumption plan.');
    }
    existing.planKey = pk;
    existing.serverFarmId = farmId;
    existing.kind = str(body.kind) ?? existing.kind;
    existing.functionAppConfig = flex ? fac : undefined;
    if (body.identity !== undefined) existing.identity = identityOf(body.identity, existing.identity);
    inst.tags = tags;
    inst.properties = rest;
    inst.siteConfig = { ...inst.siteConfig, ...configRest };
    if (settings) inst.appSettings = settings;
    inst.etag = newEtag();
    return json(200, siteBody(emu, existing, inst), { etag: inst.etag });
  }
  const ports = await emu.openInstanceHosts(name, 'production');
  const inst: SiteInstance = {
    slot: 'production',
    appSettings: settings ?? {},
    siteConfig: configRest,
    tags,
    properties: rest,
    etag: newEtag(),
    deployments: new Map(),
    ...ports,
    busyUntil: emu.now() + emu.asyncDelayMs,
    createdTime: emu.now(),
  };
  const site: Site = {
    name,
    resourceGroup: ctx.params.rg!,
    location: normLoc(location),
    kind: str(body.kind) ?? 'functionapp',
    serverFarmId: farmId,
    planKey: pk,
    production: inst,
    slots: new Map(),
    slotConfigNames: { appSettingNames: [], connectionStringNames: [], azureStorageConfigNames: [] },
    functionAppConfig: flex ? fac : undefined,
    identity: body.identity === undefined ? undefined : identityOf(body.identity),
  };
  emu.state.sites.set(name.toLowerCase(), site);
  const headers = emu.startOperation('Microsoft.Web', site.location, ctx.apiVersion, { result: () => siteBody(emu, site, inst) });
  return json(202, siteBody(emu, site, inst), { ...headers, etag: inst.etag });
}

function identityOf(v: unknown, before?: Json): Json | undefined {
  const id = obj(v);
  const type = str(id.type);
  if (!type || type === 'None') return undefined;
  if (!['SystemAssigned', 'UserAssigned', 'SystemAssigned, UserAssigned'].includes(type)) {
    throw webError(400, 'BadRequest', `Invalid identity type '${type}'.`);
  }
  if (!type.startsWith('SystemAssigned')) return { ...id };
  // A system-assigned identity keeps its principal while it stays enabled.
  return { ...id, principalId: str(before?.principalId) ?? randomUUID(), tenantId: '11111111-1111-1111-1111-111111111111' };
}

async function putSlot(ctx: RouteContext) {
  const emu = ctx.emu;
  const site = findSite(ctx);
  const slotName = ctx.params.slot!;
  const plan = emu.state.plans.get(site.planKey);
  if (isFlex(plan)) throw webError(400, 'BadRequest', `Deployment slots are not supported for Flex Consumption apps ('${site.name}').`);
  if (slotName.toLowerCase() === 'production') throw webError(400, 'BadRequest', "The slot name 'production' is reserved.");
  if (!/^[a-zA-Z0-9][a-zA-Z0-9-]{0,58}$/.test(slotName) || site.name.length + 1 + slotName.length > 60) {
    throw webError(400, 'BadRequest', `The slot name '${slotName}' is invalid.`);
  }
  const body = bodyJson(ctx.req, 'web');
  const props = obj(body.properties);
  const siteConfig = obj(props.siteConfig);
  const settings = settingsFromBody(siteConfig);
  const tags = tagsOf(body.tags, 'web') ?? {};
  const { serverFarmId: _f, siteConfig: _s, functionAppConfig: _c, ...rest } = props;
  const { appSettings: _a, ...configRest } = siteConfig;
  const existing = site.slots.get(slotName.toLowerCase());
  if (existing) {
    checkIfMatch(ctx.req, existing.etag, 'web');
    emu.assertNotBusy(existing, site);
    existing.tags = tags;
    existing.properties = rest;
    existing.siteConfig = { ...existing.siteConfig, ...configRest };
    if (settings) existing.appSettings = settings;
    existing.etag = newEtag();
    return json(200, siteBody(emu, site, existing), { etag: existing.etag });
  }
  if (site.slots.size + 1 >= PREMIUM_MAX_SLOTS) {
    throw webError(409, 'Conflict', `Cannot create more than ${PREMIUM_MAX_SLOTS - 1} deployment slots for this app (Elastic Premium allows ${PREMIUM_MAX_SLOTS} slots including production).`);
  }
  const ports = await emu.openInstanceHosts(site.name, slotName);
  const inst: SiteInstance = {
    slot: slotName,
    appSettings: settings ?? {},
    siteConfig: configRest,
    tags,
    properties: rest,
    etag: newEtag(),
    deployments: new Map(),
    ...ports,
    busyUntil: emu.now() + emu.asyncDelayMs,
    createdTime: emu.now(),
  };
  site.slots.set(slotName.toLowerCase(), inst);
  const headers = emu.startOperation('Microsoft.Web', site.location, ctx.apiVersion, { result: () => siteBody(emu, site, inst) });
  return json(202, siteBody(emu, site, inst), { ...headers, etag: inst.etag });
}

function patchInstance(ctx: RouteContext, slot: string | undefined) {
  const emu = ctx.emu;
  const site = findSite(ctx);
  const inst = emu.instance(site, slot);
  checkIfMatch(ctx.req, inst.etag, 'web');
  emu.assertNotBusy(inst, site);
  const body = bodyJson(ctx.req, 'web');
  const props = obj(body.properties);
  const siteConfig = obj(props.siteConfig);
  const settings = settingsFromBody(siteConfig);
  const flex = isFlex(emu.state.plans.get(site.planKey));
  if (flex) {
    checkFlexAppSettings(Object.keys(settings ?? {}));
    checkFlexSiteConfig(siteConfig);
    if (props.functionAppConfig !== undefined) {
      const fac = { ...(site.functionAppConfig ?? {}), ...obj(props.functionAppConfig) };
      checkFunctionAppConfig(emu, fac, settings ?? inst.appSettings);
      site.functionAppConfig = fac;
    }
  } else if (props.functionAppConfig !== undefined && props.functionAppConfig !== null) {
    throw webError(400, 'BadRequest', 'FunctionAppConfig is only supported for sites on a Flex Consumption plan.');
  }
  const { serverFarmId: _f, siteConfig: _s, functionAppConfig: _c, ...rest } = props;
  const { appSettings: _a, ...configRest } = siteConfig;
  inst.properties = { ...inst.properties, ...rest };
  inst.siteConfig = { ...inst.siteConfig, ...configRest };
  if (settings) inst.appSettings = settings;
  const tags = tagsOf(body.tags, 'web');
  if (tags) inst.tags = tags;
  inst.etag = newEtag();
  return json(200, siteBody(emu, site, inst), { etag: inst.etag });
}

function getInstance(ctx: RouteContext, slot: string | undefined) {
  const site = findSite(ctx);
  const inst = ctx.emu.instance(site, slot);
  return json(200, siteBody(ctx.emu, site, inst), { etag: inst.etag });
}

function deleteSite(ctx: RouteContext) {
  const emu = ctx.emu;
  const site = findSite(ctx);
  checkIfMatch(ctx.req, site.production.etag, 'web');
  emu.assertNotBusy(site.production, site);
  emu.closeInstanceHosts(site.production);
  for (const s of site.slots.values()) emu.closeInstanceHosts(s);
  emu.state.sites.delete(site.name.toLowerCase());
  emu.state.metrics = emu.state.metrics.filter((m) => m.app !== site.name.toLowerCase());
  return empty(200);
}

function deleteSlot(ctx: RouteContext) {
  const emu = ctx.emu;
  const site = findSite(ctx);
  const inst = emu.instance(site, ctx.params.slot);
  if (inst.slot === 'production') throw webError(400, 'BadRequest', 'The production slot cannot be deleted.');
  checkIfMatch(ctx.req, inst.etag, 'web');
  emu.assertNotBusy(inst, site);
  const host = hostOf(inst.appPort);
  const rules = (obj(site.production.siteConfig.experiments).rampUpRules as Json[] | undefined) ?? [];
  if (rules.some((r) => str(r.actionHostName) === host)) {
    throw webError(409, 'Conflict', `The slot '${inst.slot}' is the target of a routing rule on production; remove the rule first.`);
  }
  emu.closeInstanceHosts(inst);
  site.slots.delete(inst.slot.toLowerCase());
  return empty(200);
}

/** Swap two instances: content, general site config and the app settings that are not slot-sticky; sticky settings and routing rules stay. */
function swap(ctx: RouteContext, sourceSlot: string) {
  const emu = ctx.emu;
  const site = findSite(ctx);
  const body = bodyJson(ctx.req, 'web');
  const targetSlot = str(body.targetSlot);
  if (!targetSlot) throw webError(400, 'BadRequest', "The parameter 'targetSlot' is required.");
  if (typeof body.preserveVnet !== 'boolean') throw webError(400, 'BadRequest', "The parameter 'preserveVnet' is required.");
  const a = emu.instance(site, sourceSlot);
  const b = emu.instance(site, targetSlot);
  if (a === b) throw webError(400, 'BadRequest', 'The source and target slots of a swap must differ.');
  emu.assertNotBusy(a, site);
  emu.assertNotBusy(b, site);
  const until = emu.now() + emu.asyncDelayMs;
  a.busyUntil = until;
  b.busyUntil = until;
  const headers = emu.startOperation('Microsoft.Web', site.location, ctx.apiVersion, {
    complete: () => {
      const sticky = new Set(site.slotConfigNames.appSettingNames.map((n) => n.toLowerCase()));
      const split = (s: Record<string, string>) => {
        const keep: Record<string, string> = {};
        const move: Record<string, string> = {};
        for (const [k, v] of Object.entries(s)) (sticky.has(k.toLowerCase()) ? keep : move)[k] = v;
        return { keep, move };
      };
      const sa = split(a.appSettings);
      const sb = split(b.appSettings);
      a.appSettings = { ...sb.move, ...sa.keep };
      b.appSettings = { ...sa.move, ...sb.keep };
      const pkg = a.package;
      a.package = b.package;
      b.package = pkg;
      // General settings travel with the content; routing rules (experiments) stay with their slot.
      const { experiments: ea, ...ca } = a.siteConfig;
      const { experiments: eb, ...cb } = b.siteConfig;
      a.siteConfig = { ...cb, ...(ea === undefined ? {} : { experiments: ea }) };
      b.siteConfig = { ...ca, ...(eb === undefined ? {} : { experiments: eb }) };
      a.etag = newEtag();
      b.etag = newEtag();
      const prod = a.slot === 'production' ? a : b.slot === 'production' ? b : undefined;
      emu.traffic.push({ kind: 'swap', app: site.name, time: emu.now(), sourceSlot: a.slot, targetSlot: b.slot, sha256InProduction: prod?.package?.sha256 });
    },
  });
  // App Service answers a swap with 202 + Location (no body).
  return empty(202, { location: headers.location!, 'azure-asyncoperation': headers['azure-asyncoperation']! });
}

export const siteRoutes: Route[] = [
  { method: 'PUT', template: SITE, operation: 'WebApps_CreateOrUpdate', write: true, provider: 'Microsoft.Web', handle: putSite },
  { method: 'GET', template: SITE, operation: 'WebApps_Get', write: false, provider: 'Microsoft.Web', handle: (ctx) => getInstance(ctx, undefined) },
  { method: 'PATCH', template: SITE, operation: 'WebApps_Update', write: true, provider: 'Microsoft.Web', handle: (ctx) => patchInstance(ctx, undefined) },
  { method: 'DELETE', template: SITE, operation: 'WebApps_Delete', write: true, provider: 'Microsoft.Web', handle: deleteSite },
  { method: 'PUT', template: SLOT, operation: 'WebApps_CreateOrUpdateSlot', write: true, provider: 'Microsoft.Web', handle: putSlot },
  { method: 'GET', template: SLOT, operation: 'WebApps_GetSlot', write: false, provider: 'Microsoft.Web', handle: (ctx) => getInstance(ctx, ctx.params.slot) },
  { method: 'PATCH', template: SLOT, operation: 'WebApps_UpdateSlot', write: true, provider: 'Microsoft.Web', handle: (ctx) => patchInstance(ctx, ctx.params.slot) },
  { method: 'DELETE', template: SLOT, operation: 'WebApps_DeleteSlot', write: true, provider: 'Microsoft.Web', handle: deleteSlot },
  {
    method: 'GET',
    template: `${SITE}/slots`,
    operation: 'WebApps_ListSlots',
    write: false,
    provider: 'Microsoft.Web',
    handle: (ctx) => {
      const site = findSite(ctx);
      return json(200, { value: [...site.slots.values()].map((s) => siteBody(ctx.emu, site, s)) });
    },
  },
  { method: 'POST', template: `${SITE}/slotsswap`, operation: 'WebApps_SwapSlotWithProduction', write: true, provider: 'Microsoft.Web', handle: (ctx) => swap(ctx, 'production') },
  { method: 'POST', template: `${SLOT}/slotsswap`, operation: 'WebApps_SwapSlot', write: true, provider: 'Microsoft.Web', handle: (ctx) => swap(ctx, ctx.params.slot!) },
];
