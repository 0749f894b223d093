/** Five-field cron syntax (minute hour day-of-month month day-of-week, UTC), checked without a cloud. */
import { plural } from '../report/plural.js';

export interface CronProblem {
  /** Character offset of the offending field in the expression. */
  readonly offset: number;
  readonly message: string;
  readonly hint: string;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** Value of names[0]. */
  readonly namesBase?: number;
}
const FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, namesBase: 1 },
  { name: 'day-of-week', min: 0, max: 7, names: DAYS, namesBase: 0 },
];

const SHAPE = 'minute hour day-of-month month day-of-week, e.g. "0 2 * * *" (02:00 UTC every day)';

/** Undefined when `expr` is a valid five-field cron expression. */
export function checkCron(expr: string): CronProblem | undefined {
  const tokens: { text: string; offset: number }[] = [];
  for (const m of expr.matchAll(/\S+/g)) tokens.push({ text: m[0], offset: m.index ?? 0 });
  if (tokens.length !== FIELDS.length) {
    return {
      offset: 0,
      message: `Cron expression "${expr}" has ${plural(tokens.length, 'field')}; fnx uses 5.`,
      hint: `Write ${SHAPE}. Seconds and years are not supported; for a fixed interval use \`rate: 5m\`.`,
    };
  }
  for (let i = 0; i < FIELDS.length; i++) {
    const field = FIELDS[i]!;
    const token = tokens[i]!;
    const bad = checkField(token.text, field);
    if (bad) return { offset: token.offset, message: `Cron expression "${expr}": the ${field.name} field ${bad}.`, hint: `Write ${SHAPE}.` };
  }
  return undefined;
}

function checkField(text: string, f: Field): string | undefined {
  if (text === '?') return 'uses `?`, which 5-field cron does not have (write `*`)';
  for (const item of text.split(',')) {
    if (item === '') return 'has an empty list item';
    const [range, step, extra] = item.split('/');
    if (extra !== undefined) return 'has more than one `/`';
    if (step !== undefined && !/^[0-9]+$/.test(step)) return `has step \`${step}\`, which is not a number`;
    if (step !== undefined && Number(step) < 1) return 'has a step of 0';
    if (range === '*') continue;
    const bounds = (range ?? '').split('-');
    if (bounds.length > 2) return `has a bad range \`${range}\``;
    const values: number[] = [];
    for (const b of bounds) {
      const v = value(b, f);
      if (v === undefined) {
        return `has \`${b}\`, which is not ${f.names ? `a number ${f.min}-${f.max} or a name (${f.names.join(', ')})` : `a number ${f.min}-${f.max}`}`;
      }
      values.push(v);
    }
    if (values.length === 2 && values[0]! > values[1]!) return `has range \`${range}\` that runs backwards`;
  }
  return undefined;
}

function value(text: string, f: Field): number | undefined {
  if (/^[0-9]+$/.test(text)) {
    const n = Number(text);
    return n >= f.min && n <= f.max ? n : undefined;
  }
  const i = f.names?.indexOf(text.toUpperCase()) ?? -1;
  return i >= 0 ? i + (f.namesBase ?? 0) : undefined;
}
