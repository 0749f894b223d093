/**
 * Sample neutral events (src/events/types.ts) for `fnx invoke --event KIND` and `fnx dev`'s
 * manual triggers, and how `--data` overrides their fields (docs/events.md "Sample events").
 *
 * Overrides are a JSON object deep-merged into the sample: objects merge key by key, anything
 * else (strings, numbers, arrays) replaces. Each element of a queue's `messages` is merged onto
 * a sample message. http also takes shorthands that keep the event consistent: `path` (may carry
 * `?query`) sets rawPath and requestContext.http.path, `method` sets requestContext.http.method,
 * `query` (an object) sets rawQueryString and queryStringParameters, a `body` that is not a
 * string is sent as JSON (with a content-type header), header names are lower-cased (a `cookie`
 * header becomes `cookies`); routeKey and
 * pathParameters follow the function's http trigger that matches. Unknown fields and wrong types
 * are errors that name the field (exit 2).
 */
import { randomUUID } from 'node:crypto';
import { ExitCode, FnxError } from '../errors.js';
import type { Trigger, TriggerKind } from '../manifest/model.js';
import { isRecord } from '../manifest/pointer.js';
import type { HttpEvent, NeutralEvent, QueueEvent, ScheduleEvent, StorageEvent, StreamEvent, TopicEvent } from './types.js';
import { matchRoute, routeKeyOf } from './routes.js';

export interface SampleOptions {
  /** The function's triggers: names (queue, bucket, topic) and http routes come from them. */
  readonly triggers?: readonly Trigger[];
  /** Where the overrides came from, for errors (`the --data option`, `event.json`). Default `--data`. */
  readonly source?: string;
  /** Default: the current time. */
  readonly now?: Date;
}

/** The user agent of sample http events. */
export const SAMPLE_USER_AGENT = 'fnx';

/** A neutral event of `kind` with `overrides` merged in; throws E_EVENT_DATA (exit 2) naming the field when they do not fit. */
export function sampleEvent(kind: TriggerKind, overrides?: unknown, options: SampleOptions = {}): NeutralEvent {
  const source = options.source ?? '--data';
  if (overrides !== undefined && overrides !== null && !isRecord(overrides)) {
    throw dataError(source, '', `must be a JSON object of fields to override, got ${typeName(overrides)}`);
  }
  const over = overrides ?? {};
  const now = options.now ?? new Date();
  const triggers = options.triggers ?? [];
  switch (kind) {
    case 'http':
      return httpSample(over, triggers, now, source);
    case 'schedule':
      return checked<ScheduleEvent>(merge({ kind: 'schedule', id: randomUUID(), time: isoSeconds(now) }, over), SCHEDULE_SHAPE, source);
    case 'queue':
      return queueSample(over, triggers, now, source);
    case 'storage':
      return storageSample(over, triggers, now, source);
    case 'topic': {
      const topic = triggers.find((t) => t.kind === 'topic')?.name ?? 'sample-topic';
      const base = { kind: 'topic', topic, id: randomUUID(), body: '{"sample":true}', attributes: {}, time: now.toISOString() };
      return checked<TopicEvent>(merge(base, over), TOPIC_SHAPE, source);
    }
    case 'stream':
      return streamSample(over, triggers, now, source);
  }
}

