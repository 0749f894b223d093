/**
 * Functions traced together analyse the files they share once per trace slot, not once per
 * function: nft records a file's analysis only when it ends, so traces all started at once each
 * parsed a shared package again (200 handlers importing lodash: 200 parses, 9 s and 350 MB).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Tracer } from '../../../src/package/trace.js';

const root = mkdtempSync(join(tmpdir(), 'fnx-trace-shared-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A Map that counts how often each key is set (nft sets a file's analysis once it has parsed it). */
class CountingMap<V> extends Map<string, V> {
  readonly sets = new Map<string, number>();
  override set(key: string, value: V): this {
    this.sets.set(key, (this.sets.get(key) ?? 0) + 1);
    return super.set(key, value);
  }
}

describe('tracing many functions that share a package', () => {
  it('analyses the shared package at most twice for 8 functions traced together, and every trace reaches it', async () => {
    mkdirSync(join(root, 'node_modules', 'big'), { recursive: true });
    writeFileSync(join(root, 'node_modules', 'big', 'package.json'), '{"name":"big","main":"index.js"}\n');
    writeFileSync(join(root, 'node_modules', 'big', 'index.js'), `${Array.from({ length: 2000 }, (_, i) => `exports.f${i} = (x) => x + ${i};`).join('\n')}\n`);
    mkdirSync(join(root, 'src'), { recursive: true });
    const entries = Array.from({ length: 8 }, (_, i) => {
      const file = join(root, 'src', `fn${i}.js`);
      writeFileSync(file, `const big = require('big');\nexports.handler = async () => big.f${i}(1);\n`);
      return file;
    });
    const tracer = new Tracer(undefined, root, Date.now());
    const counting = new CountingMap<unknown>();
    Object.defineProperty(tracer, 'analysisCache', { value: counting });
    const results = await Promise.all(entries.map((e) => tracer.trace({ root, entries: [e], external: [], layerModules: [], layerProvides: () => false })));
    for (const r of results) expect(r.files).toContain('node_modules/big/index.js');
    expect(counting.sets.get(join(root, 'node_modules', 'big', 'index.js'))).toBeLessThanOrEqual(2);
  });
});
