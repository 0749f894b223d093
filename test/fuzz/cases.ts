/** The cases of a run: case `i` of seed `s` is the same everywhere (it depends on s and i only). */
import { loadSeeds, type Seed } from './corpus.js';
import { makeCase, type FuzzCase } from './mutators.js';
import { caseSeed, Rng } from './rng.js';

export interface NumberedCase extends FuzzCase {
  readonly index: number;
  readonly seed: Seed;
}

/** `light`: smaller big inputs (the slice in `npm test`); the long run uses the full sizes. */
export function caseAt(seeds: readonly Seed[], seed: number, index: number, light = false): NumberedCase {
  const rng = new Rng(caseSeed(seed, index));
  const s = seeds[Math.floor(rng.next() * seeds.length)]!;
  return { ...makeCase(rng, [s], light), index, seed: s };
}

export { loadSeeds };
