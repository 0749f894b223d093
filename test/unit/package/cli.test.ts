// Runs the built CLI: `npm run build` first (npm test does it).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runFnx } from '../../helpers/cli.js';
import { cleanupProjects, makeProject, zipNames } from './helpers.js';

afterAll(cleanupProjects);

const yaml = (include: string, trace = true) => `service: shop
providers:
  aws: { region: us-east-1 }
  gcp: { project: shop-project-1, region: europe-west1 }
layers:
  deps: { from: package.json }
functions:
  api:
    handler: src/api.handler
    layers: [deps]
    package: { include: ["${include}"]${trace ? '' : ', trace: false'} }
  worker:
    handler: src/worker.handler
    providers: [aws]
`;

function project(include = 'src/**', trace = true) {
  return makeProject({
    'fnx.yaml': yaml(include, trace),
    'package.json': JSON.stringify({ name: 'shop', dependencies: { dep: '1' }, devDependencies: { devdep: '1' } }),
    'node_modules/dep/package.json': JSON.stringify({ name: 'dep' }),
    'node_modules/dep/index.js': 'module.exports = 1;\n',
    'node_modules/devdep/package.json': JSON.stringify({ name: 'devdep' }),
    'src/api.js': 'exports.handler = async () => ({ statusCode: 200 });\n',
    'src/worker.js': 'exports.handler = async () => {};\n',
  });
}

describe('fnx package', () => {
  it('writes the archives and artifacts.json, and prints the set with --json', async () => {
    const root = project();
    const r = await runFnx(['package', '--json'], { cwd: root });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ ok: true, version: 1, service: 'shop', stage: 'dev' });
    expect(out.artifacts.map((a: { name: string; providers: string[] }) => `${a.name}:${a.providers.join('+')}`)).toEqual(['api:aws', 'api:gcp', 'worker:aws', 'deps:aws']);
    const written = JSON.parse(readFileSync(join(root, '.fnx/build/dev/artifacts.json'), 'utf8'));
    // --json adds each archive's previous build (none here) to what artifacts.json holds.
    expect(out.artifacts.map((a: { previous: unknown }) => a.previous)).toEqual([null, null, null, null]);
    expect(written.artifacts).toEqual(out.artifacts.map(({ previous: _, ...a }: { previous: unknown }) => a));
    // Traced (the default): the handler, the files package.include adds, the root package.json.
    expect(await zipNames(join(root, '.fnx/build/dev/functions/api.aws.zip'))).toEqual(['package.json', 'src/api.js', 'src/worker.js']);
    // GCP: layers merged, plus its entry (package.json `main`, docs/gcp.md).
    expect(await zipNames(join(root, '.fnx/build/dev/functions/api.gcp.zip'))).toEqual(['fnx_entry/api.mjs', 'node_modules/dep/index.js', 'node_modules/dep/package.json', 'package.json', 'src/api.js', 'src/worker.js']);
    // worker imports nothing: no dependency, no other source file.
    expect(await zipNames(join(root, '.fnx/build/dev/layers/deps.zip'))).toEqual(['nodejs/node_modules/dep/index.js', 'nodejs/node_modules/dep/package.json']);
    expect(await zipNames(join(root, '.fnx/build/dev/functions/worker.zip'))).toEqual(['package.json', 'src/worker.js']);
  });

  it('packages one function with --function and --stage, printing a line per archive', async () => {
    const root = project();
    const r = await runFnx(['package', '--function', 'worker', '--stage', 'prod', '--no-cache'], { cwd: root });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^function worker\s+aws\s+[\d.]+ K?B\s+2 files\s+\.fnx\/build\/prod\/functions\/worker\.zip$/m);
    expect(r.stdout).not.toContain('api');
    expect(r.stderr).toMatch(/Packaged 1 artifact/);
    expect(existsSync(join(root, '.fnx/cache/package'))).toBe(false);
  });

  it('exits 2 naming the function and its globs when a function has no files', async () => {
    const root = project('lib/**', false);
    const r = await runFnx(['package'], { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Function "api" has no files to package');
    expect(r.stderr).toContain('lib/**');
  });

  it('exits 2 on an unknown --function', async () => {
    const root = project();
    const r = await runFnx(['package', '-f', 'nope'], { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown function: nope');
  });
});

describe('fnx package: Python dependencies already in the package', () => {
  const pyYaml = (extra = '') => `service: py
providers:
  aws: { region: us-east-1 }
defaults: { runtime: python3.12 }
${extra}functions:
  api:
    handler: src/handler.handler
`;
  const handler = 'def handler(event, context):\n    return {"statusCode": 200}\n';

  it('installs nothing when the dependencies are in the package or in a layer (pip install --target layout): pip is not needed', async () => {
    const root = makeProject({
      'fnx.yaml': pyYaml('layers:\n  deps: { path: layers/deps }\n').replace('handler: src/handler.handler', 'handler: src/handler.handler\n    layers: [deps]'),
      'src/handler.py': handler,
      'requirements.txt': 'requests\nPyYAML\nsix\n',
      'requests-2.31.0.dist-info/METADATA': 'x',
      'requests/__init__.py': '',
      'layers/deps/python/PyYAML-6.0.1.dist-info/METADATA': 'x',
      'layers/deps/python/yaml/__init__.py': '',
      'layers/deps/python/lib/python3.12/site-packages/six.py': '',
    });
    const r = await runFnx(['package', '--strict'], { cwd: root, env: { PATH: '/nonexistent' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('E_PACKAGE');
    expect(existsSync(join(root, '.fnx/cache/python'))).toBe(false);
  });

  it('prints "1 file" for a one-file archive, "N files" otherwise', async () => {
    const root = makeProject({ 'fnx.yaml': pyYaml(), 'src/handler.py': handler });
    const r = await runFnx(['package'], { cwd: root });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^function api\s+aws\s+[\d.]+ K?B\s+1 file\s+\.fnx\/build\/dev\/functions\/api\.zip$/m);
    expect(r.stdout).not.toContain('1 files');
  });
});
