/**
 * The Azure operations the driver is made of, each one or a few ARM / scm calls through
 * AzureClients (retries, error kinds, write counting). Long-running operations are awaited
 * through the SDK's pollers (the modular client's awaitable pollers, not the begin* methods).
 */
import { CloudError, sleep } from '../../src/driver.js';
import type { AzureClients } from './clients.js';
import { STAGING_SLOT } from './names.js';

export interface SiteView {
  readonly id: string;
  readonly tags: Record<string, string>;
  readonly scmHost?: string;
  readonly hosts: string[];
  readonly planId?: string;
  readonly principalId?: string;
  /** When the site's last slot swap completed (slotSwapStatus.timestampUtc), ISO 8601. */
  readonly lastSwap?: string;
}

interface SiteLike {
  id?: string;
  tags?: Record<string, string>;
  hostNameSslStates?: { name?: string; hostType?: string }[];
  enabledHostNames?: string[];
  defaultHostName?: string;
  serverFarmId?: string;
  identity?: { principalId?: string };
  slotSwapStatus?: { timestampUtc?: Date | string };
}

export function viewOf(site: SiteLike): SiteView {
  const scm = site.hostNameSslStates?.find((h) => h.hostType === 'Repository')?.name;
  const hosts = (site.hostNameSslStates ?? []).filter((h) => h.hostType !== 'Repository' && h.name).map((h) => h.name!);
  return {
    id: site.id ?? '',
    tags: { ...(site.tags ?? {}) },
    ...(scm ? { scmHost: scm } : {}),
    hosts: hosts.length ? hosts : site.defaultHostName ? [site.defaultHostName] : [],
    ...(site.serverFarmId ? { planId: site.serverFarmId } : {}),
    ...(site.identity?.principalId ? { principalId: site.identity.principalId } : {}),
    ...(site.slotSwapStatus?.timestampUtc ? { lastSwap: new Date(site.slotSwapStatus.timestampUtc).toISOString() } : {}),
  };
}

export async function readSite(az: AzureClients, rg: string, app: string, slot?: string): Promise<SiteView | undefined> {
  const site = slot ? await az.find(`read slot ${app}/${slot}`, () => az.web.webApps.getSlot(rg, app, slot)) : await az.find(`read function app ${app}`, () => az.web.webApps.get(rg, app));
  return site ? viewOf(site as SiteLike) : undefined;
}

/** Writes the whole tag set of a resource (the Tags API: a site PATCH drops tags). */
export async function writeTags(az: AzureClients, resourceId: string, tags: Record<string, string>): Promise<void> {
  await az.call(`write tags of ${resourceId.split('/').slice(-1)[0]}`, () => az.resources.tagsOperations.createOrUpdateAtScope(resourceId, { properties: { tags } }, az.poll), { write: true });
}

/** App settings read, changed, written back (a PUT replaces the whole set). Returns whether it wrote. */
export async function updateSettings(az: AzureClients, rg: string, app: string, slot: string | undefined, change: (current: Record<string, string>) => Record<string, string>): Promise<boolean> {
  const current = slot
    ? await az.call(`read app settings of ${app}/${slot}`, () => az.web.webApps.listApplicationSettingsSlot(rg, app, slot))
    : await az.call(`read app settings of ${app}`, () => az.web.webApps.listApplicationSettings(rg, app));
  const before = { ...(current.properties ?? {}) };
  const after = change(before);
  if (JSON.stringify(sorted(before)) === JSON.stringify(sorted(after))) return false;
  if (slot) await az.call(`write app settings of ${app}/${slot}`, () => az.web.webApps.updateApplicationSettingsSlot(rg, app, slot, { properties: after }), { write: true });
  else await az.call(`write app settings of ${app}`, () => az.web.webApps.updateApplicationSettings(rg, app, { properties: after }), { write: true });
  return true;
}

const sorted = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));

