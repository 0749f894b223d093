// S3 (restXml): buckets, objects, tagging and notification configuration (path-style and virtual-host).
import { createHash, randomUUID } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import { AwsError, requestId, xmlEscape, type HttpReq, type HttpRes, type Routed, type ServiceHandler } from '../protocol.js';
import type { Emulator } from '../emulator.js';
import type { S3Bucket, S3NotificationEntry } from '../state.js';
import { allowsService } from './lambda-extras.js';
import { parseFunctionRef } from './lambda-common.js';

const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** Where fnx keeps its stage lease records in a bucket: calls on these keys are recorded as `lease`, not as writes. */
export const LEASE_PREFIX = 'fnx-lease/';

const EVENT = /^s3:(ObjectCreated:(\*|Put|Post|Copy|CompleteMultipartUpload)|ObjectRemoved:(\*|Delete|DeleteMarkerCreated)|ObjectRestore:(\*|Post|Completed|Delete)|ReducedRedundancyLostObject|Replication:\*|ObjectTagging:(\*|Put|Delete)|ObjectAcl:Put|LifecycleExpiration:\*|LifecycleTransition|IntelligentTiering|TestEvent)$/;

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => ['CloudFunctionConfiguration', 'QueueConfiguration', 'TopicConfiguration', 'Event', 'FilterRule', 'Tag'].includes(name),
});

