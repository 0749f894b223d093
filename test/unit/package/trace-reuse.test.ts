/**
 * The trace cache after an edit: a change of code alone (same plain imports) reuses the recorded
 * trace without loading nft, and still gives the bytes a fresh packaging gives; a change of what
 * a file imports, or one nft must evaluate (__dirname assets), traces again.
 */
import { readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResolvedFunction } from '../../../src/manifest/model.js';
import { packageArtifacts } from '../../../src/package/index.js';
import { plainImports } from '../../../src/package/plain-imports.js';
import { traceFiles } from '../../../src/package/trace.js';
import { runFnx } from '../../helpers/cli.js';
import { cleanupProjects, fn, makeProject, manifest, readZip, zipNames } from './helpers.js';

afterAll(cleanupProjects);

const json = (v: unknown) => JSON.stringify(v);
const traced = (name: string, handler: string): ResolvedFunction => fn(name, { handler, package: { include: [], exclude: [], strategy: 'trace', external: [] } });

const HANDLER = "const a = require('pkg-a');\nexports.handler = async () => ({ statusCode: 200, body: String(a) });\n";

function project(extra: Record<string, string> = {}): string {
  const root = makeProject({
    'package.json': json({ name: 'app', dependencies: { 'pkg-a': '1', 'pkg-b': '1' } }),
    'src/h.js': HANDLER,
    'node_modules/pkg-a/package.json': json({ name: 'pkg-a' }),
    'node_modules/pkg-a/index.js': 'module.exports = 1;\n',
    'node_modules/pkg-b/package.json': json({ name: 'pkg-b' }),
    'node_modules/pkg-b/index.js': 'module.exports = 2;\n',
    ...extra,
  });
  settle(root);
  return root;
}

/** Every file and folder of the project as last changed 10 s ago, so the caches record them. */
function settle(dir: string): void {
  const past = new Date(Date.now() - 10_000);
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) settle(p);
    utimesSync(p, past, past);
  }
  utimesSync(dir, past, past);
}

/** Rewrites a file in place (as most editors save), its folder untouched. */
function edit(root: string, rel: string, text: string): void {
  writeFileSync(join(root, rel), text);
}

/** Packages twice, settling the project between (the first run made .fnx, which changed the root folder): the caches hold it all. */
async function warmUp(root: string): Promise<void> {
  await sha(root);
  settle(root);
  await sha(root);
}

const sha = async (root: string, cache = true) => (await packageArtifacts(manifest(root, [traced('h', 'src/h.handler')], { providers: ['aws'] }), { cache })).artifacts[0]!;

