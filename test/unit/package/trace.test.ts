/**
 * Per-function dependency tracing (package.strategy 'trace', the default for Node) and bundling
 * ('bundle'): what lands in each zip, what is an error, what changes when one handler changes.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FnxError, FnxErrorList } from '../../../src/errors.js';
import type { ResolvedFunction } from '../../../src/manifest/model.js';
import { packageArtifacts } from '../../../src/package/index.js';
import { cleanupProjects, fn, makeProject, manifest, readZip, zipNames } from './helpers.js';

afterAll(cleanupProjects);

const json = (v: unknown) => JSON.stringify(v);
const traced = (name: string, over: Partial<ResolvedFunction> = {}, pkg: Partial<ResolvedFunction['package']> = {}): ResolvedFunction =>
  fn(name, { ...over, package: { include: pkg.strategy === 'all' ? ['**'] : [], exclude: [], strategy: 'trace', external: [], ...pkg } });

/** A project with one handler per case and packages each reaches (or not). */
function project(extra: Record<string, string> = {}) {
  return makeProject({
    'package.json': json({ name: 'app', dependencies: { 'cjs-pkg': '1', 'esm-pkg': '1', 'native-pkg': '1' }, optionalDependencies: { 'opt-present': '1', 'opt-absent': '1' } }),
    // ESM: a relative import, an exports map, a JSON import.
    'src/esm.mjs': "import { a } from './lib/a.mjs';\nimport sub from 'esm-pkg/sub';\nimport data from './data.json' with { type: 'json' };\nexport const handler = async () => a + sub + data.n;\n",
    'src/lib/a.mjs': "import { e } from 'esm-pkg';\nexport const a = e;\n",
    'src/data.json': '{ "n": 1 }\n',
    'src/unused.mjs': 'export const x = 1;\n',
    'node_modules/esm-pkg/package.json': json({ name: 'esm-pkg', type: 'module', exports: { '.': { import: './esm.js', default: './esm.js' }, './sub': './sub.js' } }),
    'node_modules/esm-pkg/esm.js': 'export const e = 1;\n',
    'node_modules/esm-pkg/sub.js': 'export default 2;\n',
    'node_modules/esm-pkg/unreached.js': 'export default 3;\n',
    'node_modules/esm-pkg/README.md': '# esm-pkg\n',
    // CommonJS: a folder index, main, a literal dynamic require, a computed one, optional deps.
    'src/cjs.js':
      "const util = require('./util');\nconst c = require('cjs-pkg');\nexports.handler = async (e) => {\n  const lazy = require('./lazy.js');\n  const name = 'x' + e;\n  try { require(name); } catch {}\n  let o; try { o = require('opt-absent'); } catch {}\n  return util + c + lazy + require('opt-present') + (o ?? 0);\n};\n",
    'src/util/index.js': 'module.exports = 1;\n',
    'src/lazy.js': 'module.exports = 2;\n',
    'node_modules/cjs-pkg/package.json': json({ name: 'cjs-pkg', main: 'lib/main.js' }),
    'node_modules/cjs-pkg/lib/main.js': "module.exports = require('./helper') + 1;\ntry { require('not-installed-anywhere'); } catch {}\n",
    'node_modules/cjs-pkg/lib/helper.js': 'module.exports = 1;\n',
    'node_modules/cjs-pkg/lib/other.js': 'module.exports = 9;\n',
    'node_modules/opt-present/package.json': json({ name: 'opt-present' }),
    'node_modules/opt-present/index.js': 'module.exports = 3;\n',
    'node_modules/never-imported/package.json': json({ name: 'never-imported' }),
    'node_modules/never-imported/index.js': 'module.exports = 0;\n',
    // A native addon loaded through `bindings`, with prebuilds for two platforms.
    'src/native.js': "const n = require('native-pkg');\nexports.handler = async () => n.hello();\n",
    'node_modules/native-pkg/package.json': json({ name: 'native-pkg', main: 'index.js', gypfile: true, dependencies: { bindings: '1' } }),
    'node_modules/native-pkg/index.js': "module.exports = require('bindings')('addon');\n",
    'node_modules/native-pkg/binding.gyp': '{}\n',
    'node_modules/native-pkg/src/addon.cc': '// source\n',
    'node_modules/native-pkg/build/Release/addon.node': 'ELF',
    'node_modules/native-pkg/prebuilds/linux-x64/native-pkg.node': 'ELF',
    'node_modules/native-pkg/prebuilds/linux-arm64/native-pkg.node': 'ELF',
    'node_modules/bindings/package.json': json({ name: 'bindings', main: './bindings.js' }),
    'node_modules/bindings/bindings.js': "module.exports = (name) => require('path').join(__dirname, name);\n",
    ...extra,
  });
}

