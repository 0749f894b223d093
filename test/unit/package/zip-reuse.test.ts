import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { packageArtifacts } from '../../../src/package/index.js';
import { writeZip, type PreviousZip, type ZipEntry } from '../../../src/package/zip-writer.js';
import { cleanupProjects, fn, makeProject, manifest, readZip } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'fnx-zip-reuse-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  cleanupProjects();
});

type MemEntry = ZipEntry & { data: Buffer; id: string };

function entry(name: string, content: string): MemEntry {
  const raw = Buffer.from(content);
  const data = deflateRawSync(raw);
  return { name, mode: 0o644, crc: crc32(raw), size: raw.length, csize: data.length, method: 8, data, id: createHash('sha256').update(raw).digest('hex') };
}

const copy = (e: MemEntry, sink: (c: Buffer) => void) => sink(e.data);

function previousOf(path: string, entries: MemEntry[], sha256: string): PreviousZip {
  const ids = [...entries].sort((a, b) => (a.name < b.name ? -1 : 1)).map((e) => e.id);
  return { path, sha256, forceZip64: false, ids: (i) => ids[i]! };
}

const files = (n: number, tag = '') => Array.from({ length: n }, (_, i) => entry(`lib/f${String(i).padStart(3, '0')}.js`, `module.exports = ${i}; // ${'x'.repeat(i % 50)}${tag}`));

describe('zip writer: reusing a previous archive', () => {
  it('copies unchanged entries and gives the same bytes as a write from scratch after an edit, an addition and a removal', () => {
    const oldPath = join(dir, 'old.zip');
    const base = files(200);
    const old = writeZip(oldPath, base, copy);
    const changes: Array<[string, MemEntry[]]> = [
      ['edit', base.map((e, i) => (i === 100 ? entry(e.name, 'changed') : e))],
      ['add', [...base, entry('lib/f100a.js', 'new file'), entry('zz.js', 'last')]],
      ['remove', base.filter((_, i) => i !== 0 && i !== 150)],
    ];
    for (const [what, next] of changes) {
      const scratch = writeZip(join(dir, `${what}-scratch.zip`), next, copy);
      const reused = writeZip(join(dir, `${what}-reused.zip`), next, copy, {}, { previous: previousOf(oldPath, base, old.sha256), idOf: (e) => e.id });
      expect(reused.reusedBytes, what).toBeGreaterThan(old.size / 2);
      expect(readFileSync(join(dir, `${what}-reused.zip`)).equals(readFileSync(join(dir, `${what}-scratch.zip`))), what).toBe(true);
      expect(reused.sha256, what).toBe(scratch.sha256);
    }
  });

  it('trusted: copies the common prefix (kernel copy) and gives the same bytes as a write from scratch, with and without Zip64', () => {
    for (const forceZip64 of [false, true]) {
      const oldPath = join(dir, `trusted-old-${forceZip64}.zip`);
      const base = files(200);
      const old = writeZip(oldPath, base, copy, { forceZip64 });
      const changes: Array<[string, MemEntry[]]> = [
        ['edit last', base.map((e, i) => (i === 199 ? entry(e.name, 'changed') : e))],
        ['edit first', base.map((e, i) => (i === 0 ? entry(e.name, 'changed') : e))],
        ['mode change', base.map((e, i) => (i === 150 ? { ...e, mode: 0o755 } : e))],
        ['append', [...base, entry('zz.js', 'last')]],
        ['remove last', base.slice(0, 199)],
        ['unchanged', base],
        ['empty', []],
      ];
      for (const [what, next] of changes) {
        const label = `${what}, zip64 ${forceZip64}`;
        const scratch = writeZip(join(dir, `t-${what}-scratch.zip`), next, copy, { forceZip64 });
        const previous = { ...previousOf(oldPath, base, 'not checked when trusted'), forceZip64, trusted: true };
        const reused = writeZip(join(dir, `t-${what}-reused.zip`), next, copy, { forceZip64 }, { previous, idOf: (e) => e.id });
        if (what !== 'empty') expect(reused.reusedBytes, label).toBeGreaterThan(old.size / 2);
        expect(readFileSync(join(dir, `t-${what}-reused.zip`)).equals(readFileSync(join(dir, `t-${what}-scratch.zip`))), label).toBe(true);
        expect([reused.sha256, reused.files, reused.size, reused.unzippedSize], label).toEqual([scratch.sha256, scratch.files, scratch.size, scratch.unzippedSize]);
      }
    }
  });

  it('ignores a previous archive whose bytes are not the recorded ones, and still writes correct bytes', () => {
    const oldPath = join(dir, 'tampered.zip');
    const base = files(50);
    const old = writeZip(oldPath, base, copy);
    const bytes = readFileSync(oldPath);
    bytes[200] = bytes[200]! ^ 0xff;
    writeFileSync(oldPath, bytes);
    const next = base.map((e, i) => (i === 49 ? entry(e.name, 'changed') : e));
    const scratch = writeZip(join(dir, 'tampered-scratch.zip'), next, copy);
    const reused = writeZip(join(dir, 'tampered-reused.zip'), next, copy, {}, { previous: previousOf(oldPath, base, old.sha256), idOf: (e) => e.id });
    expect(reused.reusedBytes).toBe(0);
    expect(reused.sha256).toBe(scratch.sha256);
  });

  it('does not reuse an entry whose content id changed even when name, CRC and sizes match', () => {
    const oldPath = join(dir, 'ids.zip');
    const base = files(10);
    const old = writeZip(oldPath, base, copy);
    const liar = base.map((e, i) => (i === 3 ? { ...e, id: 'other', data: Buffer.alloc(e.csize, 7) } : e));
    const ids = base.map((e) => e.id);
    let copied = 0;
    writeZip(join(dir, 'ids-reused.zip'), liar, (e, sink) => {
      copied += 1;
      sink(e.data);
    }, {}, { previous: { path: oldPath, sha256: old.sha256, forceZip64: false, ids: (i) => ids[i]! }, idOf: (e) => e.id });
    expect(copied).toBe(1);
  });
});

