// Which AWS calls may be faulted, and how (the seeded draw is test/emulators/shared/faults.ts).
import { FaultDice } from '../shared/faults.js';
import type { FaultKind, FaultOptions } from './types.js';

export { prng } from '../shared/faults.js';

export const ALL_FAULT_KINDS: FaultKind[] = ['throttle', 'error500', 'reset', 'slow'];

export class FaultInjector extends FaultDice<FaultKind, FaultOptions> {
  constructor(options?: FaultOptions) {
    super(ALL_FAULT_KINDS, options);
  }

  get slowMs(): number {
    return this.options?.slowMs ?? 2000;
  }

  get retryAfterSeconds(): number | undefined {
    return this.options?.retryAfterSeconds;
  }

  /** Decide whether this call is faulted, and how. Called once per routed request, before it executes. */
  decide(service: string, operation: string): FaultKind | undefined {
    return this.draw((o) => (!o.services || o.services.includes(service)) && (!o.operations || o.operations.includes(operation)));
  }
}
