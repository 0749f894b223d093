/** Alarm gate: any named provider alarm in the ALARM state, or missing, fails the release. */
import type { HealthSample } from '../../driver.js';

/** A failure reason, or undefined when no watched alarm fires. An alarm that does not exist fails: it could never fire. */
export function alarmFailure(sample: HealthSample, watched: readonly string[]): string | undefined {
  const missing = sample.alarmsMissing ?? [];
  if (missing.length > 0) return `alarm${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not found (check the name and the region)`;
  const firing = sample.alarmsFiring.filter((a) => watched.length === 0 || watched.includes(a));
  if (firing.length === 0) return undefined;
  return `alarm${firing.length > 1 ? 's' : ''} ${firing.join(', ')} in ALARM state`;
}
