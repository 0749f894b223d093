/**
 * A fixed, seeded slice of the manifest fuzzer (test/fuzz/main.ts runs the long one): 500 cases
 * with the smaller sizes of the big-input mutators, in-process and every 100th through the built CLI. Every case must end in exit 0 or 2 with positioned
 * problems, no raw control characters, no stack trace, and the same result from the parse cache.
 * Time and memory are printed, not asserted (this machine's load varies).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { caseAt, loadSeeds } from './cases.js';
import { Projects, runCase, runCaseCli } from './harness.js';
import { repoRoot } from './corpus.js';

const SEED = Number(process.env.FNX_FUZZ_SEED ?? 20261202);
const CASES = 500;
const CLI_EVERY = 100;
const seeds = loadSeeds();
const projects = new Projects();
afterAll(() => projects.dispose());

describe(`manifest fuzz slice (seed ${SEED}, ${CASES} cases)`, () => {
  it('every seed manifest is valid and packages as it is', async () => {
    for (const s of seeds) {
      const r = await runCase({ mutator: 'none', bytes: Buffer.from(s.text), stage: s.stages[0] ?? 'dev', vars: {}, env: s.env }, projects.dir(s));
      expect({ seed: s.name, codes: r.codes, failures: r.failures }).toEqual({ seed: s.name, codes: [0, 0, 0], failures: [] });
    }
  });

  it('no case crashes, loses a position, echoes a control character or differs from the cache', { timeout: 120_000 }, async () => {
    const failing: string[] = [];
    let slowest = { ms: 0, index: -1, mutator: '' };
    let exits2 = 0;
    for (let i = 0; i < CASES; i++) {
      const c = caseAt(seeds, SEED, i, true);
      const r = i % CLI_EVERY === 0 ? await runCaseCli(c, projects.dir(c.seed), join(repoRoot(), 'bin', 'fnx.js')) : await runCase(c, projects.dir(c.seed));
      if (r.failures.length) failing.push(`case ${i} (${c.seed.name}; ${c.mutator}): ${r.failures.join(' | ')}`);
      if (r.codes.some((x) => x === 2)) exits2++;
      if (i % CLI_EVERY !== 0 && r.validateMs > slowest.ms) slowest = { ms: r.validateMs, index: i, mutator: c.mutator };
    }
    console.log(`fuzz slice: ${CASES} cases, ${exits2} with manifest errors, ${failing.length} failing; slowest validate ${slowest.ms.toFixed(0)} ms (case ${slowest.index}, ${slowest.mutator}); peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
    expect(failing).toEqual([]);
  });
});
