import assert from 'node:assert/strict';
import { test } from 'node:test';
import { handler } from '../src/handler.js';

test('one run completes and reports the time it was scheduled for', async () => {
  // A neutral schedule event (fnx's docs/events.md), as every provider delivers it.
  const res = await handler({ kind: 'schedule', id: 'run-1', time: '2026-01-01T00:15:00Z' });
  assert.equal(res.service, '{{service}}');
  assert.equal(res.ranAt, '2026-01-01T00:15:00.000Z');
});
