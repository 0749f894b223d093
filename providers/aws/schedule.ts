/**
 * Schedule expressions: fnx's five-field UTC cron (minute hour day-of-month month day-of-week) and
 * rates in seconds, mapped to EventBridge's `cron(...)` (six fields, year last, exactly one of
 * day-of-month / day-of-week is `?`, days of week 1-7 = SUN-SAT) and `rate(...)`.
 */
import { ExitCode, FnxError } from '../../src/driver.js';

function invalid(message: string, hint: string): FnxError {
  return new FnxError('E_AWS_SCHEDULE', message, { hint, exitCode: ExitCode.usage });
}

const toEventBridgeDay = (n: number): number => (n % 7) + 1;

/**
 * Unix day-of-week numbers (0-7, 0 and 7 = Sunday) to EventBridge's (1-7, 1 = Sunday). A numeric
 * range ending on Sunday 7 (`5-7`, Friday to Sunday) would map to a backwards range (`6-1`), so it
 * becomes `6-7,1` (stepped ranges are listed day by day).
 */
function mapDayOfWeek(field: string): string {
  return field
    .split(',')
    .flatMap((part) => {
      const [range, step] = part.split('/');
      const wrap = /^(\d+)-7$/.exec(range ?? '');
      if (wrap) {
        const from = Number(wrap[1]);
        if (step !== undefined) {
          const days: string[] = [];
          for (let d = from; d <= 7; d += Number(step)) days.push(String(toEventBridgeDay(d)));
          return days;
        }
        const start = toEventBridgeDay(from);
        return start === 1 ? ['1-7'] : [`${start}-7`, '1'];
      }
      const mapped = (range ?? '').replace(/\d+/g, (n) => String(toEventBridgeDay(Number(n))));
      return [step === undefined ? mapped : `${mapped}/${step}`];
    })
    .filter((part, i, all) => all.indexOf(part) === i)
    .join(',');
}

export function cronExpression(cron: string): string {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) {
    throw invalid(`Schedule cron "${cron}" must have 5 fields (minute hour day-of-month month day-of-week).`, 'Example: "0 2 * * *" runs every day at 02:00 UTC.');
  }
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string];
  let dayOfMonth = dom;
  let dayOfWeek: string;
  if (dow === '*' || dow === '?') {
    dayOfWeek = '?';
    if (dayOfMonth === '?') dayOfMonth = '*';
  } else if (dom === '*' || dom === '?') {
    dayOfMonth = '?';
    dayOfWeek = mapDayOfWeek(dow);
  } else {
    throw invalid(
      `Schedule cron "${cron}" restricts both day-of-month and day-of-week, which EventBridge cannot express.`,
      'Use "*" in one of the two fields, or split it into two schedule triggers.',
    );
  }
  return `cron(${minute} ${hour} ${dayOfMonth} ${month} ${dayOfWeek} *)`;
}

export function rateExpression(seconds: number): string {
  const units: [number, string][] = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, unit] of units) {
    if (seconds >= size && seconds % size === 0) {
      const n = seconds / size;
      return `rate(${n} ${unit}${n === 1 ? '' : 's'})`;
    }
  }
  throw invalid(
    `Schedule rate of ${seconds}s is not a whole number of minutes, which EventBridge needs.`,
    'EventBridge rates are whole minutes, hours or days, at least 1 minute: write e.g. `rate: 5m`, `rate: 1h` or seconds that are a multiple of 60.',
  );
}

export function scheduleExpression(t: { cron?: string; rateSeconds?: number }): string {
  if (t.cron !== undefined) return cronExpression(t.cron);
  if (t.rateSeconds !== undefined) return rateExpression(t.rateSeconds);
  throw invalid('A schedule trigger needs cron or rate.', 'Example: { cron: "0 2 * * *" } or { rate: 5m }.');
}
