import assert from 'node:assert/strict';
import { test } from 'node:test';
import { handler } from '../src/handler.js';

test('one run completes and reports when it ran', async () => {
  const res = await handler({});
  assert.equal(res.service, '{{service}}');
  assert.ok(!Number.isNaN(Date.parse(res.ranAt)));
});
