// Elastic Premium with the unmodified SDK: slot, zip deploy to the slot, rampUpRules on production,
// swap with sticky settings, swap back; every routing change recorded in order; default-host routing.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAzureEmulator, type AzureEmulator } from './index.js';
import { clientsFor, credentialFor, FAST, trustEmulatorCa, zipOf, type Clients } from './helpers.js';

let emu: AzureEmulator;
let c: Clients;
let token: string;
const RG = 'fnx-prem';
const LOC = 'westeurope';
const APP = 'orders-prod-9f3e';

beforeAll(async () => {
  emu = await startAzureEmulator();
  trustEmulatorCa(emu);
  c = clientsFor(emu);
  token = (await credentialFor(emu).getToken('https://management.azure.com/.default')).token;
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => emu.reset());

async function premiumApp() {
  await c.resources.resourceGroups.createOrUpdate(RG, { location: LOC });
  await c.storage.storageAccounts.create(RG, 'fnxprem', { location: LOC, sku: { name: 'Standard_LRS' }, kind: 'StorageV2' }, FAST);
  const key = (await c.storage.storageAccounts.listKeys(RG, 'fnxprem')).keys![0]!.value!;
  const conn = `DefaultEndpointsProtocol=https;AccountName=fnxprem;AccountKey=${key};EndpointSuffix=core.windows.net`;
  const plan = await c.web.appServicePlans.createOrUpdate(RG, 'plan-prod', { location: LOC, sku: { name: 'EP1', tier: 'ElasticPremium' }, reserved: true, kind: 'elastic' }, FAST);
  const site = await c.web.webApps.createOrUpdate(RG, APP, { location: LOC, kind: 'functionapp,linux', serverFarmId: plan.id, siteConfig: { linuxFxVersion: 'Node|22', appSettings: [{ name: 'AzureWebJobsStorage', value: conn }, { name: 'FUNCTIONS_EXTENSION_VERSION', value: '~4' }, { name: 'FUNCTIONS_WORKER_RUNTIME', value: 'node' }, { name: 'COLOR', value: 'blue' }] } }, FAST);
  const slot = await c.web.webApps.createOrUpdateSlot(RG, APP, 'staging', { location: LOC, serverFarmId: plan.id, siteConfig: { appSettings: [{ name: 'AzureWebJobsStorage', value: conn }, { name: 'COLOR', value: 'green' }, { name: 'AzureWebJobs.timer.Disabled', value: 'true' }] } }, FAST);
  return { site, slot, plan };
}

function scmOf(s: { hostNameSslStates?: { hostType?: string; name?: string }[] }): string {
  return s.hostNameSslStates!.find((h) => h.hostType === 'Repository')!.name!;
}

async function zipDeploy(scm: string, zip: Buffer): Promise<number> {
  const r = await fetch(`https://${scm}/api/zipdeploy?isAsync=true`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: zip });
  expect(r.status).toBe(202);
  const loc = r.headers.get('location')!;
  for (;;) {
    const p = await fetch(loc, { headers: { authorization: `Bearer ${token}` } });
    const body = (await p.json()) as { status: number };
    if (p.status === 200) return body.status;
    expect(p.status).toBe(202);
  }
}

