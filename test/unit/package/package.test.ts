import { cpSync, existsSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FnxError } from '../../../src/errors.js';
import { packageArtifacts } from '../../../src/package/index.js';
import { cleanupProjects, fn, makeProject, manifest, readZip, zipNames } from './helpers.js';

afterAll(cleanupProjects);

const lodash = {
  'node_modules/lodash/package.json': JSON.stringify({ name: 'lodash', version: '1.0.0' }),
  'node_modules/lodash/index.js': 'module.exports = {};\n'.repeat(50),
};

function app(extra: Record<string, Parameters<typeof makeProject>[0][string]> = {}) {
  return makeProject({
    'package.json': JSON.stringify({ name: 'app', dependencies: { lodash: '1.0.0' } }),
    'fnx.yaml': 'service: svc\n',
    'src/api.js': 'exports.handler = async () => ({ statusCode: 200 });\n',
    'src/worker.js': 'exports.handler = async () => {};\n',
    'src/run.sh': { content: '#!/bin/sh\necho ok\n', mode: 0o755 },
    'src/data.json': JSON.stringify({ big: 'x'.repeat(5000) }),
    ...lodash,
    ...extra,
  });
}

describe('packageArtifacts: archives and determinism', () => {
  it('writes one zip per function plus artifacts.json, entries checked one by one', async () => {
    const root = app();
    const m = manifest(root, [fn('api', { package: { include: ['src/api.js', 'src/run.sh', 'src/data.json'], exclude: [] } }), fn('worker')]);
    const set = await packageArtifacts(m);
    expect(set.artifacts.map((a) => [a.type, a.name, a.providers])).toEqual([
      ['function', 'api', ['aws']],
      ['function', 'worker', ['aws']],
    ]);
    const api = set.artifacts[0]!;
    expect(api.path).toBe(join(root, '.fnx/build/dev/functions/api.zip'));
    const entries = await readZip(api.path);
    expect(entries.map((e) => e.name)).toEqual(['node_modules/lodash/index.js', 'node_modules/lodash/package.json', 'src/api.js', 'src/data.json', 'src/run.sh']);
    for (const e of entries) {
      expect(e.data.equals(readFileSync(join(root, e.name)))).toBe(true);
      expect(e.mode).toBe(e.name === 'src/run.sh' ? 0o755 : 0o644);
      expect([e.dosDate, e.dosTime, e.madeBy, e.extraFields]).toEqual([0x21, 0, 3, 0]);
    }
    expect(entries.find((e) => e.name === 'src/data.json')!.compressionMethod).toBe(8);
    expect(api.files).toBe(5);
    expect(api.unzippedSize).toBe(entries.reduce((n, e) => n + e.data.length, 0));
    expect(api.sha256Base64).toBe(Buffer.from(api.sha256, 'hex').toString('base64'));
    const json = JSON.parse(readFileSync(join(root, '.fnx/build/dev/artifacts.json'), 'utf8'));
    expect(json).toEqual(JSON.parse(JSON.stringify(set)));
    expect(json).toMatchObject({ version: 1, service: 'svc', stage: 'dev' });
  });

  it('gives byte-identical zips when packaged twice, after touching files, without cache, and in another directory', async () => {
    const root = app();
    const m = manifest(root, [fn('api'), fn('worker')]);
    const first = (await packageArtifacts(m)).artifacts.map((a) => a.sha256);
    expect((await packageArtifacts(m)).artifacts.map((a) => a.sha256)).toEqual(first);
    const future = new Date(Date.now() + 3600_000);
    for (const f of ['src/api.js', 'src/worker.js', 'node_modules/lodash/index.js']) utimesSync(join(root, f), future, future);
    expect((await packageArtifacts(m)).artifacts.map((a) => a.sha256)).toEqual(first);
    expect((await packageArtifacts(m, { cache: false })).artifacts.map((a) => a.sha256)).toEqual(first);
    const other = makeProject({});
    cpSync(root, other, { recursive: true });
    const moved = (await packageArtifacts(manifest(other, [fn('api'), fn('worker')]), { cache: false })).artifacts.map((a) => a.sha256);
    expect(moved).toEqual(first);
  });

  it('only packages the functions asked for, and rejects unknown names', async () => {
    const root = app();
    const m = manifest(root, [fn('api'), fn('worker')]);
    const set = await packageArtifacts(m, { functions: ['worker'] });
    expect(set.artifacts.map((a) => a.name)).toEqual(['worker']);
    await expect(packageArtifacts(m, { functions: ['nope'] })).rejects.toMatchObject({ code: 'E_USAGE_FUNCTION', message: expect.stringContaining('nope') });
  });

  it('stops with InterruptedError when the signal is aborted', async () => {
    const root = app();
    const ac = new AbortController();
    ac.abort();
    await expect(packageArtifacts(manifest(root, [fn('api')]), { signal: ac.signal })).rejects.toMatchObject({ code: 'E_INTERRUPTED' });
  });
});

