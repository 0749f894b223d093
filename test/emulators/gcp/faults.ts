// Which Google Cloud API calls may be faulted, and how (the seeded draw is test/emulators/shared/faults.ts).
import { FaultDice } from '../shared/faults.js';
import type { FaultKind, FaultOptions } from './types.js';

export { prng } from '../shared/faults.js';

export const ALL_FAULT_KINDS: FaultKind[] = ['unavailable', 'exhausted', 'error500', 'reset', 'slow', 'lost'];

/** The kinds drawn from when the options name none. */
export const DEFAULT_FAULT_KINDS: FaultKind[] = ['unavailable', 'exhausted'];

export class FaultInjector extends FaultDice<FaultKind, FaultOptions> {
  constructor(options?: FaultOptions) {
    super(DEFAULT_FAULT_KINDS, options);
  }

  get slowMs(): number {
    return this.options?.slowMs ?? 2000;
  }

  /** Decide whether this call is faulted, and how. Called once per routed API call. */
  decide(api: string, rpc: string): FaultKind | undefined {
    return this.draw((o) => (!o.apis || o.apis.includes(api)) && (!o.rpcs || o.rpcs.includes(rpc)));
  }
}
