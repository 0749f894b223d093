// Deterministic fault decisions: a seeded PRNG (mulberry32) draws once per eligible call.
import type { CallService, FaultKind, FaultOptions } from './types.js';

export const ALL_FAULT_KINDS: FaultKind[] = ['throttle', 'error500', 'reset', 'slow'];

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

export class FaultInjector {
  private random: () => number = prng(1);
  private options: FaultOptions | undefined;

  constructor(options?: FaultOptions) {
    this.set(options);
  }

  set(options: FaultOptions | undefined): void {
    if (options && (options.rate < 0 || options.rate > 1)) throw new Error(`fault rate must be within 0..1, got ${options.rate}`);
    this.options = options;
    this.random = prng(options?.seed ?? 1);
  }

  get slowMs(): number {
    return this.options?.slowMs ?? 2000;
  }

  get retryAfterSeconds(): number {
    return this.options?.retryAfterSeconds ?? 1;
  }

  /**
   * Decide whether this call is faulted, and how. Called once per routed request, before it executes.
   * `service` is 'arm', 'scm' or 'login'; `operation` the emulator's operation name (e.g. 'Sites_CreateOrUpdate').
   */
  decide(service: CallService, operation: string): FaultKind | undefined {
    const o = this.options;
    if (!o || o.rate <= 0) return undefined;
    if (!(o.services ?? ['arm', 'scm']).includes(service)) return undefined;
    if (o.operations && !o.operations.includes(operation)) return undefined;
    if (this.random() >= o.rate) return undefined;
    const kinds = o.kinds && o.kinds.length > 0 ? o.kinds : ALL_FAULT_KINDS;
    return kinds[Math.floor(this.random() * kinds.length)] ?? kinds[0];
  }
}
