/** Reading a function's release history (newest first, from the cloud) to find rollback targets. */
import { ROLLBACK_STRATEGY, type ReleaseRecord } from '../driver.js';

export { ROLLBACK_STRATEGY };

/**
 * The version that was live before `current`: walking the history newest first, the first release
 * that went fully live (status live or superseded) and is neither `current` nor a version traffic
 * was rolled back from (by `fnx rollback` or automatically) more recently than it went live.
 * Repeated rollbacks therefore step further back, as far as the history reaches.
 */
export function previousRelease(history: readonly ReleaseRecord[], current: string): string | undefined {
  const excluded = new Set<string>([current]);
  for (const r of history) {
    if (r.strategy === ROLLBACK_STRATEGY) {
      if (r.previous) excluded.add(r.previous);
      continue;
    }
    if (r.status === 'rolled-back') {
      excluded.add(r.version);
      continue;
    }
    if ((r.status === 'live' || r.status === 'superseded') && !excluded.has(r.version)) return r.version;
  }
  return undefined;
}
