/**
 * Crash consistency: the built CLI gets SIGKILL right after the emulator recorded its Nth write of
 * a command, at seeded points across deploy, canary, promote and rollback; then `fnx deploy` again.
 * After each crash: the next deploy converges (exit 0, or 3 when the code it would release was
 * rolled back), the one after it writes nothing, nothing is duplicated (versions of the same code,
 * triggers, permissions), and over the whole pointer log no change ever named a version that had
 * not finished publishing. One stage is carried through all trials, so each crash starts from
 * whatever the previous recovery left. `npm test`: 3 points on AWS; `npm run test:chaos`: 50
 * points per cloud. Needs `npm run build`.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { prng } from '../emulators/shared/faults.js';
import { FULL, unpublishedRoutes } from './checks.js';
import { PROVIDERS, startChaosWorld, type ChaosWorld, type Provider } from './worlds.js';

const N = 4;
/** FNX_CHAOS_TRIALS overrides the full suite's 50 (a shorter run of the same seeded points). */
const TRIALS = FULL ? Number(process.env.FNX_CHAOS_TRIALS ?? 50) : 3;
const PHASES = ['deploy', 'canary', 'promote', 'rollback'] as const;
type Phase = (typeof PHASES)[number];

const worlds: ChaosWorld[] = [];
afterAll(async () => {
  await Promise.all(worlds.map((w) => w.close()));
});

/** Drops the per-function counts of versions / revisions / slots, which grow with every release. */
const triggersAndGrants = (inv: Record<string, number>) => Object.fromEntries(Object.entries(inv).filter(([k]) => !/ (revisions|slots)$/.test(k) && !/^functions$/.test(k)));

describe.each(FULL ? PROVIDERS : (['aws'] as Provider[]))('%s: kill -9 at seeded points, then deploy again', (provider) => {
  it(`${TRIALS} crashes across ${PHASES.join(', ')}: converges, no duplicates, no pointer on an unfinished version, then zero writes`, { timeout: 3_600_000 }, async () => {
    const w = await startChaosWorld(provider);
    worlds.push(w);
    const random = prng(provider === 'aws' ? 16 : provider === 'azure' ? 17 : 18);
    let marker = 0;
    const files = () => ({ 'src/f01.js': w.project(N, `c${marker}`)['src/f01.js']! });
    const dir = await w.newProject(w.project(N, 'c0'));
    const first = await w.fnx(dir, ['deploy', '--stage', 'dev']);
    expect(first.code, first.stderr).toBe(0);
    const baseline = triggersAndGrants(w.inventory());
    /** Most writes seen for a phase that ran to the end: the range the kill point is drawn from. */
    const most: Record<Phase, number> = { deploy: 12, canary: 4, promote: 3, rollback: 2 };
    const summary: Record<Phase, { trials: number; killed: number }> = { deploy: { trials: 0, killed: 0 }, canary: { trials: 0, killed: 0 }, promote: { trials: 0, killed: 0 }, rollback: { trials: 0, killed: 0 } };

    for (let trial = 0; trial < TRIALS; trial++) {
      const phase = PHASES[Math.floor(random() * PHASES.length)]!;
      const point = 1 + Math.floor(random() * most[phase]);
      const where = `trial ${trial} (${phase}, kill after write ${point})`;
      let child: ChildProcess | undefined;
      let killed = false;
      const armed = { onSpawn: (c: ChildProcess) => (child = c) };
      const arm = () => {
        w.clearCalls();
        w.killAfterWrites(point, () => {
          killed = true;
          child?.kill('SIGKILL');
        });
      };
      if (phase === 'deploy' || phase === 'canary') {
        // canary: new code for the first function (its canary policy); deploy: for another one (released at once).
        marker += 1;
        await w.writeProject(dir, phase === 'canary' ? files() : { 'src/f02.js': `export const handler = async () => ({ body: "d${marker}" });\n` });
        arm();
        const r = await w.fnx(dir, ['deploy', '--stage', 'dev'], armed);
        if (!killed) expect([0, 3], `${where}: ${r.stderr}`).toContain(r.code);
      } else if (phase === 'promote') {
        marker += 1;
        await w.writeProject(dir, files());
        const start = await w.fnx(dir, ['deploy', '--stage', 'dev', '--no-wait']);
        expect([0, 3], `${where}: ${start.stderr}`).toContain(start.code);
        arm();
        const r = await w.fnx(dir, ['promote', '--stage', 'dev'], armed);
        if (!killed) expect([0, 3, 4], `${where}: ${r.stderr}`).toContain(r.code);
      } else {
        arm();
        const r = await w.fnx(dir, ['rollback', '--stage', 'dev'], armed);
        if (!killed) expect([0, 3, 4], `${where}: ${r.stderr}`).toContain(r.code);
      }
      w.killAfterWrites(0, () => undefined);
      summary[phase].trials += 1;
      if (killed) summary[phase].killed += 1;
      else most[phase] = Math.max(most[phase], w.counts().writes);

      const again = await w.fnx(dir, ['deploy', '--stage', 'dev']);
      expect([0, 3], `${where}, recovery deploy: ${again.stderr}\n${again.stdout}`).toContain(again.code);
      w.clearCalls();
      const third = await w.fnx(dir, ['deploy', '--stage', 'dev']);
      expect([0, 3], `${where}, third deploy: ${third.stderr}`).toContain(third.code);
      expect(w.counts().writes, `${where}: the third deploy wrote`).toBe(0);
      expect(triggersAndGrants(w.inventory()), `${where}: duplicates`).toEqual(baseline);
      expect(unpublishedRoutes(w.pointers()), where).toEqual([]);
    }
    console.log(`chaos crash ${provider}: ${TRIALS} trials, ${Object.entries(summary).map(([p, s]) => `${p} ${s.killed}/${s.trials} killed`).join(', ')}; kill ranges ${JSON.stringify(most)}`);
  });
});
