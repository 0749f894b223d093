// The Functions v2 API of the emulator, driven by the unmodified v2.FunctionServiceClient (REST fallback).
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startGcpEmulator, type GcpEmulator } from './index.js';
import { Code, EMPTY_ZIP, clients, codeOf, createFunction, httpFunction, parentOf, upload, type Clients } from './test-helpers.js';

let emu: GcpEmulator;
let c: Clients;

beforeAll(async () => {
  emu = await startGcpEmulator();
  c = clients(emu);
});
afterAll(async () => {
  await c.close();
  await emu.close();
});
beforeEach(() => emu.reset());

const fnName = (id: string): string => `${parentOf(emu)}/functions/${id}`;

describe('create, get, list, delete', () => {
  test('a created function is a long-running operation that ends with revision 1 at 100 %', async () => {
    const source = await upload(c, emu);
    const [op] = await c.functions.createFunction({ parent: parentOf(emu), functionId: 'orders', function: httpFunction(source) });
    expect(op.done).toBe(false);
    const [during] = await c.functions.getFunction({ name: fnName('orders') });
    expect(during.state).toBe('DEPLOYING');
    const [fn] = await op.promise();
    // The LRO result is decoded without enum names: state 1 = ACTIVE.
    expect(fn.state).toBe(1);
    expect(fn.serviceConfig?.revision).toMatch(/^orders-00001-[a-z]{3}$/);
    expect(fn.serviceConfig?.allTrafficOnLatestRevision).toBe(true);
    expect(fn.serviceConfig?.uri).toBe(`${emu.url}/run/orders`);
    expect(fn.labels).toEqual({ 'fnx-service': 'shop', 'fnx-stage': 'dev' });
    expect(fn.serviceConfig?.serviceAccountEmail).toBe('123456789012-compute@developer.gserviceaccount.com');
    expect(emu.currentSplit('orders')).toEqual([{ revision: fn.serviceConfig?.revision, percent: 100, latest: true }]);
    const polls = emu.callsTo('functions', 'GetOperation');
    expect(polls.length).toBe(2);
    const [list] = await c.functions.listFunctions({ parent: parentOf(emu) });
    expect(list.map((f) => f.name)).toEqual([fnName('orders')]);
  });

  test('create of an existing function is ALREADY_EXISTS', async () => {
    await createFunction(c, emu, 'orders');
    const source = await upload(c, emu);
    const e = await codeOf(c.functions.createFunction({ parent: parentOf(emu), functionId: 'orders', function: httpFunction(source) }));
    expect(e.code).toBe(Code.ALREADY_EXISTS);
  });

  test('get of a missing function is NOT_FOUND; another project is PERMISSION_DENIED', async () => {
    expect((await codeOf(c.functions.getFunction({ name: fnName('nope') }))).code).toBe(Code.NOT_FOUND);
    expect((await codeOf(c.functions.getFunction({ name: 'projects/other/locations/us-central1/functions/x' }))).code).toBe(Code.PERMISSION_DENIED);
  });

  test('delete is an operation; the function and its service are gone after it', async () => {
    await createFunction(c, emu, 'orders');
    const [op] = await c.functions.deleteFunction({ name: fnName('orders') });
    await op.promise();
    expect((await codeOf(c.functions.getFunction({ name: fnName('orders') }))).code).toBe(Code.NOT_FOUND);
    expect(emu.state.services.size).toBe(0);
    expect(emu.traffic.at(-1)).toMatchObject({ service: 'orders', split: [], cause: 'delete-function' });
  });
});

