// Secret Manager secrets' metadata through plain REST with the emulator's bearer, as the driver's
// stage lease store calls it: etag conditions, field masks, ids, and how the calls are recorded.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startGcpEmulator, type GcpEmulator } from './index.js';

let emu: GcpEmulator;
beforeAll(async () => {
  emu = await startGcpEmulator();
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => emu.reset());

interface Answer {
  status: number;
  body: { name?: string; etag?: string; annotations?: Record<string, string>; labels?: Record<string, string>; error?: { code: number; status: string; message: string } };
}

async function call(method: string, path: string, body?: unknown, bearer = true): Promise<Answer> {
  const res = await fetch(`${emu.url}${path}`, {
    method,
    headers: { ...(bearer ? { authorization: `Bearer ${emu.accessToken()}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

const secrets = () => `/v1/projects/${emu.projectId}/secrets`;
const secret = (id: string) => `${secrets()}/${id}`;
const replication = { userManaged: { replicas: [{ location: 'europe-west1' }] } };
const create = (id: string, extra: Record<string, unknown> = {}) => call('POST', `${secrets()}?secretId=${id}`, { replication, annotations: { 'fnx-lease': 'one' }, ...extra });
const patch = (id: string, body: unknown, mask = 'annotations') => call('PATCH', `${secret(id)}?updateMask=${mask}`, body);
const refusal = (a: Answer) => [a.status, a.body.error?.status];

describe('secret manager', () => {
  test('create, get, update the annotations on the etag, delete on the etag: each write a new quoted etag, recorded as a lease write, never as a write', async () => {
    const created = await create('fnx-lease-shop-dev', { labels: { 'fnx-service': 'shop' } });
    expect(created.status).toBe(200);
    expect(created.body.name).toBe('projects/123456789012/secrets/fnx-lease-shop-dev');
    expect(created.body.etag).toMatch(/^"\d+"$/);
    const got = await call('GET', secret('fnx-lease-shop-dev'));
    expect(got.body).toMatchObject({ etag: created.body.etag, annotations: { 'fnx-lease': 'one' }, labels: { 'fnx-service': 'shop' } });

    const updated = await patch('fnx-lease-shop-dev', { etag: created.body.etag, annotations: { 'fnx-lease': 'two' } });
    expect(updated.status).toBe(200);
    expect(updated.body.annotations).toEqual({ 'fnx-lease': 'two' });
    expect(updated.body.labels).toEqual({ 'fnx-service': 'shop' });
    expect(updated.body.etag).not.toBe(created.body.etag);
    // An update with the same content still moves the etag.
    const same = await patch('fnx-lease-shop-dev', { etag: updated.body.etag, annotations: { 'fnx-lease': 'two' } });
    expect(same.body.etag).not.toBe(updated.body.etag);

    const deleted = await call('DELETE', `${secret('fnx-lease-shop-dev')}?etag=${encodeURIComponent(same.body.etag ?? '')}`);
    expect(deleted.status).toBe(200);
    expect(emu.state.secrets.size).toBe(0);
    const again = await create('fnx-lease-shop-dev');
    expect([created.body.etag, updated.body.etag, same.body.etag]).not.toContain(again.body.etag);

    expect(emu.writeCalls()).toEqual([]);
    expect(emu.leaseWrites().map((c) => [c.rpc, c.status])).toEqual([
      ['CreateSecret', 200],
      ['UpdateSecret', 200],
      ['UpdateSecret', 200],
      ['DeleteSecret', 200],
      ['CreateSecret', 200],
    ]);
    expect(emu.callsTo('secretmanager', 'GetSecret')).toHaveLength(1);
  });

  test('failed conditions: a second create is ALREADY_EXISTS, a stale etag FAILED_PRECONDITION (400) on update and delete, and nothing changes', async () => {
    const first = await create('fnx-lease-shop-dev');
    expect(refusal(await create('fnx-lease-shop-dev', { annotations: { 'fnx-lease': 'other' } }))).toEqual([409, 'ALREADY_EXISTS']);
    const moved = await patch('fnx-lease-shop-dev', { etag: first.body.etag, annotations: { 'fnx-lease': 'two' } });
    expect(refusal(await patch('fnx-lease-shop-dev', { etag: first.body.etag, annotations: { 'fnx-lease': 'stale' } }))).toEqual([400, 'FAILED_PRECONDITION']);
    expect(refusal(await call('DELETE', `${secret('fnx-lease-shop-dev')}?etag=${encodeURIComponent(first.body.etag ?? '')}`))).toEqual([400, 'FAILED_PRECONDITION']);
    const now = await call('GET', secret('fnx-lease-shop-dev'));
    expect(now.body).toMatchObject({ etag: moved.body.etag, annotations: { 'fnx-lease': 'two' } });
    expect(emu.leaseWrites().map((c) => c.error ?? 'ok')).toEqual(['ok', 'ALREADY_EXISTS', 'ok', 'FAILED_PRECONDITION', 'FAILED_PRECONDITION']);
  });

  test('a missing secret is NOT_FOUND for get, update and delete; nothing is created by them', async () => {
    expect(refusal(await call('GET', secret('nope')))).toEqual([404, 'NOT_FOUND']);
    expect(refusal(await patch('nope', { etag: '"1"', annotations: { a: 'b' } }))).toEqual([404, 'NOT_FOUND']);
    expect(refusal(await call('DELETE', `${secret('nope')}?etag=%221%22`))).toEqual([404, 'NOT_FOUND']);
    expect(emu.state.secrets.size).toBe(0);
  });

  test('refusals: ids, replication, masks, annotation keys and size, labels, unknown fields, another project, no bearer', async () => {
    expect(refusal(await call('POST', secrets(), { replication }))).toEqual([400, 'INVALID_ARGUMENT']);
    expect(refusal(await create('has.dot'))).toEqual([400, 'INVALID_ARGUMENT']);
    expect(refusal(await create('x'.repeat(256)))).toEqual([400, 'INVALID_ARGUMENT']);
    expect(refusal(await call('POST', `${secrets()}?secretId=a`, { annotations: { k: 'v' } }))).toEqual([400, 'INVALID_ARGUMENT']);
    expect(refusal(await create('a', { replication: { automatic: {}, userManaged: replication.userManaged } }))).toEqual([400, 'INVALID_ARGUMENT']);
    expect(refusal(await create('a', { annotations: { 'fnx.dev/lease': 'v' } }))).toEqual([400, 'INVALID_ARGUMENT']);
    expect(refusal(await create('a', { annotations: { 'fnx-lease': 'x'.repeat(16 * 1024) } }))).toEqual([400, 'INVALID_ARGUMENT']);
    expect(refusal(await create('a', { labels: { Upper: 'v' } }))).toEqual([400, 'INVALID_ARGUMENT']);
    expect(refusal(await create('a', { payload: 'x' }))).toEqual([400, 'INVALID_ARGUMENT']);
    expect(emu.state.secrets.size).toBe(0);

    const made = await create('a');
    expect(made.status).toBe(200);
    expect(refusal(await call('PATCH', secret('a'), { etag: made.body.etag, annotations: {} }))).toEqual([400, 'INVALID_ARGUMENT']);
    expect(refusal(await patch('a', { etag: made.body.etag, replication: { automatic: {} } }, 'replication'))).toEqual([400, 'INVALID_ARGUMENT']);
    expect(refusal(await patch('a', { etag: made.body.etag }, 'etag'))).toEqual([400, 'INVALID_ARGUMENT']);
    expect(refusal(await patch('a', { etag: made.body.etag, annotations: { 'a/b': 'c' } }))).toEqual([400, 'INVALID_ARGUMENT']);
    expect((await call('GET', secret('a'))).body.etag).toBe(made.body.etag);

    expect(refusal(await call('GET', '/v1/projects/someone-else/secrets/a'))).toEqual([403, 'PERMISSION_DENIED']);
    expect(refusal(await call('POST', '/v1/projects/someone-else/secrets?secretId=b', { replication }))).toEqual([403, 'PERMISSION_DENIED']);
    expect(refusal(await call('GET', secret('a'), undefined, false))).toEqual([401, 'UNAUTHENTICATED']);
  });

  test('a lost answer: the call takes effect, the connection drops; the same create sent again is ALREADY_EXISTS', async () => {
    emu.setFaults({ rate: 1, kinds: ['lost'], apis: ['secretmanager'], rpcs: ['CreateSecret'] });
    await expect(create('lost-one')).rejects.toThrow();
    expect(emu.state.secrets.has('lost-one')).toBe(true);
    expect(refusal(await create('lost-one'))).toEqual([409, 'ALREADY_EXISTS']);
    expect(emu.leaseWrites().map((c) => c.fault ?? c.error)).toEqual(['lost', 'ALREADY_EXISTS']);
  });

  test('the project number names the same secrets; a masked field absent from the body is cleared', async () => {
    const made = await call('POST', '/v1/projects/123456789012/secrets?secretId=n', { replication, labels: { a: 'b' }, annotations: { k: 'v' } });
    const cleared = await patch('n', { etag: made.body.etag }, 'labels');
    expect(cleared.status).toBe(200);
    expect(cleared.body.labels).toBeUndefined();
    expect(cleared.body.annotations).toEqual({ k: 'v' });
    expect((await call('GET', secret('n'))).status).toBe(200);
  });
});
