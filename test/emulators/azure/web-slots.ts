// Microsoft.Web deployment slots (Elastic Premium only): PUT (create = LRO 202), DELETE, and
// slotsswap (LRO 202 + Location): content, general config and non-sticky app settings change places.
import type { Route, RouteContext } from './router.js';
import { bodyJson, checkIfMatch, empty, json, newEtag, obj, str, tagsOf, webError } from './protocol.js';
import type { Json, SiteInstance } from './state.js';
import type { SlotContent } from './types.js';
import { isFlex } from './web-plans.js';
import { normLoc } from './resources.js';
import { findSite, hostNameTaken, hostOf, settingsFromBody, siteBody, SITE, SLOT } from './web-sites.js';

/** Slots per Elastic Premium app, production included. */
export const PREMIUM_MAX_SLOTS = 3;

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
  const location = str(body.location);
  if (!location) throw webError(400, 'LocationRequired', 'The location property is required for this definition.');
  if (normLoc(location) !== site.location) throw webError(400, 'BadRequest', `The slot location '${location}' must match the app's location '${site.location}'.`);
  const props = obj(body.properties);
  if (str(props.serverFarmId) && str(props.serverFarmId)!.toLowerCase() !== site.serverFarmId.toLowerCase()) {
    throw webError(400, 'BadRequest', 'A deployment slot must be on the same App Service plan as its app.');
  }
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
  if (hostNameTaken(emu, `${site.name}-${slotName}`)) {
    throw webError(409, 'Conflict', `Hostname '${site.name}-${slotName}' already exists: another app or slot uses it.`);
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
  const headers = emu.startOperation('Microsoft.Web', site.location, ctx.apiVersion, {
    name: ctx.operation,
    result: () => siteBody(emu, site, inst),
    rollback: () => {
      emu.closeInstanceHosts(inst);
      site.slots.delete(slotName.toLowerCase());
    },
  });
  return json(202, siteBody(emu, site, inst), { ...headers, etag: inst.etag });
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

/** What an instance serves now, for the traffic log. */
export function slotContent(inst: SiteInstance): SlotContent {
  const deployments = [...inst.deployments.values()];
  const active = inst.package ? deployments.find((d) => d.id === inst.package?.deploymentId) : undefined;
  const deployment = deployments.some((d) => !d.applied) ? 'InProgress' : !inst.package ? 'None' : active?.failure || inst.package.runtimeFailure ? 'Failed' : 'Succeeded';
  return { slot: inst.slot, ...(inst.package ? { sha256: inst.package.sha256 } : {}), deployment };
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
  for (const inst of [a, b]) {
    if ([...inst.deployments.values()].some((d) => !d.applied)) {
      throw webError(409, 'Conflict', `Cannot swap slots for site '${site.name}' because a deployment to '${inst.slot}' is in progress.`);
    }
  }
  const until = emu.now() + emu.asyncDelayMs;
  a.busyUntil = until;
  b.busyUntil = until;
  const headers = emu.startOperation('Microsoft.Web', site.location, ctx.apiVersion, {
    name: ctx.operation,
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
      site.slotSwapStatus = { timestampUtc: new Date(emu.now()).toISOString(), sourceSlotName: a.slot, destinationSlotName: b.slot };
      const prod = a.slot === 'production' ? a : b.slot === 'production' ? b : undefined;
      const production = slotContent(prod ?? site.production);
      emu.traffic.push({ kind: 'swap', app: site.name, time: emu.now(), sourceSlot: a.slot, targetSlot: b.slot, sha256InProduction: prod?.package?.sha256, production });
    },
  });
  // App Service answers a swap with 202 + Location (no body).
  return empty(202, headers);
}

export const slotRoutes: Route[] = [
  { method: 'PUT', template: SLOT, operation: 'WebApps_CreateOrUpdateSlot', write: true, provider: 'Microsoft.Web', handle: putSlot },
  { method: 'DELETE', template: SLOT, operation: 'WebApps_DeleteSlot', write: true, provider: 'Microsoft.Web', handle: deleteSlot },
  { method: 'POST', template: `${SITE}/slotsswap`, operation: 'WebApps_SwapSlotWithProduction', write: true, provider: 'Microsoft.Web', handle: (ctx) => swap(ctx, 'production') },
  { method: 'POST', template: `${SLOT}/slotsswap`, operation: 'WebApps_SwapSlot', write: true, provider: 'Microsoft.Web', handle: (ctx) => swap(ctx, ctx.params.slot!) },
];
