// allTrafficOnLatestRevision and Cloud Run traffic, driven by the unmodified Functions and Run clients:
// a careless redeploy leaks 100 % to the new revision; the pinned release keeps every split.
import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startGcpEmulator, type GcpEmulator } from './index.js';
import { Code, clients, codeOf, createFunction, parentOf, upload, type Clients } from './test-helpers.js';

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
const svcName = (id: string): string => `${parentOf(emu)}/services/${id}`;
const REVISION = 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION' as const;

async function setSplit(id: string, split: Array<[string, number]>): Promise<void> {
  const [op] = await c.services.updateService({
    service: { name: svcName(id), traffic: split.map(([revision, percent]) => ({ type: REVISION, revision, percent })) },
    updateMask: { paths: ['traffic'] },
  });
  await op.promise();
}

/** Redeploy new code; `paths` is the update mask, `allTraffic` the value sent. */
async function redeploy(id: string, paths: string[], allTraffic?: boolean): Promise<string> {
  const source = await upload(c, emu);
  const [op] = await c.functions.updateFunction({
    function: { name: fnName(id), buildConfig: { source: { storageSource: source } }, serviceConfig: allTraffic === undefined ? {} : { allTrafficOnLatestRevision: allTraffic } },
    updateMask: { paths },
  });
  await op.promise();
  const [fn] = await c.functions.getFunction({ name: fnName(id) });
  return fn.serviceConfig?.revision ?? '';
}

describe('allTrafficOnLatestRevision', () => {
  test('a redeploy with allTrafficOnLatestRevision unset moves 100 % to the new revision, whatever split was set', async () => {
    const fn = await createFunction(c, emu, 'orders');
    const r1 = fn.serviceConfig?.revision ?? '';
    await setSplit('orders', [[r1, 100]]);
    const r2 = await redeploy('orders', ['buildConfig.source']);
    expect(r2).not.toBe(r1);
    expect(emu.currentSplit('orders')).toEqual([{ revision: r2, percent: 100, latest: true }]);
    expect(emu.trafficOf('orders').map((t) => [t.cause, t.split])).toEqual([
      ['create-function', [{ revision: r1, percent: 100, latest: true }]],
      ['update-service', [{ revision: r1, percent: 100 }]],
      ['update-function', [{ revision: r2, percent: 100, latest: true }]],
    ]);
  });

  test('allTrafficOnLatestRevision=false without pinning first still leaks: the default LATEST entry follows the new revision', async () => {
    await createFunction(c, emu, 'orders');
    const r2 = await redeploy('orders', ['buildConfig.source', 'serviceConfig.allTrafficOnLatestRevision'], false);
    expect(emu.currentSplit('orders')).toEqual([{ revision: r2, percent: 100, latest: true }]);
  });

  test('the safe release: pin, redeploy with the flag false named in the mask, shift step by step', async () => {
    const fn = await createFunction(c, emu, 'orders');
    const r1 = fn.serviceConfig?.revision ?? '';
    await setSplit('orders', [[r1, 100]]);
    const r2 = await redeploy('orders', ['buildConfig.source', 'serviceConfig.allTrafficOnLatestRevision'], false);
    const [after] = await c.functions.getFunction({ name: fnName('orders') });
    expect(after.serviceConfig?.allTrafficOnLatestRevision).toBe(false);
    expect(emu.currentSplit('orders')).toEqual([{ revision: r1, percent: 100 }]);
    await setSplit('orders', [[r1, 90], [r2, 10]]);
    await setSplit('orders', [[r1, 50], [r2, 50]]);
    await setSplit('orders', [[r2, 100]]);
    const log = emu.trafficOf('orders');
    expect(log.map((t) => t.split.map((e) => `${e.revision}:${e.percent}`).join(','))).toEqual([
      `${r1}:100`,
      `${r1}:100`,
      `${r1}:90,${r2}:10`,
      `${r1}:50,${r2}:50`,
      `${r2}:100`,
    ]);
    const [final] = await c.functions.getFunction({ name: fnName('orders') });
    expect(final.serviceConfig?.allTrafficOnLatestRevision).toBe(true);
  });

  test('a mask naming serviceConfig as a whole without the flag sends false (proto3 JSON omits false)', async () => {
    const fn = await createFunction(c, emu, 'orders');
    const r1 = fn.serviceConfig?.revision ?? '';
    await setSplit('orders', [[r1, 100]]);
    const source = await upload(c, emu);
    const [op] = await c.functions.updateFunction({
      function: { name: fnName('orders'), buildConfig: { source: { storageSource: source } }, serviceConfig: { timeoutSeconds: 30 } },
      updateMask: { paths: ['buildConfig.source', 'serviceConfig'] },
    });
    await op.promise();
    expect(emu.currentSplit('orders')).toEqual([{ revision: r1, percent: 100 }]);
  });
});

