// CloudWatch Logs streams and events: CreateLogStream, PutLogEvents, DescribeLogStreams,
// GetLogEvents, FilterLogEvents (simple filter patterns), and the writes Lambda makes itself.
import { AwsError, num, reqStr, str, strList } from '../protocol.js';
import type { Emulator } from '../emulator.js';
import type { LogEvent, LogGroup, LogStream } from '../state.js';

type In = Record<string, unknown>;

const invalid = (message: string) => new AwsError('InvalidParameterException', message, 400);
const notFound = (message: string) => new AwsError('ResourceNotFoundException', message, 400);

/** The group of an input's logGroupName or logGroupIdentifier (name or ARN): exactly one of them. */
export function inputGroup(em: Emulator, input: In): LogGroup {
  const name = str(input, 'logGroupName');
  const id = str(input, 'logGroupIdentifier');
  if (name !== undefined && id !== undefined) throw invalid('LogGroupName and LogGroupIdentifier are mutually exclusive parameters.');
  const ref = name ?? id;
  if (ref === undefined) throw invalid('Either LogGroupName or LogGroupIdentifier must be provided.');
  const g = em.state.logs.groups.get(/:log-group:([^:]+)(?::\*)?$/.exec(ref)?.[1] ?? ref);
  if (!g) throw notFound('The specified log group does not exist.');
  return g;
}

function streamOf(g: LogGroup, name: string): LogStream {
  const s = g.streams.get(name);
  if (!s) throw notFound('The specified log stream does not exist.');
  return s;
}

/** Appends events to a stream, creating the group and the stream if needed (as Lambda's log agent does). */
export function appendLogs(em: Emulator, groupName: string, streamName: string, messages: readonly string[], timestamp = em.now()): void {
  let g = em.state.logs.groups.get(groupName);
  if (!g) {
    g = { name: groupName, arn: em.arn('logs', `log-group:${groupName}`), created: timestamp, tags: {}, streams: new Map() };
    em.state.logs.groups.set(groupName, g);
  }
  let s = g.streams.get(streamName);
  if (!s) {
    s = { name: streamName, created: timestamp, events: [] };
    g.streams.set(streamName, s);
  }
  for (const message of messages) s.events.push({ timestamp, ingestionTime: em.now(), message, seq: em.state.logs.seq++ });
}

function streamOutput(g: LogGroup, s: LogStream): In {
  const last = s.events.at(-1);
  return {
    logStreamName: s.name,
    creationTime: s.created,
    firstEventTimestamp: s.events[0]?.timestamp,
    lastEventTimestamp: last?.timestamp,
    lastIngestionTime: last?.ingestionTime,
    arn: `${g.arn}:log-stream:${s.name}`,
    storedBytes: 0,
  };
}

function limitOf(input: In, max: number): number {
  const limit = num(input, 'limit') ?? max;
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw invalid(`1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value between 1 and ${max}`);
  }
  return limit;
}

function offsetToken(input: In): number {
  const token = str(input, 'nextToken');
  if (token === undefined) return 0;
  const n = Number(Buffer.from(token, 'base64url').toString('utf8').replace(/^o:/, ''));
  if (!Number.isInteger(n) || n < 0) throw invalid('The specified nextToken is invalid.');
  return n;
}

const token = (n: number) => Buffer.from(`o:${n}`).toString('base64url');

/**
 * A filter pattern of simple terms, as CloudWatch Logs matches them: every term must occur in the
 * message (case-sensitive), `"quoted phrases"` are one term, `-term` must not occur, and when
 * `?term`s are given at least one of them must. JSON (`{ $.x = ... }`) and space-delimited
 * (`[a, b]`) patterns and regular expressions (`%...%`) are not emulated: InvalidParameterException.
 */
