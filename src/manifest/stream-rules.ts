/**
 * The neutral rules of a `stream` trigger the schema cannot express: the source names its table
 * (dynamodb) or stream (kinesis) and not the other, and `timestamp` goes with
 * `startingPosition: atTimestamp` and only with it. Provider limits are the providers' rules.
 */
import type { FnxError } from '../errors.js';
import type { Locator } from './locator.js';
import { isRecord, join } from './pointer.js';
import { problem } from './problems.js';

const FIELD = { dynamodb: 'table', kinesis: 'stream' } as const;

/** Problems of the stream trigger `t` written at JSON pointer `at` (`/functions/f/triggers/0/stream`). */
export function streamProblems(t: unknown, at: string, locator: Locator): FnxError[] {
  if (!isRecord(t) || (t.source !== 'dynamodb' && t.source !== 'kinesis')) return [];
  const out: FnxError[] = [];
  const wanted = FIELD[t.source];
  const other = t.source === 'dynamodb' ? 'stream' : 'table';
  if (t[other] !== undefined) {
    out.push(
      problem(
        'E_STREAM_SOURCE',
        `A stream trigger with \`source: ${t.source}\` names its ${t.source === 'dynamodb' ? 'table' : 'data stream'} with \`${wanted}:\`, not \`${other}:\`.`,
        locator.locate(join(at, other), 'key'),
        `Write \`${wanted}: <name or ARN>\`, or change \`source\` to \`${t.source === 'dynamodb' ? 'kinesis' : 'dynamodb'}\`.`,
      ),
    );
  } else if (t[wanted] === undefined) {
    out.push(problem('E_STREAM_SOURCE', `A stream trigger with \`source: ${t.source}\` needs \`${wanted}:\` (the ${t.source === 'dynamodb' ? 'table' : 'data stream'}'s name or ARN).`, locator.locate(at, 'key'), `Add \`${wanted}: <name or ARN>\`.`));
  }
  const atTimestamp = t.startingPosition === 'atTimestamp';
  if (atTimestamp && t.timestamp === undefined) {
    out.push(problem('E_STREAM_TIMESTAMP', '`startingPosition: atTimestamp` needs `timestamp:` (where reading starts).', locator.locate(join(at, 'startingPosition')), 'Add `timestamp: 2026-01-31T12:00:00Z` (ISO 8601 with a zone), or use `latest` or `trimHorizon`.'));
  }
  if (!atTimestamp && t.timestamp !== undefined) {
    out.push(problem('E_STREAM_TIMESTAMP', '`timestamp` is only read with `startingPosition: atTimestamp`.', locator.locate(join(at, 'timestamp'), 'key'), 'Set `startingPosition: atTimestamp`, or remove `timestamp`.'));
  }
  return out;
}
