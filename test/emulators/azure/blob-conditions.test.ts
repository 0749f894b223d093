// Blob conditional requests as Azure answers them ("Specifying conditional headers for Blob service
// operations", Blob service error codes), with the unmodified @azure/storage-blob client and raw
// REST: each refusal leaves the blob as it was; every write has a new ETag; calls on the stage
// lease container are told apart from the stage's writes.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { startAzureEmulator, type AzureEmulator } from './index.js';
import { clientsFor, credentialFor, FAST, trustEmulatorCa, type Clients } from './helpers.js';

let emu: AzureEmulator;
let c: Clients;
let blobEndpoint: string;
const RG = 'fnx-lease-rg';

beforeAll(async () => {
  emu = await startAzureEmulator();
  trustEmulatorCa(emu);
  c = clientsFor(emu);
});
afterAll(async () => {
  await emu.close();
});
beforeEach(async () => {
  emu.reset();
  await c.resources.resourceGroups.createOrUpdate(RG, { location: 'westeurope' });
  const a = await c.storage.storageAccounts.create(RG, 'fnxleases', { location: 'westeurope', sku: { name: 'Standard_LRS' }, kind: 'StorageV2' }, FAST);
  blobEndpoint = a.primaryEndpoints!.blob!;
});

async function container(name = 'fnx-lease'): Promise<ContainerClient> {
  const cc = new BlobServiceClient(blobEndpoint, credentialFor(emu)).getContainerClient(name);
  await cc.createIfNotExists();
  return cc;
}

