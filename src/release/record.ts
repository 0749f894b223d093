/** Builds the ReleaseRecord written on the pointer with every shift (the release's state, in the cloud). */
import type { ReleaseRecord, ReleaseStatus, RollbackCause } from '../driver.js';

/** The fields of a record that stay fixed for the whole release. */
export type ReleaseBase = Omit<ReleaseRecord, 'status' | 'step' | 'reason' | 'time' | 'cause'>;

/** The record for a pointer write at clock time `at` (`time` is when the release reached this state). */
export function recordAt(base: ReleaseBase, status: ReleaseStatus, step: number, at: number, reason?: string, cause?: RollbackCause): ReleaseRecord {
  return { ...base, status, step: Math.max(0, step), time: new Date(at).toISOString(), ...(reason ? { reason } : {}), ...(cause ? { cause } : {}) };
}

/** A short deploy id for commands that move a pointer without a deploy (rollback). */
export function commandId(verb: string, now: number): string {
  return `${verb}-${now.toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}
