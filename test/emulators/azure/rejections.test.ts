// What Azure rejects, the emulator rejects: api-version, authentication, names, required
// properties, Flex rules, conflicts while an operation runs, If-Match, throttling. Unmodified SDK clients.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSiteManagementClient } from '@azure/arm-appservice';
import { ResourceManagementClient } from '@azure/arm-resources';
import { startAzureEmulator, type AzureEmulator } from './index.js';
import { clientsFor, credentialFor, FAST, trustEmulatorCa, zipOf, type Clients } from './helpers.js';

let emu: AzureEmulator;
let c: Clients;
let token: string;
const RG = 'fnx-rej';
const LOC = 'westeurope';

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

/** Request options that capture the raw body of the answer (Microsoft.Web errors carry Code/Message at the top). */
function capture() {
  const seen: { body?: { Code?: string; Message?: string; error?: { code: string; message: string } } } = {};
  return { seen, opts: { onResponse: (r: { parsedBody?: unknown; body?: unknown }) => void (seen.body = (r.parsedBody ?? r.body) as typeof seen.body) } };
}

async function flexBase() {
  await c.resources.resourceGroups.createOrUpdate(RG, { location: LOC });
  const account = await c.storage.storageAccounts.create(RG, 'fnxrejsa', { location: LOC, sku: { name: 'Standard_LRS' }, kind: 'StorageV2' }, FAST);
  await c.storage.blobContainers.create(RG, 'fnxrejsa', 'deploy', {});
  const plan = await c.web.appServicePlans.createOrUpdate(RG, 'flexplan', { location: LOC, sku: { name: 'FC1' }, reserved: true }, FAST);
  const site = (settings: Record<string, string> = {}, memory = 2048) => ({
    location: LOC,
    kind: 'functionapp,linux',
    serverFarmId: plan.id,
    siteConfig: { appSettings: Object.entries({ AzureWebJobsStorage: 'x', ...settings }).map(([name, value]) => ({ name, value })) },
    functionAppConfig: {
      deployment: { storage: { type: 'blobContainer', value: `${account.primaryEndpoints!.blob!}deploy`, authentication: { type: 'SystemAssignedIdentity' } } },
      runtime: { name: 'node', version: '22' },
      scaleAndConcurrency: { instanceMemoryMB: memory },
    },
  });
  return { plan, site };
}

async function raw(method: string, path: string, headers: Record<string, string> = { authorization: `Bearer ${token}` }) {
  const r = await fetch(`${emu.armUrl}${path}`, { method, headers });
  return { status: r.status, body: (await r.json()) as { error: { code: string; message: string } } };
}

