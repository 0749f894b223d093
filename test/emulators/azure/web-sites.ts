// Microsoft.Web sites: PUT (create = LRO 202 with Azure-AsyncOperation + Location), GET, PATCH,
// DELETE; GET/PATCH of slots, host keys, trigger sync, restart (slot create/delete and swaps:
// web-slots.ts). Host names are 127.0.0.1:<port> listeners (see README).
import { randomBytes, randomUUID } from 'node:crypto';
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
export function settingsFromBody(siteConfig: Json): Record<string, string> | undefined {
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
      ...(site.slotSwapStatus ? { slotSwapStatus: site.slotSwapStatus } : {}),
      lastModifiedTimeUtc: new Date(emu.now()).toISOString(),
    },
  };
}

/** Sites and slots share one host name space: slot S of app A is A-S (A-S.azurewebsites.net). */
export function hostNameTaken(emu: Emulator, label: string): boolean {
  const l = label.toLowerCase();
  for (const s of emu.state.sites.values()) {
    if (s.name.toLowerCase() === l) return true;
    for (const slot of s.slots.values()) if (`${s.name}-${slot.slot}`.toLowerCase() === l) return true;
  }
  return false;
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
  if (!existing && hostNameTaken(emu, name)) throw webError(409, 'Conflict', `Website with given name ${name} already exists.`);
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
  const kind = str(body.kind) ?? existing?.kind ?? 'functionapp';
  if (/linux/i.test(kind) && plan.properties.reserved !== true) {
    throw webError(400, 'BadRequest', `The app kind '${kind}' needs a Linux plan, but plan '${plan.name}' is not Linux (reserved: false).`);
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
  const headers = emu.startOperation('Microsoft.Web', site.location, ctx.apiVersion, {
    name: ctx.operation,
    result: () => siteBody(emu, site, inst),
    rollback: () => {
      emu.closeInstanceHosts(inst);
      emu.state.sites.delete(name.toLowerCase());
    },
  });
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

export function hostKeysOf(inst: SiteInstance): { master: string; default: string } {
  inst.hostKeys ??= { master: randomBytes(30).toString('base64url'), default: randomBytes(30).toString('base64url') };
  return inst.hostKeys;
}

function listKeys(ctx: RouteContext, slot: string | undefined) {
  const site = findSite(ctx);
  const k = hostKeysOf(ctx.emu.instance(site, slot));
  return json(200, { masterKey: k.master, functionKeys: { default: k.default }, systemKeys: {} });
}

function noop(ctx: RouteContext, slot: string | undefined, status: number) {
  const site = findSite(ctx);
  const inst = ctx.emu.instance(site, slot);
  ctx.emu.assertNotBusy(inst, site);
  return empty(status);
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

export const siteRoutes: Route[] = [
  { method: 'PUT', template: SITE, operation: 'WebApps_CreateOrUpdate', write: true, provider: 'Microsoft.Web', handle: putSite },
  { method: 'GET', template: SITE, operation: 'WebApps_Get', write: false, provider: 'Microsoft.Web', handle: (ctx) => getInstance(ctx, undefined) },
  { method: 'PATCH', template: SITE, operation: 'WebApps_Update', write: true, provider: 'Microsoft.Web', handle: (ctx) => patchInstance(ctx, undefined) },
  { method: 'DELETE', template: SITE, operation: 'WebApps_Delete', write: true, provider: 'Microsoft.Web', handle: deleteSite },
  { method: 'GET', template: SLOT, operation: 'WebApps_GetSlot', write: false, provider: 'Microsoft.Web', handle: (ctx) => getInstance(ctx, ctx.params.slot) },
  { method: 'PATCH', template: SLOT, operation: 'WebApps_UpdateSlot', write: true, provider: 'Microsoft.Web', handle: (ctx) => patchInstance(ctx, ctx.params.slot) },
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
  { method: 'POST', template: `${SITE}/host/default/listkeys`, operation: 'WebApps_ListHostKeys', write: false, provider: 'Microsoft.Web', handle: (ctx) => listKeys(ctx, undefined) },
  { method: 'POST', template: `${SLOT}/host/default/listkeys`, operation: 'WebApps_ListHostKeysSlot', write: false, provider: 'Microsoft.Web', handle: (ctx) => listKeys(ctx, ctx.params.slot) },
  { method: 'POST', template: `${SITE}/syncfunctiontriggers`, operation: 'WebApps_SyncFunctionTriggers', write: true, provider: 'Microsoft.Web', handle: (ctx) => noop(ctx, undefined, 204) },
  { method: 'POST', template: `${SLOT}/syncfunctiontriggers`, operation: 'WebApps_SyncFunctionTriggersSlot', write: true, provider: 'Microsoft.Web', handle: (ctx) => noop(ctx, ctx.params.slot, 204) },
  { method: 'POST', template: `${SITE}/restart`, operation: 'WebApps_Restart', write: true, provider: 'Microsoft.Web', handle: (ctx) => noop(ctx, undefined, 200) },
  { method: 'POST', template: `${SLOT}/restart`, operation: 'WebApps_RestartSlot', write: true, provider: 'Microsoft.Web', handle: (ctx) => noop(ctx, ctx.params.slot, 200) },
];