describe('packageArtifacts: warm builds equal cold builds', () => {
  const lodash = 'module.exports = "' + 'lodash '.repeat(500) + '";\n';
  function project(): string {
    const files: Record<string, string> = {
      'package.json': JSON.stringify({ name: 'app', dependencies: { lodash: '1' } }),
      'node_modules/lodash/package.json': JSON.stringify({ name: 'lodash', version: '1.0.0' }),
      'node_modules/lodash/index.js': lodash,
      'src/api.js': 'exports.handler = async () => "one";\n',
      'src/worker.js': 'exports.handler = async () => "worker";\n',
    };
    for (let i = 0; i < 40; i++) files[`node_modules/lodash/fp/f${i}.js`] = `module.exports = ${i};\n`;
    return makeProject(files);
  }

  /** sha256 and bytes of each zip of a cold build of a copy of `root` (fresh directory, no cache). */
  async function cold(root: string): Promise<Map<string, Buffer>> {
    const copyDir = mkdtempSync(join(tmpdir(), 'fnx-cold-'));
    try {
      cpSync(root, copyDir, { recursive: true, filter: (src) => !src.includes('/.fnx') });
      const set = await packageArtifacts(manifest(copyDir, [fn('api'), fn('worker')]), { cache: false });
      return new Map(set.artifacts.map((a) => [a.name, readFileSync(a.path)]));
    } finally {
      rmSync(copyDir, { recursive: true, force: true });
    }
  }

  it('after an edit, an added file, a removed file and a tampered archive, every warm zip is byte-identical to a cold one', async () => {
    const root = project();
    const m = manifest(root, [fn('api'), fn('worker')]);
    await packageArtifacts(m);
    const steps: Array<[string, () => void]> = [
      ['edit a handler', () => writeFileSync(join(root, 'src/api.js'), 'exports.handler = async () => "two";\n')],
      ['edit a dependency', () => writeFileSync(join(root, 'node_modules/lodash/fp/f7.js'), 'module.exports = "seven";\n')],
      ['add a file', () => writeFileSync(join(root, 'node_modules/lodash/fp/f7b.js'), 'module.exports = "added";\n')],
      ['remove a file', () => rmSync(join(root, 'node_modules/lodash/fp/f0.js'))],
      [
        'tamper with the archive (same size, mtime restored)',
        () => {
          const zip = join(root, '.fnx/build/dev/functions/api.zip');
          const st = statSync(zip);
          const bytes = readFileSync(zip);
          bytes[100] = bytes[100]! ^ 0xff;
          writeFileSync(zip, bytes);
          utimesSync(zip, st.atime, st.mtime);
          writeFileSync(join(root, 'src/api.js'), 'exports.handler = async () => "three";\n');
        },
      ],
    ];
    for (const [what, change] of steps) {
      change();
      const set = await packageArtifacts(m);
      const expected = await cold(root);
      for (const a of set.artifacts) {
        expect(readFileSync(a.path).equals(expected.get(a.name)!), `${what}: ${a.name}`).toBe(true);
      }
      const api = await readZip(set.artifacts[0]!.path);
      for (const e of api) expect(e.data.equals(readFileSync(join(root, e.name))), `${what}: ${e.name}`).toBe(true);
    }
  });
});