describe('Cloud Run traffic', () => {
  test('splits must sum to 100 and name revisions of the service', async () => {
    const fn = await createFunction(c, emu, 'orders');
    const r1 = fn.serviceConfig?.revision ?? '';
    const bad = async (traffic: object[]): Promise<string> => {
      const e = await codeOf(c.services.updateService({ service: { name: svcName('orders'), traffic }, updateMask: { paths: ['traffic'] } }));
      expect(e.code).toBe(Code.INVALID_ARGUMENT);
      return e.message;
    };
    expect(await bad([{ type: REVISION, revision: r1, percent: 90 }])).toMatch(/sum to 100, got 90/);
    expect(await bad([{ type: REVISION, revision: 'orders-00009-zzz', percent: 100 }])).toMatch(/does not exist/);
    expect(await bad([{ type: REVISION, revision: r1, percent: 50 }, { type: REVISION, revision: r1, percent: 50 }])).toMatch(/more than once/);
    expect(await bad([{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', revision: r1, percent: 100 }])).toMatch(/LATEST must not name/);
    expect(emu.trafficOf('orders')).toHaveLength(1);
  });

  test('plain JSON callers may name enums; the answer has numbers', async () => {
    const fn = await createFunction(c, emu, 'orders');
    const r1 = fn.serviceConfig?.revision ?? '';
    const res = await fetch(`${emu.url}/v2/${svcName('orders')}?updateMask=traffic`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${emu.accessToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ traffic: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: r1, percent: 100 }] }),
    });
    expect(res.status).toBe(200);
    emu.finishOperations();
    const get = await fetch(`${emu.url}/v2/${svcName('orders')}`, { headers: { authorization: `Bearer ${emu.accessToken()}` } });
    expect(((await get.json()) as { traffic: unknown[] }).traffic).toEqual([{ type: 2, revision: r1, percent: 100 }]);
  });

  test('an etag that is not current is ABORTED; the current etag passes', async () => {
    const fn = await createFunction(c, emu, 'orders');
    const r1 = fn.serviceConfig?.revision ?? '';
    const [svc] = await c.services.getService({ name: svcName('orders') });
    const traffic = [{ type: REVISION, revision: r1, percent: 100 }];
    const e = await codeOf(c.services.updateService({ service: { name: svcName('orders'), traffic, etag: '"stale"' }, updateMask: { paths: ['traffic'] } }));
    expect(e.code).toBe(Code.ABORTED);
    const [op] = await c.services.updateService({ service: { name: svcName('orders'), traffic, etag: svc.etag }, updateMask: { paths: ['traffic'] } });
    const [done] = await op.promise();
    expect(done.etag).not.toBe(svc.etag);
  });

  test('an update of the service while a function build runs on it is FAILED_PRECONDITION', async () => {
    const fn = await createFunction(c, emu, 'orders');
    const source = await upload(c, emu);
    const [op] = await c.functions.updateFunction({ function: { name: fnName('orders'), buildConfig: { source: { storageSource: source } } }, updateMask: { paths: ['buildConfig.source'] } });
    const e = await codeOf(c.services.updateService({ service: { name: svcName('orders'), traffic: [{ type: REVISION, revision: fn.serviceConfig?.revision ?? '', percent: 100 }] }, updateMask: { paths: ['traffic'] } }));
    expect(e.code).toBe(Code.FAILED_PRECONDITION);
    await op.promise();
  });

  test('an UpdateFunction while a traffic change runs on its service is ABORTED; trafficStatuses resolve LATEST', async () => {
    const fn = await createFunction(c, emu, 'orders');
    const r1 = fn.serviceConfig?.revision ?? '';
    const [svc] = await c.services.getService({ name: svcName('orders') });
    expect(svc.traffic?.[0]?.revision).toBe('');
    expect(svc.trafficStatuses?.[0]?.revision).toBe(r1);
    const [op] = await c.services.updateService({ service: { name: svcName('orders'), traffic: [{ type: REVISION, revision: r1, percent: 100 }] }, updateMask: { paths: ['traffic'] } });
    const source = await upload(c, emu);
    const e = await codeOf(c.functions.updateFunction({ function: { name: fnName('orders'), buildConfig: { source: { storageSource: source } } }, updateMask: { paths: ['buildConfig.source'] } }));
    expect(e.code).toBe(Code.ABORTED);
    await op.promise();
  });

  test('an unknown mask path, or no mask without a template, is INVALID_ARGUMENT', async () => {
    await createFunction(c, emu, 'orders');
    expect((await codeOf(c.services.updateService({ service: { name: svcName('orders') }, updateMask: { paths: ['traffic', 'nope'] } }))).code).toBe(Code.INVALID_ARGUMENT);
    expect((await codeOf(c.services.updateService({ service: { name: svcName('orders'), traffic: [] } }))).message).toMatch(/template is required/);
  });

  test('annotations are writable (release history), system namespaces are not', async () => {
    await createFunction(c, emu, 'orders');
    const history = JSON.stringify([{ version: 'orders-00001', commit: 'a'.repeat(40), at: '2026-12-02T00:00:00Z' }]);
    const [op] = await c.services.updateService({ service: { name: svcName('orders'), annotations: { 'fnx.dev/releases': history } }, updateMask: { paths: ['annotations'] } });
    await op.promise();
    const [svc] = await c.services.getService({ name: svcName('orders') });
    expect(svc.annotations?.['fnx.dev/releases']).toBe(history);
    const e = await codeOf(c.services.updateService({ service: { name: svcName('orders'), annotations: { 'run.googleapis.com/ingress': 'all' } }, updateMask: { paths: ['annotations'] } }));
    expect(e.code).toBe(Code.INVALID_ARGUMENT);
  });

  test('revisions list newest first and get by name', async () => {
    await createFunction(c, emu, 'orders');
    const r2 = await redeploy('orders', ['buildConfig.source']);
    const [revs] = await c.revisions.listRevisions({ parent: svcName('orders') });
    expect(revs.map((r) => r.name?.split('/').pop())).toEqual([r2, expect.stringMatching(/^orders-00001-/)]);
    const [rev] = await c.revisions.getRevision({ name: `${svcName('orders')}/revisions/${r2}` });
    expect(rev.service).toBe(svcName('orders'));
    expect((await codeOf(c.revisions.getRevision({ name: `${svcName('orders')}/revisions/orders-00007-abc` }))).code).toBe(Code.NOT_FOUND);
  });
});