describe('packageArtifacts: what goes in', () => {
  it('applies include/exclude globs, .fnxignore and the default excludes', async () => {
    const root = app({
      '.fnxignore': '# comment\n*.log\nsrc/secret/\n!src/keep.log\n',
      'src/debug.log': 'x',
      'src/keep.log': 'keep',
      'src/secret/key.pem': 'k',
      'src/api.test.js': 't',
      'src/util.spec.ts': 't',
      'src/__tests__/a.js': 't',
      'test/a.js': 't',
      'tests/b.js': 't',
      '.git/HEAD': 'ref',
      '.fnx/old.zip': 'z',
      '.env': 'SECRET=1',
      '.DS_Store': 'x',
      'src/.api.js.swp': 'x',
      'src/lib/helper.js': 'h',
      'src/lib/big.md': 'doc',
      'docs/readme.md': 'doc',
      'node_modules/.cache/x': 'cache',
    });
    const m = manifest(root, [
      fn('api', { package: { include: ['src/**', 'package.json'], exclude: ['**/*.md'] } }),
      fn('worker', { package: { include: ['**'], exclude: ['src/lib/**', 'docs/**'] } }),
    ]);
    const set = await packageArtifacts(m);
    const own = (names: string[]) => names.filter((n) => !n.startsWith('node_modules/'));
    expect(own(await zipNames(set.artifacts[0]!.path))).toEqual(['package.json', 'src/api.js', 'src/data.json', 'src/keep.log', 'src/lib/helper.js', 'src/run.sh', 'src/worker.js']);
    expect(own(await zipNames(set.artifacts[1]!.path))).toEqual(['package.json', 'src/api.js', 'src/data.json', 'src/keep.log', 'src/run.sh', 'src/worker.js']);
  });

  it("leaves other deployment tools' output and state folders out of a default `**` include, at any depth", async () => {
    const root = app({
      '.serverless/cloudformation-template-update-stack.json': '{}',
      '.serverless/svc.zip': 'zip',
      '.aws-sam/build/template.yaml': 'x',
      'cdk.out/manifest.json': '{}',
      '.terraform/providers/registry/aws/terraform-provider-aws': 'bin',
      'infra/.terraform/terraform.tfstate': '{}',
      'services/old/.serverless/old.zip': 'zip',
      'infra/main.tf': 'resource {}',
    });
    const set = await packageArtifacts(manifest(root, [fn('api')]));
    const own = (await zipNames(set.artifacts[0]!.path)).filter((n) => !n.startsWith('node_modules/'));
    expect(own).toEqual(['infra/main.tf', 'package.json', 'src/api.js', 'src/data.json', 'src/run.sh', 'src/worker.js']);
  });

  it('packages only production node_modules, through nested folders, from the lock file or by walking package.json files', async () => {
    const pkgs = {
      'package.json': JSON.stringify({ name: 'app', dependencies: { a: '1' }, optionalDependencies: { opt: '1' }, devDependencies: { dev: '1' } }),
      'src/api.js': 'exports.handler = 1;\n',
      'node_modules/a/package.json': JSON.stringify({ name: 'a', dependencies: { b: '1', c: '2' } }),
      'node_modules/a/index.js': 'a',
      'node_modules/a/node_modules/c/package.json': JSON.stringify({ name: 'c', version: '2' }),
      'node_modules/a/node_modules/c/index.js': 'c2',
      'node_modules/b/package.json': JSON.stringify({ name: 'b' }),
      'node_modules/b/lib/b.js': 'b',
      'node_modules/c/package.json': JSON.stringify({ name: 'c', version: '1' }),
      'node_modules/c/index.js': 'c1 (only the dev dependency uses this one)',
      'node_modules/dev/package.json': JSON.stringify({ name: 'dev', dependencies: { c: '1', devonly: '1' } }),
      'node_modules/devonly/package.json': JSON.stringify({ name: 'devonly' }),
      'node_modules/.bin/tool': 'x',
      'node_modules/@scope/s/package.json': JSON.stringify({ name: '@scope/s' }),
    };
    const expected = [
      'node_modules/a/index.js',
      'node_modules/a/node_modules/c/index.js',
      'node_modules/a/node_modules/c/package.json',
      'node_modules/a/package.json',
      'node_modules/b/lib/b.js',
      'node_modules/b/package.json',
      'src/api.js',
    ];
    const walked = makeProject(pkgs);
    const set = await packageArtifacts(manifest(walked, [fn('api', { package: { include: ['src/**'], exclude: [] } })]));
    expect(await zipNames(set.artifacts[0]!.path)).toEqual(expected);

    const lock = {
      lockfileVersion: 3,
      packages: {
        '': { dependencies: { a: '1' }, devDependencies: { dev: '1' } },
        'node_modules/a': {},
        'node_modules/a/node_modules/c': {},
        'node_modules/b': {},
        'node_modules/c': { dev: true },
        'node_modules/dev': { dev: true },
        'node_modules/devonly': { dev: true },
        'node_modules/opt': { optional: true },
      },
    };
    const locked = makeProject({ ...pkgs, 'package-lock.json': JSON.stringify(lock) });
    const set2 = await packageArtifacts(manifest(locked, [fn('api', { package: { include: ['src/**'], exclude: [] } })]));
    expect(await zipNames(set2.artifacts[0]!.path)).toEqual(expected);
  });

  it('fails with a clear error when a production dependency is not installed', async () => {
    const root = makeProject({ 'package.json': JSON.stringify({ dependencies: { missing: '1' } }), 'src/api.js': 'x', 'node_modules/other/package.json': '{}' });
    await expect(packageArtifacts(manifest(root, [fn('api')]))).rejects.toMatchObject({ code: 'E_PACKAGE_DEPS_MISSING', message: expect.stringContaining('"missing"') });
  });

  it('refuses globs, symlinks and layer folders that escape the project, naming the path', async () => {
    const outside = makeProject({ 'secret.txt': 'nope', 'dir/x.js': 'x' });
    const root = app({ 'src/link.txt': { link: join(outside, 'secret.txt') } });
    const err = await packageArtifacts(manifest(root, [fn('api')])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FnxError);
    expect(err).toMatchObject({ code: 'E_PACKAGE_ESCAPE', message: expect.stringContaining(join(root, 'src/link.txt')) });

    const root2 = app({ 'src/shared': { link: join(outside, 'dir') } });
    await expect(packageArtifacts(manifest(root2, [fn('api')]))).rejects.toMatchObject({ code: 'E_PACKAGE_ESCAPE', message: expect.stringContaining(join(outside, 'dir')) });
    // Excluded links are never followed.
    await expect(packageArtifacts(manifest(root2, [fn('api', { package: { include: ['**'], exclude: ['src/shared/**'] } })]))).resolves.toBeDefined();

    const root3 = app();
    await expect(packageArtifacts(manifest(root3, [fn('api', { package: { include: ['../**'], exclude: [] } })]))).rejects.toMatchObject({ code: 'E_PACKAGE_ESCAPE', message: expect.stringContaining('"../**"') });
    await expect(packageArtifacts(manifest(root3, [fn('api', { layers: ['x'] })], { layers: { x: { kind: 'dir', path: join(outside, 'dir') } } }))).rejects.toMatchObject({
      code: 'E_PACKAGE_ESCAPE',
      message: expect.stringContaining('layer "x"'),
    });
  });

  it('follows symlinks that stay inside the project (files and folders)', async () => {
    const root = app({ 'shared/util.js': 'util', 'src/util.js': { link: '../shared/util.js' }, 'src/common': { link: '../shared' } });
    const set = await packageArtifacts(manifest(root, [fn('api', { package: { include: ['src/**'], exclude: [] } })]));
    const entries = await readZip(set.artifacts[0]!.path);
    expect(entries.find((e) => e.name === 'src/util.js')?.data.toString()).toBe('util');
    expect(entries.find((e) => e.name === 'src/common/util.js')?.data.toString()).toBe('util');
  });

  it('refuses a function with no files, naming the function and its globs', async () => {
    const root = app();
    await expect(packageArtifacts(manifest(root, [fn('api', { package: { include: ['lib/**'], exclude: [] } })]))).rejects.toMatchObject({
      code: 'E_PACKAGE_EMPTY',
      message: expect.stringMatching(/"api".*lib\/\*\*/),
    });
  });

  it('refuses a function whose handler file is not in its package', async () => {
    const root = app();
    await expect(packageArtifacts(manifest(root, [fn('api', { handler: 'src/nothere.handler' })]))).rejects.toMatchObject({
      code: 'E_PACKAGE_HANDLER',
      message: expect.stringContaining('src/nothere.js'),
      hint: expect.stringContaining('handler'),
    });
    const py = makeProject({ 'handlers/orders.py': 'def create(e, c): pass\n' });
    const set = await packageArtifacts(manifest(py, [fn('orders', { handler: 'handlers.orders.create', runtime: 'python3.12' })]));
    expect(await zipNames(set.artifacts[0]!.path)).toEqual(['handlers/orders.py']);
  });
});

