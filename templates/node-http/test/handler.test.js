import assert from 'node:assert/strict';
import { test } from 'node:test';
import { handler } from '../src/handler.js';

/** A neutral http event (fnx's docs/events.md), as every provider delivers it. */
function request(method, path, query = {}) {
  const rawQueryString = new URLSearchParams(query).toString();
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString,
    headers: { host: 'example.test' },
    ...(rawQueryString ? { queryStringParameters: query } : {}),
    requestContext: { http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' }, requestId: 'r1', timeEpoch: 0 },
    isBase64Encoded: false,
  };
}

test('GET /hello greets', async () => {
  const res = await handler(request('GET', '/hello', { name: 'fnx' }));
  assert.equal(res.statusCode, 200);
  assert.equal(JSON.parse(res.body).message, 'Hello, fnx!');
});

test('GET /hello without a name greets the world', async () => {
  const res = await handler(request('GET', '/hello'));
  assert.equal(JSON.parse(res.body).message, 'Hello, world!');
});

test('GET /health is ok', async () => {
  const res = await handler(request('GET', '/health'));
  assert.equal(res.statusCode, 200);
  assert.deepEqual(JSON.parse(res.body), { ok: true });
});
