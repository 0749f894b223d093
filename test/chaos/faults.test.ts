/**
 * Provider-wide faults: a deploy of an n-function project with a share of the control-plane calls
 * failing (throttling with Retry-After, 500s, connection resets, and in the full run 5 s stalls)
 * converges to exactly the end state of the same deploy without faults, on every cloud; the next
 * deploy writes nothing; no pointer change in the whole log names a version that had not finished
 * publishing. Ratios (attempts, writes, wall time) against the fault-free run are printed.
 * `npm test`: 3 functions, 20 %, one seed per cloud, no stalls. `npm run test:chaos`: 20 functions,
 * 20 % and 40 %, seeds 1–3, 5 s stalls. Needs `npm run build`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { FULL, unpublishedRoutes } from './checks.js';
import { PROVIDERS, startChaosWorld, type ChaosWorld, type FaultPlan, type Provider } from './worlds.js';

const N = FULL ? 20 : 3;
const PLANS: FaultPlan[] = FULL
  ? [0.2, 0.4].flatMap((rate) => [1, 2, 3].map((seed) => ({ rate, seed, stallMs: 5000 })))
  : [{ rate: 0.2, seed: 11 }];

const worlds: ChaosWorld[] = [];
afterAll(async () => {
  await Promise.all(worlds.map((w) => w.close()));
});

interface Run {
  wall: number;
  calls: number;
  writes: number;
  faults: number;
}

async function deploy(w: ChaosWorld, dir: string): Promise<Run> {
  w.clearCalls();
  const t0 = Date.now();
  const r = await w.fnx(dir, ['deploy', '--stage', 'dev']);
  const wall = Date.now() - t0;
  expect(r.code, `${w.provider}: ${r.stderr}\n${r.stdout}`).toBe(0);
  return { wall, ...w.counts() };
}

const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : '-');

describe.each(PROVIDERS as Provider[])('%s: a deploy under injected faults', (provider) => {
  let clean: { snapshot: unknown; run: Run } | undefined;

  it(`without faults (${N} functions): the baseline`, { timeout: 600_000 }, async () => {
    const w = await startChaosWorld(provider);
    worlds.push(w);
    const dir = await w.newProject(w.project(N));
    const run = await deploy(w, dir);
    expect(run.faults).toBe(0);
    clean = { snapshot: w.snapshot(), run };
    expect(unpublishedRoutes(w.pointers())).toEqual([]);
  });

  it.each(PLANS)(`with $rate of calls faulted, seed $seed: same end state, nothing left to write, no pointer on an unfinished version`, { timeout: 1_800_000 }, async (plan) => {
    expect(clean, 'the fault-free run failed').toBeDefined();
    const w = await startChaosWorld(provider);
    worlds.push(w);
    const dir = await w.newProject(w.project(N));
    w.setFaults(plan);
    const run = await deploy(w, dir);
    w.setFaults(undefined);
    expect(run.faults).toBeGreaterThan(0);
    expect(w.snapshot()).toEqual(clean!.snapshot);
    const again = await deploy(w, dir);
    expect(again.writes).toBe(0);
    expect(unpublishedRoutes(w.pointers())).toEqual([]);
    const base = clean!.run;
    console.log(
      `chaos faults ${provider} n=${N} rate=${plan.rate} seed=${plan.seed}${plan.stallMs ? ` stalls=${plan.stallMs}ms` : ''}: ` +
        `${run.faults} faulted of ${run.calls} calls; attempts ${ratio(run.calls, base.calls)}x, writes ${ratio(run.writes, base.writes)}x, ` +
        `retries ${run.calls - base.calls}, wall ${ratio(run.wall, base.wall)}x (${run.wall} ms vs ${base.wall} ms)`,
    );
  });
});