describe('ARM front door', () => {
  it('api-version missing or unknown; no or foreign token; unknown resource group', async () => {
    const sub = `/subscriptions/${emu.subscriptionId}`;
    expect(await raw('GET', `${sub}/resourcegroups/x`)).toMatchObject({ status: 400, body: { error: { code: 'MissingApiVersionParameter' } } });
    expect(await raw('GET', `${sub}/resourcegroups/x?api-version=2025-04-01`, {})).toMatchObject({ status: 401, body: { error: { code: 'AuthenticationFailed' } } });
    expect(await raw('GET', `${sub}/resourcegroups/x?api-version=2025-04-01`, { authorization: 'Bearer forged' })).toMatchObject({ status: 401, body: { error: { code: 'InvalidAuthenticationToken' } } });
    const old = new ResourceManagementClient(credentialFor(emu), emu.subscriptionId, { endpoint: emu.armUrl, apiVersion: '2099-01-01' });
    await expect(old.resourceGroups.get('x')).rejects.toMatchObject({ statusCode: 400, code: 'InvalidApiVersionParameter' });
    const oldWeb = new WebSiteManagementClient(credentialFor(emu), emu.subscriptionId, { endpoint: emu.armUrl, apiVersion: '2016-08-01' });
    await expect(oldWeb.webApps.get(RG, 'a')).rejects.toMatchObject({ statusCode: 400 });
    await expect(c.web.webApps.get('nope', 'a')).rejects.toMatchObject({ statusCode: 404, code: 'ResourceGroupNotFound' });
    await expect(c.resources.resourceGroups.createOrUpdate(RG, {} as never)).rejects.toMatchObject({ statusCode: 400, code: 'LocationRequired' });
  });

  it('throttling: 429 with Retry-After, state untouched; the SDK retries and converges', async () => {
    await c.resources.resourceGroups.createOrUpdate(RG, { location: LOC });
    emu.setFaults({ rate: 1, kinds: ['throttle'], operations: ['ResourceGroups_Update'], retryAfterSeconds: 0 });
    await expect(c.resources.resourceGroups.update(RG, { tags: { a: 'b' } })).rejects.toMatchObject({ statusCode: 429, code: 'TooManyRequests' });
    expect((await c.resources.resourceGroups.get(RG)).tags).toEqual({});
    const throttled = emu.calls.find((x) => x.fault === 'throttle')!;
    expect(throttled).toMatchObject({ status: 429, write: true, operation: 'ResourceGroups_Update' });
    emu.setFaults({ rate: 0.5, kinds: ['throttle', 'error500'], seed: 3, retryAfterSeconds: 0 });
    const retrying = new ResourceManagementClient(credentialFor(emu), emu.subscriptionId, { endpoint: emu.armUrl, retryOptions: { maxRetries: 10, retryDelayInMs: 1, maxRetryDelayInMs: 5 } });
    for (let i = 0; i < 5; i++) await retrying.resourceGroups.update(RG, { tags: { n: String(i) } });
    expect((await retrying.resourceGroups.get(RG)).tags).toEqual({ n: '4' });
    expect(emu.calls.some((x) => x.fault === 'error500')).toBe(true);
  });
});

describe('names', () => {
  it('storage: 3-24 lowercase alphanumerics, globally unique', async () => {
    await c.resources.resourceGroups.createOrUpdate(RG, { location: LOC });
    await c.resources.resourceGroups.createOrUpdate('other', { location: LOC });
    const p = { location: LOC, sku: { name: 'Standard_LRS' }, kind: 'StorageV2' } as const;
    await expect(c.storage.storageAccounts.create(RG, 'Has-Upper', p, FAST)).rejects.toMatchObject({ statusCode: 400, code: 'AccountNameInvalid' });
    await expect(c.storage.storageAccounts.create(RG, 'a'.repeat(25), p, FAST)).rejects.toMatchObject({ statusCode: 400, code: 'AccountNameInvalid' });
    await c.storage.storageAccounts.create(RG, 'fnxtaken', p, FAST);
    await expect(c.storage.storageAccounts.create('other', 'fnxtaken', p, FAST)).rejects.toMatchObject({ statusCode: 409, code: 'StorageAccountAlreadyTaken' });
    await expect(c.storage.storageAccounts.create(RG, 'fnxnosku', { location: LOC, kind: 'StorageV2', sku: {} } as never, FAST)).rejects.toMatchObject({ statusCode: 400 });
  });

  it('sites: 2-60 characters, globally unique across resource groups (App Service error body)', async () => {
    const { site } = await flexBase();
    await c.resources.resourceGroups.createOrUpdate('other', { location: LOC });
    const cap = capture();
    await expect(c.web.webApps.createOrUpdate(RG, 'a', site(), { ...FAST, ...cap.opts })).rejects.toMatchObject({ statusCode: 400 });
    expect(cap.seen.body).toMatchObject({ Code: 'BadRequest', Message: expect.stringMatching(/2 to 60 characters/) });
    await expect(c.web.webApps.createOrUpdate(RG, 'x'.repeat(61), site(), FAST)).rejects.toMatchObject({ statusCode: 400 });
    await c.web.webApps.createOrUpdate(RG, 'orders-a1', site(), FAST);
    const cap2 = capture();
    await expect(c.web.webApps.createOrUpdate('other', 'orders-a1', site(), { ...FAST, ...cap2.opts })).rejects.toMatchObject({ statusCode: 409 });
    expect(cap2.seen.body?.Message).toBe('Website with given name orders-a1 already exists.');
  });
});