describe('validation', () => {
  const rejects = async (fn: Record<string, unknown>, id = 'orders'): Promise<string> => {
    const e = await codeOf(c.functions.createFunction({ parent: parentOf(emu), functionId: id, function: fn }));
    expect(e.code).toBe(Code.INVALID_ARGUMENT);
    return e.message;
  };

  test('nodejs20 is refused as decommissioned, an unknown runtime as invalid', async () => {
    const source = await upload(c, emu);
    expect(await rejects({ ...httpFunction(source), buildConfig: { runtime: 'nodejs20', entryPoint: 'h', source: { storageSource: source } } })).toMatch(/decommissioned/);
    expect(await rejects({ ...httpFunction(source), buildConfig: { runtime: 'node22', entryPoint: 'h', source: { storageSource: source } } })).toMatch(/Invalid runtime/);
  });

  test('labels: keys and values of at most 63 chars of [a-z0-9_-]', async () => {
    const source = await upload(c, emu);
    expect(await rejects(httpFunction(source, { labels: { 'fnx-Service': 'x' } }))).toMatch(/Label key/);
    expect(await rejects(httpFunction(source, { labels: { 'fnx-service': 'a/b' } }))).toMatch(/Label value/);
    expect(await rejects(httpFunction(source, { labels: { 'fnx-commit': 'a'.repeat(64) } }))).toMatch(/Label value/);
    await createFunction(c, emu, 'ok', { labels: { 'fnx-commit': 'a'.repeat(63) } });
  });

  test('timeoutSeconds: HTTP up to 3600, event-driven up to 540', async () => {
    const source = await upload(c, emu);
    expect(await rejects(httpFunction(source, { serviceConfig: { timeoutSeconds: 3601 } }))).toMatch(/between 1 and 3600/);
    const trigger = { eventType: 'google.cloud.pubsub.topic.v1.messagePublished', pubsubTopic: `projects/${emu.projectId}/topics/orders` };
    expect(await rejects(httpFunction(source, { serviceConfig: { timeoutSeconds: 541 }, eventTrigger: trigger }))).toMatch(/between 1 and 540/);
    const [op] = await c.functions.createFunction({ parent: parentOf(emu), functionId: 'ev', function: httpFunction(source, { serviceConfig: { timeoutSeconds: 540 }, eventTrigger: trigger }) });
    const [fn] = await op.promise();
    expect(fn.eventTrigger?.pubsubTopic).toBe(trigger.pubsubTopic);
    await createFunction(c, emu, 'long', { serviceConfig: { timeoutSeconds: 3600 } });
  });

  test('a storage trigger needs a bucket filter; ids and memory are checked', async () => {
    const source = await upload(c, emu);
    expect(await rejects(httpFunction(source, { eventTrigger: { eventType: 'google.cloud.storage.object.v1.finalized' } }))).toMatch(/bucket/);
    expect(await rejects(httpFunction(source), 'Orders')).toMatch(/Invalid function id/);
    expect(await rejects(httpFunction(source, { serviceConfig: { availableMemory: '256MB' } }))).toMatch(/availableMemory/);
  });

  test('concurrency above 1 needs a whole CPU; secrets may not shadow plain variables', async () => {
    const source = await upload(c, emu);
    expect(await rejects(httpFunction(source, { serviceConfig: { maxInstanceRequestConcurrency: 80 } }))).toMatch(/cpu < 1 is not supported with concurrency > 1/);
    const secret = { key: 'DB_PASSWORD', projectId: emu.projectId, secret: 'orders_db-password', version: 'latest' };
    expect(await rejects(httpFunction(source, { serviceConfig: { environmentVariables: { DB_PASSWORD: 'x' }, secretEnvironmentVariables: [secret] } }))).toMatch(/overlaps/);
    expect(await rejects(httpFunction(source, { serviceConfig: { secretEnvironmentVariables: [{ ...secret, secret: 'orders/db-password' }] } }))).toMatch(/Invalid secret id/);
    await createFunction(c, emu, 'ok', { serviceConfig: { maxInstanceRequestConcurrency: 80, availableCpu: '1', availableMemory: '512Mi', secretEnvironmentVariables: [secret] } });
  });

  test('memory above 4Gi needs CPUs to match when availableCpu is set', async () => {
    const source = await upload(c, emu);
    expect(await rejects(httpFunction(source, { serviceConfig: { availableMemory: '8Gi', availableCpu: '1' } }))).toMatch(/needs at least 2 CPUs/);
    await createFunction(c, emu, 'big', { serviceConfig: { availableMemory: '8Gi', availableCpu: '2' } });
  });

  test('only GEN_2 is emulated', async () => {
    const source = await upload(c, emu);
    expect(await rejects(httpFunction(source, { environment: 'GEN_1' }))).toMatch(/GEN_2/);
  });

  test('the source must have been uploaded', async () => {
    const [res] = await c.functions.generateUploadUrl({ parent: parentOf(emu) });
    expect(await rejects(httpFunction({ bucket: res.storageSource?.bucket ?? '', object: res.storageSource?.object ?? '' }))).toMatch(/PUT the zip/);
  });
});

