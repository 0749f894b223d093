// Blob data plane with the unmodified @azure/storage-blob client, health (metrics, metric alerts),
// resource group delete (LRO) and listing, faults (reset, error500, slow) on ARM and scm.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connect } from 'node:tls';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAzureEmulator, type AzureEmulator } from './index.js';
import { clientsFor, credentialFor, FakeClock, FAST, trustEmulatorCa, zipOf, type Clients } from './helpers.js';

let emu: AzureEmulator;
let c: Clients;
const RG = 'fnx-svc';
const LOC = 'westeurope';

beforeAll(async () => {
  emu = await startAzureEmulator();
  trustEmulatorCa(emu);
  c = clientsFor(emu);
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => emu.reset());

async function account() {
  await c.resources.resourceGroups.createOrUpdate(RG, { location: LOC });
  return c.storage.storageAccounts.create(RG, 'fnxblobs', { location: LOC, sku: { name: 'Standard_LRS' }, kind: 'StorageV2' }, FAST);
}

async function get(token: string, path: string): Promise<{ status: number; body: unknown }> {
  const r = await fetch(`${emu.armUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, body: await r.json() };
}

describe('blob data plane', () => {
  it('@azure/storage-blob uploads, lists, reads metadata and downloads content-addressed packages', async () => {
    const a = await account();
    const svc = new BlobServiceClient(a.primaryEndpoints!.blob!, credentialFor(emu));
    const container = svc.getContainerClient('deployments');
    await container.create();
    await expect(container.create()).rejects.toMatchObject({ statusCode: 409, code: 'ContainerAlreadyExists' });
    const zip = zipOf('pkg-1');
    await container.getBlockBlobClient('packages/abc123.zip').uploadData(zip, { metadata: { sha256: 'abc123' }, blobHTTPHeaders: { blobContentType: 'application/zip' } });
    const names: string[] = [];
    for await (const b of container.listBlobsFlat({ prefix: 'packages/', includeMetadata: true })) names.push(`${b.name}:${b.metadata?.sha256}`);
    expect(names).toEqual(['packages/abc123.zip:abc123']);
    const props = await container.getBlobClient('packages/abc123.zip').getProperties();
    expect(props.metadata).toEqual({ sha256: 'abc123' });
    expect(await container.getBlobClient('packages/abc123.zip').downloadToBuffer()).toEqual(zip);
    await expect(container.getBlobClient('packages/none.zip').getProperties()).rejects.toMatchObject({ statusCode: 404 });
    expect((await c.storage.blobContainers.get(RG, 'fnxblobs', 'deployments')).name).toBe('deployments');
    const anon = new BlobServiceClient(a.primaryEndpoints!.blob!);
    await expect(anon.getContainerClient('deployments').getBlobClient('packages/abc123.zip').getProperties()).rejects.toMatchObject({ statusCode: 403 });
    const cred = credentialFor(emu);
    const armToken = (await cred.getToken('https://management.azure.com/.default')).token;
    const storageToken = (await cred.getToken('https://storage.azure.com/.default')).token;
    const blobUrl = `${a.primaryEndpoints!.blob!}deployments/packages/abc123.zip`;
    const head = (token: string, version?: string) => fetch(blobUrl, { method: 'HEAD', headers: { authorization: `Bearer ${token}`, ...(version ? { 'x-ms-version': version } : {}) } });
    expect((await head(storageToken, '2023-11-03')).status).toBe(200);
    expect((await head(armToken, '2023-11-03')).status).toBe(401);
    expect((await head(storageToken)).status).toBe(400);
    const armWithStorageToken = await fetch(`${emu.armUrl}/subscriptions/${emu.subscriptionId}/resourcegroups/${RG}?api-version=2025-04-01`, { headers: { authorization: `Bearer ${storageToken}` } });
    expect(armWithStorageToken.status).toBe(401);
    expect(((await armWithStorageToken.json()) as { error: { code: string } }).error.code).toBe('InvalidAuthenticationTokenAudience');
  });
});

describe('health', () => {
  it('metrics of a site and metric alert status', async () => {
    await c.resources.resourceGroups.createOrUpdate(RG, { location: LOC });
    const plan = await c.web.appServicePlans.createOrUpdate(RG, 'ep', { location: LOC, sku: { name: 'EP1' }, reserved: true }, FAST);
    const site = await c.web.webApps.createOrUpdate(RG, 'health-app', { location: LOC, serverFarmId: plan.id }, FAST);
    emu.setMetric('health-app', 'Requests', 200);
    emu.setMetric('health-app', 'Http5xx', 7);
    const token = (await credentialFor(emu).getToken('https://management.azure.com/.default')).token;
    const m = await get(token, `${site.id}/providers/Microsoft.Insights/metrics?api-version=2023-10-01&metricnames=Requests,Http5xx&aggregation=Total&interval=PT1M`);
    expect(m.status).toBe(200);
    const totals = (m.body as { value: { name: { value: string }; timeseries: { data: { total: number }[] }[] }[] }).value.map((v) => [v.name.value, v.timeseries[0]!.data[0]!.total]);
    expect(totals).toEqual([['Requests', 200], ['Http5xx', 7]]);
    expect((await get(token, `${site.id}/providers/Microsoft.Insights/metrics?api-version=2023-10-01&metricnames=Bogus`)).status).toBe(400);
    const span = `${new Date(Date.now() - 600_000).toISOString()}/${new Date().toISOString()}`;
    expect((await get(token, `${site.id}/providers/Microsoft.Insights/metrics?api-version=2023-10-01&metricnames=Requests&timespan=${encodeURIComponent(span)}&interval=PT5M`)).status).toBe(200);
    expect((await get(token, `${site.id}/providers/Microsoft.Insights/metrics?api-version=2023-10-01&metricnames=Requests&timespan=yesterday`)).status).toBe(400);
    expect((await get(token, `${site.id}/providers/Microsoft.Insights/metrics?api-version=2023-10-01&metricnames=Requests&interval=5m`)).status).toBe(400);
    expect((await get(token, `${site.id}/providers/Microsoft.Insights/metrics?api-version=2023-10-01&metricnames=Requests&aggregation=Sum`)).status).toBe(400);
    const alert = `/subscriptions/${emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.Insights/metricAlerts/orders-errors`;
    expect((await get(token, `${alert}?api-version=2018-03-01`)).status).toBe(404);
    emu.setAlertState('orders-errors', 'Unhealthy');
    expect((await get(token, `${alert}?api-version=2018-03-01`)).status).toBe(200);
    const st = await get(token, `${alert}/status?api-version=2018-03-01`);
    expect((st.body as { value: { properties: { status: string } }[] }).value[0]!.properties.status).toBe('Unhealthy');
  });
});

describe('Key Vault references and role assignments', () => {
  it('a site identity gets a role on exactly one secret; references are stored verbatim, never resolved', async () => {
    await c.resources.resourceGroups.createOrUpdate(RG, { location: LOC });
    emu.addKeyVault(RG, 'fnx-kv', ['orders--db-password']);
    const plan = await c.web.appServicePlans.createOrUpdate(RG, 'ep', { location: LOC, sku: { name: 'EP1' }, reserved: true }, FAST);
    const ref = '@Microsoft.KeyVault(SecretUri=https://fnx-kv.vault.azure.net/secrets/orders--db-password/)';
    const site = await c.web.webApps.createOrUpdate(RG, 'kv-app', { location: LOC, serverFarmId: plan.id, identity: { type: 'SystemAssigned' }, siteConfig: { appSettings: [{ name: 'DB_PASSWORD', value: ref }] } }, FAST);
    const principalId = site.identity!.principalId!;
    expect(principalId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await c.web.webApps.listApplicationSettings(RG, 'kv-app')).properties).toEqual({ DB_PASSWORD: ref });
    const token = (await credentialFor(emu).getToken('https://management.azure.com/.default')).token;
    const secretScope = `/subscriptions/${emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.KeyVault/vaults/fnx-kv/secrets/orders--db-password`;
    const role = `/subscriptions/${emu.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`;
    const put = (scope: string, name: string, principal: string) =>
      fetch(`${emu.armUrl}${scope}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=2022-04-01`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ properties: { roleDefinitionId: role, principalId: principal, principalType: 'ServicePrincipal' } }),
      });
    expect((await put(secretScope, '9b1f3c1e-0000-4000-8000-000000000001', principalId)).status).toBe(201);
    const dup = await put(secretScope, '9b1f3c1e-0000-4000-8000-000000000002', principalId);
    expect(dup.status).toBe(409);
    expect(((await dup.json()) as { error: { code: string } }).error.code).toBe('RoleAssignmentExists');
    expect((await put(secretScope, '9b1f3c1e-0000-4000-8000-000000000003', '00000000-1111-2222-3333-444444444444')).status).toBe(400);
    expect((await put(secretScope.replace('orders--db-password', 'nope'), '9b1f3c1e-0000-4000-8000-000000000004', principalId)).status).toBe(404);
    expect((await put(secretScope, 'not-a-guid', principalId)).status).toBe(400);
    const list = await fetch(`${emu.armUrl}${secretScope}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=${encodeURIComponent(`principalId eq '${principalId}'`)}`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await list.json()) as { value: unknown[] }).value).toHaveLength(1);
    expect(emu.state.roleAssignments.map((a) => a.scope)).toEqual([secretScope]);
  });
});

describe('resource groups', () => {
  it('delete is an LRO that removes everything in the group; resources are listed with tags', async () => {
    await account();
    await c.resources.tagsOperations.createOrUpdateAtScope(`/subscriptions/${emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.Storage/storageAccounts/fnxblobs`, { properties: { tags: { 'fnx:service': 'orders' } } }, FAST);
    const listed = [];
    for await (const r of c.resources.resources.listByResourceGroup(RG)) listed.push([r.type, r.name, r.tags]);
    expect(listed).toEqual([['Microsoft.Storage/storageAccounts', 'fnxblobs', { 'fnx:service': 'orders' }]]);
    const tagged = [];
    for await (const r of c.resources.resources.list({ filter: "tagName eq 'fnx:service' and tagValue eq 'orders'" })) tagged.push(r.name);
    expect(tagged).toEqual(['fnxblobs']);
    const none = [];
    for await (const r of c.resources.resources.listByResourceGroup(RG, { filter: "tagName eq 'fnx:service' and tagValue eq 'billing'" })) none.push(r.name);
    expect(none).toEqual([]);
    expect(await c.resources.resourceGroups.checkExistence(RG)).toEqual({ body: true });
    await c.resources.resourceGroups.delete(RG, FAST);
    expect(await c.resources.resourceGroups.checkExistence(RG)).toEqual({ body: false });
    expect(emu.state.storageAccounts.size).toBe(0);
  });
});

describe('faults', () => {
  it('reset, error500 and slow on ARM are retried by the SDK; state changes once', async () => {
    await c.resources.resourceGroups.createOrUpdate(RG, { location: LOC });
    const { ResourceManagementClient } = await import('@azure/arm-resources');
    const retrying = new ResourceManagementClient(credentialFor(emu), emu.subscriptionId, { endpoint: emu.armUrl, retryOptions: { maxRetries: 6, retryDelayInMs: 1, maxRetryDelayInMs: 5 } });
    emu.setFaults({ rate: 0.6, kinds: ['reset', 'error500', 'slow'], slowMs: 5, seed: 11, operations: ['ResourceGroups_Update', 'ResourceGroups_Get'] });
    for (let i = 0; i < 4; i++) await retrying.resourceGroups.update(RG, { tags: { n: String(i) } });
    expect((await retrying.resourceGroups.get(RG)).tags).toEqual({ n: '3' });
    const kinds = new Set(emu.calls.filter((x) => x.fault).map((x) => x.fault));
    expect([...kinds].sort()).toEqual(['error500', 'reset', 'slow']);
    expect(emu.calls.filter((x) => x.fault === 'reset').every((x) => x.status === 0)).toBe(true);
  });

  it('a reset closes the connection even when its answer waits behind another on the socket', async () => {
    // Two pipelined requests on one TLS connection: the second's response has no socket of its own
    // until the first is answered. A reset must still close the connection, not leave the call hanging.
    await c.resources.resourceGroups.createOrUpdate(RG, { location: LOC });
    const token = (await credentialFor(emu).getToken('https://management.azure.com/.default')).token;
    emu.setFaults({ rate: 1, kinds: ['reset'], operations: ['ResourceGroups_List'] });
    emu.clearCalls();
    const { port } = new URL(emu.armUrl);
    const sock = connect({ host: '127.0.0.1', port: Number(port), ca: emu.caPem, servername: 'localhost' });
    const received: Buffer[] = [];
    sock.on('data', (d: Buffer) => received.push(d));
    const sub = `/subscriptions/${emu.subscriptionId}/resourcegroups`;
    const request = (path: string) => `GET ${path}?api-version=2025-04-01 HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${token}\r\n\r\n`;
    sock.write(request(`${sub}/${RG}`) + request(sub));
    const ended = await new Promise<string>((resolve) => {
      sock.on('close', () => resolve('closed'));
      setTimeout(() => resolve('still open after 5 s'), 5000);
    });
    sock.destroy();
    expect(ended).toBe('closed');
    expect(emu.calls.map((x) => `${x.operation} ${x.status}`).sort()).toEqual(['ResourceGroups_Get 200', 'ResourceGroups_List 0']);
    expect(Buffer.concat(received).toString()).not.toContain('"value"');
  });

  it('the same seed gives the same faults; scm calls are eligible', async () => {
    const run = async () => {
      emu.reset();
      await c.resources.resourceGroups.createOrUpdate(RG, { location: LOC });
      const plan = await c.web.appServicePlans.createOrUpdate(RG, 'ep', { location: LOC, sku: { name: 'EP1' }, reserved: true }, FAST);
      const site = await c.web.webApps.createOrUpdate(RG, 'fault-app', { location: LOC, serverFarmId: plan.id }, FAST);
      const scm = site.hostNameSslStates!.find((h) => h.hostType === 'Repository')!.name!;
      const token = (await credentialFor(emu).getToken('https://management.azure.com/.default')).token;
      emu.setFaults({ rate: 0.5, kinds: ['throttle', 'error500'], seed: 5, services: ['scm'] });
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await fetch(`https://${scm}/api/deployments`, { headers: { authorization: `Bearer ${token}` } })).status);
      return statuses;
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(a).toContain(200);
    expect(a.some((s) => s === 429 || s === 500)).toBe(true);
  });
});

describe('fake clock', () => {
  it('an LRO stays InProgress (and the site busy) until the clock moves; deploymentStatus RuntimeStarting until it starts', async () => {
    const clock = new FakeClock();
    const slow = await startAzureEmulator({ clock, asyncDelayMs: 60_000, deployDelayMs: 1000, runtimeStartDelayMs: 30_000 });
    try {
      trustEmulatorCa(slow);
      const s = clientsFor(slow);
      await s.resources.resourceGroups.createOrUpdate(RG, { location: LOC });
      const account = s.storage.storageAccounts.create(RG, 'fnxclock', { location: LOC, sku: { name: 'Standard_LRS' }, kind: 'StorageV2' }, FAST);
      await account.submitted();
      await expect(s.storage.storageAccounts.listKeys(RG, 'fnxclock')).rejects.toMatchObject({ statusCode: 409 });
      const plan = await s.web.appServicePlans.createOrUpdate(RG, 'ep', { location: LOC, sku: { name: 'EP1' }, reserved: true }, FAST);
      const poller = s.web.webApps.createOrUpdate(RG, 'clock-app', { location: LOC, serverFarmId: plan.id }, FAST);
      await poller.submitted();
      await poller.poll();
      expect(poller.isDone).toBe(false);
      await expect(s.web.webApps.update(RG, 'clock-app', { httpsOnly: true })).rejects.toMatchObject({ statusCode: 409 });
      clock.advance(60_000);
      const site = await poller.pollUntilDone();
      expect(site.name).toBe('clock-app');
      expect((await account.pollUntilDone()).provisioningState).toBe('Succeeded');
      const key = (await s.storage.storageAccounts.listKeys(RG, 'fnxclock')).keys![0]!.value!;
      await s.web.webApps.updateApplicationSettings(RG, 'clock-app', { properties: { AzureWebJobsStorage: `AccountName=fnxclock;AccountKey=${key}` } });
      const token = (await credentialFor(slow).getToken('https://management.azure.com/.default')).token;
      const scm = site.hostNameSslStates!.find((h) => h.hostType === 'Repository')!.name!;
      const r = await fetch(`https://${scm}/api/publish`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: zipOf('clock') });
      const id = (await r.json()) as string;
      const status = () => fetch(`${slow.armUrl}${site.id}/deploymentStatus/${id}?api-version=2025-05-01`, { headers: { authorization: `Bearer ${token}` } }).then(async (x) => [x.status, ((await x.json()) as { properties: { status: string } }).properties.status]);
      expect(await status()).toEqual([202, 'BuildInProgress']);
      clock.advance(1000);
      expect(await status()).toEqual([202, 'RuntimeStarting']);
      clock.advance(30_000);
      expect(await status()).toEqual([200, 'RuntimeSuccessful']);
    } finally {
      await slow.close();
    }
  });
});

describe('Retry-After on long-running operations', () => {
  it('is sent on 202s when lroRetryAfterSeconds is set, and the SDK still completes', async () => {
    const em = await startAzureEmulator({ lroRetryAfterSeconds: 1 });
    try {
      trustEmulatorCa(em);
      const s = clientsFor(em);
      await s.resources.resourceGroups.createOrUpdate(RG, { location: LOC });
      const seen: string[] = [];
      const a = await s.storage.storageAccounts.create(RG, 'fnxretry', { location: LOC, sku: { name: 'Standard_LRS' }, kind: 'StorageV2' }, { ...FAST, onResponse: (r) => void seen.push(`${r.status} ${r.headers.get('retry-after') ?? '-'}`) });
      expect(a.name).toBe('fnxretry');
      expect(seen[0]).toBe('202 1');
    } finally {
      await em.close();
    }
  });
});
