/**
 * fnx schedules as Azure timer schedules: six-field NCRONTAB (second minute hour day-of-month
 * month day-of-week, UTC). A five-field cron gets second 0; days of week are 0-6 (Sunday 0), so
 * cron's 7 becomes 0 and names become numbers. NCRONTAB runs only when day-of-month AND
 * day-of-week match, where cron runs when either does: a cron restricting both cannot convert.
 * A rate converts when the schedule fields can repeat it exactly (a divisor of a minute, an hour
 * or a day); other rates cannot (`*\/7` minutes restarts at every hour).
 */
import { ExitCode, FnxError } from '../../src/driver.js';

function invalid(message: string, hint: string): FnxError {
  return new FnxError('E_AZURE_SCHEDULE', message, { hint, exitCode: ExitCode.usage });
}

const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

function named(field: string, names: readonly string[], base: number): string {
  return field.replace(/[A-Za-z]+/g, (n) => {
    const i = names.indexOf(n.toUpperCase());
    return i < 0 ? n : String(i + base);
  });
}

/** Days of week 0-7 to 0-6: a 7 alone is 0; a range ending at 7 gets Sunday as its own item. */
function dayOfWeek(field: string): string {
  const items = named(field, DAYS, 0)
    .split(',')
    .flatMap((item) => {
      const [range, step] = item.split('/');
      const wrap = /^(\d+)-7$/.exec(range ?? '');
      if (!wrap) return [(range === '7' ? '0' : range) + (step !== undefined ? `/${step}` : '')];
      const from = Number(wrap[1]);
      if (step !== undefined) {
        const days: string[] = [];
        for (let d = from; d <= 7; d += Number(step)) days.push(String(d % 7));
        return days;
      }
      return from === 0 ? ['0-6'] : [`${from}-6`, '0'];
    });
  return items.filter((x, i) => items.indexOf(x) === i).join(',');
}

export function ncrontabFromCron(cron: string): string {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) {
    throw invalid(`Schedule cron "${cron}" must have 5 fields (minute hour day-of-month month day-of-week).`, 'Example: "0 2 * * *" runs every day at 02:00 UTC.');
  }
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string];
  if (dom !== '*' && dom !== '?' && dow !== '*' && dow !== '?') {
    throw invalid(
      `Schedule cron "${cron}" restricts both day-of-month and day-of-week: cron runs when either matches, Azure's NCRONTAB only when both do.`,
      'Use "*" in one of the two fields, or split it into two schedule triggers.',
    );
  }
  const d = dom === '?' ? '*' : dom;
  const w = dow === '?' ? '*' : dayOfWeek(dow);
  return `0 ${minute} ${hour} ${d} ${named(month, MONTHS, 1)} ${w}`;
}

/** A rate in seconds as NCRONTAB, when the fields can repeat it exactly. */
export function ncrontabFromRate(seconds: number): string {
  const exact = (n: number, within: number) => n >= 1 && within % n === 0;
  if (seconds < 60 && exact(seconds, 60)) return `*/${seconds} * * * * *`;
  if (seconds % 60 === 0 && seconds < 3600 && exact(seconds / 60, 60)) return seconds === 60 ? '0 * * * * *' : `0 */${seconds / 60} * * * *`;
  if (seconds % 3600 === 0 && seconds < 86_400 && exact(seconds / 3600, 24)) return seconds === 3600 ? '0 0 * * * *' : `0 0 */${seconds / 3600} * * *`;
  if (seconds === 86_400) return '0 0 0 * * *';
  throw invalid(
    `Schedule rate of ${seconds}s cannot be an Azure timer schedule: NCRONTAB repeats only intervals that divide a minute, an hour or a day evenly.`,
    'Use a rate such as 30s, 5m, 15m, 1h, 6h or 24h, or write the times as `cron:`.',
  );
}

export function ncrontab(t: { cron?: string; rateSeconds?: number }): string {
  if (t.cron !== undefined) return ncrontabFromCron(t.cron);
  if (t.rateSeconds !== undefined) return ncrontabFromRate(t.rateSeconds);
  throw invalid('A schedule trigger needs cron or rate.', 'Example: { cron: "0 2 * * *" } or { rate: 5m }.');
}