describe('upload URL', () => {
  test('the PUT needs content-type application/zip and no Authorization header', async () => {
    const [res] = await c.functions.generateUploadUrl({ parent: parentOf(emu) });
    const url = res.uploadUrl ?? '';
    expect((await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: EMPTY_ZIP })).status).toBe(403);
    expect((await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/zip', authorization: `Bearer ${emu.accessToken()}` }, body: EMPTY_ZIP })).status).toBe(400);
    expect((await fetch(url.replace(/Signature=[^&]+/, 'Signature=forged'), { method: 'PUT', headers: { 'content-type': 'application/zip' }, body: EMPTY_ZIP })).status).toBe(403);
    expect((await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/zip' }, body: EMPTY_ZIP })).status).toBe(200);
  });

  test('a source that is not a zip fails the build', async () => {
    const source = await upload(c, emu, Buffer.from('not a zip'));
    const [op] = await c.functions.createFunction({ parent: parentOf(emu), functionId: 'orders', function: httpFunction(source) });
    await expect(op.promise()).rejects.toThrow(/not a zip archive/);
  });
});

describe('failed create', () => {
  test('a function whose create failed is FAILED, exists, and becomes ACTIVE by an update', async () => {
    const bad = await upload(c, emu, Buffer.from('not a zip'));
    const [op] = await c.functions.createFunction({ parent: parentOf(emu), functionId: 'orders', function: httpFunction(bad) });
    await expect(op.promise()).rejects.toThrow(/Build failed/);
    const [failed] = await c.functions.getFunction({ name: fnName('orders') });
    expect(failed.state).toBe('FAILED');
    expect(failed.stateMessages?.[0]?.message).toMatch(/not a zip archive/);
    expect((await codeOf(c.functions.createFunction({ parent: parentOf(emu), functionId: 'orders', function: httpFunction(bad) }))).code).toBe(Code.ALREADY_EXISTS);
    emu.failNextBuild('still broken');
    const good = await upload(c, emu);
    const [op2] = await c.functions.updateFunction({ function: { name: fnName('orders'), buildConfig: { source: { storageSource: good } } }, updateMask: { paths: ['buildConfig.source'] } });
    await expect(op2.promise()).rejects.toThrow(/still broken/);
    expect((await c.functions.getFunction({ name: fnName('orders') }))[0].state).toBe('FAILED');
    const [op3] = await c.functions.updateFunction({ function: { name: fnName('orders'), buildConfig: { source: { storageSource: good } } }, updateMask: { paths: ['buildConfig.source'] } });
    await op3.promise();
    const [fixed] = await c.functions.getFunction({ name: fnName('orders') });
    expect(fixed.state).toBe('ACTIVE');
    expect(fixed.serviceConfig?.revision).toMatch(/^orders-00001-/);
  });
});

describe('update', () => {
  test('an unknown or output-only mask path is INVALID_ARGUMENT', async () => {
    const fn = await createFunction(c, emu, 'orders');
    for (const path of ['serviceConfig.revision', 'buildConfig.nope', 'state']) {
      const e = await codeOf(c.functions.updateFunction({ function: { ...fn, name: fnName('orders') }, updateMask: { paths: [path] } }));
      expect(e.code).toBe(Code.INVALID_ARGUMENT);
      expect(e.message).toMatch(/update mask path/);
    }
  });

  test('an update while an operation runs on the function is ABORTED', async () => {
    await createFunction(c, emu, 'orders');
    const source = await upload(c, emu);
    const body = { name: fnName('orders'), buildConfig: { source: { storageSource: source } } };
    const [op] = await c.functions.updateFunction({ function: body, updateMask: { paths: ['buildConfig.source'] } });
    const e = await codeOf(c.functions.updateFunction({ function: body, updateMask: { paths: ['buildConfig.source'] } }));
    expect(e.code).toBe(Code.ABORTED);
    expect(e.message).toMatch(/already in progress/);
    await op.promise();
    const [op2] = await c.functions.updateFunction({ function: body, updateMask: { paths: ['buildConfig.source'] } });
    await op2.promise();
  });

  test('a failing build ends the operation with the build message and keeps the old revision', async () => {
    const fn = await createFunction(c, emu, 'orders');
    emu.failNextBuild("Function 'handler' is not defined in the provided module.");
    const source = await upload(c, emu);
    const [op] = await c.functions.updateFunction({ function: { name: fnName('orders'), buildConfig: { source: { storageSource: source } } }, updateMask: { paths: ['buildConfig.source'] } });
    const e = await codeOf(op.promise());
    expect(e.code).toBe(Code.INVALID_ARGUMENT);
    expect(e.message).toMatch(/Build failed with status: FAILURE and message: Function 'handler' is not defined in the provided module\./);
    const [after] = await c.functions.getFunction({ name: fnName('orders') });
    expect(after.state).toBe('ACTIVE');
    expect(after.serviceConfig?.revision).toBe(fn.serviceConfig?.revision);
  });

  test('a masked update changes only the named fields; no mask replaces everything', async () => {
    await createFunction(c, emu, 'orders', { serviceConfig: { timeoutSeconds: 60, environmentVariables: { A: '1' } } });
    const source = await upload(c, emu);
    const [op] = await c.functions.updateFunction({
      function: { name: fnName('orders'), serviceConfig: { timeoutSeconds: 120 }, labels: { x: 'y' }, buildConfig: { source: { storageSource: source } } },
      updateMask: { paths: ['serviceConfig.timeoutSeconds'] },
    });
    const [fn] = await op.promise();
    expect(fn.serviceConfig?.timeoutSeconds).toBe(120);
    expect(fn.serviceConfig?.environmentVariables).toEqual({ A: '1' });
    expect(fn.labels).toEqual({ 'fnx-service': 'shop', 'fnx-stage': 'dev' });
    const [op2] = await c.functions.updateFunction({ function: { name: fnName('orders'), ...httpFunction(source, { labels: {} }) } });
    const [fn2] = await op2.promise();
    expect(fn2.serviceConfig?.environmentVariables).toEqual({});
    expect(fn2.labels).toEqual({});
    expect(fn2.serviceConfig?.revision).toMatch(/^orders-00003-/);
  });
});

describe('list filter and records', () => {
  test('ListFunctions filters by labels (AIP-160 subset) and refuses other filters', async () => {
    await createFunction(c, emu, 'orders');
    await createFunction(c, emu, 'other', { labels: { team: 'x' } });
    const [mine] = await c.functions.listFunctions({ parent: parentOf(emu), filter: 'labels.fnx-service="shop" AND labels.fnx-stage:*' });
    expect(mine.map((f) => f.name)).toEqual([fnName('orders')]);
    expect((await codeOf(c.functions.listFunctions({ parent: parentOf(emu), filter: 'labels.fnx-service ~ shop' }))).code).toBe(Code.INVALID_ARGUMENT);
  });

  test('each call records its path parameters, query and body', async () => {
    await createFunction(c, emu, 'orders');
    const create = emu.callsTo('functions', 'CreateFunction')[0];
    expect(create?.input).toMatchObject({ parent: parentOf(emu), functionId: 'orders', body: { buildConfig: { runtime: 'nodejs22' } } });
  });
});

describe('operations', () => {
  test('GetOperation of an unknown operation is NOT_FOUND; WaitOperation counts as one poll', async () => {
    const auth = { authorization: `Bearer ${emu.accessToken()}` };
    const missing = await fetch(`${emu.url}/v2/${parentOf(emu)}/operations/operation-nope`, { headers: auth });
    expect(missing.status).toBe(404);
    const source = await upload(c, emu);
    const [op] = await c.functions.createFunction({ parent: parentOf(emu), functionId: 'orders', function: httpFunction(source) });
    const wait = async (): Promise<boolean> => ((await (await fetch(`${emu.url}/v2/${op.name ?? ''}:wait`, { method: 'POST', headers: auth })).json()) as { done: boolean }).done;
    expect(await wait()).toBe(false);
    expect(await wait()).toBe(true);
  });
});
