import assert from 'node:assert/strict';
import { test } from 'node:test';
import { handler } from '../src/handler.js';

/** A neutral queue event (fnx's docs/events.md), as every provider delivers it. */
function batch(...bodies) {
  return {
    kind: 'queue',
    queue: '{{service}}-jobs',
    messages: bodies.map((body, i) => ({ id: `m${i + 1}`, body, attributes: {}, receiveCount: 1, sentAt: '2026-01-01T00:00:00.000Z' })),
  };
}

test('processes every message of a batch', async () => {
  const res = await handler(batch('{"id":1}', '{"id":2}'));
  assert.deepEqual(res, { failed: [] });
});

test('a bad message is reported as failed, so only it is delivered again', async () => {
  const res = await handler(batch('{"id":1}', '42', 'not json'));
  assert.deepEqual(res, { failed: ['m2', 'm3'] });
});
