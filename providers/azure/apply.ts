/**
 * Executes the plan's data: the resource group, the storage account, plans, then per changed
 * function its Function App, app settings (read, modify, write) and package.
 *   Flex (replace): one-deploy over the serving code, the package recorded in the deployment
 *     container and its version in the tags; the candidate serves when apply returns.
 *   Premium (slot): the first version goes to production; later ones to the staging slot, whose
 *     non-HTTP functions are disabled by slot-sticky settings, with no traffic yet.
 * Idempotent: a re-run after a crash finds what exists and continues.
 */
import { readFileSync } from 'node:fs';
import { CloudError, findArtifact, InterruptedError, mapBounded, WorkProgress, type ApplyRequest, type ApplyResult, type PublishedVersion } from '../../src/driver.js';
import type { AzureClients } from './clients.js';
import { azureConfig, premiumSku } from './config.js';
import { disabledSetting } from './desired.js';
import { deploymentContainer, STAGING_SLOT } from './names.js';
import { grantSecrets } from './access.js';
import { httpUrls } from './remove.js';
import { deleteSubscription, putSubscription } from './event-grid.js';
import { baseTags, ensureStorageAccount } from './storage-account.js';
import { deployPackage, readSite, readWeight, storePackage, updateSettings, viewOf, writeTags, type SiteView } from './ops.js';
import { nextRevision, recordedPackages, revisionOf, TAG, withPackage } from './release-tags.js';
import type { AzureDeployed, AzurePlanDetail, DesiredApp } from './state.js';

/** App setting listing the settings fnx wrote (so a removed environment entry is removed, and nothing else). */
export const OWNED_SETTINGS = 'FNX_SETTINGS';

async function ensureShared(az: AzureClients, req: ApplyRequest, detail: AzurePlanDetail): Promise<{ connection: string; blob: string; account: string }> {
  const config = azureConfig(req.manifest)!;
  const rg = detail.resourceGroup;
  const account = await ensureStorageAccount(az, req.manifest, { resourceGroup: detail.createResourceGroup, storageAccount: detail.createStorageAccount });
  const keys = await az.call(`read the keys of ${detail.storageAccount}`, () => az.storage.storageAccounts.listKeys(rg, detail.storageAccount));
  const key = keys.keys?.[0]?.value ?? '';
  const suffix = /core\.(.+?)\/?$/.exec(account.primaryEndpoints?.blob ?? '')?.[1] ?? 'windows.net';
  for (const plan of detail.plans) {
    const premium = config.plan === 'premium';
    await az.call(`create plan ${plan}`, () =>
      az.web.appServicePlans.createOrUpdate(rg, plan, premium
        ? { location: detail.location, kind: 'elastic', reserved: true, sku: { name: premiumSku(config), tier: 'ElasticPremium' }, maximumElasticWorkerCount: 20, tags: baseTags(req, config) }
        : { location: detail.location, kind: 'functionapp', reserved: true, sku: { name: 'FC1', tier: 'FlexConsumption' }, tags: baseTags(req, config) }, az.poll), { write: true });
  }
  return { connection: `DefaultEndpointsProtocol=https;AccountName=${detail.storageAccount};AccountKey=${key};EndpointSuffix=core.${suffix}`, blob: (account.primaryEndpoints?.blob ?? '').replace(/\/+$/, ''), account: detail.storageAccount };
}

function planId(az: AzureClients, rg: string, plan: string): string {
  return `/subscriptions/${az.settings.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Web/serverfarms/${plan}`;
}

function settingsFor(d: DesiredApp, storage: Record<string, string>, disabled: boolean): (current: Record<string, string>) => Record<string, string> {
  return (current) => {
    const owned = (current[OWNED_SETTINGS] ?? '').split(',').filter(Boolean);
    const next: Record<string, string> = {};
    for (const [k, v] of Object.entries(current)) if (!owned.includes(k) && !k.startsWith('AzureWebJobs.') ) next[k] = v;
    Object.assign(next, storage, d.settings);
    for (const b of d.nonHttp) next[disabledSetting(b)] = disabled ? 'true' : 'false';
    next[OWNED_SETTINGS] = Object.keys(d.settings).sort().join(',');
    return next;
  };
}