/** An Azure zip's entries without the files the Azure packaging hook adds (host.json, package.json, fnx_entry/). */
const azureOwn = (names: string[]) => names.filter((n) => n !== 'host.json' && n !== 'package.json' && !n.startsWith('fnx_entry/'));

describe('packageArtifacts: layers per provider', () => {
  const layered = () =>
    app({
      'layers/shared/nodejs/node_modules/util/index.js': 'util',
      'layers/shared/python/tool.py': 'tool',
      'layers/shared/bin/run': { content: 'run', mode: 0o755 },
    });

  it('builds AWS layer zips (nodejs/node_modules for package.json layers) and merges layers into Azure/GCP zips', async () => {
    const root = layered();
    const m = manifest(root, [fn('api', { providers: ['aws', 'azure', 'gcp'], layers: ['deps', 'shared'], package: { include: ['src/**'], exclude: [] } })], {
      layers: { deps: { kind: 'package', path: join(root, 'package.json') }, shared: { kind: 'dir', path: join(root, 'layers/shared') } },
    });
    // Without the providers' entry adapters (GCP adds its own files): only the layer layouts differ.
    const set = await packageArtifacts(m, { hooks: {} });
    expect(set.artifacts.map((a) => [a.type, a.name, a.providers, a.path.slice(root.length)])).toEqual([
      ['function', 'api', ['aws'], '/.fnx/build/dev/functions/api.aws.zip'],
      ['function', 'api', ['azure'], '/.fnx/build/dev/functions/api.azure.zip'],
      ['function', 'api', ['gcp'], '/.fnx/build/dev/functions/api.gcp.zip'],
      ['layer', 'deps', ['aws'], '/.fnx/build/dev/layers/deps.zip'],
      ['layer', 'shared', ['aws'], '/.fnx/build/dev/layers/shared.zip'],
    ]);
    const src = ['src/api.js', 'src/data.json', 'src/run.sh', 'src/worker.js'];
    // The function's own dependencies come from the deps layer: not in the AWS function zip.
    expect(await zipNames(set.artifacts[0]!.path)).toEqual(src);
    const merged = ['bin/run', 'node_modules/lodash/index.js', 'node_modules/lodash/package.json', 'node_modules/util/index.js', ...src, 'tool.py'];
    // Azure's zip also holds its v4 app files (host.json, package.json `main`, the entry and its runtime).
    expect(azureOwn(await zipNames(set.artifacts[1]!.path))).toEqual(merged);
    expect(await zipNames(set.artifacts[2]!.path)).toEqual(merged);
    expect(await zipNames(set.artifacts[3]!.path)).toEqual(['nodejs/node_modules/lodash/index.js', 'nodejs/node_modules/lodash/package.json']);
    const shared = await readZip(set.artifacts[4]!.path);
    expect(shared.map((e) => [e.name, e.mode])).toEqual([
      ['bin/run', 0o755],
      ['nodejs/node_modules/util/index.js', 0o644],
      ['python/tool.py', 0o644],
    ]);
  });

  it('uses one zip for every provider when the function has no layers, and skips unused layers', async () => {
    const root = layered();
    const m = manifest(root, [fn('api', { providers: ['aws', 'gcp'] })], { layers: { shared: { kind: 'dir', path: join(root, 'layers/shared') } } });
    const set = await packageArtifacts(m, { hooks: {} });
    expect(set.artifacts.map((a) => [a.name, a.providers, a.path.slice(root.length)])).toEqual([['api', ['aws', 'gcp'], '/.fnx/build/dev/functions/api.zip']]);
  });

  it('merges layers for a function deployed only to providers without native layers', async () => {
    const root = layered();
    const m = manifest(root, [fn('api', { providers: ['azure'], layers: ['shared'], package: { include: ['src/api.js'], exclude: [] } })], {
      layers: { shared: { kind: 'dir', path: join(root, 'layers/shared') } },
    });
    const set = await packageArtifacts(m);
    expect(set.artifacts.length).toBe(1);
    expect(azureOwn(await zipNames(set.artifacts[0]!.path))).toEqual(['bin/run', 'node_modules/lodash/index.js', 'node_modules/lodash/package.json', 'node_modules/util/index.js', 'src/api.js', 'tool.py']);
  });

  it('refuses an empty or missing layer folder', async () => {
    const root = app({ 'layers/empty/.DS_Store': 'x' });
    const m = (path: string) => manifest(root, [fn('api', { layers: ['l'] })], { layers: { l: { kind: 'dir', path } } });
    await expect(packageArtifacts(m(join(root, 'layers/empty')))).rejects.toMatchObject({ code: 'E_PACKAGE_EMPTY_LAYER' });
    await expect(packageArtifacts(m(join(root, 'layers/none')))).rejects.toMatchObject({ code: 'E_PACKAGE_LAYER_PATH' });
  });
});

