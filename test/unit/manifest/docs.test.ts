/** The complete example of docs/manifest.md is a valid manifest, for every stage it defines. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { check } from './fixtures.js';

const doc = readFileSync(fileURLToPath(new URL('../../../docs/manifest.md', import.meta.url)), 'utf8');
const example = /## A complete example\s+```yaml\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';

describe('docs/manifest.md', () => {
  it.each(['dev', 'prod'])('the complete example validates for stage %s', async (stage) => {
    expect(example).toContain('service: orders');
    const r = await check(example, { stage, env: { AZURE_SUBSCRIPTION_ID: '00000000-0000-0000-0000-000000000000' } });
    expect(r.errors.map((e) => `${e.code} ${e.message}`)).toEqual([]);
    expect(r.manifest?.functions.length).toBe(4);
  });
});