const names = async (path: string) => (await zipNames(path)).filter((n) => n !== 'package.json');

describe('tracing: a function gets exactly what its handler reaches', () => {
  it('ESM: relative imports, an exports map (its subpath too), a JSON import; nothing unreached', async () => {
    const root = project();
    const set = await packageArtifacts(manifest(root, [traced('esm', { handler: 'src/esm.handler' })], { providers: ['aws'] }), { cache: false });
    expect(await zipNames(set.artifacts[0]!.path)).toEqual([
      'node_modules/esm-pkg/esm.js',
      'node_modules/esm-pkg/package.json',
      'node_modules/esm-pkg/sub.js',
      'package.json',
      'src/data.json',
      'src/esm.mjs',
      'src/lib/a.mjs',
    ]);
  });

  it('CommonJS: a folder index, main, a literal require inside a function, an optional dependency present; computed and absent optional ones skipped', async () => {
    const root = project();
    const set = await packageArtifacts(manifest(root, [traced('cjs', { handler: 'src/cjs.handler' })], { providers: ['aws'] }), { cache: false });
    expect(await names(set.artifacts[0]!.path)).toEqual([
      'node_modules/cjs-pkg/lib/helper.js',
      'node_modules/cjs-pkg/lib/main.js',
      'node_modules/cjs-pkg/package.json',
      'node_modules/opt-present/index.js',
      'node_modules/opt-present/package.json',
      'src/cjs.js',
      'src/lazy.js',
      'src/util/index.js',
    ]);
  });

  it('a package with a native addon: its .node files and prebuilds for every platform, not its sources', async () => {
    const root = project();
    const set = await packageArtifacts(manifest(root, [traced('native', { handler: 'src/native.handler' })], { providers: ['aws'] }), { cache: false });
    expect(await names(set.artifacts[0]!.path)).toEqual([
      'node_modules/bindings/bindings.js',
      'node_modules/bindings/package.json',
      'node_modules/native-pkg/build/Release/addon.node',
      'node_modules/native-pkg/index.js',
      'node_modules/native-pkg/package.json',
      'node_modules/native-pkg/prebuilds/linux-arm64/native-pkg.node',
      'node_modules/native-pkg/prebuilds/linux-x64/native-pkg.node',
      'src/native.js',
    ]);
  });

  it('package.include adds files the trace cannot see; package.exclude still removes', async () => {
    const root = project({ 'src/templates/mail.html': '<p>hi</p>\n' });
    const f = traced('cjs', { handler: 'src/cjs.handler' }, { include: ['src/templates/**'], exclude: ['node_modules/opt-present/**'] });
    const set = await packageArtifacts(manifest(root, [f], { providers: ['aws'] }), { cache: false });
    const got = await names(set.artifacts[0]!.path);
    expect(got).toContain('src/templates/mail.html');
    expect(got.filter((n) => n.includes('opt-present'))).toEqual([]);
  });

  it('a provider entry adapter is traced too: its zip holds the adapter and what the handler reaches', async () => {
    const root = project();
    const f = traced('cjs', { handler: 'src/cjs.handler', triggers: [{ kind: 'schedule', rate: '5m', enabled: true } as never] });
    const set = await packageArtifacts(manifest(root, [f], { providers: ['aws'] }), { cache: false });
    const got = await names(set.artifacts[0]!.path);
    expect(got).toContain('fnx_entry/cjs.mjs');
    expect(got).toContain('node_modules/cjs-pkg/lib/main.js');
  });

  it('a package layer built from the project package.json provides node_modules: the function zip holds only project files', async () => {
    const root = project();
    const m = manifest(root, [traced('cjs', { handler: 'src/cjs.handler', layers: ['deps'] })], { providers: ['aws'], layers: { deps: { kind: 'package', path: join(root, 'package.json') } } });
    const set = await packageArtifacts(m, { cache: false });
    const zip = set.artifacts.find((a) => a.type === 'function')!;
    expect(await names(zip.path)).toEqual(['src/cjs.js', 'src/lazy.js', 'src/util/index.js']);
  });

  it('an import that cannot be found is an error naming the importing file and the specifier, at the function in fnx.yaml', async () => {
    const root = project({ 'src/bad.js': "const x = require('left-padd');\nconst y = require('./nope');\nexports.handler = async () => x + y;\n" });
    const location = { file: join(root, 'fnx.yaml'), line: 7, column: 3 };
    const err = await packageArtifacts(manifest(root, [traced('bad', { handler: 'src/bad.handler', location })], { providers: ['aws'] }), { cache: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FnxErrorList);
    const errors = (err as FnxErrorList).errors;
    expect(errors.map((e) => e.message)).toEqual([
      'Function "bad": src/bad.js imports "./nope", which cannot be found.',
      'Function "bad": src/bad.js imports "left-padd", which cannot be found in node_modules.',
    ]);
    expect(errors[1]).toMatchObject({ code: 'E_PACKAGE_UNRESOLVED', exitCode: 2, location });
    expect(errors[1]!.hint).toContain('package.external');
    expect(errors[1]!.hint).toContain('package.include');
    expect(errors[0]!.hint).toContain('package.include');
  });

  it('a package in package.external may be missing: the runtime provides it', async () => {
    const root = project({ 'src/sdk.js': "const s = require('@aws-sdk/client-s3');\nexports.handler = async () => typeof s;\n" });
    const f = traced('sdk', { handler: 'src/sdk.handler' }, { external: ['@aws-sdk/*'] });
    const set = await packageArtifacts(manifest(root, [f], { providers: ['aws'] }), { cache: false });
    expect(await names(set.artifacts[0]!.path)).toEqual(['src/sdk.js']);
  });
});

function shas(set: Awaited<ReturnType<typeof packageArtifacts>>): Record<string, string> {
  return Object.fromEntries(set.artifacts.map((a) => [a.path.slice(a.path.indexOf('.fnx/')), a.sha256]));
}

describe('tracing and artifacts', () => {
  it('editing one handler changes only the zips of the functions that reach it', async () => {
    const root = project({ 'src/other.js': "const c = require('cjs-pkg');\nexports.handler = async () => c;\n" });
    const m = manifest(root, [traced('cjs', { handler: 'src/cjs.handler' }), traced('other', { handler: 'src/other.handler', providers: ['aws', 'gcp'] })], { providers: ['aws', 'gcp'] });
    const before = shas(await packageArtifacts(m));
    writeFileSync(join(root, 'src/cjs.js'), readFileSync(join(root, 'src/cjs.js'), 'utf8') + '// edited\n');
    const after = shas(await packageArtifacts(m));
    const changed = Object.keys(before).filter((k) => before[k] !== after[k]);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    expect(changed).toEqual(['.fnx/build/dev/functions/cjs.zip']);
    // A file only the other function reaches: only its zips change.
    writeFileSync(join(root, 'node_modules/cjs-pkg/lib/helper.js'), 'module.exports = 5;\n');
    const third = shas(await packageArtifacts(m));
    expect(Object.keys(third).filter((k) => third[k] !== after[k]).sort()).toEqual(['.fnx/build/dev/functions/cjs.zip', '.fnx/build/dev/functions/other.aws.zip', '.fnx/build/dev/functions/other.gcp.zip']);
  });

  for (const strategy of ['all', 'trace', 'bundle'] as const) {
    it(`same input, same bytes (${strategy}), wherever the project lives, with and without the cache`, async () => {
      const a = project();
      const b = mkdtempSync(join(tmpdir(), 'fnx-trace-copy-'));
      try {
        cpSync(a, b, { recursive: true });
        const fns = () => [traced('cjs', { handler: 'src/cjs.handler' }, { strategy }), traced('esm', { handler: 'src/esm.handler' }, { strategy })];
        const first = shas(await packageArtifacts(manifest(a, fns(), { providers: ['aws'] }), { cache: false }));
        const second = shas(await packageArtifacts(manifest(b, fns(), { providers: ['aws'] })));
        const warm = shas(await packageArtifacts(manifest(b, fns(), { providers: ['aws'] })));
        expect(second).toEqual(first);
        expect(warm).toEqual(first);
      } finally {
        rmSync(b, { recursive: true, force: true });
      }
    });
  }
});

/** Unzips an artifact into a fresh folder; returns it. */
async function unzip(path: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'fnx-unzipped-'));
  for (const e of await readZip(path)) {
    mkdirSync(dirname(join(dir, e.name)), { recursive: true });
    writeFileSync(join(dir, e.name), e.data);
  }
  return dir;
}

