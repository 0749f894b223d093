// Hostile links and special files: symlinks out of the project and in loops, links to devices,
// FIFOs and sockets, hard links, `.fnx` reached through a layer `path: .` or a link, and `.fnx`
// output folders that are symlinks.
import { execFileSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageArtifacts } from '../../../src/package/index.js';
import { fn, manifest, readZip, zipNames } from './helpers.js';
import { hostileProject, isSafeEntryName, packagingError, removeTempDirs, tempDir } from './hostile-helpers.js';

afterAll(removeTempDirs);

const handler = 'exports.handler = async () => ({ statusCode: 200 });\n';
const base = { 'fnx.yaml': 'service: svc\n', 'src/api.js': handler };

describe('hostile links and special files', () => {
  it('refuses a symlink to a file and to a folder outside the project, naming the link and its target', async () => {
    const outside = tempDir();
    writeFileSync(join(outside, 'secret.txt'), 'outside\n');
    for (const [link, target] of [['src/secret.txt', join(outside, 'secret.txt')], ['src/ext', outside]] as const) {
      const root = hostileProject({ ...base, [link]: { link: target } });
      const err = await packagingError(manifest(root, [fn('api')]));
      expect(err).toMatchObject({ code: 'E_PACKAGE_ESCAPE', exitCode: 2 });
      expect(err.message).toContain(join(root, link));
      expect(err.message).toContain(target);
    }
  });

  it('refuses a loop of symlinks (E_PACKAGE_LINK_LOOP), and cuts a folder link back to an ancestor', async () => {
    const root = hostileProject({ ...base, 'src/a': { link: 'b' }, 'src/b': { link: 'a' } });
    const err = await packagingError(manifest(root, [fn('api')]));
    expect(err).toMatchObject({ code: 'E_PACKAGE_LINK_LOOP', exitCode: 2 });
    expect(err.message).toMatch(/src\/[ab]/);
    const cyc = hostileProject({ ...base, 'src/deeper/back': { link: '../..' } });
    const set = await packageArtifacts(manifest(cyc, [fn('api')]));
    expect(await zipNames(set.artifacts[0]!.path)).toEqual(['src/api.js']);
  });

  it.each([
    ['/dev/zero', 'a character device'],
    ['/dev/null', 'a character device'],
  ])('refuses a symlink to %s as the docs say (E_PACKAGE_SPECIAL_FILE)', async (target, kind) => {
    const root = hostileProject({ ...base, 'src/data.bin': { link: target } });
    const err = await packagingError(manifest(root, [fn('api')]));
    expect(err).toMatchObject({ code: 'E_PACKAGE_SPECIAL_FILE', exitCode: 2 });
    expect(err.message).toBe(`src/data.bin is a symbolic link to ${target}, ${kind}, which cannot be packaged.`);
    // Excluded, it is never looked at.
    const set = await packageArtifacts(manifest(root, [fn('api', { package: { include: ['**'], exclude: ['src/data.bin'] } })]));
    expect(await zipNames(set.artifacts[0]!.path)).toEqual(['src/api.js']);
  });

  it('refuses a FIFO (without opening it, so nothing hangs) and a socket, naming them', async () => {
    const root = hostileProject(base);
    execFileSync('mkfifo', [join(root, 'src/pipe')]);
    expect(await packagingError(manifest(root, [fn('api')]))).toMatchObject({ code: 'E_PACKAGE_SPECIAL_FILE', exitCode: 2, message: 'src/pipe is a named pipe (FIFO), which cannot be packaged.' });
    const root2 = hostileProject(base);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(join(root2, 'src/sock'), resolve));
    try {
      expect(await packagingError(manifest(root2, [fn('api')]))).toMatchObject({ code: 'E_PACKAGE_SPECIAL_FILE', message: 'src/sock is a socket, which cannot be packaged.' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('packs a hard link to a file outside the project (indistinguishable from a pnpm store link), as docs/packaging.md says', async () => {
    const outside = tempDir();
    writeFileSync(join(outside, 'shared.js'), 'module.exports = "shared";\n');
    const root = hostileProject(base);
    linkSync(join(outside, 'shared.js'), join(root, 'src/shared.js'));
    const set = await packageArtifacts(manifest(root, [fn('api')]));
    const entries = await readZip(set.artifacts[0]!.path);
    expect(entries.map((e) => [e.name, e.data.toString()])).toEqual([
      ['src/api.js', handler],
      ['src/shared.js', 'module.exports = "shared";\n'],
    ]);
  });

  it('never packs .fnx/: not with a layer `path: .`, not through a symlink to it, not with an include of .fnx/**', async () => {
    const root = hostileProject(base);
    const m = manifest(root, [fn('api', { layers: ['all'] })], { layers: { all: { kind: 'folder', path: root } }, providers: ['aws', 'gcp'] });
    m.functions[0]!.providers.push('gcp');
    await packageArtifacts(m);
    // Second run: .fnx/build, .fnx/cache/package (packs, index) and their zips now exist.
    symlinkSync('../.fnx', join(root, 'src/out'));
    symlinkSync('../.fnx/build/dev/functions/api.aws.zip', join(root, 'src/build.zip'));
    const set = await packageArtifacts(m);
    expect(readdirSync(join(root, '.fnx'))).toEqual(expect.arrayContaining(['build', 'cache']));
    for (const a of set.artifacts) {
      const names = await zipNames(a.path);
      expect(names.length).toBeGreaterThan(0);
      expect(names.filter((n) => n.includes('.fnx') || n.includes('src/out') || n.includes('build.zip'))).toEqual([]);
      expect(names.every(isSafeEntryName)).toBe(true);
    }
    expect(await zipNames(set.artifacts.find((a) => a.type === 'layer')!.path)).toEqual(['fnx.yaml', 'src/api.js']);
    const own = hostileProject(base);
    mkdirSync(join(own, '.fnx/cache'), { recursive: true });
    writeFileSync(join(own, '.fnx/cache/fnx.yaml.parsed.json'), '{}');
    const set2 = await packageArtifacts(manifest(own, [fn('api', { package: { include: ['.fnx/**', 'src/**'], exclude: [] } })]));
    expect(await zipNames(set2.artifacts[0]!.path)).toEqual(['src/api.js']);
  });

  it.each([['.fnx'], ['.fnx/build'], ['.fnx/build/dev'], ['.fnx/build/dev/functions'], ['.fnx/cache'], ['.fnx/cache/package']])(
    'refuses to write through %s when it is a symlink out of the project, writing nothing there',
    async (linked) => {
      const outside = tempDir();
      const root = hostileProject(base);
      mkdirSync(join(root, linked, '..'), { recursive: true });
      symlinkSync(outside, join(root, linked));
      const err = await packagingError(manifest(root, [fn('api')]));
      expect(err).toMatchObject({ code: 'E_PACKAGE_OUTPUT_LINK', exitCode: 2 });
      expect(err.message).toContain(`${linked} is a symbolic link (to ${outside})`);
      expect(readdirSync(outside)).toEqual([]);
    },
  );

  it('writes nothing outside when .fnx/build/dev/functions/api.zip is a symlink: the link is replaced', async () => {
    const outside = tempDir();
    writeFileSync(join(outside, 'victim'), 'keep\n');
    const root = hostileProject(base);
    mkdirSync(join(root, '.fnx/build/dev/functions'), { recursive: true });
    symlinkSync(join(outside, 'victim'), join(root, '.fnx/build/dev/functions/api.zip'));
    const set = await packageArtifacts(manifest(root, [fn('api')]));
    expect(await zipNames(set.artifacts[0]!.path)).toEqual(['src/api.js']);
    expect(execFileSync('cat', [join(outside, 'victim')]).toString()).toBe('keep\n');
    expect(existsSync(join(outside, 'victim'))).toBe(true);
  });

  it('replaces planted symlinks at the journal and at every temporary name instead of writing through them', async () => {
    const outside = tempDir();
    const root = hostileProject(base);
    const m = manifest(root, [fn('api')]);
    await packageArtifacts(m);
    writeFileSync(join(root, 'src/api.js'), `${handler}// edited\n`);
    const planted = [
      '.fnx/cache/package/journal.jsonl',
      `.fnx/cache/package/index.json.${process.pid}.tmp`,
      `.fnx/build/dev/artifacts.json.${process.pid}.tmp`,
      `.fnx/build/dev/.keys.json.${process.pid}.tmp`,
      `.fnx/build/dev/functions/api.zip.${process.pid}.tmp`,
      `.fnx/build/dev/.zipindex/functions/api.zip.idx.${process.pid}.tmp`,
    ];
    for (const [i, p] of planted.entries()) {
      writeFileSync(join(outside, `victim${i}`), 'keep\n');
      rmSync(join(root, p), { force: true });
      symlinkSync(join(outside, `victim${i}`), join(root, p));
    }
    const set = await packageArtifacts(m, { now: Date.now() + 10_000 });
    expect((await readZip(set.artifacts[0]!.path)).map((e) => e.data.toString())).toEqual([`${handler}// edited\n`]);
    for (const i of planted.keys()) expect(readFileSync(join(outside, `victim${i}`), 'utf8')).toBe('keep\n');
  });

  it.each([['.fnxignore'], ['package.json'], ['requirements.txt']])('a FIFO as the %s fnx reads for its rules is an error naming it, not a hang', async (name) => {
    const root = hostileProject(base);
    execFileSync('mkfifo', [join(root, name)]);
    const runtime = name === 'requirements.txt' ? 'python3.12' : 'nodejs20';
    if (runtime.startsWith('python')) writeFileSync(join(root, 'src/api.py'), 'def handler(event, context):\n    return 1\n');
    const err = await packagingError(manifest(root, [fn('api', { runtime, package: { include: ['src/**'], exclude: [] } })]));
    expect(err).toMatchObject({ code: 'E_PACKAGE_SPECIAL_FILE', exitCode: 2 });
    expect(err.message).toContain(`${name} is a named pipe (FIFO), not a regular file fnx can read.`);
  });
});
