import assert from 'node:assert/strict';
import { test } from 'node:test';
import { handler } from '../src/handler.js';

test('processes every message of a batch', async () => {
  const res = await handler({ Records: [{ body: '{"id":1}' }, { body: '{"id":2}' }] });
  assert.deepEqual(res, { processed: 2 });
});

test('a bad message fails the batch so the provider retries it', async () => {
  await assert.rejects(handler({ Records: [{ body: '42' }] }));
});
