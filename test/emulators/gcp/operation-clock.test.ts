// Long-running operations complete by the emulator's clock, polled or not (as a CLI killed mid-wait leaves them).
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startGcpEmulator, type GcpEmulator } from './index.js';
import { Code, clients, codeOf, httpFunction, parentOf, upload, type Clients } from './test-helpers.js';

const clock = { time: Date.UTC(2024, 5, 1, 12), now(): number { return this.time; } };
let emu: GcpEmulator;
let c: Clients;

beforeAll(async () => {
  emu = await startGcpEmulator({ clock, operationMs: 60_000, operationPolls: 1000 });
  c = clients(emu);
});
afterAll(async () => {
  await c.close();
  await emu.close();
});
beforeEach(() => emu.reset());

const fnName = (id: string): string => `${parentOf(emu)}/functions/${id}`;
const svcName = (id: string): string => `${parentOf(emu)}/services/${id}`;

describe('operations nobody polls', () => {
  test('a create completes when its time has come: GetFunction and ListFunctions see it ACTIVE without a GetOperation', async () => {
    const source = await upload(c, emu);
    await c.functions.createFunction({ parent: parentOf(emu), functionId: 'orders', function: httpFunction(source) });
    clock.time += 59_999;
    expect((await c.functions.getFunction({ name: fnName('orders') }))[0].state).toBe('DEPLOYING');
    clock.time += 1;
    const [fn] = await c.functions.getFunction({ name: fnName('orders') });
    expect(fn.state).toBe('ACTIVE');
    expect(fn.serviceConfig?.revision).toMatch(/^orders-00001-[a-z]{3}$/);
    expect((await c.functions.listFunctions({ parent: parentOf(emu) }))[0].map((f) => f.state)).toEqual(['ACTIVE']);
    expect(emu.callsTo('functions', 'GetOperation')).toHaveLength(0);
  });

  test('an update is refused with ABORTED while it runs, and the next write after its time is accepted', async () => {
    await createOrders();
    const source = await upload(c, emu);
    const body = { name: fnName('orders'), buildConfig: { source: { storageSource: source } } };
    await c.functions.updateFunction({ function: body, updateMask: { paths: ['buildConfig.source'] } });
    clock.time += 30_000;
    expect((await codeOf(c.functions.updateFunction({ function: body, updateMask: { paths: ['buildConfig.source'] } }))).code).toBe(Code.ABORTED);
    clock.time += 30_000;
    const [op] = await c.functions.updateFunction({ function: body, updateMask: { paths: ['buildConfig.source'] } });
    expect(op.done).toBe(false);
    expect(emu.state.services.get(svcName('orders'))?.revisions).toHaveLength(2);
  });

  test('a Cloud Run traffic update and a delete take effect by the clock', async () => {
    const fn = await createOrders();
    const r1 = fn.serviceConfig?.revision ?? '';
    const [svcOp] = await c.services.updateService({ service: { name: svcName('orders'), traffic: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: r1, percent: 100 }] }, updateMask: { paths: ['traffic'] } });
    expect(svcOp.done).toBe(false);
    expect(emu.currentSplit('orders')).toEqual([{ revision: r1, percent: 100, latest: true }]);
    clock.time += 60_000;
    const [svc] = await c.services.getService({ name: svcName('orders') });
    expect(svc.traffic?.map((t) => [t.revision, t.percent])).toEqual([[r1, 100]]);
    await c.functions.deleteFunction({ name: fnName('orders') });
    clock.time += 60_000;
    expect((await codeOf(c.functions.getFunction({ name: fnName('orders') }))).code).toBe(Code.NOT_FOUND);
  });
});

/** Create 'orders' and let its operation end by the clock. */
async function createOrders() {
  const source = await upload(c, emu);
  await c.functions.createFunction({ parent: parentOf(emu), functionId: 'orders', function: httpFunction(source) });
  clock.time += 60_000;
  const [fn] = await c.functions.getFunction({ name: fnName('orders') });
  return fn;
}
