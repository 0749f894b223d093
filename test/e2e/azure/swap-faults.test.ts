/**
 * Premium: a slot swap is not idempotent (sent twice, it swaps back). With the answers of the
 * swap's operation polls lost or failing, the release and the rollback each swap exactly once and
 * production serves what they meant it to, not the previous code under a report of success.
 * Needs `npm run build`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AzureEmulator, TrafficEvent } from '../../emulators/azure/index.js';
import { fnx, newProject, shopFiles, startWorld, writeProject } from './world.js';

let emu: AzureEmulator;
beforeAll(async () => {
  emu = await startWorld();
});
afterAll(async () => {
  await emu?.close();
});

const POLLS = ['AsyncOperation_Get', 'OperationResult_Get'];
type Swap = Extract<TrafficEvent, { kind: 'swap' }>;
type Deployment = Extract<TrafficEvent, { kind: 'deployment' }>;

/** The api app's swaps and staging deployments logged by `run`. */
async function logged(run: () => Promise<{ code: number; stderr: string; stdout: string }>) {
  const mark = emu.traffic.length;
  emu.clearCalls();
  const r = await run();
  const events = emu.traffic.slice(mark).filter((t) => /-api-/.test(t.app));
  const pollFaults = emu.calls.filter((c) => c.fault && POLLS.includes(c.operation)).length;
  return { r, pollFaults, swaps: events.filter((t): t is Swap => t.kind === 'swap'), deployments: events.filter((t): t is Deployment => t.kind === 'deployment' && t.slot !== 'production') };
}

describe('azure premium: swaps under lost operation polls', () => {
  it.each([2, 3, 4])('seed %i: one swap per release and per rollback; production serves the intended code', { timeout: 120_000 }, async (seed) => {
    emu.reset();
    emu.setAlertState('shop-errors', 'Healthy');
    const dir = await newProject(shopFiles('premium', { release: '{ strategy: all-at-once, health: { alarms: [shop-errors] } }' }));
    const first = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(first.code, first.stderr).toBe(0);
    const v1 = [...emu.state.sites.values()].find((s) => /-api-/.test(s.name))!.production.package!.sha256;
    await writeProject(dir, { 'src/api.js': 'export const handler = async () => ({ statusCode: 200, body: "v2" });\n' });

    emu.setFaults({ rate: 0.6, kinds: ['error500', 'reset'], seed, operations: POLLS });
    const release = await logged(() => fnx(emu, dir, ['deploy', '--stage', 'dev']));
    expect(release.r.code, release.r.stderr + release.r.stdout).toBe(0);
    expect(release.pollFaults).toBeGreaterThan(0);
    expect(release.deployments).toHaveLength(1);
    const v2 = release.deployments[0]!.sha256;
    expect(v2).not.toBe(v1);
    expect(release.swaps.map((s) => s.sha256InProduction)).toEqual([v2]);

    const rollback = await logged(() => fnx(emu, dir, ['rollback', '--stage', 'dev', '--function', 'api']));
    emu.setFaults(undefined);
    expect(rollback.r.code, rollback.r.stderr + rollback.r.stdout).toBe(0);
    expect(rollback.pollFaults).toBeGreaterThan(0);
    expect(rollback.swaps.map((s) => s.sha256InProduction)).toEqual([v1]);
  });
});
