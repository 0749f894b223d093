/**
 * The stage lease on Google Cloud through the built CLI and the emulator: it lives in Secret
 * Manager secret fnx-lease-<service>-<stage> (annotation fnx-lease). A lease held by another live
 * run stops a deploy (exit 4) before it changes anything; an expired one is taken over with a
 * warning; a finished deploy leaves it free; remove deletes it; promote and rollback of a stage
 * never deployed create nothing.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GcpEmulator } from '../../emulators/gcp/index.js';
import { heldText, parseLease, type LeaseHolder } from '../../../src/lease/record.js';
import { fnx, leaseSecret, leaseText, newProject, plantLease, shopFiles, startWorld } from './world.js';

let emu: GcpEmulator;
beforeAll(async () => {
  emu = await startWorld();
});
afterAll(async () => {
  await emu?.close();
});
beforeEach(() => emu.reset());

const other: LeaseHolder = { id: 'a1b2c3d4e5f60718', command: 'deploy', host: 'ci-runner-7', pid: 4242, since: '2026-12-02T09:14:03.120Z', actor: 'alice' };
const minutes = (n: number) => new Date(Date.now() + n * 60_000);

/** What a deploy changed in the stage: functions, services (traffic, annotations) and jobs, as JSON. */
const stage = () => JSON.stringify([[...emu.state.functions.values()].map((f) => f.resource), [...emu.state.services.values()].map((s) => [s.traffic, s.annotations, s.etag]), [...emu.state.jobs.values()].map((j) => j.resource)]);

