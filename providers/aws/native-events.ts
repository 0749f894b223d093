/**
 * The native AWS event the entry adapter (entry.ts) turns into a given neutral event: what
 * `invoke` sends for InvokeRequest.event. http needs none (payload 2.0 is the neutral event).
 * Round trip: adapter(nativeEvent(kind, neutral)) = neutral, for neutral values in the shapes of
 * src/events/types.ts (times as `Date.prototype.toISOString` writes them for a queue's `sentAt`).
 * Fields the neutral event does not carry get the values Lambda's sample events have.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { ResolvedFunction, TriggerKind } from '../../src/driver.js';
import { adaptsKind } from './entry.js';

export interface NativeContext {
  readonly region: string;
  readonly accountId: string;
}

type Value = Record<string, unknown>;

const text = (v: unknown, fallback = ''): string => (v === undefined || v === null ? fallback : String(v));
const strings = (v: unknown): Record<string, string> => (v && typeof v === 'object' ? Object.fromEntries(Object.entries(v as Value).map(([k, x]) => [k, text(x)])) : {});
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** S3 notifications carry keys URL-encoded with `+` for spaces (the adapter decodes them). */
function s3Key(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
}

function schedule(v: Value, c: NativeContext): Value {
  return { version: '0', id: text(v.id, randomUUID()), 'detail-type': 'Scheduled Event', source: 'aws.events', account: c.accountId, time: text(v.time), region: c.region, resources: [], detail: {} };
}

function queue(v: Value, c: NativeContext): Value {
  const name = text(v.queue);
  const messages = Array.isArray(v.messages) ? (v.messages as Value[]) : [];
  return {
    Records: messages.map((m) => {
      const body = text(m.body);
      const sent = String(Date.parse(text(m.sentAt)) || 0);
      return {
        messageId: text(m.id),
        receiptHandle: `AQEB${text(m.id)}`,
        body,
        attributes: { ApproximateReceiveCount: text(m.receiveCount, '1'), SentTimestamp: sent, SenderId: c.accountId, ApproximateFirstReceiveTimestamp: sent },
        messageAttributes: Object.fromEntries(Object.entries(strings(m.attributes)).map(([k, x]) => [k, { stringValue: x, stringListValues: [], binaryListValues: [], dataType: 'String' }])),
        md5OfBody: md5(body),
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:${c.region}:${c.accountId}:${name}`,
        awsRegion: c.region,
      };
    }),
  };
}

function storage(v: Value, c: NativeContext): Value {
  const created = v.type !== 'deleted';
  const bucket = text(v.bucket);
  const object: Value = { key: s3Key(text(v.key)), sequencer: '0A1B2C3D4E5F678901' };
  if (created && v.size !== undefined) object.size = Number(v.size);
  if (v.etag !== undefined) object.eTag = text(v.etag);
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: c.region,
        eventTime: text(v.time),
        eventName: created ? 'ObjectCreated:Put' : 'ObjectRemoved:Delete',
        userIdentity: { principalId: `AWS:${c.accountId}` },
        s3: { s3SchemaVersion: '1.0', configurationId: 'fnx', bucket: { name: bucket, ownerIdentity: { principalId: c.accountId }, arn: `arn:aws:s3:::${bucket}` }, object },
      },
    ],
  };
}

function topic(v: Value, c: NativeContext): Value {
  const arn = `arn:aws:sns:${c.region}:${c.accountId}:${text(v.topic)}`;
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${arn}:${randomUUID()}`,
        Sns: {
          Type: 'Notification',
          MessageId: text(v.id, randomUUID()),
          TopicArn: arn,
          Subject: v.subject === undefined ? null : text(v.subject),
          Message: text(v.body),
          Timestamp: text(v.time),
          SignatureVersion: '1',
          MessageAttributes: Object.fromEntries(Object.entries(strings(v.attributes)).map(([k, x]) => [k, { Type: 'String', Value: x }])),
        },
      },
    ],
  };
}

const NATIVE: Record<Exclude<TriggerKind, 'http'>, (v: Value, c: NativeContext) => Value> = { schedule, queue, storage, topic };

/** The native event of `kind` that the adapter of any function turns into `value`. */
export function nativeEvent(kind: TriggerKind, value: unknown, c: NativeContext): unknown {
  if (kind === 'http') return value;
  return NATIVE[kind]((value ?? {}) as Value, c);
}

/**
 * What to send `fn` for a neutral event: the native event when its entry adapter converts that
 * kind, or when it takes native events (`events: native`); otherwise the neutral value itself,
 * since a direct invocation reaches the handler unchanged.
 */
export function eventPayload(fn: ResolvedFunction | undefined, kind: TriggerKind, value: unknown, c: NativeContext): unknown {
  if (kind === 'http' || !fn || fn.events === 'native' || adaptsKind(fn, kind)) return nativeEvent(kind, value, c);
  return value;
}
