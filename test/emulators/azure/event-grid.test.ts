// Event Grid event subscriptions on a storage account and on a custom topic, with raw ARM
// requests (fnx has no Event Grid SDK): the LRO, validation of scope, destination and event types.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAzureEmulator, type AzureEmulator } from './index.js';
import { clientsFor, credentialFor, FAST, trustEmulatorCa, type Clients } from './helpers.js';

let emu: AzureEmulator;
let c: Clients;
let token: string;
const RG = 'fnx-eg';
const LOC = 'westeurope';
const V = 'api-version=2025-02-15';

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

async function arm(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const url = path.startsWith('https://') ? path : `${emu.armUrl}${path}`;
  const r = await fetch(url, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  const text = await r.text();
  return { status: r.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: r.headers };
}

async function world() {
  await c.resources.resourceGroups.createOrUpdate(RG, { location: LOC });
  const account = await c.storage.storageAccounts.create(RG, 'fnxegblobs', { location: LOC, sku: { name: 'Standard_LRS' }, kind: 'StorageV2' }, FAST);
  const plan = await c.web.appServicePlans.createOrUpdate(RG, 'ep', { location: LOC, sku: { name: 'EP1' }, reserved: true }, FAST);
  const site = await c.web.webApps.createOrUpdate(RG, 'eg-app', { location: LOC, serverFarmId: plan.id }, FAST);
  return { account: account.id!, site: site.id! };
}

const sub = (siteId: string, filter: Record<string, unknown>) => ({ properties: { destination: { endpointType: 'AzureFunction', properties: { resourceId: `${siteId}/functions/uploads_storage0`, maxEventsPerBatch: 1 } }, filter, labels: ['fnx'] } });

describe('Event Grid event subscriptions', () => {
  it('on a storage account: PUT is a long-running operation, then GET, list and DELETE', async () => {
    const { account, site } = await world();
    const path = `${account}/providers/Microsoft.EventGrid/eventSubscriptions/fnx-uploads?${V}`;
    const filter = { includedEventTypes: ['Microsoft.Storage.BlobCreated'], subjectBeginsWith: '/blobServices/default/containers/uploads/blobs/in/', subjectEndsWith: '.csv' };
    const put = await arm('PUT', path, sub(site, filter));
    expect(put.status).toBe(201);
    const op = put.headers.get('azure-asyncoperation')!;
    expect(op).toContain('/providers/Microsoft.EventGrid/locations/');
    expect((await arm('GET', op)).body.status).toBe('Succeeded');
    const got = await arm('GET', path);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ name: 'fnx-uploads', type: 'Microsoft.EventGrid/eventSubscriptions', properties: { topic: account, provisioningState: 'Succeeded', filter, labels: ['fnx'] } });
    const list = await arm('GET', `${account}/providers/Microsoft.EventGrid/eventSubscriptions?${V}`);
    expect((list.body.value as unknown[]).length).toBe(1);
    expect((await arm('PUT', path, sub(site, { ...filter, subjectEndsWith: '.json' }))).status).toBe(200);
    expect((await arm('GET', path)).body).toMatchObject({ properties: { filter: { subjectEndsWith: '.json' } } });
    expect((await arm('DELETE', path)).status).toBe(202);
    expect((await arm('GET', path)).status).toBe(404);
    expect((await arm('DELETE', path)).status).toBe(204);
  });

  it('rejects an unknown api-version, a missing destination function app, foreign event types and a missing scope', async () => {
    const { account, site } = await world();
    const path = `${account}/providers/Microsoft.EventGrid/eventSubscriptions/fnx-uploads`;
    const ok = sub(site, { includedEventTypes: ['Microsoft.Storage.BlobCreated', 'Microsoft.Storage.BlobDeleted'] });
    expect((await arm('PUT', `${path}?api-version=2019-01-01`, ok)).body).toMatchObject({ error: { code: 'NoRegisteredProviderFound' } });
    const gone = sub(site.replace('eg-app', 'no-app'), {});
    expect(await arm('PUT', `${path}?${V}`, gone)).toMatchObject({ status: 400, body: { error: { code: 'InvalidRequest' } } });
    const notFunction = { properties: { destination: { endpointType: 'AzureFunction', properties: { resourceId: site } } } };
    expect((await arm('PUT', `${path}?${V}`, notFunction)).status).toBe(400);
    const foreign = await arm('PUT', `${path}?${V}`, sub(site, { includedEventTypes: ['Orders.Created'] }));
    expect(foreign.status).toBe(400);
    expect(JSON.stringify(foreign.body)).toContain('Microsoft.Storage.StorageAccounts');
    expect((await arm('PUT', `${path}?${V}`, sub(site, { subjectBeginsWith: '/containers/x' }))).status).toBe(400);
    expect((await arm('PUT', `${path.replace('fnxegblobs', 'nosuchacct')}?${V}`, ok)).status).toBe(404);
    expect((await arm('PUT', `${path.replace('fnx-uploads', 'x')}?${V}`, ok)).status).toBe(400);
    expect((await arm('GET', `${path}?${V}`)).status).toBe(404);
  });

  it('on a custom topic: 404 ResourceNotFound until the topic exists, then any event type', async () => {
    const { site } = await world();
    const topic = `/subscriptions/${emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.EventGrid/topics/orders`;
    const path = `${topic}/providers/Microsoft.EventGrid/eventSubscriptions/fnx-orders?${V}`;
    const body = sub(site, { includedEventTypes: ['Orders.Created'] });
    expect(await arm('PUT', path, body)).toMatchObject({ status: 404, body: { error: { code: 'ResourceNotFound' } } });
    expect((await arm('GET', `${topic}?${V}`)).status).toBe(404);
    emu.addEventGridTopic(RG, 'orders');
    expect((await arm('GET', `${topic}?${V}`)).body).toMatchObject({ name: 'orders', type: 'Microsoft.EventGrid/topics' });
    expect((await arm('GET', `/subscriptions/${emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.EventGrid/topics?${V}`)).body).toMatchObject({ value: [{ id: topic, name: 'orders' }] });
    expect((await arm('PUT', path, body)).status).toBe(201);
    expect((await arm('GET', path)).body).toMatchObject({ properties: { topic, filter: { includedEventTypes: ['Orders.Created'] } } });
  });

  it('a failed create leaves nothing', async () => {
    const { account, site } = await world();
    emu.failNextOperation({ operation: 'EventSubscriptions_CreateOrUpdate', code: 'InternalServerError', message: 'boom' });
    const path = `${account}/providers/Microsoft.EventGrid/eventSubscriptions/fnx-uploads?${V}`;
    const put = await arm('PUT', path, sub(site, {}));
    expect((await arm('GET', put.headers.get('azure-asyncoperation')!)).body.status).toBe('Failed');
    expect((await arm('GET', path)).status).toBe(404);
  });
});