interface StatusJson {
  providers: { provider: string; lease?: { holder: LeaseHolder; expires: string } }[];
}
async function statusLease(dir: string): Promise<StatusJson['providers'][number]['lease']> {
  const r = await fnx(emu, dir, ['status', '--stage', 'dev', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as StatusJson).providers.find((p) => p.provider === 'gcp')?.lease;
}

describe('gcp stage lease', () => {
  it('a lease held by another live run: deploy exits 4 naming the holder, changes nothing of the stage and writes no lease; status shows the holder', async () => {
    const dir = await newProject(shopFiles());
    const first = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(first.code, first.stderr).toBe(0);
    await plantLease(emu, 'dev', heldText(other, minutes(5)));
    const planted = emu.state.secrets.get(leaseSecret('dev'))?.etag;
    const before = stage();
    await writeFile(join(dir, 'src/api.js'), 'export const handler = async () => ({ statusCode: 200, body: "v2" });\n');
    emu.clearCalls();

    const r = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toContain('E_STAGE_LOCKED');
    expect(r.stderr).toMatch(/Another run is changing shop-dev on gcp concurrently: `fnx deploy` by alice on ci-runner-7 \(pid 4242\)/);
    expect(r.stderr).not.toMatch(/\n\s+at .*:\d+/);
    expect(emu.writeCalls()).toEqual([]);
    expect(emu.leaseWrites()).toEqual([]);
    expect(emu.callsTo('functions').filter((c) => c.rpc !== 'ListFunctions' && c.rpc !== 'GetFunction')).toEqual([]);
    expect(stage()).toBe(before);
    expect(emu.state.secrets.get(leaseSecret('dev'))?.etag).toBe(planted);

    const lease = await statusLease(dir);
    expect(lease?.holder).toMatchObject({ host: 'ci-runner-7', pid: 4242, command: 'deploy' });
  });

  it('an expired lease is taken over with a warning and the deploy succeeds; afterwards the lease is free and status shows no holder', async () => {
    const dir = await newProject(shopFiles());
    await plantLease(emu, 'dev', heldText(other, minutes(-1)));
    const r = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/gcp: taking over the lease on shop-dev from `fnx deploy` by alice on ci-runner-7 \(pid 4242\).*it expired at/);
    expect(emu.state.functions.size).toBeGreaterThan(0);
    const state = parseLease(leaseText(emu, 'dev') ?? '');
    expect(state.kind).toBe('free');
    expect(state.kind === 'free' ? state.last?.command : undefined).toBe('deploy');
    expect(state.kind === 'free' ? state.last?.id : undefined).not.toBe(other.id);
    expect(await statusLease(dir)).toBeUndefined();
  });

  it('a first deploy creates the lease secret held, frees it at the end, and none of it counts as the stage writes: the next deploy writes nothing', async () => {
    const dir = await newProject(shopFiles());
    const r = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(r.code, r.stderr).toBe(0);
    const leaseCalls = emu.leaseWrites().map((c) => `${c.rpc} ${c.status}`);
    expect(leaseCalls[0]).toBe('CreateSecret 200');
    expect(leaseCalls.at(-1)).toBe('UpdateSecret 200');
    expect(emu.leaseWrites().every((c) => !c.write)).toBe(true);
    const created = emu.calls.find((c) => c.rpc === 'CreateSecret')?.input?.body as { annotations: Record<string, string>; labels: Record<string, string> };
    expect(parseLease(created.annotations['fnx-lease'] ?? '').kind).toBe('held');
    expect(created.labels).toMatchObject({ 'fnx-service': 'shop', 'fnx-stage': 'dev' });
    expect(parseLease(leaseText(emu, 'dev') ?? '').kind).toBe('free');
    expect(await statusLease(dir)).toBeUndefined();

    emu.clearCalls();
    const again = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(again.code, again.stderr).toBe(0);
    expect(emu.writeCalls()).toEqual([]);
    expect(emu.leaseWrites().map((c) => `${c.rpc} ${c.status}`)).toEqual(['UpdateSecret 200', 'UpdateSecret 200']);
  });

  it('lease writes that land but whose answer is lost (and are sent again) still take and free the lease', async () => {
    const dir = await newProject(shopFiles());
    const seq = () => emu.leaseWrites().map((c) => `${c.rpc} ${c.fault ?? c.error ?? c.status}`);
    // The create of the secret lands, its answer is lost; sent again it meets itself (ALREADY_EXISTS).
    emu.setFaults({ rate: 1, kinds: ['lost'], apis: ['secretmanager'], rpcs: ['CreateSecret'] });
    const first = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    emu.setFaults(undefined);
    expect(first.code, first.stderr).toBe(0);
    expect(seq().slice(0, 3)).toEqual(['CreateSecret lost', 'CreateSecret ALREADY_EXISTS', 'UpdateSecret 200']);
    expect(parseLease(leaseText(emu, 'dev') ?? '').kind).toBe('free');

    // The taking update and the freeing update land with their answers lost (seeded draw).
    await writeFile(join(dir, 'src/api.js'), 'export const handler = async () => ({ statusCode: 200, body: "v2" });\n');
    emu.clearCalls();
    emu.setFaults({ rate: 0.5, seed: 8, kinds: ['lost'], apis: ['secretmanager'], rpcs: ['UpdateSecret'] });
    const second = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    emu.setFaults(undefined);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).not.toContain('could not release');
    // Taking: lost, sent again (FAILED_PRECONDITION: it met itself), read again (ours), written; freeing: lost, sent again, read again (free).
    expect(seq()).toEqual(['UpdateSecret lost', 'UpdateSecret FAILED_PRECONDITION', 'UpdateSecret 200', 'UpdateSecret lost', 'UpdateSecret FAILED_PRECONDITION']);
    expect(parseLease(leaseText(emu, 'dev') ?? '').kind).toBe('free');
    expect(emu.state.functions.size).toBeGreaterThan(0);
  });

  it('remove deletes the lease secret with the stage', async () => {
    const dir = await newProject(shopFiles());
    expect((await fnx(emu, dir, ['deploy', '--stage', 'dev'])).code).toBe(0);
    expect(leaseText(emu, 'dev')).toBeDefined();
    const r = await fnx(emu, dir, ['remove', '--stage', 'dev', '--yes']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(emu.state.functions.size).toBe(0);
    expect(emu.state.secrets.has(leaseSecret('dev'))).toBe(false);
    expect(emu.leaseWrites().map((c) => `${c.rpc} ${c.status}`).at(-1)).toBe('DeleteSecret 200');
  });

  it('promote and rollback of a stage never deployed create no lease secret and write nothing', async () => {
    const dir = await newProject(shopFiles());
    for (const command of ['promote', 'rollback']) {
      const r = await fnx(emu, dir, [command, '--stage', 'qa']);
      expect(r.stderr, command).not.toMatch(/\n\s+at .*:\d+/);
      expect(r.stderr, command).not.toContain('E_STAGE_LOCKED');
    }
    expect(emu.state.secrets.size).toBe(0);
    expect(emu.leaseWrites()).toEqual([]);
    expect(emu.writeCalls()).toEqual([]);
    expect(emu.callsTo('secretmanager', 'GetSecret').length).toBeGreaterThan(0);
  });
});
