/**
 * The rolled-back rule, once for every command and driver: when a deploy's candidate is a version
 * published earlier (it already matches the manifest) that is not live, why it is not live decides
 * what the deploy does.
 *   - never released, or rolled back with no health verdict (interrupted, aborted by `fnx
 *     rollback` while in progress, an error while shifting): the deploy releases it again;
 *   - rolled back by a verdict (a failed gate or hook, `fnx rollback` after it went live) or for a
 *     reason that was not recorded: the deploy does not release it again, says which version, when
 *     and why, and exits 3, unless `--release-rolled-back`.
 * The engine records the cause a failed check means (causeOf): a verdict of a gate or hook is
 * 'failed'; health signals that could not be read are no verdict, so 'error'. Drivers only store
 * the cause with each rolled-back record and report it in history().
 */
import { ROLLBACK_STRATEGY, type ReleaseRecord, type RollbackCause } from '../driver.js';
import type { GateResult } from './types.js';

/** The last time traffic left a version, as the history records it. */
export interface RolledBack {
  readonly version: string;
  /** When it was rolled back ('' when unknown). */
  readonly time: string;
  readonly cause?: RollbackCause;
  readonly reason?: string;
  /** The version traffic went back to, when recorded. */
  readonly to?: string;
}

/** Causes after which the next deploy releases the version again on its own: no verdict on its health. */
const RELEASE_AGAIN: ReadonlySet<RollbackCause> = new Set(['interrupted', 'aborted', 'error']);

/**
 * How `version` last left traffic, from a history read newest first; undefined when its newest
 * record is not a rollback (live, superseded, in progress, never released).
 */
export function lastRollback(history: readonly ReleaseRecord[], version: string): RolledBack | undefined {
  for (const r of history) {
    if (r.strategy === ROLLBACK_STRATEGY) {
      if (r.previous === version) return { version, time: r.time, cause: 'rollback', to: r.version };
      if (r.version === version) return undefined;
      continue;
    }
    if (r.version !== version) continue;
    if (r.status !== 'rolled-back') return undefined;
    return { version, time: r.time, ...(r.cause ? { cause: r.cause } : {}), ...(r.reason ? { reason: r.reason } : {}), ...(r.previous ? { to: r.previous } : {}) };
  }
  return undefined;
}

/** The cause recorded when `result` (a failed gate or hook) rolls a release back. */
export function causeOf(result: GateResult): RollbackCause {
  return result.unreadable ? 'error' : 'failed';
}

/** True when a deploy releases a version rolled back this way again without being asked. */
export function releasesAgain(cause: RollbackCause | undefined): boolean {
  return cause !== undefined && RELEASE_AGAIN.has(cause);
}

/** Why, in words: "a health gate or hook failed: alarm orders-5xx in ALARM state". */
export function rollbackWhy(rb: Pick<RolledBack, 'cause' | 'reason' | 'to'>): string {
  const detail = rb.reason ? `: ${rb.reason}` : '';
  switch (rb.cause) {
    case 'interrupted':
      return 'its release was interrupted';
    case 'aborted':
      return 'its release was aborted by `fnx rollback` while in progress';
    case 'error':
      return `an error stopped its release${detail}`;
    case 'failed':
      return `a health gate or hook failed${detail}`;
    case 'rollback':
      return `\`fnx rollback\` moved traffic back${rb.to ? ` to ${rb.to}` : ''}`;
    default:
      return `the reason was not recorded${detail}`;
  }
}

/** "7 was rolled back at 2024-06-01T12:05:00.000Z (a health gate or hook failed: …)". */
export function describeRollback(rb: RolledBack): string {
  return `${rb.version} was rolled back${rb.time ? ` at ${rb.time}` : ''} (${rollbackWhy(rb)})`;
}

/**
 * For `fnx status`: what a deploy of the same code does with a version that is rolled back or was
 * never released, with why; undefined for other statuses.
 */
export function nextDeployOf(r: ReleaseRecord): string | undefined {
  if (r.status === 'unreleased') return 'never released; a deploy of the same code releases it';
  if (r.status !== 'rolled-back') return undefined;
  const why = rollbackWhy({ ...(r.cause ? { cause: r.cause } : {}), ...(r.previous ? { to: r.previous } : {}) });
  return releasesAgain(r.cause) ? `${why}; a deploy of the same code releases it again` : `${why}; a deploy of the same code stops with exit 3 unless --release-rolled-back`;
}
