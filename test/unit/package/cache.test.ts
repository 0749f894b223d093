import { appendFileSync, existsSync, readFileSync, readdirSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageArtifacts } from '../../../src/package/index.js';
import { cleanupProjects, fn, makeProject, manifest, readZip } from './helpers.js';

afterAll(cleanupProjects);

const HOUR = 3600_000;

/** A project whose files look old enough for the stat index to trust them. */
function project(): string {
  const root = makeProject({
    'src/api.js': 'exports.handler = async () => "one";\n',
    'src/lib.js': 'module.exports = "' + 'lib '.repeat(2000) + '";\n',
    'src/other.js': 'module.exports = "' + 'other '.repeat(2000) + '";\n',
  });
  const old = new Date(Date.now() - HOUR);
  for (const f of ['src/api.js', 'src/lib.js', 'src/other.js']) utimesSync(join(root, f), old, old);
  return root;
}

/** Packages as a run 10 s from now would, so files written by the test count as settled. */
async function contentOf(root: string, name: string, now = Date.now() + 10_000): Promise<string> {
  const set = await packageArtifacts(manifest(root, [fn('api')]), { now });
  const e = (await readZip(set.artifacts[0]!.path)).find((x) => x.name === name);
  return e!.data.toString();
}

const packs = (root: string) => readdirSync(join(root, '.fnx/cache/package/packs'));

describe('packaging cache', () => {
  it('never serves an edited file from the cache, even with the same size and a restored mtime', async () => {
    const root = project();
    expect(await contentOf(root, 'src/api.js')).toContain('"one"');
    expect(await contentOf(root, 'src/api.js')).toContain('"one"');
    const file = join(root, 'src/api.js');
    const before = statSync(file);
    writeFileSync(file, 'exports.handler = async () => "two";\n');
    utimesSync(file, before.atime, before.mtime);
    expect(statSync(file).size).toBe(before.size);
    expect(await contentOf(root, 'src/api.js')).toContain('"two"');
    // An edit within the same clock tick as the run that saw the old content.
    const now = Date.now();
    writeFileSync(file, 'exports.handler = async () => "444";\n');
    expect(await contentOf(root, 'src/api.js', now)).toContain('"444"');
    writeFileSync(file, 'exports.handler = async () => "555";\n');
    utimesSync(file, before.atime, statSync(file).mtime);
    expect(await contentOf(root, 'src/api.js', now)).toContain('"555"');
  });

  it('reuses stored entries on a warm run (no new pack when nothing changed)', async () => {
    const root = project();
    const m = manifest(root, [fn('api')]);
    const a = await packageArtifacts(m);
    const before = packs(root);
    const b = await packageArtifacts(m);
    expect(packs(root)).toEqual(before);
    expect(b.artifacts[0]!.sha256).toBe(a.artifacts[0]!.sha256);
  });

  it('rebuilds entries from a truncated pack (interrupted write) and gives the same archive', async () => {
    const root = project();
    const m = manifest(root, [fn('api')]);
    const good = (await packageArtifacts(m)).artifacts[0]!;
    const goodBytes = readFileSync(good.path);
    for (const p of packs(root)) truncateSync(join(root, '.fnx/cache/package/packs', p), 10);
    const again = (await packageArtifacts(m)).artifacts[0]!;
    expect(again.sha256).toBe(good.sha256);
    expect(readFileSync(again.path).equals(goodBytes)).toBe(true);
  });

  it('detects corrupted bytes inside a pack (same size) and rebuilds them', async () => {
    const root = project();
    const m = manifest(root, [fn('api')]);
    const good = (await packageArtifacts(m)).artifacts[0]!;
    for (const p of packs(root)) {
      const file = join(root, '.fnx/cache/package/packs', p);
      const bytes = readFileSync(file);
      for (let i = 0; i < bytes.length; i += 7) bytes[i] = bytes[i]! ^ 0xff;
      writeFileSync(file, bytes);
    }
    // Force a rewrite of the archive so the stored entries are read again.
    writeFileSync(join(root, '.fnx/build/dev/.keys.json'), '{}');
    const again = (await packageArtifacts(m)).artifacts[0]!;
    expect(again.sha256).toBe(good.sha256);
    const entries = await readZip(again.path);
    expect(entries.find((e) => e.name === 'src/lib.js')!.data.toString()).toContain('lib lib');
  });

  it('recovers from a garbage index and removes leftovers of dead runs', async () => {
    const root = project();
    const m = manifest(root, [fn('api')]);
    const good = (await packageArtifacts(m)).artifacts[0]!;
    writeFileSync(join(root, '.fnx/cache/package/index.json'), '{"version": 2, "entr');
    writeFileSync(join(root, '.fnx/cache/package/packs/dead.999999999.tmp'), 'partial');
    writeFileSync(join(root, '.fnx/cache/package/packs/orphan.pack'), 'orphan');
    writeFileSync(join(root, '.fnx/cache/package/index.json.999999999.tmp'), '{');
    writeFileSync(join(root, '.fnx/build/dev/.keys.json'), 'not json');
    const again = (await packageArtifacts(m)).artifacts[0]!;
    expect(again.sha256).toBe(good.sha256);
    expect(packs(root).some((p) => p.includes('dead') || p.includes('orphan'))).toBe(false);
    expect(readdirSync(join(root, '.fnx/cache/package')).sort()).toEqual(['index.json', 'packs']);
    expect(() => JSON.parse(readFileSync(join(root, '.fnx/cache/package/index.json'), 'utf8'))).not.toThrow();
  });

  it('records later runs in a journal, ignores a torn journal line and folds the journal into the index', async () => {
    const root = project();
    const m = manifest(root, [fn('api')]);
    await packageArtifacts(m);
    writeFileSync(join(root, 'src/api.js'), 'exports.handler = async () => "journal";\n');
    await packageArtifacts(m);
    const journal = join(root, '.fnx/cache/package/journal.jsonl');
    expect(readFileSync(journal, 'utf8').trim().split('\n').length).toBe(1);
    appendFileSync(journal, '{"entries":{"ab');
    expect(await contentOf(root, 'src/api.js')).toContain('"journal"');
    expect(existsSync(journal)).toBe(false);
    expect(await contentOf(root, 'src/lib.js')).toContain('lib lib');
  });

  it('rewrites an archive that was modified or deleted since the last run', async () => {
    const root = project();
    const m = manifest(root, [fn('api')]);
    const good = (await packageArtifacts(m)).artifacts[0]!;
    writeFileSync(good.path, 'garbage');
    expect((await packageArtifacts(m)).artifacts[0]!.sha256).toBe(good.sha256);
    expect(readFileSync(good.path).length).toBe(good.size);
  });

  it('stays within its size bound by evicting packs the current run did not use', async () => {
    const root = project();
    await packageArtifacts(manifest(root, [fn('api')]));
    const first = packs(root);
    // Replace every file: the next run needs none of the old pack.
    for (const f of ['src/api.js', 'src/lib.js', 'src/other.js']) writeFileSync(join(root, f), `exports.handler = ${JSON.stringify(f + 'x'.repeat(3000))};\n`);
    await packageArtifacts(manifest(root, [fn('api')]), { cacheMaxBytes: 1 });
    const second = packs(root);
    expect(second.some((p) => first.includes(p))).toBe(false);
    expect(second.length).toBe(1);
  });

  it('leaves no cache behind with cache: false', async () => {
    const root = project();
    await packageArtifacts(manifest(root, [fn('api')]), { cache: false });
    expect(readdirSync(join(root, '.fnx')).sort()).toEqual(['build']);
  });
});
