// 100,000 tiny files in one function: packaged completely, in Zip64 form (more than 65,535
// entries), entries sorted. Slow on a shared machine, so it runs only with FNX_LONG_TESTS=1
// (`npm run test:long`).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageArtifacts } from '../../../src/package/index.js';
import { fn, manifest, zipNames } from './helpers.js';
import { hostileProject, isSafeEntryName, removeTempDirs } from './hostile-helpers.js';

afterAll(removeTempDirs, 600_000);

const COUNT = 100_000;

describe.skipIf(!process.env.FNX_LONG_TESTS)('hostile trees: 100,000 tiny files', () => {
  it('packs every file once, sorted, with safe names, and a warm run gives the same archive', { timeout: 600_000 }, async () => {
    const root = hostileProject({ 'fnx.yaml': 'service: svc\n', 'src/api.js': 'exports.handler = async () => 1;\n' });
    for (let d = 0; d < 100; d++) {
      const dir = join(root, 'src/data', `d${String(d).padStart(2, '0')}`);
      mkdirSync(dir, { recursive: true });
      for (let f = 0; f < COUNT / 100; f++) writeFileSync(join(dir, `f${String(f).padStart(4, '0')}.txt`), `${d}/${f}\n`);
    }
    const m = manifest(root, [fn('api')]);
    const first = await packageArtifacts(m);
    const a = first.artifacts[0]!;
    expect(a.files).toBe(COUNT + 1);
    const names = await zipNames(a.path);
    expect(names).toHaveLength(COUNT + 1);
    expect(names[0]).toBe('src/api.js');
    expect(names[1]).toBe('src/data/d00/f0000.txt');
    expect(names.at(-1)).toBe('src/data/d99/f0999.txt');
    expect(new Set(names).size).toBe(names.length);
    expect(names.every(isSafeEntryName)).toBe(true);
    const again = await packageArtifacts(m);
    expect(again.artifacts[0]!.sha256).toBe(a.sha256);
  });
});