function callHandler(file: string, arg = ''): string {
  const code = `import(${json(file)}).then((m) => (m.handler ?? m.default.handler)(${json(arg)})).then((v) => process.stdout.write(JSON.stringify(v)))`;
  return execFileSync(process.execPath, ['-e', code], { encoding: 'utf8' });
}

describe('bundling: package.bundle esbuild', () => {
  it('an ES module handler: one minified file with a source map at the handler path, which runs unzipped', async () => {
    const root = project();
    const f = traced('esm', { handler: 'src/esm.handler' }, { strategy: 'bundle' });
    const set = await packageArtifacts(manifest(root, [f], { providers: ['aws'] }), { cache: false });
    expect(await zipNames(set.artifacts[0]!.path)).toEqual(['package.json', 'src/esm.mjs', 'src/esm.mjs.map']);
    const dir = await unzip(set.artifacts[0]!.path);
    try {
      const text = readFileSync(join(dir, 'src/esm.mjs'), 'utf8');
      expect(text).toContain('//# sourceMappingURL=esm.mjs.map');
      expect(JSON.parse(readFileSync(join(dir, 'src/esm.mjs.map'), 'utf8')).sources).toEqual(expect.arrayContaining(['esm.mjs', 'lib/a.mjs', '../node_modules/esm-pkg/sub.js']));
      expect(callHandler(join(dir, 'src/esm.mjs'))).toBe('4');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a CommonJS handler bundles as CommonJS; package.external stays files (traced) and the bundle still runs', async () => {
    const root = project();
    const f = traced('cjs', { handler: 'src/cjs.handler' }, { strategy: 'bundle', external: ['cjs-pkg'] });
    const set = await packageArtifacts(manifest(root, [f], { providers: ['aws'] }), { cache: false });
    expect(await zipNames(set.artifacts[0]!.path)).toEqual([
      'node_modules/cjs-pkg/lib/helper.js',
      'node_modules/cjs-pkg/lib/main.js',
      'node_modules/cjs-pkg/package.json',
      'package.json',
      'src/cjs.js',
      'src/cjs.js.map',
    ]);
    const dir = await unzip(set.artifacts[0]!.path);
    try {
      expect(readFileSync(join(dir, 'src/cjs.js'), 'utf8')).toMatch(/require\("cjs-pkg"\)/);
      expect(callHandler(join(dir, 'src/cjs.js'))).toBe('8');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a package with a native addon is kept out of the bundle, with its addon files', async () => {
    const root = project();
    const set = await packageArtifacts(manifest(root, [traced('native', { handler: 'src/native.handler' }, { strategy: 'bundle' })], { providers: ['aws'] }), { cache: false });
    const got = await zipNames(set.artifacts[0]!.path);
    expect(got).toContain('node_modules/native-pkg/prebuilds/linux-x64/native-pkg.node');
    expect(got).toContain('node_modules/native-pkg/index.js');
    expect(got).toContain('src/native.js');
  });

  it('an import esbuild cannot resolve is E_PACKAGE_BUNDLE naming the file, the position and the specifier', async () => {
    const root = project({ 'src/bad.mjs': "import x from 'left-padd';\nexport const handler = async () => x;\n" });
    const err = await packageArtifacts(manifest(root, [traced('bad', { handler: 'src/bad.handler' }, { strategy: 'bundle' })], { providers: ['aws'] }), { cache: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FnxError);
    expect(err).toMatchObject({ code: 'E_PACKAGE_BUNDLE', exitCode: 2 });
    expect((err as FnxError).message).toBe('Bundling function "bad" with esbuild failed: src/bad.mjs:1:15: Could not resolve "left-padd".');
  });
});