describe('trace cache after one edit', () => {
  it('a change of code alone keeps the files and gives the sha256 of a packaging without the cache', async () => {
    const root = project();
    await warmUp(root);
    edit(root, 'src/h.js', HANDLER.replace('String(a)', 'String(a + 41)'));
    const warm = await sha(root);
    expect(await zipNames(warm.path)).toEqual(['node_modules/pkg-a/index.js', 'node_modules/pkg-a/package.json', 'package.json', 'src/h.js']);
    const fresh = await sha(root, false);
    expect(warm.sha256).toBe(fresh.sha256);
    // The zip holds the edited text.
    expect((await readZip(warm.path)).find((e) => e.name === 'src/h.js')!.data.toString()).toContain('a + 41');
  });

  it('an edit that adds an import of another package adds that package to the archive', async () => {
    const root = project();
    await warmUp(root);
    edit(root, 'src/h.js', `const b = require('pkg-b');\n${HANDLER.replace('String(a)', 'String(a + b)')}`);
    const warm = await sha(root);
    expect(await zipNames(warm.path)).toEqual([
      'node_modules/pkg-a/index.js',
      'node_modules/pkg-a/package.json',
      'node_modules/pkg-b/index.js',
      'node_modules/pkg-b/package.json',
      'package.json',
      'src/h.js',
    ]);
    expect(warm.sha256).toBe((await sha(root, false)).sha256);
  });

  it('a renamed import traces again: the new package in, the old one out', async () => {
    const root = project();
    await warmUp(root);
    edit(root, 'src/h.js', HANDLER.replace("require('pkg-a')", "require('pkg-b')"));
    const warm = await sha(root);
    expect(await zipNames(warm.path)).toEqual(['node_modules/pkg-b/index.js', 'node_modules/pkg-b/package.json', 'package.json', 'src/h.js']);
    expect(warm.sha256).toBe((await sha(root, false)).sha256);
  });

  it('an edit of an imported project file that starts reading a file next to it (__dirname) adds that file', async () => {
    const root = project({ 'src/lib.js': 'module.exports = 1;\n', 'src/data.txt': 'data\n', 'src/h.js': "const lib = require('./lib');\nexports.handler = async () => lib;\n" });
    await warmUp(root);
    expect(await zipNames((await sha(root)).path)).toEqual(['package.json', 'src/h.js', 'src/lib.js']);
    edit(root, 'src/lib.js', "module.exports = require('fs').readFileSync(require('path').join(__dirname, 'data.txt'), 'utf8');\n");
    const warm = await sha(root);
    expect(await zipNames(warm.path)).toEqual(['package.json', 'src/data.txt', 'src/h.js', 'src/lib.js']);
    expect(warm.sha256).toBe((await sha(root, false)).sha256);
  });

  it('a code edit after an import edit: each run packages what the file then imports', async () => {
    const root = project();
    await warmUp(root);
    edit(root, 'src/h.js', `const b = require('pkg-b');\n${HANDLER}`);
    expect(await zipNames((await sha(root)).path)).toContain('node_modules/pkg-b/index.js');
    edit(root, 'src/h.js', `const b = require('pkg-b');\n${HANDLER.replace('String(a)', 'String(a + 1)')}`);
    const again = await sha(root);
    expect(await zipNames(again.path)).toContain('node_modules/pkg-b/index.js');
    expect(again.sha256).toBe((await sha(root, false)).sha256);
    edit(root, 'src/h.js', HANDLER);
    expect(await zipNames((await sha(root)).path)).not.toContain('node_modules/pkg-b/index.js');
  });

  it('the built CLI does not load the tracer for a change of code alone, and does for a new import', async () => {
    const root = project({ 'fnx.yaml': 'service: svc\nproviders:\n  aws: { region: us-east-1 }\nfunctions:\n  h: { handler: src/h.handler }\n' });
    const log = join(tmpdir(), `fnx-loaded-${process.pid}-${Date.now()}.txt`);
    const hook = `data:text/javascript,${encodeURIComponent(`import { registerHooks } from 'node:module'; import { appendFileSync } from 'node:fs'; registerHooks({ load(url, ctx, next) { appendFileSync(${json(log)}, url + '\\n'); return next(url, ctx); } });`)}`;
    const run = async () => {
      writeFileSync(log, '');
      const r = await runFnx(['package'], { cwd: root, env: { NODE_OPTIONS: `--import=${hook}` } });
      expect(r.stderr).toMatch(/^✓ Packaged 1 artifact .*\n$/);
      expect(r.code).toBe(0);
      return readFileSync(log, 'utf8').split('\n').some((u) => u.includes('/@vercel/nft/'));
    };
    expect(await run()).toBe(true);
    settle(root);
    expect(await run()).toBe(true);
    edit(root, 'src/h.js', HANDLER.replace('String(a)', 'String(a + 2)'));
    expect(await run()).toBe(false);
    const zip = join(root, '.fnx/build/dev/functions/h.zip');
    expect(await zipNames(zip)).toEqual(['node_modules/pkg-a/index.js', 'node_modules/pkg-a/package.json', 'package.json', 'src/h.js']);
    edit(root, 'src/h.js', `require('pkg-b');\n${HANDLER}`);
    expect(await run()).toBe(true);
    expect(await zipNames(zip)).toContain('node_modules/pkg-b/index.js');
    // Back to the recorded imports, seconds after the last edit (nothing since was recorded):
    // compared with the recorded version again, the tracer stays unloaded and pkg-b leaves.
    edit(root, 'src/h.js', HANDLER.replace('String(a)', 'String(a + 3)'));
    expect(await run()).toBe(false);
    expect(await zipNames(zip)).toEqual(['node_modules/pkg-a/index.js', 'node_modules/pkg-a/package.json', 'package.json', 'src/h.js']);
  });
});

describe('plain imports', () => {
  it('answers what nft records for plain files, CommonJS and ES modules', async () => {
    const root = makeProject({
      'package.json': json({ name: 'app' }),
      'c.js': "const x = require('x');\nconst y = require(`y/sub`);\nexports.f = async () => import('z') && module.exports;\nif (process.env.A) require('./w.json');\n",
      'e.mjs': "import a from 'a';\nimport * as b from './b.mjs';\nexport { c } from 'c';\nexport * from 'd';\nexport const f = () => import('e');\nexport default process.env.X;\n",
    });
    for (const file of ['c.js', 'e.mjs']) {
      const cache = new Map<string, { deps: Set<string>; imports: Set<string>; isESM: boolean }>();
      await traceFiles({ root, entries: [join(root, file)], external: [], layerModules: [], layerProvides: () => true }, cache as Map<string, unknown>).catch(() => undefined);
      const nft = cache.get(join(root, file))!;
      const mine = plainImports(readFileSync(join(root, file), 'utf8'))!;
      expect(mine).toBeDefined();
      expect({ isESM: mine.isESM, deps: [...mine.deps].sort(), imports: [...mine.imports].sort() }).toEqual({ isESM: nft.isESM, deps: [...nft.deps].sort(), imports: [...nft.imports].sort() });
    }
  });

  it('is undefined for what nft evaluates or cannot see', () => {
    for (const code of [
      "const p = require('path');\n",
      "import fs from 'node:fs';\n",
      'module.exports = __dirname;\n',
      "exports.f = () => require('./locale/' + x);\n",
      "exports.r = require.resolve('x');\n",
      'const r = require; r("x");\n',
      "export const u = new URL('./x', import.meta.url);\n",
      "export const f = () => import(name);\n",
      "import x from 'x'; const y = require('y');\n",
      'process.cwd();\n',
      "module.require('x');\n",
      "define(['x'], (x) => x);\n",
      "const f = '/var/data/file.txt';\n",
      'this is not javascript',
    ]) {
      expect(plainImports(code), code).toBeUndefined();
    }
  });
});