describe('packageArtifacts: stale archives', () => {
  it('removes archives of functions no longer in the manifest on a full run', async () => {
    const root = app();
    await packageArtifacts(manifest(root, [fn('api'), fn('worker')]));
    expect(existsSync(join(root, '.fnx/build/dev/functions/worker.zip'))).toBe(true);
    await packageArtifacts(manifest(root, [fn('api')]));
    expect(existsSync(join(root, '.fnx/build/dev/functions/worker.zip'))).toBe(false);
    expect(existsSync(join(root, '.fnx/build/dev/functions/api.zip'))).toBe(true);
  });
});

describe('packageArtifacts: large trees', () => {
  it('compresses large trees on worker threads: every entry matches its file, with duplicates and re-read files', async () => {
    const files: Record<string, string> = { 'src/api.js': 'exports.handler = 1;\n' };
    for (let i = 0; i < 40; i++) files[`src/data/f${String(i).padStart(2, '0')}.txt`] = `${i} `.repeat(90_000 + i);
    files['src/data/dup.txt'] = files['src/data/f07.txt']!;
    const root = makeProject(files);
    const m = manifest(root, [fn('api')]);
    const viaWorkers = (await packageArtifacts(m)).artifacts[0]!;
    const entries = await readZip(viaWorkers.path);
    expect(entries.length).toBe(42);
    for (const e of entries) expect(e.data.equals(readFileSync(join(root, e.name)))).toBe(true);
    // Touched files are re-read on workers; known content is not stored twice.
    const future = new Date(Date.now() + 3600_000);
    for (const f of Object.keys(files)) utimesSync(join(root, f), future, future);
    expect((await packageArtifacts(m)).artifacts[0]!.sha256).toBe(viaWorkers.sha256);
    expect((await packageArtifacts(m, { cache: false })).artifacts[0]!.sha256).toBe(viaWorkers.sha256);
  });
});
