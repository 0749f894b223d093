/**
 * Sample neutral events (`fnx invoke --event KIND`): they have the neutral shapes (the examples
 * in docs/events.md, and for http the fields a real API Gateway HTTP API 2.0 event has, which the
 * AWS adapter passes through), and `--data` overrides fields with clear errors.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sampleEvent } from '../../../src/events/samples.js';
import type { HttpTrigger, Trigger } from '../../../src/manifest/model.js';
import { apiGatewayV2 } from './aws-native.js';

/** The JSON examples of docs/events.md, by the section they are in. */
function docExamples(): Record<string, unknown> {
  const text = readFileSync(new URL('../../../docs/events.md', import.meta.url), 'utf8');
  const out: Record<string, unknown> = {};
  for (const section of text.split(/^## /m).slice(1)) {
    const name = section.slice(0, section.indexOf('\n')).trim();
    const block = /```json\n([\s\S]*?)```/.exec(section);
    if (block) out[name] = JSON.parse(block[1]!);
  }
  return out;
}

/** Key paths and value types of a JSON value (array elements by their first one). */
function shapeOf(v: unknown, at = ''): string[] {
  if (Array.isArray(v)) return [`${at}:array`, ...(v.length && typeof v[0] === 'object' ? shapeOf(v[0], `${at}[]`) : [])];
  if (v && typeof v === 'object') {
    const rec = at.endsWith('headers') || at.endsWith('attributes') || at.endsWith('Parameters');
    if (rec) return [`${at}:record`];
    return Object.entries(v).flatMap(([k, x]) => shapeOf(x, at ? `${at}.${k}` : k)).sort();
  }
  return [`${at}:${typeof v}`];
}

const route = (method: string, path: string): HttpTrigger => ({ kind: 'http', method, path, auth: 'none' });

describe('sample events', () => {
  const docs = docExamples();

  it.each(['schedule', 'queue', 'storage', 'topic'] as const)('%s has the shape of the docs example', (kind) => {
    // Optional fields the sample leaves out: topic's subject.
    expect(shapeOf(sampleEvent(kind))).toEqual(shapeOf(docs[kind]).filter((f) => f !== 'subject:string'));
  });

  it('http has the fields of a real API Gateway 2.0 event, as in the docs', () => {
    const sample = sampleEvent('http', { path: '/orders/42?expand=items', headers: { Cookie: 'x' } }, { triggers: [route('GET', '/orders/{id}')] });
    const real = { ...apiGatewayV2('GET', '/orders/42', { expand: 'items' }), pathParameters: { id: '42' } };
    const realShape = new Set(shapeOf(real));
    for (const field of shapeOf(sample)) expect(realShape, field).toContain(field);
    const documented = shapeOf(docs.http);
    expect(shapeOf(sample)).toEqual(documented);
    expect(sample).toMatchObject({ routeKey: 'GET /orders/{id}', rawPath: '/orders/42', rawQueryString: 'expand=items', queryStringParameters: { expand: 'items' }, pathParameters: { id: '42' } });
  });

  it('http --data path sets rawPath and the context path; method, query and JSON body shorthands', () => {
    const e = sampleEvent('http', { path: '/health', method: 'post', query: { a: 1 }, body: { x: 1 } }, { triggers: [route('POST', '/health')] });
    expect(e).toMatchObject({
      routeKey: 'POST /health',
      rawPath: '/health',
      rawQueryString: 'a=1',
      queryStringParameters: { a: '1' },
      body: '{"x":1}',
      headers: { 'content-type': 'application/json' },
      requestContext: { http: { method: 'POST', path: '/health' } },
    });
    expect(e).not.toHaveProperty('pathParameters');
  });

  it('defaults to the first fixed http route of the function; $default when nothing matches', () => {
    expect(sampleEvent('http', undefined, { triggers: [route('GET', '/items/{id}'), route('GET', '/hello')] })).toMatchObject({ rawPath: '/hello', routeKey: 'GET /hello' });
    expect(sampleEvent('http', { path: '/nope' }, { triggers: [route('GET', '/hello')] })).toMatchObject({ routeKey: '$default' });
  });

  it('takes names from the triggers and merges message overrides onto sample messages', () => {
    const triggers: Trigger[] = [{ kind: 'queue', name: 'jobs', batchSize: 10 }];
    const e = sampleEvent('queue', { messages: [{ body: 'a' }, { body: 'b', receiveCount: 3 }] }, { triggers });
    expect(e).toMatchObject({ kind: 'queue', queue: 'jobs', messages: [{ body: 'a', receiveCount: 1, attributes: {} }, { body: 'b', receiveCount: 3 }] });
    expect(sampleEvent('storage', { type: 'deleted' })).not.toHaveProperty('size');
  });

  it('stream samples name the trigger\'s table or data stream and merge record overrides', () => {
    const base = { batchSize: 100, batchWindow: 0, startingPosition: 'latest', maxRetries: -1, maxAge: -1, bisectOnError: false, parallelization: 1, filter: [] } as const;
    const table: Trigger[] = [{ kind: 'stream', source: 'dynamodb', name: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000', ...base }];
    const e = sampleEvent('stream', { records: [{ newImage: { id: 'o-9' } }] }, { triggers: table });
    expect(e).toMatchObject({ kind: 'stream', source: 'dynamodb', stream: 'orders', records: [{ eventName: 'INSERT', keys: { id: 'sample-1' }, newImage: { id: 'o-9', sample: true } }] });
    const clicks = sampleEvent('stream', undefined, { triggers: [{ kind: 'stream', source: 'kinesis', name: 'clicks', ...base }] });
    expect(clicks).toMatchObject({ source: 'kinesis', stream: 'clicks', records: [{ partitionKey: 'sample-1', data: '{"sample":true}', dataBase64: Buffer.from('{"sample":true}').toString('base64') }] });
  });

  it.each([
    ['http', { path: 5 }, /--data: field "path" must be a string, got number 5/],
    ['http', { requestContext: { http: { method: true } } }, /field "requestContext.http.method" must be a string, got boolean true/],
    ['http', { headers: { a: 1 } }, /field "headers" must be an object of string values, got number 1 at "a"/],
    ['queue', { messages: [{ receiveCount: 'x' }] }, /field "messages.0.receiveCount" must be a number/],
    ['storage', { type: 'moved' }, /field "type" must be "created" or "deleted", got "moved"/],
    ['topic', { bodyy: 'x' }, /field "bodyy" is not a field of this event/],
    ['schedule', [1], /the event data must be a JSON object/],
    ['stream', { records: [{ sequenceNumber: 7 }] }, /field "records.0.sequenceNumber" must be a string/],
  ] as const)('%s override %j is refused with the field path', (kind, data, message) => {
    let err: unknown;
    try {
      sampleEvent(kind, data);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'E_EVENT_DATA', exitCode: 2 });
    expect((err as Error).message).toMatch(message);
  });
});