describe('Flex Consumption rules', () => {
  it('refuses Flex-deprecated settings, a missing functionAppConfig, bad memory, a second app, slots', async () => {
    const { site, plan } = await flexBase();
    const cap = capture();
    await expect(c.web.webApps.createOrUpdate(RG, 'flex-a', site({ FUNCTIONS_WORKER_RUNTIME: 'node' }), { ...FAST, ...cap.opts })).rejects.toMatchObject({ statusCode: 400 });
    expect(cap.seen.body?.Message).toMatch(/AppSettings\.FUNCTIONS_WORKER_RUNTIME\) for Flex Consumption sites is invalid/);
    for (const s of ['FUNCTIONS_EXTENSION_VERSION', 'WEBSITE_RUN_FROM_PACKAGE', 'WEBSITE_CONTENTSHARE', 'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING']) {
      await expect(c.web.webApps.createOrUpdate(RG, 'flex-a', site({ [s]: 'x' }), FAST)).rejects.toMatchObject({ statusCode: 400 });
    }
    const { functionAppConfig: _f, ...noConfig } = site();
    await expect(c.web.webApps.createOrUpdate(RG, 'flex-a', noConfig, FAST)).rejects.toMatchObject({ statusCode: 400 });
    await expect(c.web.webApps.createOrUpdate(RG, 'flex-a', site({}, 1024), FAST)).rejects.toMatchObject({ statusCode: 400 });
    await expect(c.web.webApps.createOrUpdate(RG, 'flex-a', { ...site(), siteConfig: { linuxFxVersion: 'Node|22' } }, FAST)).rejects.toMatchObject({ statusCode: 400 });
    const bad = site();
    bad.functionAppConfig.deployment.storage.value = bad.functionAppConfig.deployment.storage.value.replace(/deploy$/, "missing");
    await expect(c.web.webApps.createOrUpdate(RG, 'flex-a', bad, FAST)).rejects.toMatchObject({ statusCode: 400 });
    expect(emu.state.sites.size).toBe(0);
    await c.web.webApps.createOrUpdate(RG, 'flex-a', site(), FAST);
    await expect(c.web.webApps.createOrUpdate(RG, 'flex-b', site(), FAST)).rejects.toMatchObject({ statusCode: 400 });
    await expect(c.web.webApps.createOrUpdateSlot(RG, 'flex-a', 'staging', { location: LOC, serverFarmId: plan.id }, FAST)).rejects.toMatchObject({ statusCode: 400 });
    await expect(c.web.webApps.updateApplicationSettings(RG, 'flex-a', { properties: { WEBSITE_RUN_FROM_PACKAGE: '1' } })).rejects.toMatchObject({ statusCode: 400 });
    const scm = (await c.web.webApps.get(RG, 'flex-a')).hostNameSslStates!.find((h) => h.hostType === 'Repository')!.name!;
    const zd = await fetch(`https://${scm}/api/zipdeploy?isAsync=true`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: zipOf('z') });
    expect(zd.status).toBe(400);
    const basic = await fetch(`https://${scm}/api/publish`, { method: 'POST', headers: { authorization: 'Basic dTpw' }, body: zipOf('z') });
    expect(basic.status).toBe(401);
  });
});