/** Share of HTTP traffic on the staging slot (production's rampUpRules), 0..1. */
export async function readWeight(az: AzureClients, rg: string, app: string): Promise<number> {
  const cfg = await az.call(`read configuration of ${app}`, () => az.web.webApps.getConfiguration(rg, app));
  const rule = cfg.experiments?.rampUpRules?.find((r) => r.name === STAGING_SLOT);
  return (rule?.reroutePercentage ?? 0) / 100;
}

export async function writeWeight(az: AzureClients, rg: string, app: string, slotHost: string | undefined, weight: number): Promise<void> {
  const rampUpRules = weight > 0 ? [{ name: STAGING_SLOT, actionHostName: slotHost, reroutePercentage: Math.round(weight * 10000) / 100 }] : [];
  await az.call(`route ${Math.round(weight * 100)}% of ${app} to its ${STAGING_SLOT} slot`, () => az.web.webApps.updateConfiguration(rg, app, { experiments: { rampUpRules } }), { write: true });
}

/**
 * Swaps the staging slot into production, once. A swap is not idempotent: sent again it swaps
 * back. So before a retry (the answer or a poll of the operation was lost, or the site was busy)
 * the site's slotSwapStatus is read: a completion after `lastSwap` (the site as read before) means
 * an earlier attempt's swap landed, and nothing is sent again.
 */
export async function swapSlot(az: AzureClients, rg: string, app: string, lastSwap: string | undefined): Promise<void> {
  let attempts = 0;
  await az.call(`swap ${app} with its ${STAGING_SLOT} slot`, async () => {
    if (attempts++ > 0) {
      const now = await az.web.webApps.get(rg, app);
      const completed = viewOf(now as SiteLike).lastSwap;
      if (completed !== undefined && completed !== lastSwap) return;
    }
    await az.web.webApps.swapSlotWithProduction(rg, app, { targetSlot: STAGING_SLOT, preserveVnet: true }, az.poll);
  }, { write: true });
}

interface ScmDeployment {
  status?: number;
  status_text?: string;
  message?: string;
  log_url?: string;
  id?: string;
}

/**
 * Uploads `zip` to the app (or slot) and waits until it runs: Flex one-deploy (`/api/publish`,
 * the deployment id, its status polled with the early and late 404s tolerated), Premium zip
 * deploy (`/api/zipdeploy?isAsync=true`, its Location polled). Then the site's deploymentStatus
 * (Flex): a runtime that does not start is a failed deploy.
 */
/** A data-plane GET retried through az.call on throttling, 5xx and resets; other statuses are the caller's. */
async function dataGet(az: AzureClients, url: string, what: string, scope?: string, headers?: Record<string, string>): Promise<Response> {
  return az.call(what, async () => {
    const r = await az.fetch(url, { method: 'GET', ...(scope ? { scope } : {}), ...(headers ? { headers } : {}) });
    if (r.status === 429 || r.status >= 500) throw Object.assign(new Error(`${r.status} ${await r.text()}`), { statusCode: r.status });
    return r;
  });
}