export function compileFilter(pattern: string | undefined): (message: string) => boolean {
  const text = (pattern ?? '').trim();
  if (!text) return () => true;
  if (/^[{[%]/.test(text)) throw invalid(`Invalid filter pattern (this emulator matches simple terms only): ${text}`);
  const all: string[] = [];
  const none: string[] = [];
  const any: string[] = [];
  for (const m of text.matchAll(/([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))/g)) {
    const term = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
    (m[1] === '-' ? none : m[1] === '?' ? any : all).push(term);
  }
  return (message) => all.every((t) => message.includes(t)) && !none.some((t) => message.includes(t)) && (any.length === 0 || any.some((t) => message.includes(t)));
}

export function logEventOps(em: Emulator): Record<string, { run: (input: In) => unknown }> {
  return {
    CreateLogStream: {
      run(input) {
        const g = inputGroup(em, { logGroupName: reqStr(input, 'logGroupName') });
        const name = reqStr(input, 'logStreamName');
        if (!/^[^:*]{1,512}$/.test(name)) throw invalid(`Invalid log stream name: ${name}`);
        if (g.streams.has(name)) throw new AwsError('ResourceAlreadyExistsException', 'The specified log stream already exists', 400);
        g.streams.set(name, { name, created: em.now(), events: [] });
        return {};
      },
    },
    PutLogEvents: {
      run(input) {
        const g = inputGroup(em, { logGroupName: reqStr(input, 'logGroupName') });
        const s = streamOf(g, reqStr(input, 'logStreamName'));
        const events = Array.isArray(input.logEvents) ? (input.logEvents as In[]) : [];
        if (events.length === 0 || events.length > 10_000) throw invalid('logEvents must hold 1 to 10000 events');
        for (let i = 1; i < events.length; i++) {
          if (Number(events[i]?.timestamp) < Number(events[i - 1]?.timestamp)) throw invalid('Log events in a single PutLogEvents request must be in chronological order.');
        }
        for (const e of events) s.events.push({ timestamp: Number(e.timestamp), ingestionTime: em.now(), message: String(e.message ?? ''), seq: em.state.logs.seq++ });
        return { nextSequenceToken: token(s.events.length) };
      },
    },
    DescribeLogStreams: {
      run(input) {
        const g = inputGroup(em, input);
        const prefix = str(input, 'logStreamNamePrefix');
        const orderBy = str(input, 'orderBy') ?? 'LogStreamName';
        if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') throw invalid(`1 validation error detected: Value '${orderBy}' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]`);
        if (prefix !== undefined && orderBy === 'LastEventTime') throw invalid('Cannot order by LastEventTime with a logStreamNamePrefix.');
        const limit = limitOf(input, 50);
        const start = offsetToken(input);
        const last = (s: LogStream) => s.events.at(-1)?.timestamp ?? s.created;
        const all = [...g.streams.values()]
          .filter((s) => prefix === undefined || s.name.startsWith(prefix))
          .sort((a, b) => (orderBy === 'LogStreamName' ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : last(a) - last(b)));
        if (input.descending === true) all.reverse();
        return { logStreams: all.slice(start, start + limit).map((s) => streamOutput(g, s)), nextToken: start + limit < all.length ? token(start + limit) : undefined };
      },
    },
    GetLogEvents: {
      run(input) {
        const g = inputGroup(em, input);
        const s = streamOf(g, reqStr(input, 'logStreamName'));
        const from = num(input, 'startTime');
        const to = num(input, 'endTime');
        const limit = limitOf(input, 10_000);
        // startTime is inclusive, endTime exclusive.
        const events = s.events.filter((e) => (from === undefined || e.timestamp >= from) && (to === undefined || e.timestamp < to));
        const given = str(input, 'nextToken');
        let start: number;
        let end: number;
        if (given !== undefined) {
          const m = /^([fb])\/(\d+)$/.exec(given);
          if (!m) throw invalid('The specified nextToken is invalid.');
          const at = Math.min(Number(m[2]), events.length);
          [start, end] = m[1] === 'f' ? [at, Math.min(events.length, at + limit)] : [Math.max(0, at - limit), at];
        } else if (input.startFromHead === true) {
          [start, end] = [0, Math.min(events.length, limit)];
        } else {
          [start, end] = [Math.max(0, events.length - limit), events.length];
        }
        return {
          events: events.slice(start, end).map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime })),
          nextForwardToken: `f/${end}`,
          nextBackwardToken: `b/${start}`,
        };
      },
    },
    FilterLogEvents: {
      run(input) {
        const g = inputGroup(em, input);
        const names = strList(input, 'logStreamNames');
        const prefix = str(input, 'logStreamNamePrefix');
        if (names && prefix !== undefined) throw invalid('logStreamNames and logStreamNamePrefix are mutually exclusive parameters.');
        if (names && (names.length < 1 || names.length > 100)) throw invalid('logStreamNames must hold 1 to 100 names');
        const from = num(input, 'startTime');
        const to = num(input, 'endTime');
        const matches = compileFilter(str(input, 'filterPattern'));
        const limit = limitOf(input, 10_000);
        const start = offsetToken(input);
        const streams = [...g.streams.values()].filter((s) => (!names || names.includes(s.name)) && (prefix === undefined || s.name.startsWith(prefix)));
        // Events before startTime and after endTime are not returned (both bounds inclusive).
        const found: { stream: string; e: LogEvent }[] = streams
          .flatMap((s) => s.events.map((e) => ({ stream: s.name, e })))
          .filter(({ e }) => (from === undefined || e.timestamp >= from) && (to === undefined || e.timestamp <= to) && matches(e.message))
          .sort((a, b) => a.e.timestamp - b.e.timestamp || a.e.seq - b.e.seq);
        const page = found.slice(start, start + limit);
        return {
          events: page.map(({ stream, e }) => ({ logStreamName: stream, timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime, eventId: String(e.seq).padStart(56, '0') })),
          nextToken: start + limit < found.length ? token(start + limit) : undefined,
        };
      },
    },
  };
}
