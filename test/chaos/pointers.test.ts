/**
 * The pointer log over a release whose gate fails: on every cloud, the emulator logs each pointer
 * change (AWS alias, Azure slot routing and swaps, GCP traffic split). A canary of new code takes
 * its share, the test then fails the function's health gate, fnx rolls back; over the whole log,
 * no change ever names a version that had not finished publishing, and after the rollback no
 * change routes to the gated-out version again — not the unchanged deploy that follows (under
 * faults), nor the deploy of fixed code after it. `npm test` runs it on AWS, `npm run test:chaos`
 * on every cloud. Needs `npm run build`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { FULL, gateVerdict, routesAfterVerdict, unpublishedRoutes } from './checks.js';
import { PROVIDERS, startChaosWorld, type ChaosWorld, type PointerChange } from './worlds.js';

const worlds: ChaosWorld[] = [];
afterAll(async () => {
  await Promise.all(worlds.map((w) => w.close()));
});

describe('the pointer checks can fail', () => {
  const log: PointerChange[] = [
    { target: 'f', routes: { '1': 1 }, problems: [] },
    { target: 'f', routes: { '1': 0.9, '2': 0.1 }, problems: [] },
    { target: 'f', routes: { '1': 1 }, problems: [] },
    { target: 'f', routes: { '1': 0.5, '2': 0.5 }, problems: ['version 2 is Pending'] },
  ];
  it('finds the gated-out version, a route to it after the rollback, and a route to an unfinished version', () => {
    const v = gateVerdict(log, 1);
    expect(v).toEqual({ target: 'f', version: '2', rollback: 2 });
    expect(routesAfterVerdict(log, v!)).toEqual(['#3 f routes 0.5 to 2, whose gate had failed']);
    expect(unpublishedRoutes(log)).toEqual(['#3 f: version 2 is Pending']);
  });
});

describe.each(FULL ? PROVIDERS : (['aws'] as const))('%s: no pointer on an unfinished or gated-out version', (provider) => {
  it('canary of new code, gate fails, rollback; an unchanged deploy under faults and a fixed deploy never route to it again', { timeout: 300_000 }, async () => {
    const w = await startChaosWorld(provider);
    worlds.push(w);
    const dir = await w.newProject(w.project(2, 'v1'));
    const first = await w.fnx(dir, ['deploy', '--stage', 'dev']);
    expect(first.code, first.stderr).toBe(0);

    const start = w.pointers().length;
    await w.writeProject(dir, w.project(2, 'bad'));
    // The gate fails once the new code has its first share (the emulator runs in this process).
    const watch = setInterval(() => {
      if (w.pointers().length > start) w.setGate(true);
    }, 5);
    const bad = await w.fnx(dir, ['deploy', '--stage', 'dev']);
    clearInterval(watch);
    w.setGate(false);
    expect(bad.code, bad.stderr + bad.stdout).toBe(3);

    const verdict = gateVerdict(w.pointers(), start);
    expect(verdict, JSON.stringify(w.pointers().slice(start))).toBeDefined();

    w.setFaults({ rate: 0.2, seed: 5 });
    const unchanged = await w.fnx(dir, ['deploy', '--stage', 'dev']);
    w.setFaults(undefined);
    expect([0, 3], unchanged.stderr + unchanged.stdout).toContain(unchanged.code);

    await w.writeProject(dir, w.project(2, 'v3'));
    const fixed = await w.fnx(dir, ['deploy', '--stage', 'dev']);
    expect(fixed.code, fixed.stderr + fixed.stdout).toBe(0);

    const log = w.pointers();
    expect(unpublishedRoutes(log)).toEqual([]);
    expect(routesAfterVerdict(log, verdict!)).toEqual([]);
  });
});