describe('tags', () => {
  test('a tagged revision answers at <tag>---<service> whatever its share; tags are validated', async () => {
    const fn = await createFunction(c, emu, 'orders');
    const r1 = fn.serviceConfig?.revision ?? '';
    await c.services.setIamPolicy({ resource: svcName('orders'), policy: { bindings: [{ role: 'roles/run.invoker', members: ['allUsers'] }] } });
    const r2 = await redeploy('orders', ['buildConfig.source', 'serviceConfig.allTrafficOnLatestRevision'], false);
    const [op] = await c.services.updateService({
      service: { name: svcName('orders'), traffic: [{ type: REVISION, revision: r1, percent: 100 }, { type: REVISION, revision: r2, percent: 0, tag: 'candidate' }] },
      updateMask: { paths: ['traffic'] },
    });
    await op.promise();
    const [svc] = await c.services.getService({ name: svcName('orders') });
    const uri = svc.trafficStatuses?.find((t) => t.tag === 'candidate')?.uri ?? '';
    expect(uri).toBe(`${emu.url}/run/candidate---orders`);
    for (let i = 0; i < 5; i++) expect((await fetch(`${uri}/health`)).headers.get('x-fnx-revision')).toBe(r2);
    expect((await fetch(`${emu.url}/run/orders/health`)).headers.get('x-fnx-revision')).toBe(r1);
    expect((await fetch(`${emu.url}/run/nope---orders/`)).status).toBe(404);
    const bad = await codeOf(c.services.updateService({ service: { name: svcName('orders'), traffic: [{ type: REVISION, revision: r1, percent: 100, tag: 'Bad_Tag' }] }, updateMask: { paths: ['traffic'] } }));
    expect(bad.code).toBe(Code.INVALID_ARGUMENT);
  });
});