async function applyFlex(az: AzureClients, req: ApplyRequest, d: DesiredApp, shared: { connection: string; blob: string; account: string }, deployed: AzureDeployed): Promise<PublishedVersion> {
  const config = azureConfig(req.manifest)!;
  const rg = config.resourceGroup;
  const cur = deployed.apps[d.function];
  const container = deploymentContainer(d.app);
  const containerUrl = `${shared.blob}/${container}`;
  if (cur && recordedPackages(cur.tags).some((p) => p.version === d.version)) {
    return { function: d.function, ...(cur.version ? { previous: cur.version } : {}), candidate: d.version, existing: true, revision: revisionOf(cur.tags) };
  }
  const storage = { AzureWebJobsStorage: shared.connection, DEPLOYMENT_STORAGE_CONNECTION_STRING: shared.connection };
  let site: SiteView | undefined = cur ? await readSite(az, rg, d.app) : undefined;
  if (!cur) await az.call(`create deployment container ${container}`, () => az.storage.blobContainers.create(rg, shared.account, container, {}), { write: true });
  const tags = site?.tags ?? baseTags(req, config, d.function);
  const body = {
    location: config.location,
    kind: 'functionapp,linux',
    serverFarmId: planId(az, rg, d.plan),
    identity: { type: 'SystemAssigned' as const },
    tags,
    ...(cur ? {} : { siteConfig: { appSettings: Object.entries(storage).map(([name, value]) => ({ name, value })) } }),
    functionAppConfig: {
      deployment: { storage: { type: 'blobContainer' as const, value: containerUrl, authentication: { type: 'StorageAccountConnectionString' as const, storageAccountConnectionStringName: 'DEPLOYMENT_STORAGE_CONNECTION_STRING' } } },
      runtime: { name: d.runtime.name, version: d.runtime.version },
      scaleAndConcurrency: { instanceMemoryMB: d.instanceMemoryMb, maximumInstanceCount: d.maxInstances ?? 100, ...(d.warm ? { alwaysReady: [{ name: d.http ? 'http' : `function:${d.nonHttp[0]}`, instanceCount: d.warm }] } : {}) },
    },
  };
  site = viewOf(await az.call(`${cur ? 'update' : 'create'} function app ${d.app}`, () => az.web.webApps.createOrUpdate(rg, d.app, body, az.poll), { write: true }));
  await grantAccess(az, req, d, site);
  await updateSettings(az, rg, d.app, undefined, settingsFor(d, storage, false));
  const zip = readFileSync(findArtifact(req.artifacts, 'function', d.function, 'azure')!.path);
  await deployPackage(az, { rg, app: d.app, scmHost: scmOf(site, d.app), zip, flex: true });
  await storePackage(az, containerUrl, d.artifactSha256, zip);
  const fresh = (await readSite(az, rg, d.app)) ?? site;
  const next = nextRevision(withPackage({ ...fresh.tags, [TAG.version]: d.version }, d.version, d.artifactSha256));
  await writeTags(az, fresh.id, next);
  return { function: d.function, ...(cur?.version ? { previous: cur.version } : {}), candidate: d.version, revision: revisionOf(next) };
}

/** The identity of `site` may read exactly the Key Vault secrets `d`'s settings reference. */
async function grantAccess(az: AzureClients, req: ApplyRequest, d: DesiredApp, site: SiteView): Promise<void> {
  const config = azureConfig(req.manifest)!;
  const fn = req.manifest.functions.find((f) => f.name === d.function)!;
  const secrets = Object.values(fn.secrets).map((s) => s.secret);
  if (!secrets.length || !config.keyVault) return;
  if (!site.principalId) throw new Error(`function app ${d.app} has no system-assigned identity`);
  await grantSecrets(az, { rg: config.resourceGroup, vault: config.keyVault, principalId: site.principalId, secrets });
}

function scmOf(site: SiteView, label: string): string {
  if (!site.scmHost) throw new Error(`function app ${label} reports no scm host name (hostNameSslStates hostType Repository)`);
  return site.scmHost;
}

