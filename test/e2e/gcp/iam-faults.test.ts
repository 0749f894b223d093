/**
 * Invoker grants under IAM faults: the policy read and its conditional write are each retried on
 * their own, so a run of failures on one does not use up the other's attempts (seed 2 failed when
 * both were one retried unit: SetIamPolicy E_CLOUD_UNAVAILABLE after 10 attempts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GcpEmulator } from '../../emulators/gcp/index.js';
import { fnx, newProject, shopFiles, startWorld } from './world.js';

const PRIVATE = `  nightly:
    handler: src/worker.handler
    triggers:
      - http: { path: /run, auth: iam }
      - schedule: { rate: 1h, enabled: true }
`;

let emu: GcpEmulator;
beforeAll(async () => {
  emu = await startWorld();
});
afterAll(async () => {
  await emu?.close();
});

const invokers = () => Object.fromEntries([...emu.state.services.values()].map((s) => [s.name.split('/').pop(), s.iam.bindings.filter((b) => b.role === 'roles/run.invoker').flatMap((b) => b.members).sort()]));

describe('gcp invoker grants under IAM faults', () => {
  it('with 60 % of GetIamPolicy and SetIamPolicy calls UNAVAILABLE, the grants converge to the fault-free ones', { timeout: 120_000 }, async () => {
    const clean = await newProject(shopFiles({ extra: PRIVATE }));
    expect((await fnx(emu, clean, ['deploy', '--stage', 'dev'])).code).toBe(0);
    const expected = invokers();
    expect(Object.values(expected).flat().length).toBeGreaterThan(1);
    emu.reset();
    emu.setFaults({ rate: 0.6, seed: 2, rpcs: ['GetIamPolicy', 'SetIamPolicy'], kinds: ['unavailable'] });
    const dir = await newProject(shopFiles({ extra: PRIVATE }));
    // One function at a time: the seeded draws then meet the IAM calls in one order on every run.
    const r = await fnx(emu, dir, ['deploy', '--stage', 'dev', '--concurrency', '1']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const faulted = (rpc: string) => emu.calls.filter((c) => c.fault && c.rpc === rpc).length;
    expect(faulted('SetIamPolicy')).toBeGreaterThan(0);
    expect(faulted('GetIamPolicy')).toBeGreaterThan(0);
    emu.setFaults(undefined);
    expect(invokers()).toEqual(expected);
  });
});