/** A raw REST call with a storage token, as fnx's driver makes it. */
async function rest(method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const token = (await credentialFor(emu).getToken('https://storage.azure.com/.default'))!.token;
  const r = await fetch(`${blobEndpoint}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'x-ms-version': '2023-11-03', ...headers }, ...(body === undefined ? {} : { body }) });
  return { status: r.status, code: r.headers.get('x-ms-error-code'), etag: r.headers.get('etag'), text: await r.text() };
}

const put = (path: string, body: string, headers: Record<string, string> = {}) => rest('PUT', path, { 'x-ms-blob-type': 'BlockBlob', ...headers }, body);

describe('blob conditional headers', () => {
  it('Put Blob with If-None-Match: * on an existing blob is 409 BlobAlreadyExists, and the blob keeps its content', async () => {
    const cc = await container();
    const blob = cc.getBlockBlobClient('shop-dev.json');
    const first = await blob.upload('one', 3, { conditions: { ifNoneMatch: '*' } });
    await expect(blob.upload('two', 3, { conditions: { ifNoneMatch: '*' } })).rejects.toMatchObject({ statusCode: 409, code: 'BlobAlreadyExists' });
    const r = await put('fnx-lease/shop-dev.json', 'two', { 'if-none-match': '*' });
    expect([r.status, r.code]).toEqual([409, 'BlobAlreadyExists']);
    expect((await blob.downloadToBuffer()).toString()).toBe('one');
    expect((await blob.getProperties()).etag).toBe(first.etag);
  });

  it('Put Blob with a stale If-Match, or If-Match on a missing blob, is 412 ConditionNotMet; the current ETag writes and gets a new one', async () => {
    const cc = await container();
    const blob = cc.getBlockBlobClient('shop-dev.json');
    const first = await blob.upload('one', 3);
    const second = await blob.upload('two', 3, { conditions: { ifMatch: first.etag! } });
    expect(second.etag).not.toBe(first.etag);
    await expect(blob.upload('three', 5, { conditions: { ifMatch: first.etag! } })).rejects.toMatchObject({ statusCode: 412, code: 'ConditionNotMet' });
    expect((await blob.downloadToBuffer()).toString()).toBe('two');
    const missing = await put('fnx-lease/other.json', 'x', { 'if-match': second.etag! });
    expect([missing.status, missing.code]).toEqual([412, 'ConditionNotMet']);
    expect(await cc.getBlobClient('other.json').exists()).toBe(false);
    // Unquoted ETags are accepted as quoted ones (x-ms-version 2011-08-18 and later).
    const unquoted = await put('fnx-lease/shop-dev.json', 'four', { 'if-match': second.etag!.replace(/"/g, '') });
    expect(unquoted.status).toBe(201);
  });

  it('every write gets a new ETag, even of the same content within one millisecond', async () => {
    await container();
    const etags = new Set<string>();
    for (let i = 0; i < 20; i++) etags.add((await put('fnx-lease/shop-dev.json', 'same')).etag!);
    expect(etags.size).toBe(20);
  });

  it('Delete Blob with a stale If-Match is 412 and deletes nothing; a missing blob is 404 BlobNotFound', async () => {
    const cc = await container();
    const blob = cc.getBlockBlobClient('shop-dev.json');
    const first = await blob.upload('one', 3);
    const second = await blob.upload('two', 3);
    await expect(blob.delete({ conditions: { ifMatch: first.etag! } })).rejects.toMatchObject({ statusCode: 412, code: 'ConditionNotMet' });
    expect(await blob.exists()).toBe(true);
    await blob.delete({ conditions: { ifMatch: second.etag! } });
    expect(await blob.exists()).toBe(false);
    const again = await rest('DELETE', 'fnx-lease/shop-dev.json', { 'if-match': second.etag! });
    expect([again.status, again.code]).toEqual([404, 'BlobNotFound']);
  });

  it('reads: If-None-Match on the current ETag is 304, a stale If-Match 412', async () => {
    const cc = await container();
    const blob = cc.getBlockBlobClient('shop-dev.json');
    const first = await blob.upload('one', 3);
    const notModified = await rest('GET', 'fnx-lease/shop-dev.json', { 'if-none-match': first.etag! });
    expect([notModified.status, notModified.text]).toEqual([304, '']);
    await blob.upload('two', 3);
    const stale = await rest('GET', 'fnx-lease/shop-dev.json', { 'if-match': first.etag! });
    expect([stale.status, stale.code]).toEqual([412, 'ConditionNotMet']);
    expect((await rest('GET', 'fnx-lease/shop-dev.json', { 'if-none-match': first.etag! })).text).toBe('two');
  });

  it('If-Match with If-None-Match, or two ETags in one header, is 400', async () => {
    await container();
    const both = await put('fnx-lease/shop-dev.json', 'x', { 'if-match': '"0x1"', 'if-none-match': '*' });
    expect([both.status, both.code]).toEqual([400, 'MultipleConditionHeadersNotSupported']);
    const two = await put('fnx-lease/shop-dev.json', 'x', { 'if-match': '"0x1", "0x2"' });
    expect(two.status).toBe(400);
  });

  it('a missing container is 404 ContainerNotFound on put and get; creating an existing one is 409 ContainerAlreadyExists', async () => {
    const p = await put('fnx-lease/shop-dev.json', 'x', { 'if-none-match': '*' });
    expect([p.status, p.code]).toEqual([404, 'ContainerNotFound']);
    const g = await rest('GET', 'fnx-lease/shop-dev.json');
    expect([g.status, g.code]).toEqual([404, 'ContainerNotFound']);
    expect((await rest('PUT', 'fnx-lease?restype=container')).status).toBe(201);
    const again = await rest('PUT', 'fnx-lease?restype=container');
    expect([again.status, again.code]).toEqual([409, 'ContainerAlreadyExists']);
  });

  it('calls on the lease container are leaseWrites(), not writeCalls()', async () => {
    await container();
    await container('deployments');
    emu.clearCalls();
    await put('fnx-lease/shop-dev.json', 'x', { 'if-none-match': '*' });
    await put('fnx-lease/shop-dev.json', 'x', { 'if-none-match': '*' });
    await rest('GET', 'fnx-lease/shop-dev.json');
    await put('deployments/packages/a.zip', 'zip');
    expect(emu.writeCalls().map((w) => `${w.method} ${w.path.split('/').slice(2).join('/')}`)).toEqual(['PUT deployments/packages/a.zip']);
    expect(emu.leaseWrites().map((w) => `${w.method} ${w.status}`)).toEqual(['PUT 201', 'PUT 409']);
  });
});