function premiumSiteConfig(d: DesiredApp, connection: string, share: string) {
  return {
    linuxFxVersion: `${d.runtime.name === 'node' ? 'Node' : 'Python'}|${d.runtime.version}`,
    ...(d.maxInstances ? { functionAppScaleLimit: d.maxInstances } : {}),
    ...(d.warm ? { minimumElasticInstanceCount: d.warm } : {}),
    appSettings: Object.entries({
      FUNCTIONS_EXTENSION_VERSION: '~4',
      FUNCTIONS_WORKER_RUNTIME: d.runtime.name,
      AzureWebJobsStorage: connection,
      WEBSITE_CONTENTAZUREFILECONNECTIONSTRING: connection,
      WEBSITE_CONTENTSHARE: share,
    }).map(([name, value]) => ({ name, value })),
  };
}

async function applyPremium(az: AzureClients, req: ApplyRequest, d: DesiredApp, shared: { connection: string }, deployed: AzureDeployed): Promise<PublishedVersion> {
  const config = azureConfig(req.manifest)!;
  const rg = config.resourceGroup;
  const cur = deployed.apps[d.function];
  const zip = readFileSync(findArtifact(req.artifacts, 'function', d.function, 'azure')!.path);
  const storage = { AzureWebJobsStorage: shared.connection, WEBSITE_CONTENTAZUREFILECONNECTIONSTRING: shared.connection };
  if (!cur?.version) {
    const existing = cur ? await readSite(az, rg, d.app) : undefined;
    const body = { location: config.location, kind: 'functionapp,linux', serverFarmId: planId(az, rg, d.plan), identity: { type: 'SystemAssigned' as const }, reserved: true, tags: existing?.tags ?? baseTags(req, config, d.function), siteConfig: premiumSiteConfig(d, shared.connection, d.app) };
    const site = viewOf(await az.call(`create function app ${d.app}`, () => az.web.webApps.createOrUpdate(rg, d.app, body, az.poll), { write: true }));
    await grantAccess(az, req, d, site);
    await updateSettings(az, rg, d.app, undefined, settingsFor(d, storage, false));
    await deployPackage(az, { rg, app: d.app, scmHost: scmOf(site, d.app), zip, flex: false });
    const fresh = (await readSite(az, rg, d.app)) ?? site;
    const next = nextRevision({ ...fresh.tags, [TAG.version]: d.version });
    await writeTags(az, fresh.id, next);
    return { function: d.function, candidate: d.version, revision: revisionOf(next) };
  }
  if (cur.slotVersion === d.version) return { function: d.function, previous: cur.version, candidate: d.version, existing: true, revision: revisionOf(cur.tags) };
  // A staging slot with a share of traffic is a release in progress (another run's, or a held
  // `deploy --no-wait`): new code in it would serve that share before any gate saw it.
  const share = await readWeight(az, rg, d.app);
  if (share > 0) {
    throw new CloudError('azure', 'precondition', `${d.app}'s ${STAGING_SLOT} slot serves ${Math.round(share * 100)}% of its traffic for a release in progress (another deploy, or one started with --no-wait); nothing was changed by this run for ${d.function}.`, {
      hint: 'Wait for the other deploy to finish, or finish the release with `fnx promote` or `fnx rollback`, then deploy again.',
    });
  }
  let slot = await readSite(az, rg, d.app, STAGING_SLOT);
  if (!slot) {
    const body = { location: config.location, kind: 'functionapp,linux', serverFarmId: planId(az, rg, d.plan), identity: { type: 'SystemAssigned' as const }, reserved: true, tags: baseTags(req, config, d.function), siteConfig: premiumSiteConfig(d, shared.connection, `${d.app}-${STAGING_SLOT}`) };
    slot = viewOf(await az.call(`create slot ${d.app}/${STAGING_SLOT}`, () => az.web.webApps.createOrUpdateSlot(rg, d.app, STAGING_SLOT, body, az.poll), { write: true }));
  }
  if (d.nonHttp.length) {
    const names = await az.call(`read slot settings of ${d.app}`, () => az.web.webApps.listSlotConfigurationNames(rg, d.app));
    const sticky = new Set([...(names.appSettingNames ?? []), ...d.nonHttp.map(disabledSetting)]);
    if (sticky.size !== (names.appSettingNames ?? []).length) {
      await az.call(`make the disabled triggers of ${d.app} slot settings`, () => az.web.webApps.updateSlotConfigurationNames(rg, d.app, { appSettingNames: [...sticky].sort(), connectionStringNames: names.connectionStringNames ?? [] }), { write: true });
    }
  }
  await grantAccess(az, req, d, slot);
  // The slot's version tag names what the slot serves: cleared before its content changes, so a
  // release that reads the slot meanwhile finds no candidate there instead of the old one's name.
  if (slot.tags[TAG.version]) {
    const { [TAG.version]: _old, ...rest } = slot.tags;
    await writeTags(az, slot.id, rest);
  }
  await updateSettings(az, rg, d.app, STAGING_SLOT, settingsFor(d, storage, true));
  await deployPackage(az, { rg, app: d.app, slot: STAGING_SLOT, scmHost: scmOf(slot, `${d.app}/${STAGING_SLOT}`), zip, flex: false });
  const fresh = (await readSite(az, rg, d.app, STAGING_SLOT)) ?? slot;
  await writeTags(az, fresh.id, { ...fresh.tags, [TAG.version]: d.version });
  return { function: d.function, previous: cur.version, candidate: d.version, revision: revisionOf(cur.tags) };
}