describe('conflicts and preconditions', () => {
  it('409 while the create runs, 409 on a second deployment while one runs, 412 on a stale If-Match', async () => {
    const slow = await startAzureEmulator({ asyncDelayMs: 150, deployDelayMs: 150 });
    try {
      trustEmulatorCa(slow);
      const s = clientsFor(slow);
      await s.resources.resourceGroups.createOrUpdate(RG, { location: LOC });
      const plan = await s.web.appServicePlans.createOrUpdate(RG, 'ep', { location: LOC, sku: { name: 'EP1' }, reserved: true }, FAST);
      const body = { location: LOC, serverFarmId: plan.id };
      const poller = s.web.webApps.createOrUpdate(RG, 'busy-app', body, FAST);
      await poller.submitted();
      await expect(s.web.webApps.updateConfiguration(RG, 'busy-app', { alwaysOn: true })).rejects.toMatchObject({ statusCode: 409 });
      const site = await poller;
      await s.web.webApps.updateConfiguration(RG, 'busy-app', { alwaysOn: true });
      const tok = (await credentialFor(slow).getToken('https://management.azure.com/.default')).token;
      const scm = site.hostNameSslStates!.find((h) => h.hostType === 'Repository')!.name!;
      const first = await fetch(`https://${scm}/api/zipdeploy?isAsync=true`, { method: 'POST', headers: { authorization: `Bearer ${tok}` }, body: zipOf('a') });
      expect(first.status).toBe(202);
      const second = await fetch(`https://${scm}/api/zipdeploy?isAsync=true`, { method: 'POST', headers: { authorization: `Bearer ${tok}` }, body: zipOf('b') });
      expect(second.status).toBe(409);
      const slot = await s.web.webApps.createOrUpdateSlot(RG, 'busy-app', 'staging', body, FAST);
      const slotScm = slot.hostNameSslStates!.find((h) => h.hostType === 'Repository')!.name!;
      expect((await fetch(`https://${slotScm}/api/zipdeploy?isAsync=true`, { method: 'POST', headers: { authorization: `Bearer ${tok}` }, body: zipOf('c') })).status).toBe(202);
      await expect(s.web.webApps.swapSlotWithProduction(RG, 'busy-app', { targetSlot: 'staging', preserveVnet: true }, FAST)).rejects.toMatchObject({ statusCode: 409 });
      const cap = capture();
      await s.web.webApps.getConfiguration(RG, 'busy-app', { onResponse: (r) => void (cap.seen.body = { Message: r.headers.get('etag') ?? '' }) });
      const etag = cap.seen.body!.Message!;
      await s.web.webApps.updateConfiguration(RG, 'busy-app', { alwaysOn: false }, { requestOptions: { headers: { 'If-Match': etag } } });
      await expect(s.web.webApps.updateConfiguration(RG, 'busy-app', { alwaysOn: true }, { requestOptions: { headers: { 'If-Match': etag } } })).rejects.toMatchObject({ statusCode: 412 });
    } finally {
      await slow.close();
    }
  });

  it('rampUpRules must target a slot of this app, within 0-100 in total; tags within ARM limits', async () => {
    await c.resources.resourceGroups.createOrUpdate(RG, { location: LOC });
    const plan = await c.web.appServicePlans.createOrUpdate(RG, 'ep', { location: LOC, sku: { name: 'EP2' }, reserved: true }, FAST);
    const windows = await c.web.appServicePlans.createOrUpdate(RG, 'ep-win', { location: LOC, sku: { name: 'EP1' } }, FAST);
    await expect(c.web.webApps.createOrUpdate(RG, 'linux-on-windows', { location: LOC, kind: 'functionapp,linux', serverFarmId: windows.id }, FAST)).rejects.toMatchObject({ statusCode: 400 });
    await c.web.webApps.createOrUpdate(RG, 'ramp-app', { location: LOC, serverFarmId: plan.id }, FAST);
    await expect(c.web.webApps.createOrUpdateSlot(RG, 'ramp-app', 'elsewhere', { location: 'northeurope', serverFarmId: plan.id }, FAST)).rejects.toMatchObject({ statusCode: 400 });
    const slot = await c.web.webApps.createOrUpdateSlot(RG, 'ramp-app', 'staging', { location: LOC, serverFarmId: plan.id }, FAST);
    await expect(c.web.webApps.updateConfiguration(RG, 'ramp-app', { experiments: { rampUpRules: [{ name: 's', actionHostName: 'elsewhere.example', reroutePercentage: 5 }] } })).rejects.toMatchObject({ statusCode: 400 });
    await expect(c.web.webApps.updateConfiguration(RG, 'ramp-app', { experiments: { rampUpRules: [{ name: 's', actionHostName: slot.defaultHostName, reroutePercentage: 101 }] } })).rejects.toMatchObject({ statusCode: 400 });
    await c.web.webApps.createOrUpdateSlot(RG, 'ramp-app', 'canary', { location: LOC, serverFarmId: plan.id }, FAST);
    await expect(c.web.webApps.createOrUpdateSlot(RG, 'ramp-app', 'third', { location: LOC, serverFarmId: plan.id }, FAST)).rejects.toMatchObject({ statusCode: 409 });
    expect(emu.traffic).toEqual([]);
    const id = `/subscriptions/${emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.Web/sites/ramp-app`;
    await c.resources.tagsOperations.createOrUpdateAtScope(id, { properties: { tags: { 'fnx:release': 'r1' } } }, FAST);
    await c.resources.tagsOperations.updateAtScope(id, { operation: 'Merge', properties: { tags: { 'fnx:prev': 'r0' } } }, FAST);
    expect((await c.web.webApps.get(RG, 'ramp-app')).tags).toEqual({ 'fnx:release': 'r1', 'fnx:prev': 'r0' });
    await expect(c.resources.tagsOperations.updateAtScope(id, { operation: 'Merge', properties: { tags: { long: 'x'.repeat(257) } } }, FAST)).rejects.toMatchObject({ statusCode: 400 });
    await expect(c.resources.tagsOperations.updateAtScope(id, { operation: 'Merge', properties: { tags: { 'a/b': 'x' } } }, FAST)).rejects.toMatchObject({ statusCode: 400, code: 'InvalidTagNameCharacters' });
    await expect(c.web.webApps.createOrUpdate(RG, 'ramp-app-staging', { location: LOC, serverFarmId: plan.id }, FAST)).rejects.toMatchObject({ statusCode: 409 });
    await c.web.webApps.createOrUpdate(RG, 'ramp-app-qa', { location: LOC, serverFarmId: plan.id }, FAST);
    await c.web.webApps.deleteSlot(RG, 'ramp-app', 'canary');
    await expect(c.web.webApps.createOrUpdateSlot(RG, 'ramp-app', 'qa', { location: LOC, serverFarmId: plan.id }, FAST)).rejects.toMatchObject({ statusCode: 409 });
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`t${i}`, 'v']));
    await expect(c.resources.tagsOperations.createOrUpdateAtScope(id, { properties: { tags: many } }, FAST)).rejects.toMatchObject({ statusCode: 400 });
  });
});