function httpSample(over: Record<string, unknown>, triggers: readonly Trigger[], now: Date, source: string): HttpEvent {
  const { path, method, query, ...rest } = over;
  checkType(source, 'path', path, 'string');
  checkType(source, 'method', method, 'string');
  if (query !== undefined && !isRecord(query)) throw dataError(source, 'query', `must be an object of query parameters, got ${typeName(query)}`);
  const routes = triggers.filter((t) => t.kind === 'http');
  const first = routes.find((r) => !r.path.includes('{'));
  const base = {
    version: '2.0',
    routeKey: '$default',
    rawPath: first?.path ?? '/',
    rawQueryString: '',
    headers: { accept: '*/*', host: 'localhost', 'user-agent': SAMPLE_USER_AGENT },
    requestContext: {
      http: { method: first && first.method !== 'ANY' ? first.method : 'GET', path: first?.path ?? '/', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: SAMPLE_USER_AGENT },
      requestId: randomUUID(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
  };
  if (isRecord(rest.headers)) {
    const headers = Object.fromEntries(Object.entries(rest.headers).map(([k, v]) => [k.toLowerCase(), v]));
    // As API Gateway does: the cookie header arrives as the cookies list.
    if (typeof headers.cookie === 'string' && rest.cookies === undefined) rest.cookies = headers.cookie.split(/;\s*/).filter(Boolean);
    delete headers.cookie;
    rest.headers = headers;
  }
  if (rest.body !== undefined && typeof rest.body !== 'string') {
    rest.body = JSON.stringify(rest.body);
    rest.headers = { 'content-type': 'application/json', ...(isRecord(rest.headers) ? rest.headers : {}) };
  }
  const e = merge(base, rest) as Record<string, unknown> & { requestContext: { http: Record<string, unknown> } };
  const ctx = isRecord(e.requestContext) && isRecord(e.requestContext.http) ? e.requestContext.http : undefined;
  if (typeof path === 'string') {
    const q = path.indexOf('?');
    e.rawPath = q < 0 ? path : path.slice(0, q);
    if (q >= 0) e.rawQueryString = path.slice(q + 1);
  }
  if (ctx) {
    if (typeof method === 'string') ctx.method = method.toUpperCase();
    // rawPath is the request's path: the context's follows it unless set on its own.
    if (!(isRecord(rest.requestContext) && isRecord(rest.requestContext.http) && 'path' in rest.requestContext.http)) ctx.path = e.rawPath;
  }
  if (query !== undefined) e.rawQueryString = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString();
  if (typeof e.rawQueryString === 'string' && e.rawQueryString !== '' && !('queryStringParameters' in rest)) e.queryStringParameters = queryParameters(e.rawQueryString);
  const event = checked<HttpEvent>(e, HTTP_SHAPE, source);
  const matched = matchRoute(routes, event.requestContext.http.method, event.rawPath);
  const out: Record<string, unknown> = { ...event };
  if (!('routeKey' in rest) && matched) out.routeKey = routeKeyOf(matched.trigger);
  if (!('pathParameters' in rest) && matched && Object.keys(matched.params).length) out.pathParameters = matched.params;
  return out as unknown as HttpEvent;
}

/** Repeated keys joined with `,`, as payload 2.0 does. */
export function queryParameters(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(raw)) out[k] = k in out ? `${out[k]},${v}` : v;
  return out;
}

function queueSample(over: Record<string, unknown>, triggers: readonly Trigger[], now: Date, source: string): QueueEvent {
  const trigger = triggers.find((t) => t.kind === 'queue');
  const queue = trigger?.name ?? trigger?.arn?.split(':').pop() ?? 'sample-queue';
  const message = () => ({ id: randomUUID(), body: '{"sample":true}', attributes: {}, receiveCount: 1, sentAt: now.toISOString() });
  const { messages, ...rest } = over;
  if (messages !== undefined && !Array.isArray(messages)) throw dataError(source, 'messages', `must be an array of messages, got ${typeName(messages)}`);
  const list = messages === undefined ? [message()] : messages.map((m, i) => {
    if (!isRecord(m)) throw dataError(source, `messages.${i}`, `must be an object, got ${typeName(m)}`);
    return merge(message(), m);
  });
  return checked<QueueEvent>({ ...(merge({ kind: 'queue', queue }, rest) as object), messages: list }, QUEUE_SHAPE, source);
}

function storageSample(over: Record<string, unknown>, triggers: readonly Trigger[], now: Date, source: string): StorageEvent {
  const trigger = triggers.find((t) => t.kind === 'storage');
  const type = over.type === 'deleted' ? 'deleted' : (trigger?.events[0] ?? 'created');
  const base: Record<string, unknown> = {
    kind: 'storage',
    type,
    bucket: trigger?.bucket ?? 'sample-bucket',
    key: `${trigger?.prefix ?? 'sample/'}object${trigger?.suffix ?? '.txt'}`,
    ...(type === 'created' ? { size: 1024, etag: 'd41d8cd98f00b204e9800998ecf8427e' } : {}),
    time: now.toISOString(),
  };
  return checked<StorageEvent>(merge(base, over), STORAGE_SHAPE, source);
}

/** One record of the function's stream trigger (an inserted item, or a JSON record); each element of `records` is merged onto a sample record. */
function streamSample(over: Record<string, unknown>, triggers: readonly Trigger[], now: Date, source: string): StreamEvent {
  const trigger = triggers.find((t) => t.kind === 'stream');
  const kind = over.source === 'kinesis' || over.source === 'dynamodb' ? over.source : (trigger?.source ?? 'dynamodb');
  // An ARN's resource is `table/NAME/stream/LABEL` or `stream/NAME` (a stream label has colons of its own).
  const name = trigger?.name.startsWith('arn:') ? trigger.name.split(':').slice(5).join(':').split('/')[1] : trigger?.name;
  const data = '{"sample":true}';
  const record = (i: number) =>
    kind === 'dynamodb'
      ? { sequenceNumber: String(100000000000000000000 + i), time: isoSeconds(now), eventName: 'INSERT', keys: { id: `sample-${i + 1}` }, newImage: { id: `sample-${i + 1}`, sample: true } }
      : { sequenceNumber: `4959${String(i).padStart(52, '0')}`, time: isoSeconds(now), partitionKey: `sample-${i + 1}`, data, dataBase64: Buffer.from(data).toString('base64') };
  const { records, ...rest } = over;
  if (records !== undefined && !Array.isArray(records)) throw dataError(source, 'records', `must be an array of records, got ${typeName(records)}`);
  const list = records === undefined ? [record(0)] : records.map((r, i) => {
    if (!isRecord(r)) throw dataError(source, `records.${i}`, `must be an object, got ${typeName(r)}`);
    return merge(record(i), r);
  });
  return checked<StreamEvent>({ ...(merge({ kind: 'stream', source: kind, stream: name || (kind === 'dynamodb' ? 'sample-table' : 'sample-stream') }, rest) as object), records: list }, STREAM_SHAPE, source);
}

/** Objects merge key by key; anything else in `over` replaces. */
function merge(base: unknown, over: unknown): unknown {
  if (!isRecord(base) || !isRecord(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
  return out;
}

// ---- shapes: what each field of a neutral event must be ----

/** `record`: an object of strings; `json`: any JSON object (a DynamoDB item). */
type Leaf = 'string' | 'number' | 'boolean' | 'strings' | 'record' | 'json';
interface Optional {
  readonly optional: Leaf | Shape;
}
interface OneOf {
  readonly oneOf: readonly string[];
}
interface Each {
  readonly each: Shape;
}
type Spec = Leaf | Shape | Optional | OneOf | Each;
interface Shape {
  readonly [field: string]: Spec;
}

const opt = (t: Leaf | Shape): Optional => ({ optional: t });

const HTTP_SHAPE: Shape = {
  version: { oneOf: ['2.0'] },
  routeKey: 'string',
  rawPath: 'string',
  rawQueryString: 'string',
  headers: 'record',
  queryStringParameters: opt('record'),
  pathParameters: opt('record'),
  cookies: opt('strings'),
  requestContext: {
    http: { method: 'string', path: 'string', protocol: 'string', sourceIp: 'string', userAgent: 'string' },
    requestId: 'string',
    timeEpoch: 'number',
  },
  body: opt('string'),
  isBase64Encoded: 'boolean',
};
const SCHEDULE_SHAPE: Shape = { kind: { oneOf: ['schedule'] }, id: 'string', time: 'string' };
const QUEUE_SHAPE: Shape = {
  kind: { oneOf: ['queue'] },
  queue: 'string',
  messages: { each: { id: 'string', body: 'string', attributes: 'record', receiveCount: 'number', sentAt: 'string' } },
};
const STORAGE_SHAPE: Shape = {
  kind: { oneOf: ['storage'] },
  type: { oneOf: ['created', 'deleted'] },
  bucket: 'string',
  key: 'string',
  size: opt('number'),
  etag: opt('string'),
  time: 'string',
};
const TOPIC_SHAPE: Shape = {
  kind: { oneOf: ['topic'] },
  topic: 'string',
  id: 'string',
  body: 'string',
  subject: opt('string'),
  attributes: 'record',
  time: 'string',
};

const STREAM_SHAPE: Shape = {
  kind: { oneOf: ['stream'] },
  source: { oneOf: ['dynamodb', 'kinesis'] },
  stream: 'string',
  records: {
    each: {
      sequenceNumber: 'string',
      time: 'string',
      eventName: opt('string'),
      keys: opt('json'),
      newImage: opt('json'),
      oldImage: opt('json'),
      partitionKey: opt('string'),
      data: opt('string'),
      dataBase64: opt('string'),
    },
  },
};

function checked<T>(value: unknown, shape: Shape, source: string): T {
  checkShape(value, shape, '', source);
  return value as T;
}

function checkShape(value: unknown, shape: Shape, at: string, source: string): void {
  if (!isRecord(value)) throw dataError(source, at, `must be an object, got ${typeName(value)}`);
  for (const key of Object.keys(value)) {
    if (!(key in shape)) throw dataError(source, join(at, key), `is not a field of this event (fields: ${Object.keys(shape).join(', ')})`);
  }
  for (const [key, spec] of Object.entries(shape)) {
    const path = join(at, key);
    const v = value[key];
    if (isOptional(spec)) {
      if (v !== undefined) checkField(v, spec.optional, path, source);
    } else if (v === undefined) {
      throw dataError(source, path, 'is required');
    } else {
      checkField(v, spec, path, source);
    }
  }
}

function isOptional(spec: Spec): spec is Optional {
  return typeof spec === 'object' && 'optional' in spec && typeof spec.optional !== 'undefined' && !('each' in spec);
}

function checkField(v: unknown, spec: Spec, path: string, source: string): void {
  if (typeof spec === 'string') return checkType(source, path, v, spec);
  if (isOneOf(spec)) {
    if (typeof v !== 'string' || !spec.oneOf.includes(v)) throw dataError(source, path, `must be ${spec.oneOf.map((s) => `"${s}"`).join(' or ')}, got ${JSON.stringify(v)}`);
    return;
  }
  if (isEach(spec)) {
    if (!Array.isArray(v)) throw dataError(source, path, `must be an array, got ${typeName(v)}`);
    v.forEach((item, i) => checkShape(item, spec.each, join(path, String(i)), source));
    return;
  }
  if (isOptional(spec)) return checkField(v, spec.optional, path, source);
  checkShape(v, spec, path, source);
}

function isOneOf(spec: Spec): spec is OneOf {
  return typeof spec === 'object' && 'oneOf' in spec && Array.isArray(spec.oneOf);
}

function isEach(spec: Spec): spec is Each {
  return typeof spec === 'object' && 'each' in spec && typeof spec.each === 'object' && !Array.isArray(spec.each);
}

function checkType(source: string, path: string, v: unknown, leaf: Leaf): void {
  if (v === undefined) return;
  const ok =
    leaf === 'strings' ? Array.isArray(v) && v.every((s) => typeof s === 'string')
    : leaf === 'record' ? isRecord(v) && Object.values(v).every((s) => typeof s === 'string')
    : leaf === 'json' ? isRecord(v)
    : typeof v === leaf && (leaf !== 'number' || Number.isFinite(v));
  if (ok) return;
  const want = leaf === 'strings' ? 'an array of strings' : leaf === 'record' ? 'an object of string values' : leaf === 'json' ? 'an object' : `a ${leaf}`;
  throw dataError(source, path, `must be ${want}, got ${leaf === 'json' ? typeName(v) : describe(v)}`);
}

function describe(v: unknown): string {
  if (isRecord(v)) {
    const bad = Object.entries(v).find(([, s]) => typeof s !== 'string');
    if (bad) return `${typeName(bad[1])} at "${bad[0]}"`;
  }
  if (Array.isArray(v)) {
    const i = v.findIndex((s) => typeof s !== 'string');
    if (i >= 0) return `${typeName(v[i])} at index ${i}`;
  }
  return typeName(v);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function join(at: string, key: string): string {
  return at ? `${at}.${key}` : key;
}

function isoSeconds(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

function dataError(source: string, field: string, what: string): FnxError {
  return new FnxError('E_EVENT_DATA', `${source}: ${field ? `field "${field}"` : 'the event data'} ${what}.`, {
    hint: 'The data is a JSON object whose fields override the sample event (docs/events.md "Sample events" lists them).',
    exitCode: ExitCode.usage,
  });
}