export async function applyPlan(az: AzureClients, req: ApplyRequest): Promise<ApplyResult> {
  const detail = req.plan.detail as AzurePlanDetail;
  const deployed = detail.deployed;
  const config = azureConfig(req.manifest)!;
  const writesBefore = az.writes;
  const bytesBefore = az.uploadedBytes;
  const published: PublishedVersion[] = [];
  const hostsAfter = new Map<string, string[]>();
  const interrupted = () => new InterruptedError('Interrupted before Azure was changed further: run the same deploy again to continue.');
  if (req.signal.aborted) throw interrupted();
  if (detail.apps.length || detail.createResourceGroup || detail.createStorageAccount || detail.plans.length) {
    const shared = await ensureShared(az, req, detail);
    const progress = new WorkProgress(req.reporter, detail.apps.length, 'azure');
    // Apps are independent: at most `concurrency` are changed at once, in the plan's order.
    published.push(
      ...(await mapBounded(detail.apps, { limit: req.concurrency, signal: req.signal, interrupted }, async (d) => {
        progress.start(d.function);
        try {
          const version = config.plan === 'flex' ? await applyFlex(az, req, d, shared, deployed) : await applyPremium(az, req, d, shared, deployed);
          const site = await readSite(az, config.resourceGroup, d.app);
          if (site) hostsAfter.set(d.function, site.hosts);
          progress.end(d.function, `${d.function}: ${d.app} ${d.version}`);
          return version;
        } catch (err) {
          progress.end(d.function, `${d.function}: failed`, false);
          throw err;
        }
      })),
    );
  }
  // Subscriptions after the code: Event Grid validates that the destination function exists.
  for (const s of detail.subscriptions?.put ?? []) {
    if (req.signal.aborted) throw interrupted();
    await putSubscription(az, req.manifest, s);
  }
  for (const s of detail.subscriptions?.delete ?? []) {
    if (req.signal.aborted) throw interrupted();
    await deleteSubscription(az, s);
  }
  for (const d of detail.desired) {
    if (published.some((p) => p.function === d.function)) continue;
    const cur = deployed.apps[d.function];
    // Unchanged, or already published (Premium: in the slot; Flex: a recorded package): the release engine decides.
    if (cur?.version) published.push({ function: d.function, previous: cur.version, candidate: d.version, revision: revisionOf(cur.tags), ...(cur.version !== d.version ? { existing: true } : {}) });
  }
  const urls: Record<string, string[]> = {};
  for (const d of detail.desired) {
    const hosts = hostsAfter.get(d.function) ?? deployed.apps[d.function]?.hosts;
    const fn = req.manifest.functions.find((f) => f.name === d.function);
    if (d.http && hosts && fn) urls[d.function] = httpUrls(fn, hosts);
  }
  return { provider: 'azure', published, writes: az.writes - writesBefore, uploadedBytes: az.uploadedBytes - bytesBefore, urls };
}
