// Hostile file names: backslashes, bytes that are not UTF-8, paths past PATH_MAX, zip-slip names,
// globs that climb out of the project.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageArtifacts } from '../../../src/package/index.js';
import { fn, makeProject, manifest, zipNames } from './helpers.js';
import { hostileProject, isSafeEntryName, packagingError, removeTempDirs, tempDir } from './hostile-helpers.js';

afterAll(removeTempDirs);

const handler = 'exports.handler = async () => ({ statusCode: 200 });\n';

describe('hostile names', () => {
  it('refuses a file named with backslashes (a traversal for Windows unzippers), naming it', async () => {
    const root = hostileProject({ 'fnx.yaml': 'service: svc\n', 'src/api.js': handler, 'src/..\\..\\evil.js': 'evil\n' });
    const err = await packagingError(manifest(root, [fn('api')]));
    expect(err).toMatchObject({ code: 'E_PACKAGE_NAME', exitCode: 2 });
    expect(err.message).toContain('src/..\\..\\evil.js');
    expect(err.message).toContain('backslash');
    expect(err.hint).toContain('exclude');
  });

  it('packages the rest when the backslash name is excluded', async () => {
    const root = hostileProject({ 'fnx.yaml': 'service: svc\n', 'src/api.js': handler, 'src/..\\..\\evil.js': 'evil\n' });
    const set = await packageArtifacts(manifest(root, [fn('api', { package: { include: ['**'], exclude: ['src/*evil*'] } })]));
    expect(await zipNames(set.artifacts[0]!.path)).toEqual(['src/api.js']);
  });

  it('refuses a file whose name is not valid UTF-8, showing its bytes', async () => {
    const root = hostileProject({ 'fnx.yaml': 'service: svc\n', 'src/api.js': handler });
    writeFileSync(Buffer.concat([Buffer.from(`${root}/src/bad-`), Buffer.from([0xff, 0xfe]), Buffer.from('.js')]), 'x');
    const err = await packagingError(manifest(root, [fn('api')]));
    expect(err).toMatchObject({ code: 'E_PACKAGE_NAME', exitCode: 2 });
    expect(err.message).toContain('src/bad-');
    expect(err.message).toContain('not valid UTF-8');
    expect(err.message).toContain('ff fe');
    expect(err.message).not.toContain('\ufffd');
  });

  it('refuses a folder whose name is not valid UTF-8 unless it is excluded', async () => {
    const root = hostileProject({ 'fnx.yaml': 'service: svc\n', 'src/api.js': handler });
    const dir = Buffer.concat([Buffer.from(`${root}/lib-`), Buffer.from([0xc3, 0x28])]);
    mkdirSync(dir);
    writeFileSync(Buffer.concat([dir, Buffer.from('/x.js')]), 'x');
    expect(await packagingError(manifest(root, [fn('api')]))).toMatchObject({ code: 'E_PACKAGE_NAME', exitCode: 2, message: expect.stringContaining('lib-') });
    const set = await packageArtifacts(manifest(root, [fn('api', { package: { include: ['src/**'], exclude: [] } })]));
    expect(await zipNames(set.artifacts[0]!.path)).toEqual(['src/api.js']);
  });

  it('refuses a tree deeper than PATH_MAX with a clear error naming the path, exit 2', async () => {
    const root = hostileProject({ 'fnx.yaml': 'service: svc\n', 'src/api.js': handler });
    const seg = 'd'.repeat(250);
    // Relative mkdir/chdir steps in a child process: each call stays short, the whole path reaches about 4,300 characters.
    const script = `const fs = require('fs'); for (let i = 0; i < 17; i++) { fs.mkdirSync('${seg}'); process.chdir('${seg}'); } fs.writeFileSync('deep.js', 'x');`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: join(root, 'src') });
    expect(r.status).toBe(0);
    const err = await packagingError(manifest(root, [fn('api')]));
    expect(err).toMatchObject({ code: 'E_PACKAGE_PATH', exitCode: 2 });
    expect(err.message).toContain(`src/${seg.slice(0, 50)}`);
    expect(err.message).toContain('too long');
    expect(err.message.length).toBeLessThan(600);
  });

  it('stores odd but legal names as they are, every one a safe archive name (no zip-slip)', async () => {
    const odd = ['src/..foo.js', 'src/...', 'src/a..b', 'src/ space.js', 'src/-rf', 'src/C:x.js', 'src/日本.js', 'src/.hidden/x.js'];
    const root = hostileProject({ 'fnx.yaml': 'service: svc\n', 'src/api.js': handler, ...Object.fromEntries(odd.map((n) => [n, n])), 'src/up': { link: '..' }, 'src/self': { link: '.' } });
    const set = await packageArtifacts(manifest(root, [fn('api', { package: { include: ['src/**'], exclude: [] } })]));
    const names = await zipNames(set.artifacts[0]!.path);
    // src/up and src/self lead to folders being walked (cycles): not entered.
    expect(names).toEqual([...odd, 'src/api.js'].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    expect(names.every(isSafeEntryName)).toBe(true);
    expect(names.some((n) => n.includes('.fnx'))).toBe(false);
  });

  it.each([['../**'], ['src/../../x/**'], ['/etc/**'], ['C:/Windows/**'], ['..\\secrets\\**']])('refuses the glob %s, which points outside the project', async (glob) => {
    const root = hostileProject({ 'fnx.yaml': 'service: svc\n', 'src/api.js': handler });
    for (const pkg of [{ include: [glob], exclude: [] }, { include: ['**'], exclude: [glob] }]) {
      const err = await packagingError(manifest(root, [fn('api', { package: pkg })]));
      expect(err).toMatchObject({ code: 'E_PACKAGE_ESCAPE', exitCode: 2 });
      expect(err.message).toContain(`"${glob}"`);
    }
  });

  it('packs nothing from outside when the project sits next to a folder of the same prefix', async () => {
    const base = tempDir();
    makeProject({ 'secret.txt': 'outside\n' }, join(base, 'app-evil'));
    const root = makeProject({ 'fnx.yaml': 'service: svc\n', 'src/api.js': handler, 'src/link.txt': { link: '../../app-evil/secret.txt' } }, join(base, 'app'));
    const err = await packagingError(manifest(root, [fn('api')]));
    expect(err).toMatchObject({ code: 'E_PACKAGE_ESCAPE', message: expect.stringContaining(join(base, 'app-evil/secret.txt')) });
  });
});
