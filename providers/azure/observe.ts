/**
 * Health and invocation. Alarms are Azure Monitor metric alerts by name in the stage's resource
 * group (Unhealthy = firing); errors and invocations are the app's (Premium candidate: its
 * slot's) Http5xx and Requests metrics since the release started. Invoke calls the function's
 * first HTTP route (release hooks).
 */
import { CloudError, type HealthRequest, type HealthSample, type InvokeRequest, type InvokeResult } from '../../src/driver.js';
import type { AzureClients } from './clients.js';
import { azureConfig } from './config.js';
import { scopeOf } from './desired.js';
import { appName, STAGING_SLOT } from './names.js';
import { readSite } from './ops.js';
import { TAG } from './release-tags.js';

async function armGet(az: AzureClients, path: string): Promise<{ status: number; body: unknown }> {
  return az.call(`GET ${path.replace(/\?.*$/, '')}`, async () => {
    const r = await az.fetch(`${az.settings.armEndpoint}${path}`, { method: 'GET' });
    const body = (await r.json().catch(() => ({}))) as unknown;
    if (r.status === 429 || r.status >= 500) throw Object.assign(new Error(`${r.status}`), { statusCode: r.status });
    return { status: r.status, body };
  });
}

export async function readHealth(az: AzureClients, req: HealthRequest): Promise<HealthSample> {
  const config = azureConfig(req.manifest)!;
  const rg = config.resourceGroup;
  const firing: string[] = [];
  const missing: string[] = [];
  for (const name of req.alarms) {
    const r = await armGet(az, `/subscriptions/${az.settings.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Insights/metricAlerts/${encodeURIComponent(name)}/status?api-version=2018-03-01`);
    if (r.status === 404) {
      missing.push(name);
      continue;
    }
    if (r.status !== 200) throw new CloudError('azure', 'unavailable', `Reading metric alert ${name} failed: ${r.status}.`);
    const values = (r.body as { value?: { properties?: { status?: string } }[] }).value ?? [];
    if (values.some((v) => v.properties?.status === 'Unhealthy')) firing.push(name);
  }
  const app = appName(scopeOf(req.manifest, az.settings.subscriptionId), req.function.name);
  const site = await readSite(az, rg, app);
  if (!site) throw new CloudError('azure', 'not-found', `Function app ${app} does not exist.`);
  const inSlot = config.plan === 'premium' && site.tags[TAG.version] !== req.version;
  const id = inSlot ? `${site.id}/slots/${STAGING_SLOT}` : site.id;
  const end = new Date();
  const since = new Date(Math.min(Date.parse(req.since), end.getTime() - 60_000));
  const m = await armGet(az, `${id}/providers/Microsoft.Insights/metrics?api-version=2023-10-01&metricnames=Requests,Http5xx&aggregation=Total&interval=PT1M&timespan=${since.toISOString()}/${end.toISOString()}`);
  if (m.status !== 200) throw new CloudError('azure', 'unavailable', `Reading the metrics of ${app} failed: ${m.status}.`);
  const total = (metric: string) =>
    ((m.body as { value?: { name?: { value?: string }; timeseries?: { data?: { total?: number }[] }[] }[] }).value ?? [])
      .filter((v) => v.name?.value === metric)
      .flatMap((v) => v.timeseries ?? [])
      .flatMap((t) => t.data ?? [])
      .reduce((s, d) => s + (d.total ?? 0), 0);
  return { alarmsFiring: firing, ...(missing.length ? { alarmsMissing: missing } : {}), invocations: total('Requests'), errors: total('Http5xx') };
}

export async function invokeFunction(az: AzureClients, req: InvokeRequest): Promise<InvokeResult> {
  const config = azureConfig(req.manifest)!;
  const name = typeof req.function === 'string' ? req.function : req.function.name;
  const fn = req.manifest.functions.find((f) => f.name === name);
  const route = fn?.triggers.find((t) => t.kind === 'http');
  if (!fn || !route || route.kind !== 'http') return { ok: false, payload: null, error: `${name} has no http trigger: fnx invokes Azure functions through their HTTP route` };
  const app = appName(scopeOf(req.manifest, az.settings.subscriptionId), name);
  const site = await readSite(az, config.resourceGroup, app);
  const slot = config.plan === 'premium' && req.version && site?.tags[TAG.version] !== req.version ? await readSite(az, config.resourceGroup, app, STAGING_SLOT) : undefined;
  const host = (slot ?? site)?.hosts[0];
  if (!host) return { ok: false, payload: null, error: `function app ${app} has no host name` };
  const path = route.path.replace(/\{[^}]+\}/g, 'x');
  const method = route.method === 'ANY' ? 'POST' : route.method;
  try {
    const r = await fetch(`https://${host}${path}`, { method, ...(method === 'GET' || method === 'HEAD' ? {} : { body: JSON.stringify(req.payload ?? {}), headers: { 'content-type': 'application/json' } }) });
    const text = await r.text();
    let payload: unknown = text;
    try {
      payload = JSON.parse(text);
    } catch {}
    return r.ok ? { ok: true, payload } : { ok: false, payload, error: `HTTP ${r.status}` };
  } catch (err) {
    return { ok: false, payload: null, error: (err as Error).message };
  }
}
