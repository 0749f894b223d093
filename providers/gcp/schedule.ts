/**
 * Schedules as Cloud Scheduler jobs: fnx's five-field UTC cron is unix-cron already (checked by
 * the core); a rate becomes the cron that fires at the same interval, which exists only when the
 * interval divides an hour or a day evenly.
 */
import { ExitCode, FnxError, type ScheduleTrigger } from '../../src/driver.js';

function invalid(message: string, hint: string): FnxError {
  return new FnxError('E_GCP_SCHEDULE', message, { hint, exitCode: ExitCode.usage });
}

/** The Cloud Scheduler `schedule` (unix-cron, time zone UTC) of a schedule trigger. */
export function schedulerExpression(t: Pick<ScheduleTrigger, 'cron' | 'rateSeconds'>): string {
  if (t.cron !== undefined) return t.cron.trim().split(/\s+/).join(' ');
  const s = t.rateSeconds ?? 0;
  const hint = 'Cloud Scheduler runs on cron: use a rate that divides an hour (1m, 2m, 5m, 10m, 15m, 20m, 30m) or a day (1h, 2h, 3h, 4h, 6h, 8h, 12h, 24h), or write `cron:`.';
  if (s <= 0 || s % 60 !== 0) throw invalid(`Schedule rate ${s}s is not a whole number of minutes.`, hint);
  const m = s / 60;
  if (m < 60 && 60 % m === 0) return m === 1 ? '* * * * *' : `*/${m} * * * *`;
  if (m % 60 === 0) {
    const h = m / 60;
    if (h === 24) return '0 0 * * *';
    if (h < 24 && 24 % h === 0) return h === 1 ? '0 * * * *' : `0 */${h} * * *`;
  }
  throw invalid(`Schedule rate ${m} minutes cannot be written as a Cloud Scheduler cron.`, hint);
}
