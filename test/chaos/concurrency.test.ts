/**
 * Two deploys of one stage at once, from two checkouts with different code for every function,
 * started a seeded 0–200 ms apart: exactly one exits 0 and the other exits 4 (with its own clear
 * message, no stack trace); every live pointer serves the winner's code (AWS: the served versions' CodeSha256
 * against the winner's artifacts); a deploy of the winner's checkout afterwards converges (the loser may have
 * left unpublished code beside the live versions: the one after it writes nothing); and no
 * pointer change ever named an unfinished version. `npm test`: 2 trials on AWS;
 * `npm run test:chaos`: 20 per cloud. Needs `npm run build`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { prng } from '../emulators/shared/faults.js';
import { FULL, unpublishedRoutes } from './checks.js';
import { PROVIDERS, startChaosWorld, type ChaosWorld, type Provider } from './worlds.js';

const N = 3;
const TRIALS = FULL ? 20 : 2;

const worlds: ChaosWorld[] = [];
afterAll(async () => {
  await Promise.all(worlds.map((w) => w.close()));
});

/** The project's sources with `marker` in every function's code. */
function sources(w: ChaosWorld, marker: string): Record<string, string> {
  const files = w.project(N, marker);
  for (const k of Object.keys(files)) if (k.startsWith('src/')) files[k] = `export const handler = async () => ({ body: "${marker}-${k}" });\n`;
  return files;
}

describe.each(FULL ? PROVIDERS : (['aws'] as Provider[]))('%s: two deploys of one stage at once', (provider) => {
  it(`${TRIALS} overlapping pairs: exactly one wins, the other exits 4, never a mixed stage`, { timeout: 3_600_000 }, async () => {
    const w = await startChaosWorld(provider);
    worlds.push(w);
    const random = prng(provider === 'aws' ? 26 : provider === 'azure' ? 27 : 28);
    const a = await w.newProject(sources(w, 'a0'));
    const b = await w.newProject(sources(w, 'a0'));
    const first = await w.fnx(a, ['deploy', '--stage', 'dev']);
    expect(first.code, first.stderr).toBe(0);
    const outcomes: string[] = [];
    for (let trial = 1; trial <= TRIALS; trial++) {
      await w.writeProject(a, sources(w, `a${trial}`));
      await w.writeProject(b, sources(w, `b${trial}`));
      const stagger = Math.floor(random() * 200);
      const [ra, rb] = await Promise.all([
        w.fnx(a, ['deploy', '--stage', 'dev']),
        new Promise<void>((r) => setTimeout(r, stagger)).then(() => w.fnx(b, ['deploy', '--stage', 'dev'])),
      ]);
      const where = `trial ${trial} (b ${stagger} ms later)`;
      outcomes.push(`${ra.code}/${rb.code}`);
      expect([ra.code, rb.code].sort(), `${where}\n--- a:\n${ra.stderr}\n--- b:\n${rb.stderr}`).toEqual([0, 4]);
      const loser = ra.code === 4 ? ra : rb;
      expect(loser.stderr, where).toMatch(/concurrent/);
      expect(loser.stderr, where).not.toMatch(/\n\s+at .*:\d+/);
      // What serves is wholly the winner's (the loser may have left its code unpublished beside it).
      expect(w.notServing?.(ra.code === 0 ? a : b) ?? [], `${where}: live code that is not the winner's`).toEqual([]);
      const winner = await w.fnx(ra.code === 0 ? a : b, ['deploy', '--stage', 'dev']);
      expect(winner.code, `${where}: ${winner.stderr}`).toBe(0);
      w.clearCalls();
      const settled = await w.fnx(ra.code === 0 ? a : b, ['deploy', '--stage', 'dev']);
      expect(settled.code, `${where}: ${settled.stderr}`).toBe(0);
      expect(w.counts().writes, `${where}: the winner's stage does not settle\n${settled.stdout}`).toBe(0);
      expect(unpublishedRoutes(w.pointers()), where).toEqual([]);
    }
    console.log(`chaos concurrency ${provider}: ${TRIALS} pairs, exit codes a/b: ${outcomes.join(' ')}`);
  });
});
