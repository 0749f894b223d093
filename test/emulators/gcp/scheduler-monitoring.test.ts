// Cloud Scheduler jobs through the unmodified CloudSchedulerClient; Monitoring reads through plain fetch
// with the emulator's bearer, as the driver's health gate makes them.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startGcpEmulator, type GcpEmulator } from './index.js';
import { Code, clients, codeOf, parentOf, type Clients } from './test-helpers.js';

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

const jobName = (id: string): string => `${parentOf(emu)}/jobs/${id}`;
const job = (id: string, extra: Record<string, unknown> = {}) => ({
  name: jobName(id),
  schedule: '*/5 * * * *',
  timeZone: 'Etc/UTC',
  httpTarget: {
    uri: `${emu.url}/run/orders`,
    httpMethod: 'POST' as const,
    oidcToken: { serviceAccountEmail: `invoker@${emu.projectId}.iam.gserviceaccount.com`, audience: `${emu.url}/run/orders` },
  },
  ...extra,
});

describe('scheduler jobs', () => {
  test('create, get, update with a mask, delete', async () => {
    const [created] = await c.scheduler.createJob({ parent: parentOf(emu), job: job('orders-tick') });
    expect(created.state).toBe('ENABLED');
    expect(created.httpTarget?.oidcToken?.serviceAccountEmail).toBe(`invoker@${emu.projectId}.iam.gserviceaccount.com`);
    const [updated] = await c.scheduler.updateJob({ job: { name: jobName('orders-tick'), schedule: '0 * * * *' }, updateMask: { paths: ['schedule'] } });
    expect(updated.schedule).toBe('0 * * * *');
    expect(updated.httpTarget?.uri).toBe(`${emu.url}/run/orders`);
    const [got] = await c.scheduler.getJob({ name: jobName('orders-tick') });
    expect(got.schedule).toBe('0 * * * *');
    await c.scheduler.deleteJob({ name: jobName('orders-tick') });
    expect((await codeOf(c.scheduler.getJob({ name: jobName('orders-tick') }))).code).toBe(Code.NOT_FOUND);
  });

  test('rejections: duplicate, bad schedule, bad time zone, oidc without a service account, unknown mask path', async () => {
    await c.scheduler.createJob({ parent: parentOf(emu), job: job('a') });
    expect((await codeOf(c.scheduler.createJob({ parent: parentOf(emu), job: job('a') }))).code).toBe(Code.ALREADY_EXISTS);
    expect((await codeOf(c.scheduler.createJob({ parent: parentOf(emu), job: job('b', { schedule: 'every 5 minutes' }) }))).code).toBe(Code.INVALID_ARGUMENT);
    expect((await codeOf(c.scheduler.createJob({ parent: parentOf(emu), job: job('b', { timeZone: 'Mars/Olympus' }) }))).code).toBe(Code.INVALID_ARGUMENT);
    const noSa = job('b');
    noSa.httpTarget.oidcToken.serviceAccountEmail = 'not-an-email';
    expect((await codeOf(c.scheduler.createJob({ parent: parentOf(emu), job: noSa }))).code).toBe(Code.INVALID_ARGUMENT);
    expect((await codeOf(c.scheduler.updateJob({ job: { name: jobName('a') }, updateMask: { paths: ['state'] } }))).code).toBe(Code.INVALID_ARGUMENT);
  });
});

describe('monitoring', () => {
  const get = async (path: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await fetch(`${emu.url}${path}`, { headers: { authorization: `Bearer ${emu.accessToken()}` } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  test('alert policies by display name, and their open alerts', async () => {
    emu.setAlert('orders-errors', 'CLOSED');
    emu.setAlert('other', 'OPEN');
    const p = `/v3/projects/${emu.projectId}`;
    const policies = await get(`${p}/alertPolicies?filter=${encodeURIComponent('display_name="orders-errors"')}`);
    expect((policies.body.alertPolicies as Array<{ displayName: string }>).map((x) => x.displayName)).toEqual(['orders-errors']);
    const open = `${p}/alerts?filter=${encodeURIComponent('policy.displayName="orders-errors" AND state="OPEN"')}`;
    expect((await get(open)).body.alerts).toEqual([]);
    emu.setAlert('orders-errors', 'OPEN');
    const alerts = (await get(open)).body.alerts as Array<{ state: string; policy: { displayName: string } }>;
    expect(alerts.map((a) => [a.state, a.policy.displayName])).toEqual([['OPEN', 'orders-errors']]);
  });

  test('request_count by revision and response_code_class over an interval', async () => {
    const t0 = Date.now() - 60_000;
    emu.recordRequests('orders', 'orders-00002-abc', { ok: 90, errors: 10 }, t0 + 1000);
    emu.recordRequests('orders', 'orders-00001-xyz', { ok: 50, errors: 0 }, t0 + 1000);
    emu.recordRequests('orders', 'orders-00002-abc', { ok: 5, errors: 5 }, t0 - 120_000);
    const filter = 'metric.type="run.googleapis.com/request_count" AND resource.labels.service_name="orders" AND resource.labels.revision_name="orders-00002-abc"';
    const q = `filter=${encodeURIComponent(filter)}&interval.startTime=${new Date(t0).toISOString()}&interval.endTime=${new Date().toISOString()}`;
    const res = await get(`/v3/projects/${emu.projectId}/timeSeries?${q}`);
    expect(res.status).toBe(200);
    const series = res.body.timeSeries as Array<{ metric: { labels: { response_code_class: string } }; points: Array<{ value: { int64Value: string } }> }>;
    expect(Object.fromEntries(series.map((s) => [s.metric.labels.response_code_class, s.points[0]?.value.int64Value]))).toEqual({ '2xx': '90', '5xx': '10' });
    expect((await get(`/v3/projects/${emu.projectId}/timeSeries?filter=${encodeURIComponent(filter)}`)).status).toBe(400);
  });

  test('monitoring without a bearer is UNAUTHENTICATED', async () => {
    const res = await fetch(`${emu.url}/v3/projects/${emu.projectId}/alertPolicies`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { status: string } }).error.status).toBe('UNAUTHENTICATED');
  });
});