describe('IAM and probes', () => {
  test('allUsers run.invoker makes /run/ public; probes follow the split', async () => {
    const fn = await createFunction(c, emu, 'orders');
    const r1 = fn.serviceConfig?.revision ?? '';
    const url = fn.serviceConfig?.uri ?? '';
    expect((await fetch(`${url}/health`)).status).toBe(403);
    const [policy] = await c.services.getIamPolicy({ resource: svcName('orders') });
    await c.services.setIamPolicy({ resource: svcName('orders'), policy: { bindings: [{ role: 'roles/run.invoker', members: ['allUsers'] }], etag: policy.etag } });
    const [now] = await c.services.getIamPolicy({ resource: svcName('orders') });
    expect(now.bindings?.map((b) => [b.role, b.members])).toEqual([['roles/run.invoker', ['allUsers']]]);
    const stale = await codeOf(c.services.setIamPolicy({ resource: svcName('orders'), policy: { bindings: [], etag: policy.etag } }));
    expect(stale.code).toBe(Code.ABORTED);

    const r2 = await redeploy('orders', ['buildConfig.source', 'serviceConfig.allTrafficOnLatestRevision'], false);
    await setSplit('orders', [[r1, 50], [r2, 50]]);
    emu.setRevisionHandler((req) => (req.revision === r2 ? { status: 500, body: 'boom' } : { status: 200, body: { ok: true } }));
    const seen = new Map<string, number>();
    for (let i = 0; i < 40; i++) {
      const res = await fetch(`${url}/health`);
      const rev = res.headers.get('x-fnx-revision') ?? '';
      expect(res.status).toBe(rev === r2 ? 500 : 200);
      seen.set(rev, (seen.get(rev) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual([r1, r2].sort());
    const errors = emu.state.requests.filter((p) => p.revision === r2 && p.codeClass === '5xx').reduce((n, p) => n + p.count, 0);
    expect(errors).toBe(seen.get(r2));
  });
});

describe('private URLs', () => {
  /** An ID token from the emulator's /token for `audience` (a jwt-bearer assertion with target_audience). */
  async function idToken(audience: string): Promise<string> {
    const key = JSON.parse(readFileSync(emu.env().GOOGLE_APPLICATION_CREDENTIALS ?? '', 'utf8')) as { private_key: string; client_email: string; token_uri: string };
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ iss: key.client_email, aud: key.token_uri, iat: now, exp: now + 600, target_audience: audience })}`;
    const assertion = `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(key.private_key, 'base64url')}`;
    const res = await fetch(key.token_uri, { method: 'POST', body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }) });
    return ((await res.json()) as { id_token: string }).id_token;
  }

  test('a private service admits only an ID token whose audience is its URL (an access token or another audience: 403)', async () => {
    const fn = await createFunction(c, emu, 'orders');
    const url = fn.serviceConfig?.uri ?? '';
    const call = async (token: string) => (await fetch(`${url}/health`, { headers: { authorization: `Bearer ${token}` } })).status;
    expect(await call(emu.accessToken())).toBe(403);
    expect(await call(await idToken(`${emu.url}/run/billing`))).toBe(403);
    expect(await call(await idToken(url))).toBe(200);
    expect(await call(await idToken(`${url}/`))).toBe(200);
  });
});

describe('failed operations', () => {
  test('an operation that fails leaves no revision and no traffic change, and releases the function', async () => {
    const fn = await createFunction(c, emu, 'orders');
    const r1 = fn.serviceConfig?.revision ?? '';
    await setSplit('orders', [[r1, 100]]);
    const before = emu.traffic.length;
    emu.failNextOperation('functions', 'INTERNAL', 'An internal error occurred. Please try again.');
    const source = await upload(c, emu);
    const [op] = await c.functions.updateFunction({ function: { name: fnName('orders'), buildConfig: { source: { storageSource: source } } }, updateMask: { paths: ['buildConfig.source'] } });
    const e = await codeOf(op.promise());
    expect(e.code).toBe(13);
    expect(e.message).toMatch(/internal error/);
    const [after] = await c.functions.getFunction({ name: fnName('orders') });
    expect([after.state, after.serviceConfig?.revision]).toEqual(['ACTIVE', r1]);
    expect(emu.traffic.length).toBe(before);
    emu.failNextOperation('run');
    const [sop] = await c.services.updateService({ service: { name: svcName('orders'), traffic: [] }, updateMask: { paths: ['traffic'] } });
    expect((await codeOf(sop.promise())).code).toBe(13);
    expect(emu.currentSplit('orders')).toEqual([{ revision: r1, percent: 100 }]);
    await setSplit('orders', [[r1, 100]]);
  });
});
