// Hostile file systems: unreadable files and folders, a read-only project, a file in the way of
// .fnx/, a 2 GB sparse file. Tests may run as root, which chmod 000 does not stop: there the
// assertion that packaging refuses is replaced by one that it packs the file (said in each case).
import { chmodSync, existsSync, mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FnxErrorList } from '../../../src/errors.js';
import { packageArtifacts } from '../../../src/package/index.js';
import { fn, manifest, zipNames } from './helpers.js';
import { hostileProject, packagingError, removeTempDirs, runsAsRoot } from './hostile-helpers.js';

afterAll(removeTempDirs);

const handler = 'exports.handler = async () => ({ statusCode: 200 });\n';
const base = { 'fnx.yaml': 'service: svc\n', 'src/api.js': handler };

describe('hostile file systems', () => {
  it('an unreadable file: E_PACKAGE_READ naming it, exit 2 (as root: packed, since root reads it)', async () => {
    const root = hostileProject({ ...base, 'src/locked.js': 'x\n' });
    chmodSync(join(root, 'src/locked.js'), 0o000);
    const m = manifest(root, [fn('api')]);
    if (runsAsRoot) {
      // Skipped assertion: root ignores mode 000, so the refusal cannot be observed here.
      expect(await zipNames((await packageArtifacts(m)).artifacts[0]!.path)).toEqual(['src/api.js', 'src/locked.js']);
      return;
    }
    expect(await packagingError(m)).toMatchObject({ code: 'E_PACKAGE_READ', exitCode: 2, message: 'Cannot read src/locked.js: permission denied.' });
  });

  it('an unreadable file among 8 MB of others (read on worker threads): E_PACKAGE_READ naming it (as root: packed)', async () => {
    const big: Record<string, string> = {};
    for (let i = 0; i < 9; i++) big[`src/blob${i}.txt`] = `${i}`.repeat(1 << 20);
    const root = hostileProject({ ...base, ...big, 'src/zz-locked.js': 'x\n' });
    chmodSync(join(root, 'src/zz-locked.js'), 0o000);
    const m = manifest(root, [fn('api')]);
    if (runsAsRoot) {
      // Skipped assertion (root): see above.
      expect(await zipNames((await packageArtifacts(m, { cache: false })).artifacts[0]!.path)).toContain('src/zz-locked.js');
      return;
    }
    expect(await packagingError(m)).toMatchObject({ code: 'E_PACKAGE_READ', exitCode: 2, message: 'Cannot read src/zz-locked.js: permission denied.' });
  });

  it('an unreadable folder: E_PACKAGE_READ naming it, exit 2 (as root: its files are packed)', async () => {
    const root = hostileProject({ ...base, 'src/private/a.js': 'a\n' });
    chmodSync(join(root, 'src/private'), 0o000);
    const m = manifest(root, [fn('api')]);
    if (runsAsRoot) {
      // Skipped assertion (root): see above.
      expect(await zipNames((await packageArtifacts(m)).artifacts[0]!.path)).toEqual(['src/api.js', 'src/private/a.js']);
      return;
    }
    expect(await packagingError(m)).toMatchObject({ code: 'E_PACKAGE_READ', exitCode: 2, message: 'Cannot list src/private: permission denied.' });
  });

  it('a read-only project folder: E_PACKAGE_WRITE naming .fnx, exit 1 (as root: packaged, since root writes anyway)', async () => {
    const root = hostileProject(base);
    chmodSync(root, 0o555);
    const m = manifest(root, [fn('api')]);
    if (runsAsRoot) {
      // Skipped assertion (root): a read-only folder does not stop root.
      expect((await packageArtifacts(m)).artifacts).toHaveLength(1);
      return;
    }
    expect(await packagingError(m)).toMatchObject({ code: 'E_PACKAGE_WRITE', exitCode: 1, message: 'Cannot write .fnx: permission denied.' });
  });

  it('a file where .fnx/build should be a folder: E_PACKAGE_WRITE naming it, exit 1 (root too)', async () => {
    const root = hostileProject(base);
    mkdirSync(join(root, '.fnx'));
    writeFileSync(join(root, '.fnx/build'), 'not a folder');
    const err = await packagingError(manifest(root, [fn('api')]));
    expect(err).toMatchObject({ code: 'E_PACKAGE_WRITE', exitCode: 1 });
    expect(err.message).toBe('Cannot write .fnx/build: a file is in the way of a folder fnx needs.');
  });

  it('a 2 GB sparse file is refused by its size before any file is read or anything written', async () => {
    const root = hostileProject(base);
    writeFileSync(join(root, 'src/huge.bin'), '');
    truncateSync(join(root, 'src/huge.bin'), 2 * 1024 ** 3);
    const m = manifest(root, [fn('api', { providers: ['aws', 'gcp'] })]);
    const err = await packagingError(m);
    expect(err).toMatchObject({ code: 'E_LIMIT_UNZIPPED', exitCode: 2 });
    expect((err as FnxErrorList).errors.map((e) => e.message)).toEqual([
      'Function "api" is 2.0 GB unzipped including layers; AWS Lambda allows at most 250.0 MB. Its largest file is src/huge.bin (2.0 GB).',
      'Function "api" is 2.0 GB unzipped; Google Cloud Functions allows at most 500.0 MB. Its largest file is src/huge.bin (2.0 GB).',
    ]);
    // Refused while planning: no archive, no cache entry, not even the .fnx folder.
    expect(existsSync(join(root, '.fnx'))).toBe(false);
    // Excluded, it costs nothing.
    const ok = await packageArtifacts(manifest(root, [fn('api', { package: { include: ['**'], exclude: ['**/*.bin'] } })]));
    expect(await zipNames(ok.artifacts[0]!.path)).toEqual(['src/api.js']);
  });
});