export async function deployPackage(az: AzureClients, o: { rg: string; app: string; slot?: string; scmHost: string; zip: Buffer; flex: boolean }): Promise<void> {
  const label = o.slot ? `${o.app}/${o.slot}` : o.app;
  const base = `https://${o.scmHost}`;
  const wait = () => sleep(az.poll.updateIntervalInMs);
  const failed = (d: ScmDeployment | undefined, what: string) =>
    new CloudError('azure', 'invalid', `Deploying ${label} failed: ${d?.status_text || d?.message || what}${d?.log_url ? ` (log: ${d.log_url})` : ''}.`, { hint: 'Read the deployment log; fix the package or runtime setting and deploy again (traffic stayed where it was).' });
  if (o.flex) {
    const r = await az.call(`publish the package of ${label}`, async () => {
      const res = await az.fetch(`${base}/api/publish?RemoteBuild=false&Deployer=fnx`, { method: 'POST', body: o.zip, headers: { 'content-type': 'application/zip' } });
      if (res.status !== 202 && res.status !== 200) throw Object.assign(new Error(`${res.status} ${await res.text()}`), { statusCode: res.status });
      return res;
    }, { write: true });
    az.uploadedBytes += o.zip.length;
    const id = String(await r.json());
    let seen = false;
    for (let i = 0; i < 2000; i++) {
      const res = await dataGet(az, `${base}/api/deployments/${encodeURIComponent(id)}`, `read deployment ${id} of ${label}`);
      if (res.status === 404) {
        if (seen) break;
        await wait();
        continue;
      }
      const d = (await res.json()) as ScmDeployment;
      seen = true;
      if (d.status === 3) throw failed(d, 'the deployment failed');
      if (d.status === 4) break;
      await wait();
    }
    const status = await az.call(`read the deployment status of ${label}`, () => az.web.webApps.getProductionSiteDeploymentStatus(o.rg, o.app, id, az.poll));
    if (status.status && status.status !== 'RuntimeSuccessful') {
      const errors = (status.errors ?? []).map((e) => e.message).filter(Boolean).join('; ');
      throw failed({ status_text: `${status.status}${errors ? `: ${errors}` : ''}` }, String(status.status));
    }
    return;
  }
  const res = await az.call(`zip deploy the package of ${label}`, async () => {
    const r = await az.fetch(`${base}/api/zipdeploy?isAsync=true`, { method: 'POST', body: o.zip, headers: { 'content-type': 'application/zip' } });
    if (r.status !== 202 && r.status !== 200) throw Object.assign(new Error(`${r.status} ${await r.text()}`), { statusCode: r.status });
    return r;
  }, { write: true });
  az.uploadedBytes += o.zip.length;
  const location = res.headers.get('location') ?? `${base}/api/deployments/latest`;
  for (let i = 0; i < 2000; i++) {
    const r = await dataGet(az, location, `read the deployment of ${label}`);
    if (r.status === 202 || r.status === 404) {
      await wait();
      continue;
    }
    const d = (await r.json()) as ScmDeployment;
    if (d.status === 3) throw failed(d, 'the deployment failed');
    if (d.status === 4 || d.status === undefined) return;
    await wait();
  }
  throw failed(undefined, 'it did not finish');
}

/** Flex: keeps `zip` as `packages/<sha256>.zip` in the deployment container (for a rollback from any runner). */
export async function storePackage(az: AzureClients, containerUrl: string, sha256: string, zip: Buffer): Promise<void> {
  const url = `${containerUrl}/packages/${sha256}.zip`;
  const head = await az.call('look for the recorded package', async () => {
    const r = await az.fetch(url, { method: 'HEAD', scope: 'https://storage.azure.com/.default', headers: { 'x-ms-version': '2023-11-03' } });
    if (r.status === 429 || r.status >= 500) throw Object.assign(new Error(`${r.status}`), { statusCode: r.status });
    return r;
  });
  if (head.status === 200) return;
  await az.call('record the package for rollback', async () => {
    const r = await az.fetch(url, { method: 'PUT', body: zip, scope: 'https://storage.azure.com/.default', headers: { 'x-ms-version': '2023-11-03', 'x-ms-blob-type': 'BlockBlob', 'content-type': 'application/zip' } });
    if (r.status !== 201 && r.status !== 200) throw Object.assign(new Error(`${r.status} ${await r.text()}`), { statusCode: r.status });
  }, { write: true });
}

export async function loadPackage(az: AzureClients, containerUrl: string, sha256: string): Promise<Buffer | undefined> {
  const r = await dataGet(az, `${containerUrl}/packages/${sha256}.zip`, 'read the recorded package', 'https://storage.azure.com/.default', { 'x-ms-version': '2023-11-03' });
  if (r.status === 404) return undefined;
  if (r.status !== 200) throw new CloudError('azure', 'unavailable', `Reading the recorded package ${sha256.slice(0, 12)} failed: ${r.status}.`);
  return Buffer.from(await r.arrayBuffer());
}
