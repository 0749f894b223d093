/**
 * What `fnx validate` catches before any package, plan or cloud call: each provider's own rules
 * (the ones its driver applies at plan time), handler files and their exports, layer folders.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkManifest } from '../../../src/manifest/index.js';
import { runFnx } from '../../helpers/cli.js';
import { codes, tempDir } from './fixtures.js';

/** A project with fnx.yaml = `manifest` and the given files (path -> content). */
function project(manifest: string, files: Record<string, string> = {}): string {
  const cwd = tempDir();
  writeFileSync(join(cwd, 'fnx.yaml'), manifest);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(cwd, rel)), { recursive: true });
    writeFileSync(join(cwd, rel), content);
  }
  return cwd;
}

const check = (cwd: string, files = true) => checkManifest({ cwd, stage: 'dev', vars: {}, env: {}, files });

const head = 'service: s\nproviders:\n  aws: { region: us-east-1 }\nfunctions:\n';
const ESM = { 'src/handler.mjs': 'export async function handler() { return {}; }\n' };

describe('provider rules fail validate with a position (item 5)', () => {
  it('a cron EventBridge cannot express exits 2 at the cron value, not only at plan time', async () => {
    const cwd = project(`${head}  job:\n    handler: src/handler.handler\n    triggers:\n      - schedule: { cron: "0 0 1 * 1" }\n`, ESM);
    const r = await runFnx(['validate'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('fnx.yaml:8:27: error [E_AWS_SCHEDULE] Schedule cron "0 0 1 * 1" restricts both day-of-month and day-of-week, which EventBridge cannot express.');
    expect(r.stderr).toContain('hint: Use "*" in one of the two fields, or split it into two schedule triggers.');
  });

  it('reports rates that are not whole minutes and FIFO batches over 10, also from a stage override', async () => {
    const cwd = project(
      `${head}  job:\n    handler: src/handler.handler\n    triggers:\n      - schedule: { rate: 90s }\n      - queue: { name: jobs.fifo, batchSize: 20 }\nstages:\n  dev:\n    functions:\n      job:\n        triggers:\n          - schedule: { cron: "0 0 1 * 1" }\n  prod: {}\n`,
      ESM,
    );
    const dev = await check(cwd);
    expect(codes(dev.errors)).toEqual(['E_AWS_SCHEDULE 15:31']);
    const prod = await checkManifest({ cwd, stage: 'prod', vars: {}, env: {} });
    expect(codes(prod.errors)).toEqual(['E_AWS_SCHEDULE 8:27', 'E_AWS_QUEUE_BATCH 9:46']);
    expect(prod.errors[0]!.message).toContain('not a whole number of minutes');
    expect(prod.errors[1]!.message).toContain('batchSize 20 is over 10');
    expect(prod.errors.every((e) => e.exitCode === 2)).toBe(true);
  });

  it('environment keys Lambda reserves, and secrets whose ARN variable the environment sets too', async () => {
    const cwd = project(`${head}  api:\n    handler: src/handler.handler\n    environment:\n      AWS_REGION: eu-west-1\n      DB_SECRET_ARN: x\n    secrets:\n      DB: "\${secret:db}"\n`, ESM);
    const r = await check(cwd);
    expect(codes(r.errors)).toEqual(['E_AWS_ENV_RESERVED 8:7', 'E_AWS_ENV_SECRET 11:7']);
    expect(r.errors[0]!.message).toBe('Function `api`: environment variable AWS_REGION is reserved by Lambda, which sets it itself.');
    expect(r.errors[1]!.message).toContain('passed as the environment variable DB_SECRET_ARN');
  });

  it('leaves functions that do not deploy to AWS to their own provider', async () => {
    const cwd = project(
      'service: s\nproviders:\n  aws: { region: us-east-1 }\n  gcp: { project: my-project, region: europe-west1 }\nfunctions:\n  job:\n    handler: src/handler.handler\n    providers: [gcp]\n    triggers:\n      - schedule: { cron: "0 0 1 * 1" }\n',
      ESM,
    );
    expect((await check(cwd)).errors).toEqual([]);
  });
});

describe('handler files and exports (item 6)', () => {
  const fn = (handler: string, extra = '') => `${head}  api:\n    handler: ${handler}\n${extra}`;

  it('a missing handler file exits 2 at the `handler:` value', async () => {
    const cwd = project(fn('src/nope.handler'), ESM);
    const r = await runFnx(['validate'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('fnx.yaml:6:14: error [E_HANDLER_FILE] Function `api`: handler `src/nope.handler` needs src/nope.js, src/nope.mjs or src/nope.cjs, and none of them exists.');
    const pkg = await runFnx(['package'], { cwd });
    expect(pkg.code).toBe(2);
    expect(pkg.stderr).toContain('fnx.yaml:6:14: error [E_HANDLER_FILE]');
  });

  it('suggests a close file name, and explains TypeScript sources', async () => {
    const close = await check(project(fn('src/handlr.handler'), ESM));
    expect(codes(close.errors)).toEqual(['E_HANDLER_FILE 6:14']);
    expect(close.errors[0]!.hint).toContain('did you mean `src/handler.handler`?');
    const ts = await check(project(fn('src/app.handler'), { 'src/app.ts': 'export const handler = async () => ({});\n' }));
    expect(ts.errors[0]!.hint).toContain('does not compile TypeScript: build src/app.ts to JavaScript first');
  });

  it('an export that does not exist exits 2 at the name after the dot, for validate and package', async () => {
    const cwd = project(fn('src/handler.doesNotExist'), ESM);
    for (const command of ['validate', 'package']) {
      const r = await runFnx([command], { cwd });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('fnx.yaml:6:26: error [E_HANDLER_EXPORT] Function `api`: src/handler.mjs does not export `doesNotExist`.');
      expect(r.stderr).toContain('It exports `handler`. Fix the name after the last dot of `handler`, or add `export async function doesNotExist(event) { ... }`.');
    }
    const cjs = await check(project(fn('src/h.nope'), { 'src/h.cjs': "const fs = require('fs');\nexports.handler = async () => fs;\n" }));
    expect(codes(cjs.errors)).toEqual(['E_HANDLER_EXPORT 6:20']);
    expect(cjs.errors[0]!.hint).toBe('It exports `handler`. Fix the name after the last dot of `handler`, or add `exports.nope = async (event) => { ... }`.');
  });

  it.each([
    ['ESM, .js under "type": "module"', { 'package.json': '{"type":"module"}', 'src/h.js': 'export const other = 1;\nconst handler = () => {};\n' }],
    ['ESM syntax in a .js file', { 'src/h.js': 'export function other() {}\n' }],
    ['CommonJS exports.x', { 'src/h.js': 'exports.other = async () => ({});\n' }],
    ['CommonJS module.exports literal', { 'src/h.js': "const aws = require('aws-sdk');\nmodule.exports = { other: async () => aws };\n" }],
    ['CommonJS re-export of a relative file', { 'src/h.cjs': "module.exports = require('./impl');\n", 'src/impl.js': 'exports.other = 1;\n' }],
    ['ESM export * from a relative file', { 'src/h.mjs': "export * from './impl.mjs';\n", 'src/impl.mjs': 'export const other = 1;\nexport default 2;\n' }],
  ])('%s without the name is an error', async (_, files) => {
    const r = await check(project(fn('src/h.handler'), files));
    expect(codes(r.errors)).toEqual(['E_HANDLER_EXPORT 6:20']);
    expect(r.errors[0]!.hint).toContain('`other`');
  });

  it.each([
    ['export function', { 'src/h.mjs': 'export async function handler() {}\n' }],
    ['export { a as handler }', { 'src/h.mjs': 'const a = 1;\nexport { a as handler };\n' }],
    ['export * from a relative file', { 'src/h.mjs': "export * from './impl.mjs';\n", 'src/impl.mjs': 'export const handler = 1;\n' }],
    ['export * from a package', { 'src/h.mjs': "export * from 'some-package';\n" }],
    ['export default (handler `default`)', { 'src/h.mjs': 'export default async () => ({});\n' }, 'src/h.default'],
    ['exports.handler =', { 'src/h.js': 'exports.handler = async () => ({});\n' }],
    ['module.exports = { handler }', { 'src/h.js': 'async function handler() {}\nmodule.exports = { handler };\n' }],
    ['module.exports.handler =', { 'src/h.cjs': 'module.exports.handler = async () => ({});\n' }],
    ['module.exports = require(relative)', { 'src/h.cjs': "module.exports = require('./impl');\n", 'src/impl.cjs': 'exports.handler = 1;\n' }],
    ['module.exports = factory()', { 'src/h.cjs': "const make = require('./make');\nmodule.exports = make();\n", 'src/make.cjs': 'module.exports = () => ({});\n' }],
    ['Object.assign(module.exports, require(...))', { 'src/h.cjs': "Object.assign(module.exports, require('lib'));\n" }],
    ['exports[name] =', { 'src/h.cjs': "const n = 'hand' + 'ler';\nexports[n] = 1;\n" }],
    ['an unparsable file', { 'src/h.js': 'export const = ;;; {{{\n' }],
    ['Python def', { 'src/h.py': 'def handler(event, context):\n    return {}\n' }, 'src/h.handler', 'python3.12'],
    ['Python assignment', { 'src/h.py': 'from lib import wrap\nhandler = wrap(lambda e, c: {})\n' }, 'src/h.handler', 'python3.12'],
    ['Python import *', { 'src/h.py': 'from impl import *\n' }, 'src/h.handler', 'python3.12'],
    ['Python dotted module', { 'pkg/h.py': 'async def handler(event, context):\n    return {}\n' }, 'pkg.h.handler', 'python3.12'],
  ])('%s passes', async (_, files, handler = 'src/h.handler', runtime?: string) => {
    const r = await check(project(fn(handler, runtime ? `    runtime: ${runtime}\n` : ''), files));
    expect(r.errors.map((e) => `${e.code} ${e.message}`)).toEqual([]);
  });

  it('Python: a module without the function is an error listing its top-level defs', async () => {
    const r = await check(project(fn('src/app.main', '    runtime: python3.12\n'), { 'src/app.py': 'import json\n\n\ndef handler(event, context):\n    return {}\n' }));
    expect(codes(r.errors)).toEqual(['E_HANDLER_EXPORT 6:22']);
    expect(r.errors[0]!.message).toBe('Function `api`: src/app.py defines no `main`.');
    expect(r.errors[0]!.hint).toContain('It defines `handler`.');
    const missing = await check(project(fn('src/app.main', '    runtime: python3.12\n')));
    expect(codes(missing.errors)).toEqual(['E_HANDLER_FILE 6:14']);
    expect(missing.errors[0]!.message).toContain('needs src/app.py, which does not exist');
  });

  it('commands that only read the cloud do not need the code', async () => {
    const r = await check(project(fn('src/nope.handler')), false);
    expect(r.errors).toEqual([]);
  });
});

describe('layer folders (item 8)', () => {
  const layers = `${head}  api:\n    handler: src/handler.handler\n    layers: [shared, deps]\nlayers:\n  shared: { path: layers/shared }\n  deps: { from: sub/package.json }\n`;

  it('a missing layer folder or package.json exits 2 at its `path:` / `from:` value', async () => {
    const cwd = project(layers, ESM);
    const r = await runFnx(['validate'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('fnx.yaml:9:19: error [E_LAYER_PATH] Layer `shared`: the folder layers/shared does not exist.');
    expect(r.stderr).toContain('fnx.yaml:10:17: error [E_LAYER_FROM] Layer `deps`: sub/package.json does not exist.');
  });

  it('a file where a folder belongs is an error; existing ones pass', async () => {
    const wrong = await check(project(layers, { ...ESM, 'layers/shared': 'not a folder', 'sub/package.json': '{}' }));
    expect(codes(wrong.errors)).toEqual(['E_LAYER_PATH 9:19']);
    expect(wrong.errors[0]!.message).toContain('layers/shared is a file, not a folder');
    const ok = await check(project(layers, { ...ESM, 'layers/shared/x.js': '', 'sub/package.json': '{}' }));
    expect(ok.errors).toEqual([]);
  });
});
