/** Alarm gate: any named provider alarm in the ALARM state fails the release. */
import type { HealthSample } from '../../driver.js';

/** A failure reason, or undefined when no watched alarm fires. */
export function alarmFailure(sample: HealthSample, watched: readonly string[]): string | undefined {
  const firing = sample.alarmsFiring.filter((a) => watched.length === 0 || watched.includes(a));
  if (firing.length === 0) return undefined;
  return `alarm${firing.length > 1 ? 's' : ''} ${firing.join(', ')} in ALARM state`;
}
