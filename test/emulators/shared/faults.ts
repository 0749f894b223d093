// Deterministic fault decisions, shared by the emulators: a seeded PRNG (mulberry32) draws once per
// eligible call, before the call has any effect (a faulted call never changes state, so a retry is
// safe). Each emulator says which calls are eligible and which fault kinds it knows.

/** mulberry32: small, fast, deterministic PRNG returning floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What every emulator's fault options have: a rate in 0..1, a seed, and the kinds to draw from. */
export interface SeededFaults<K extends string> {
  readonly rate: number;
  readonly seed?: number;
  readonly kinds?: readonly K[];
}

/** The seeded draw; `set` restarts the PRNG from the options' seed. */
export class FaultDice<K extends string, O extends SeededFaults<K>> {
  private random: () => number = prng(1);
  protected options: O | undefined;

  constructor(
    private readonly allKinds: readonly K[],
    options?: O,
  ) {
    this.set(options);
  }

  set(options: O | undefined): void {
    if (options && (options.rate < 0 || options.rate > 1)) throw new Error(`fault rate must be within 0..1, got ${options.rate}`);
    this.options = options;
    this.random = prng(options?.seed ?? 1);
  }

  /** The fault for one call, or undefined; `eligible` applies the emulator's own filters to the options. */
  protected draw(eligible: (options: O) => boolean): K | undefined {
    const o = this.options;
    if (!o || o.rate <= 0 || !eligible(o)) return undefined;
    if (this.random() >= o.rate) return undefined;
    const kinds = o.kinds && o.kinds.length > 0 ? o.kinds : this.allKinds;
    return kinds[Math.floor(this.random() * kinds.length)] ?? kinds[0];
  }
}