describe('failed long-running operations', () => {
  it('a create that ends Failed leaves nothing behind; a failed swap changes no traffic', async () => {
    await c.resources.resourceGroups.createOrUpdate(RG, { location: LOC });
    const plan = await c.web.appServicePlans.createOrUpdate(RG, 'ep', { location: LOC, sku: { name: 'EP1' }, reserved: true }, FAST);
    emu.failNextOperation({ operation: 'WebApps_CreateOrUpdate', code: 'InternalServerError', message: 'The site could not be provisioned.' });
    await expect(c.web.webApps.createOrUpdate(RG, 'lro-app', { location: LOC, serverFarmId: plan.id }, FAST)).rejects.toThrow(/could not be provisioned/);
    expect(emu.state.sites.has('lro-app')).toBe(false);
    await c.web.webApps.createOrUpdate(RG, 'lro-app', { location: LOC, serverFarmId: plan.id }, FAST);
    await c.web.webApps.createOrUpdateSlot(RG, 'lro-app', 'staging', { location: LOC, serverFarmId: plan.id }, FAST);
    emu.failNextOperation({ operation: 'WebApps_SwapSlotWithProduction', code: 'Conflict', message: 'Swap failed: the staging slot did not warm up.' });
    await expect(c.web.webApps.swapSlotWithProduction(RG, 'lro-app', { targetSlot: 'staging', preserveVnet: true }, FAST)).rejects.toThrow(/did not warm up/);
    expect(emu.traffic).toEqual([]);
  });
});
