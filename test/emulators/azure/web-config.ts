// Microsoft.Web site/slot configuration: config/web (GET/PUT/PATCH; experiments.rampUpRules on
// production is a routing change), config/appsettings (PUT replaces the whole set) and
// appsettings/list, config/slotConfigNames (slot-sticky setting names).
import type { Route, RouteContext } from './router.js';
import { bodyJson, checkIfMatch, json, newEtag, obj, str, webError } from './protocol.js';
import { siteId } from './ids.js';
import type { Json, Site, SiteInstance } from './state.js';
import { findSite, hostOf, SITE, SLOT } from './web-sites.js';
import { isFlex } from './web-plans.js';
import { slotContent } from './web-slots.js';
import { checkFlexAppSettings, checkFlexSiteConfig } from './flex.js';

function configId(ctx: RouteContext, site: Site, inst: SiteInstance, name: string): string {
  return `${siteId(ctx.emu, site.resourceGroup, site.name, inst.slot)}/config/${name}`;
}

function webConfigBody(ctx: RouteContext, site: Site, inst: SiteInstance): unknown {
  const { appSettings: _a, ...cfg } = inst.siteConfig;
  return {
    id: configId(ctx, site, inst, 'web'),
    name: inst.slot === 'production' ? site.name : `${site.name}/${inst.slot}`,
    type: 'Microsoft.Web/sites/config',
    location: site.location,
    properties: { numberOfWorkers: 1, http20Enabled: true, minTlsVersion: '1.2', ftpsState: 'FtpsOnly', ...cfg, experiments: { rampUpRules: rulesOf(inst.siteConfig) } },
  };
}

function rulesOf(cfg: Json): Json[] {
  const r = obj(cfg.experiments).rampUpRules;
  return Array.isArray(r) ? (r as Json[]) : [];
}

/** Validate rampUpRules against this site's slots: each targets a slot's default host, percentages 0..100, total ≤ 100. */
function checkRules(site: Site, inst: SiteInstance, rules: unknown): Json[] {
  if (rules === undefined || rules === null) return [];
  if (!Array.isArray(rules)) throw webError(400, 'BadRequest', 'Experiments.RampUpRules must be an array.');
  if (rules.length > 0 && inst.slot !== 'production') {
    throw webError(400, 'BadRequest', 'Ramp-up rules can only be set on the production slot.');
  }
  const hosts = new Map([...site.slots.values()].map((s) => [hostOf(s.appPort), s.slot]));
  let total = 0;
  const names = new Set<string>();
  const out: Json[] = [];
  for (const r0 of rules) {
    const r = obj(r0);
    const name = str(r.name);
    const host = str(r.actionHostName);
    const pct = r.reroutePercentage;
    if (!name) throw webError(400, 'BadRequest', 'Each ramp-up rule needs a name.');
    if (names.has(name.toLowerCase())) throw webError(400, 'BadRequest', `Duplicate ramp-up rule name '${name}'.`);
    names.add(name.toLowerCase());
    if (!host || !hosts.has(host)) throw webError(400, 'BadRequest', `The ramp-up rule '${name}' has an actionHostName '${host ?? ''}' that is not a host name of a slot of '${site.name}'.`);
    if (typeof pct !== 'number' || !Number.isFinite(pct) || pct < 0 || pct > 100) {
      throw webError(400, 'BadRequest', `The ramp-up rule '${name}' has an invalid reroutePercentage '${String(pct)}' (0 to 100).`);
    }
    total += pct;
    out.push({ ...r });
  }
  if (total > 100) throw webError(400, 'BadRequest', `The reroutePercentage of all ramp-up rules adds up to ${total}, more than 100.`);
  return out;
}

function writeWebConfig(ctx: RouteContext, slot: string | undefined, merge: boolean) {
  const emu = ctx.emu;
  const site = findSite(ctx);
  const inst = emu.instance(site, slot);
  checkIfMatch(ctx.req, inst.etag, 'web');
  emu.assertNotBusy(inst, site);
  const body = bodyJson(ctx.req, 'web');
  const props = obj(body.properties);
  if (isFlex(emu.state.plans.get(site.planKey))) {
    checkFlexSiteConfig(props);
    if (Array.isArray(props.appSettings)) checkFlexAppSettings(props.appSettings.map((e) => String(obj(e).name ?? '')));
  }
  const before = JSON.stringify(rulesOf(inst.siteConfig));
  const rulesGiven = obj(props.experiments).rampUpRules;
  const rules = checkRules(site, inst, rulesGiven);
  const { appSettings: _a, ...cfg } = props;
  if (merge) {
    inst.siteConfig = { ...inst.siteConfig, ...cfg };
    if (rulesGiven === undefined) inst.siteConfig.experiments = { rampUpRules: JSON.parse(before) as Json[] };
    else inst.siteConfig.experiments = { ...obj(cfg.experiments), rampUpRules: rules };
  } else {
    inst.siteConfig = { ...cfg, experiments: { ...obj(cfg.experiments), rampUpRules: rules } };
  }
  inst.etag = newEtag();
  const after = rulesOf(inst.siteConfig);
  if (inst.slot === 'production' && JSON.stringify(after) !== before) {
    emu.traffic.push({
      kind: 'rampUpRules',
      app: site.name,
      time: emu.now(),
      rules: after.map((r) => ({ name: str(r.name), actionHostName: str(r.actionHostName), reroutePercentage: r.reroutePercentage as number })),
      targets: after.flatMap((r) => [...site.slots.values()].filter((i) => hostOf(i.appPort) === str(r.actionHostName)).map(slotContent)),
    });
  }
  return json(200, webConfigBody(ctx, site, inst), { etag: inst.etag });
}