function xml(body: string, status = 200, headers: Record<string, string> = {}): HttpRes {
  return { status, headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId(), ...headers }, body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}` };
}

function s3Error(code: string, message: string, status: number): AwsError {
  return new AwsError(code, message, status);
}

function noSuchBucket(name: string): AwsError {
  return new AwsError('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: name });
}

type Handler = (em: Emulator, req: HttpReq, bucket: string, key: string) => HttpRes;

function bucketOf(em: Emulator, name: string): S3Bucket {
  const b = em.state.s3.buckets.get(name);
  if (!b) throw noSuchBucket(name);
  return b;
}

/** Decode an aws-chunked body (chunk-size[;ext]\r\ndata\r\n ... 0\r\ntrailers). */
function decodeBody(req: HttpReq): Buffer {
  const enc = String(req.headers['content-encoding'] ?? '');
  const sha = String(req.headers['x-amz-content-sha256'] ?? '');
  if (!enc.includes('aws-chunked') && !sha.startsWith('STREAMING-')) return req.body;
  const parts: Buffer[] = [];
  let pos = 0;
  const body = req.body;
  while (pos < body.length) {
    const eol = body.indexOf('\r\n', pos);
    if (eol < 0) break;
    const size = parseInt(body.subarray(pos, eol).toString('latin1').split(';')[0] ?? '0', 16);
    if (!size) break;
    parts.push(body.subarray(eol + 2, eol + 2 + size));
    pos = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function parseXml(req: HttpReq): Record<string, unknown> {
  try {
    return parser.parse(req.body.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw s3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400);
  }
}

// ---------- notifications ----------

function entriesOf(list: unknown, arnKey: string): S3NotificationEntry[] {
  if (!Array.isArray(list)) return [];
  return (list as Record<string, unknown>[]).map((c) => {
    const filter = ((c.Filter as Record<string, unknown> | undefined)?.S3Key as Record<string, unknown> | undefined)?.FilterRule;
    // S3 accepts prefix/suffix in any case and returns them as Prefix/Suffix.
    const name = (n: unknown) => ({ prefix: 'Prefix', suffix: 'Suffix' })[String(n ?? '').toLowerCase()] ?? String(n ?? '');
    const rules = Array.isArray(filter) ? (filter as { Name?: unknown; Value?: unknown }[]).map((r) => ({ Name: name(r.Name), Value: String(r.Value ?? '') })) : [];
    const events = Array.isArray(c.Event) ? (c.Event as unknown[]).map(String) : [];
    return { Id: typeof c.Id === 'string' && c.Id ? c.Id : randomUUID(), Arn: String(c[arnKey] ?? ''), Events: events, FilterRules: rules };
  });
}

function ruleValue(e: S3NotificationEntry, name: string): string {
  return e.FilterRules.find((r) => r.Name.toLowerCase() === name)?.Value ?? '';
}

function eventsOverlap(a: string, b: string): boolean {
  if (a === b) return true;
  const fam = (e: string) => e.split(':').slice(0, 2).join(':');
  return fam(a) === fam(b) && (a.endsWith(':*') || b.endsWith(':*'));
}

function overlaps(a: S3NotificationEntry, b: S3NotificationEntry): boolean {
  const events = a.Events.some((x) => b.Events.some((y) => eventsOverlap(x, y)));
  const pa = ruleValue(a, 'prefix');
  const pb = ruleValue(b, 'prefix');
  const sa = ruleValue(a, 'suffix');
  const sb = ruleValue(b, 'suffix');
  return events && (pa.startsWith(pb) || pb.startsWith(pa)) && (sa.endsWith(sb) || sb.endsWith(sa));
}

function validateNotifications(em: Emulator, bucket: string, all: S3NotificationEntry[], lambdas: S3NotificationEntry[]): void {
  for (const e of all) {
    if (e.Events.length === 0 || e.Events.some((ev) => !EVENT.test(ev))) throw s3Error('InvalidArgument', 'The event is not supported for notifications', 400);
    for (const r of e.FilterRules) {
      if (!['prefix', 'suffix'].includes(r.Name.toLowerCase())) throw s3Error('InvalidArgument', `filter rule name must be either prefix or suffix`, 400);
    }
  }
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      if (overlaps(all[i] as S3NotificationEntry, all[j] as S3NotificationEntry)) {
        throw s3Error('InvalidArgument', 'Configurations overlap. Configurations on the same bucket cannot share a common event type.', 400);
      }
    }
  }
  const failed: string[] = [];
  for (const e of lambdas) {
    let ok = false;
    try {
      const { name, qualifier } = parseFunctionRef(e.Arn);
      const fn = em.state.lambda.functions.get(name);
      const q = qualifier ?? '$LATEST';
      const exists = fn && (q === '$LATEST' || fn.versions.has(q) || fn.aliases.has(q));
      ok = Boolean(fn && exists && allowsService(fn, q, 's3.amazonaws.com', `arn:aws:s3:::${bucket}`));
    } catch {
      ok = false;
    }
    if (!ok) failed.push(e.Arn);
  }
  if (failed.length) throw s3Error('InvalidArgument', `Unable to validate the following destination configurations: ${failed.join(', ')}`, 400);
}

function filterXml(e: S3NotificationEntry): string {
  if (!e.FilterRules.length) return '';
  return `<Filter><S3Key>${e.FilterRules.map((r) => `<FilterRule><Name>${xmlEscape(r.Name)}</Name><Value>${xmlEscape(r.Value)}</Value></FilterRule>`).join('')}</S3Key></Filter>`;
}

function entryXml(tag: string, arnTag: string, e: S3NotificationEntry): string {
  return `<${tag}><Id>${xmlEscape(e.Id ?? '')}</Id><${arnTag}>${xmlEscape(e.Arn)}</${arnTag}>${e.Events.map((ev) => `<Event>${xmlEscape(ev)}</Event>`).join('')}${filterXml(e)}</${tag}>`;
}

// ---------- operations ----------

const putNotification: Handler = (em, req, bucket) => {
  const b = bucketOf(em, bucket);
  const doc = (parseXml(req).NotificationConfiguration ?? {}) as Record<string, unknown>;
  const lambda = entriesOf(doc.CloudFunctionConfiguration, 'CloudFunction');
  const queue = entriesOf(doc.QueueConfiguration, 'Queue');
  const topic = entriesOf(doc.TopicConfiguration, 'Topic');
  validateNotifications(em, bucket, [...lambda, ...queue, ...topic], lambda);
  b.notifications = { lambda, queue, topic, eventBridge: 'EventBridgeConfiguration' in doc };
  return { status: 200 };
};

const getNotification: Handler = (em, _req, bucket) => {
  const n = bucketOf(em, bucket).notifications;
  const body = [
    ...n.topic.map((e) => entryXml('TopicConfiguration', 'Topic', e)),
    ...n.queue.map((e) => entryXml('QueueConfiguration', 'Queue', e)),
    ...n.lambda.map((e) => entryXml('CloudFunctionConfiguration', 'CloudFunction', e)),
    n.eventBridge ? '<EventBridgeConfiguration></EventBridgeConfiguration>' : '',
  ].join('');
  return xml(`<NotificationConfiguration xmlns="${XMLNS}">${body}</NotificationConfiguration>`);
};

const createBucket: Handler = (em, req, bucket) => {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) || bucket.includes('..')) throw s3Error('InvalidBucketName', 'The specified bucket is not valid.', 400);
  const existing = em.state.s3.buckets.get(bucket);
  const location = /<LocationConstraint>([^<]*)<\/LocationConstraint>/.exec(req.body.toString('utf8'))?.[1];
  if (existing) {
    if (em.region === 'us-east-1' && !location) return { status: 200, headers: { location: `/${bucket}` } };
    throw s3Error('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', 409);
  }
  em.state.s3.buckets.set(bucket, { name: bucket, created: em.now(), objects: new Map(), notifications: { lambda: [], queue: [], topic: [], eventBridge: false } });
  return { status: 200, headers: { location: `/${bucket}` } };
};

const headBucket: Handler = (em, _req, bucket) => {
  bucketOf(em, bucket);
  return { status: 200, headers: { 'x-amz-bucket-region': em.region } };
};

const deleteBucket: Handler = (em, _req, bucket) => {
  const b = bucketOf(em, bucket);
  if (b.objects.size) throw s3Error('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409);
  em.state.s3.buckets.delete(bucket);
  return { status: 204 };
};

const listBuckets: Handler = (em) => {
  const buckets = [...em.state.s3.buckets.values()].map((b) => `<Bucket><Name>${b.name}</Name><CreationDate>${new Date(b.created).toISOString()}</CreationDate></Bucket>`).join('');
  return xml(`<ListAllMyBucketsResult xmlns="${XMLNS}"><Owner><ID>${em.accountId}</ID></Owner><Buckets>${buckets}</Buckets></ListAllMyBucketsResult>`);
};

const putTagging: Handler = (em, req, bucket) => {
  const b = bucketOf(em, bucket);
  const doc = parseXml(req) as { Tagging?: { TagSet?: { Tag?: { Key?: unknown; Value?: unknown }[] } } };
  const tags: Record<string, string> = {};
  for (const t of doc.Tagging?.TagSet?.Tag ?? []) tags[String(t.Key)] = String(t.Value ?? '');
  b.tags = tags;
  return { status: 204 };
};

const getTagging: Handler = (em, _req, bucket) => {
  const b = bucketOf(em, bucket);
  if (!b.tags) throw s3Error('NoSuchTagSet', 'The TagSet does not exist', 404);
  const tags = Object.entries(b.tags).map(([k, v]) => `<Tag><Key>${xmlEscape(k)}</Key><Value>${xmlEscape(v)}</Value></Tag>`).join('');
  return xml(`<Tagging xmlns="${XMLNS}"><TagSet>${tags}</TagSet></Tagging>`);
};

const deleteTagging: Handler = (em, _req, bucket) => {
  bucketOf(em, bucket).tags = undefined;
  return { status: 204 };
};

const listObjects: Handler = (em, req, bucket) => {
  const b = bucketOf(em, bucket);
  const prefix = req.query.get('prefix') ?? '';
  const max = Number(req.query.get('max-keys') ?? 1000);
  const after = req.query.get('continuation-token') ?? req.query.get('start-after') ?? '';
  const keys = [...b.objects.keys()].filter((k) => k.startsWith(prefix) && k > after).sort();
  const page = keys.slice(0, max);
  const truncated = keys.length > page.length;
  const contents = page
    .map((k) => {
      const o = b.objects.get(k);
      return o ? `<Contents><Key>${xmlEscape(k)}</Key><LastModified>${new Date(o.lastModified).toISOString()}</LastModified><ETag>${xmlEscape(o.etag)}</ETag><Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>` : '';
    })
    .join('');
  const next = truncated ? `<NextContinuationToken>${xmlEscape(page[page.length - 1] ?? '')}</NextContinuationToken>` : '';
  return xml(`<ListBucketResult xmlns="${XMLNS}"><Name>${bucket}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${max}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${contents}${next}</ListBucketResult>`);
};

/** The object's ETag without quotes (S3 compares If-Match values with or without them). */
function bareEtag(etag: string): string {
  return etag.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}

function preconditionFailed(condition: string): AwsError {
  return new AwsError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, { Condition: condition });
}

function header(req: HttpReq, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * The conditional headers of a write, as S3 evaluates them: If-Match (an ETag or `*`) needs the
 * object and, with an ETag, that ETag (404 NoSuchKey when there is no object, 412 when it differs);
 * If-None-Match takes only `*` (501 otherwise) and needs no object (412).
 */
function checkConditions(req: HttpReq, key: string, current: { etag: string } | undefined, allowNoneMatch: boolean): void {
  const ifMatch = header(req, 'if-match');
  const ifNoneMatch = header(req, 'if-none-match');
  if (ifNoneMatch !== undefined && (!allowNoneMatch || ifNoneMatch.trim() !== '*')) {
    throw new AwsError('NotImplemented', 'A header you provided implies functionality that is not implemented', 501, { Header: 'If-None-Match' });
  }
  if (ifMatch !== undefined) {
    if (!current) throw new AwsError('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
    if (ifMatch.trim() !== '*' && bareEtag(ifMatch) !== bareEtag(current.etag)) throw preconditionFailed('If-Match');
  }
  if (ifNoneMatch !== undefined && current) throw preconditionFailed('If-None-Match');
}

const putObject: Handler = (em, req, bucket, key) => {
  const b = bucketOf(em, bucket);
  checkConditions(req, key, b.objects.get(key), true);
  const body = decodeBody(req);
  const etag = `"${createHash('md5').update(body).digest('hex')}"`;
  const contentType = req.headers['content-type'];
  b.objects.set(key, { body, etag, lastModified: em.now(), contentType: typeof contentType === 'string' ? contentType : undefined });
  return { status: 200, headers: { etag } };
};

function objectOf(em: Emulator, bucket: string, key: string) {
  const o = bucketOf(em, bucket).objects.get(key);
  if (!o) throw new AwsError('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
  return o;
}

const getObject: Handler = (em, _req, bucket, key) => {
  const o = objectOf(em, bucket, key);
  return { status: 200, headers: { etag: o.etag, 'content-type': o.contentType ?? 'application/octet-stream', 'last-modified': new Date(o.lastModified).toUTCString() }, body: o.body };
};

const headObject: Handler = (em, _req, bucket, key) => {
  const o = objectOf(em, bucket, key);
  return { status: 200, headers: { etag: o.etag, 'content-type': o.contentType ?? 'application/octet-stream', 'content-length': String(o.body.length), 'last-modified': new Date(o.lastModified).toUTCString() } };
};

const deleteObject: Handler = (em, req, bucket, key) => {
  const b = bucketOf(em, bucket);
  checkConditions(req, key, b.objects.get(key), false);
  b.objects.delete(key);
  return { status: 204 };
};

/** Bucket and key from a virtual-host name (bucket.localhost) or the path. */
function locate(req: HttpReq): { bucket: string; key: string } {
  const host = String(req.headers.host ?? '').replace(/:\d+$/, '');
  const virtual = host && host !== '127.0.0.1' && host !== 'localhost' && !/^\d+\.\d+\.\d+\.\d+$/.test(host) ? host.split('.')[0] : undefined;
  const raw = req.rawPath.split('/').slice(1);
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  if (virtual) return { bucket: virtual, key: raw.map(decode).join('/') };
  return { bucket: decode(raw[0] ?? ''), key: raw.slice(1).map(decode).join('/') };
}

function operationFor(req: HttpReq, bucket: string, key: string): { operation: string; handler: Handler } | undefined {
  const q = req.query;
  const m = req.method;
  if (!bucket) return m === 'GET' ? { operation: 'ListBuckets', handler: listBuckets } : undefined;
  if (key) {
    if (m === 'PUT') return { operation: 'PutObject', handler: putObject };
    if (m === 'GET') return { operation: 'GetObject', handler: getObject };
    if (m === 'HEAD') return { operation: 'HeadObject', handler: headObject };
    if (m === 'DELETE') return { operation: 'DeleteObject', handler: deleteObject };
    return undefined;
  }
  if (q.has('notification')) {
    if (m === 'PUT') return { operation: 'PutBucketNotificationConfiguration', handler: putNotification };
    if (m === 'GET') return { operation: 'GetBucketNotificationConfiguration', handler: getNotification };
    return undefined;
  }
  if (q.has('tagging')) {
    if (m === 'PUT') return { operation: 'PutBucketTagging', handler: putTagging };
    if (m === 'GET') return { operation: 'GetBucketTagging', handler: getTagging };
    if (m === 'DELETE') return { operation: 'DeleteBucketTagging', handler: deleteTagging };
    return undefined;
  }
  if (m === 'PUT') return { operation: 'CreateBucket', handler: createBucket };
  if (m === 'HEAD') return { operation: 'HeadBucket', handler: headBucket };
  if (m === 'DELETE') return { operation: 'DeleteBucket', handler: deleteBucket };
  if (m === 'GET' && q.has('location')) return { operation: 'GetBucketLocation', handler: (em) => xml(`<LocationConstraint xmlns="${XMLNS}">${em.region === 'us-east-1' ? '' : em.region}</LocationConstraint>`) };
  if (m === 'GET') return { operation: 'ListObjectsV2', handler: listObjects };
  return undefined;
}

export function createS3Service(em: Emulator): ServiceHandler {
  return {
    name: 's3',
    route(req: HttpReq): Routed {
      const { bucket, key } = locate(req);
      const op = operationFor(req, bucket, key);
      if (!op) throw s3Error('NotImplemented', `A header or method you provided implies functionality that is not implemented: ${req.method} ${req.rawPath}`, 501);
      const input: Record<string, unknown> = { Bucket: bucket };
      if (key) input.Key = key;
      if (op.operation === 'PutObject') input.Body = `<${req.body.length} bytes>`;
      for (const [name, field] of [['if-match', 'IfMatch'], ['if-none-match', 'IfNoneMatch']] as const) {
        const value = header(req, name);
        if (value !== undefined) input[field] = value;
      }
      if (op.operation === 'PutBucketNotificationConfiguration' || op.operation === 'PutBucketTagging') input.Body = req.body.toString('utf8');
      return { operation: op.operation, input, ...(key.startsWith(LEASE_PREFIX) ? { lease: true } : {}), execute: () => op.handler(em, req, bucket, key) };
    },
    error(err: AwsError, operation: string): HttpRes {
      if (operation.startsWith('Head')) return { status: err.status, headers: { 'x-amz-request-id': requestId() } };
      const extra = Object.entries(err.fields).map(([k, v]) => `<${k}>${xmlEscape(String(v))}</${k}>`).join('');
      return xml(`<Error><Code>${xmlEscape(err.code)}</Code><Message>${xmlEscape(err.message)}</Message>${extra}<RequestId>${requestId()}</RequestId></Error>`, err.status);
    },
    throttleError: () => new AwsError('SlowDown', 'Please reduce your request rate.', 503),
    internalError: () => new AwsError('InternalError', 'We encountered an internal error. Please try again. (injected fault)', 500),
  };
}
