import assert from 'node:assert/strict';
import { test } from 'node:test';
import { handler } from '../src/handler.js';

test('GET /hello greets', async () => {
  const res = await handler({ rawPath: '/hello', queryStringParameters: { name: 'fnx' } });
  assert.equal(res.statusCode, 200);
  assert.equal(JSON.parse(res.body).message, 'Hello, fnx!');
});

test('GET /health is ok', async () => {
  const res = await handler({ rawPath: '/health' });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(JSON.parse(res.body), { ok: true });
});