function settingsBody(ctx: RouteContext, site: Site, inst: SiteInstance): unknown {
  return {
    id: configId(ctx, site, inst, 'appsettings'),
    name: 'appsettings',
    type: 'Microsoft.Web/sites/config',
    location: site.location,
    properties: inst.appSettings,
  };
}

function putSettings(ctx: RouteContext, slot: string | undefined) {
  const emu = ctx.emu;
  const site = findSite(ctx);
  const inst = emu.instance(site, slot);
  emu.assertNotBusy(inst, site);
  const body = bodyJson(ctx.req, 'web');
  const props = obj(body.properties);
  const next: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) {
    if (typeof v !== 'string') throw webError(400, 'BadRequest', `The value of app setting '${k}' must be a string.`);
    if (!/^[^\s=]+$/.test(k)) throw webError(400, 'BadRequest', `The app setting name '${k}' is invalid.`);
    next[k] = v;
  }
  if (isFlex(emu.state.plans.get(site.planKey))) {
    checkFlexAppSettings(Object.keys(next));
    const auth = obj(obj(obj(obj(site.functionAppConfig).deployment).storage).authentication);
    const conn = str(auth.storageAccountConnectionStringName);
    if (conn && next[conn] === undefined) {
      throw webError(400, 'BadRequest', `The app setting '${conn}' is used by FunctionAppConfig.Deployment.Storage.Authentication and cannot be removed.`);
    }
  }
  inst.appSettings = next;
  inst.etag = newEtag();
  return json(200, settingsBody(ctx, site, inst));
}

function slotConfigNamesBody(ctx: RouteContext, site: Site): unknown {
  return {
    id: `${siteId(ctx.emu, site.resourceGroup, site.name)}/config/slotConfigNames`,
    name: 'slotConfigNames',
    type: 'Microsoft.Web/sites/config',
    location: site.location,
    properties: site.slotConfigNames,
  };
}

function stringList(v: unknown, what: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw webError(400, 'BadRequest', `${what} must be an array of strings.`);
  return v as string[];
}

const W = 'Microsoft.Web' as const;

export const configRoutes: Route[] = [
  { method: 'GET', template: `${SITE}/config/web`, operation: 'WebApps_GetConfiguration', write: false, provider: W, handle: (ctx) => { const s = findSite(ctx); return json(200, webConfigBody(ctx, s, s.production), { etag: s.production.etag }); } },
  { method: 'PUT', template: `${SITE}/config/web`, operation: 'WebApps_CreateOrUpdateConfiguration', write: true, provider: W, handle: (ctx) => writeWebConfig(ctx, undefined, false) },
  { method: 'PATCH', template: `${SITE}/config/web`, operation: 'WebApps_UpdateConfiguration', write: true, provider: W, handle: (ctx) => writeWebConfig(ctx, undefined, true) },
  { method: 'GET', template: `${SLOT}/config/web`, operation: 'WebApps_GetConfigurationSlot', write: false, provider: W, handle: (ctx) => { const s = findSite(ctx); const i = ctx.emu.instance(s, ctx.params.slot); return json(200, webConfigBody(ctx, s, i), { etag: i.etag }); } },
  { method: 'PUT', template: `${SLOT}/config/web`, operation: 'WebApps_CreateOrUpdateConfigurationSlot', write: true, provider: W, handle: (ctx) => writeWebConfig(ctx, ctx.params.slot, false) },
  { method: 'PATCH', template: `${SLOT}/config/web`, operation: 'WebApps_UpdateConfigurationSlot', write: true, provider: W, handle: (ctx) => writeWebConfig(ctx, ctx.params.slot, true) },
  { method: 'PUT', template: `${SITE}/config/appsettings`, operation: 'WebApps_UpdateApplicationSettings', write: true, provider: W, handle: (ctx) => putSettings(ctx, undefined) },
  { method: 'PUT', template: `${SLOT}/config/appsettings`, operation: 'WebApps_UpdateApplicationSettingsSlot', write: true, provider: W, handle: (ctx) => putSettings(ctx, ctx.params.slot) },
  { method: 'POST', template: `${SITE}/config/appsettings/list`, operation: 'WebApps_ListApplicationSettings', write: false, provider: W, handle: (ctx) => { const s = findSite(ctx); return json(200, settingsBody(ctx, s, s.production)); } },
  { method: 'POST', template: `${SLOT}/config/appsettings/list`, operation: 'WebApps_ListApplicationSettingsSlot', write: false, provider: W, handle: (ctx) => { const s = findSite(ctx); return json(200, settingsBody(ctx, s, ctx.emu.instance(s, ctx.params.slot))); } },
  { method: 'GET', template: `${SITE}/config/slotConfigNames`, operation: 'WebApps_ListSlotConfigurationNames', write: false, provider: W, handle: (ctx) => json(200, slotConfigNamesBody(ctx, findSite(ctx))) },
  {
    method: 'PUT',
    template: `${SITE}/config/slotConfigNames`,
    operation: 'WebApps_UpdateSlotConfigurationNames',
    write: true,
    provider: W,
    handle: (ctx) => {
      const site = findSite(ctx);
      const props = obj(bodyJson(ctx.req, 'web').properties);
      site.slotConfigNames = {
        appSettingNames: stringList(props.appSettingNames, 'appSettingNames'),
        connectionStringNames: stringList(props.connectionStringNames, 'connectionStringNames'),
        azureStorageConfigNames: stringList(props.azureStorageConfigNames, 'azureStorageConfigNames'),
      };
      return json(200, slotConfigNamesBody(ctx, site));
    },
  },
];
