// A site's or slot's default host: requests are answered by the app handler. On production,
// experiments.rampUpRules route a share of requests to the slots (seeded PRNG, or the
// x-ms-routing-name cookie / query parameter pins a slot, 'self' = production), as App Service does.
import type { Emulator } from './emulator.js';
import type { HttpReq, HttpRes } from './protocol.js';
import { obj, str } from './protocol.js';
import type { Json, Site, SiteInstance } from './state.js';
import { hostKeysOf, hostOf } from './web-sites.js';

function routingName(req: HttpReq): string | undefined {
  const q = req.query.get('x-ms-routing-name');
  if (q) return q;
  const cookie = String(req.headers.cookie ?? '');
  const m = /(?:^|;\s*)x-ms-routing-name=([^;]+)/i.exec(cookie);
  return m?.[1];
}

function pick(emu: Emulator, site: Site, req: HttpReq): SiteInstance {
  const rules = (obj(site.production.siteConfig.experiments).rampUpRules as Json[] | undefined) ?? [];
  if (rules.length === 0) return site.production;
  const byHost = new Map([...site.slots.values()].map((s) => [hostOf(s.appPort), s]));
  const pinned = routingName(req);
  if (pinned) {
    if (pinned.toLowerCase() === 'self') return site.production;
    const s = site.slots.get(pinned.toLowerCase());
    if (s) return s;
  }
  let r = emu.routingRandom() * 100;
  for (const rule of rules) {
    const pct = typeof rule.reroutePercentage === 'number' ? rule.reroutePercentage : 0;
    if (r < pct) return byHost.get(str(rule.actionHostName) ?? '') ?? site.production;
    r -= pct;
  }
  return site.production;
}

export async function handleApp(emu: Emulator, site: Site, inst: SiteInstance, req: HttpReq): Promise<HttpRes> {
  const target = inst.slot === 'production' ? pick(emu, site, req) : inst;
  if (target.package?.runtimeFailure) {
    return { status: 503, headers: { 'content-type': 'text/html' }, body: 'Function host is not running.' };
  }
  const out = await emu.appHandler({ app: site.name, slot: target.slot, method: req.method, path: req.path + (req.query.size ? `?${req.query.toString()}` : ''), headers: req.headers, body: req.body, sha256: target.package?.sha256, keys: hostKeysOf(target) });
  const headers: Record<string, string> = { ...(out.headers ?? {}) };
  if (target !== inst) headers['set-cookie'] = `x-ms-routing-name=${target.slot}; path=/`;
  return { status: out.status, headers, body: out.body };
}