describe('Elastic Premium', () => {
  it('canary through rampUpRules, swap with sticky settings, swap back: traffic in order', async () => {
    const { site, slot } = await premiumApp();
    await c.web.webApps.updateSlotConfigurationNames(RG, APP, { appSettingNames: ['AzureWebJobs.timer.Disabled'] });
    expect(await zipDeploy(scmOf(site), zipOf('v1'))).toBe(4);
    expect(await zipDeploy(scmOf(slot), zipOf('v2'))).toBe(4);
    await c.web.webApps.updateConfiguration(RG, APP, { experiments: { rampUpRules: [{ name: 'staging', actionHostName: slot.defaultHostName, reroutePercentage: 10 }] } });
    await c.web.webApps.updateConfiguration(RG, APP, { experiments: { rampUpRules: [{ name: 'staging', actionHostName: slot.defaultHostName, reroutePercentage: 10 }] } });
    await c.web.webApps.updateConfiguration(RG, APP, { experiments: { rampUpRules: [] } });
    expect((await c.web.webApps.get(RG, APP)).slotSwapStatus).toBeUndefined();
    await c.web.webApps.swapSlotWithProduction(RG, APP, { targetSlot: 'staging', preserveVnet: true }, FAST);
    const swapped = (await c.web.webApps.get(RG, APP)).slotSwapStatus;
    expect(swapped).toMatchObject({ sourceSlotName: 'production', destinationSlotName: 'staging' });
    expect(swapped!.timestampUtc).toBeInstanceOf(Date);
    const prod = await c.web.webApps.listApplicationSettings(RG, APP);
    const stag = await c.web.webApps.listApplicationSettingsSlot(RG, APP, 'staging');
    expect(prod.properties).toEqual({ AzureWebJobsStorage: expect.stringContaining('AccountName=fnxprem'), COLOR: 'green' });
    expect((await c.web.webApps.getConfiguration(RG, APP)).linuxFxVersion).toBeUndefined();
    expect((await c.web.webApps.getConfigurationSlot(RG, APP, 'staging')).linuxFxVersion).toBe('Node|22');
    expect(stag.properties).toEqual({ AzureWebJobsStorage: expect.stringContaining('AccountName=fnxprem'), FUNCTIONS_EXTENSION_VERSION: '~4', FUNCTIONS_WORKER_RUNTIME: 'node', COLOR: 'blue', 'AzureWebJobs.timer.Disabled': 'true' });
    await c.web.webApps.swapSlot(RG, APP, 'staging', { targetSlot: 'production', preserveVnet: true }, FAST);
    const sha = (t: string) => emu.traffic.find((e) => e.kind === 'deployment' && e.sha256 && e.slot === t)!;
    expect(emu.traffic.map((e) => e.kind)).toEqual(['deployment', 'deployment', 'rampUpRules', 'rampUpRules', 'swap', 'swap']);
    expect(emu.traffic.filter((e) => e.kind === 'deployment').map((e) => (e as { status: string }).status)).toEqual(['Succeeded', 'Succeeded']);
    expect(emu.traffic[2]).toMatchObject({ rules: [{ name: 'staging', actionHostName: slot.defaultHostName, reroutePercentage: 10 }] });
    expect(emu.traffic[3]).toMatchObject({ rules: [] });
    expect(emu.traffic[4]).toMatchObject({ kind: 'swap', sourceSlot: 'production', targetSlot: 'staging', sha256InProduction: (sha('staging') as { sha256: string }).sha256 });
    expect(emu.traffic[5]).toMatchObject({ kind: 'swap', sourceSlot: 'staging', targetSlot: 'production', sha256InProduction: (sha('production') as { sha256: string }).sha256 });
  });

  it('default host: rampUpRules route a share to the slot; x-ms-routing-name pins', async () => {
    const { site, slot } = await premiumApp();
    emu.setAppHandler((r) => ({ status: 200, body: r.slot }));
    await c.web.webApps.updateConfiguration(RG, APP, { experiments: { rampUpRules: [{ name: 'staging', actionHostName: slot.defaultHostName, reroutePercentage: 50 }] } });
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) seen.add(await (await fetch(`https://${site.defaultHostName}/api/health`)).text());
    expect([...seen].sort()).toEqual(['production', 'staging']);
    const pinned = await fetch(`https://${site.defaultHostName}/api/health`, { headers: { cookie: 'x-ms-routing-name=self' } });
    expect(await pinned.text()).toBe('production');
    expect(await (await fetch(`https://${slot.defaultHostName}/`)).text()).toBe('staging');
    const keys = await c.web.webApps.listHostKeysSlot(RG, APP, 'staging');
    emu.setAppHandler((r) => (r.headers['x-functions-key'] === r.keys.default ? { status: 200, body: 'ok' } : { status: 401 }));
    expect((await fetch(`https://${slot.defaultHostName}/api/orders`)).status).toBe(401);
    expect((await fetch(`https://${slot.defaultHostName}/api/orders`, { headers: { 'x-functions-key': keys.functionKeys!.default! } })).status).toBe(200);
    await c.web.webApps.syncFunctionTriggersSlot(RG, APP, 'staging');
    await c.web.webApps.restart(RG, APP);
  });

  it('a runtime failure: Kudu succeeds, deploymentStatus RuntimeFailed with message and log, default host 503', async () => {
    const { slot } = await premiumApp();
    emu.setNextDeploymentFailure({ stage: 'runtime', message: 'Worker failed to index functions', logUrl: 'https://logs.example/1', slot: 'staging' });
    expect(await zipDeploy(scmOf(slot), zipOf('bad'))).toBe(4);
    const all = [];
    for await (const x of c.web.webApps.listSlotSiteDeploymentStatusesSlot(RG, APP, 'staging')) all.push(x);
    const d = all[0];
    expect(d).toMatchObject({ status: 'RuntimeFailed', failedInstancesLogs: ['https://logs.example/1'] });
    expect(d!.errors![0]!.message).toBe('Worker failed to index functions');
    expect((await fetch(`https://${slot.defaultHostName}/api/x`)).status).toBe(503);
    expect(emu.traffic.at(-1)).toMatchObject({ kind: 'deployment', slot: 'staging', status: 'Failed' });
  });

  it('a build failure: Kudu status 3 with Azure message and log URL, content unchanged', async () => {
    const { site } = await premiumApp();
    emu.setNextDeploymentFailure({ stage: 'build', message: 'npm install failed' });
    expect(await zipDeploy(scmOf(site), zipOf('x'))).toBe(3);
    const list = await fetch(`https://${scmOf(site)}/api/deployments`, { headers: { authorization: `Bearer ${token}` } });
    const [r] = (await list.json()) as { status_text: string; log_url: string }[];
    expect(r!.status_text).toBe('npm install failed');
    expect(r!.log_url).toMatch(/\/api\/deployments\/.+\/log$/);
    expect(emu.state.sites.get(APP)!.production.package).toBeUndefined();
  });
});
