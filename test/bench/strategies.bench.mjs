#!/usr/bin/env node
// Packaging strategies benchmark (not a test): on the fixture of ../shared/bench/make-app.sh (3
// functions, each `require("lodash")`, 191 MB of production node_modules; built once in
// $TMPDIR/fnx-bench-app, shared with package.bench.mjs), packages the 3 functions with each
// strategy — all (`package.trace: false`), traced (the default), bundled (`package.bundle:
// esbuild`) — and prints per function: zip size, unzipped size, file count; and per run: `fnx
// package` wall time with no cache (cold), and with the cache after editing one handler (warm).
// Runs the built CLI: `npm run build` first. FNX_BENCH_RUNS=n keeps the fastest of n runs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const fnx = join(repo, 'bin', 'fnx.js');
const runs = Math.max(1, Number(process.env.FNX_BENCH_RUNS ?? 1));
const app = join(os.tmpdir(), 'fnx-bench-app');
const config = 'fnx.strategies.yaml';

if (!existsSync(join(repo, 'dist', 'src', 'cli', 'main.js'))) {
  console.log('fnx is not built: run `npm run build` first.');
  process.exit(1);
}

function makeApp() {
  if (existsSync(join(app, 'node_modules', 'typescript', 'package.json'))) return;
  const script = [join(repo, '..', 'shared', 'bench', 'make-app.sh'), '/work/shared/bench/make-app.sh'].find((p) => existsSync(p));
  if (!script) {
    console.log('make-app.sh not found (expected ../shared/bench/make-app.sh): skipping the strategies benchmark.');
    process.exit(0);
  }
  console.log(`building the fixture in ${app} (npm install, once) ...`);
  mkdirSync(app, { recursive: true });
  const r = spawnSync('bash', [script, app, '3'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('make-app.sh failed');
}

const STRATEGIES = {
  all: '{ include: ["src/fnN.js"], trace: false }',
  traced: '{}',
  bundled: '{ bundle: esbuild }',
};

function writeManifest(pkg) {
  const fns = [1, 2, 3].map((n) => `  fn${n}: { handler: src/fn${n}.handler, package: ${pkg.replace('fnN', `fn${n}`)} }`).join('\n');
  writeFileSync(join(app, config), `service: bench\nproviders:\n  aws: { region: us-east-1 }\nfunctions:\n${fns}\n`);
}

function handler(n, edit) {
  return `const _ = require("lodash");\nexports.handler = async (e) => ({ statusCode: 200, body: _.kebabCase("fn ${n}") });\n// edit ${edit}\n`;
}

function packageOnce(stage, cache) {
  const args = [fnx, 'package', '--config', config, '--stage', stage, '--json', ...(cache ? [] : ['--no-cache'])];
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: app, encoding: 'utf8', maxBuffer: 64 << 20 });
  const seconds = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`fnx package failed: ${r.stderr || r.stdout}`);
  return { seconds, set: JSON.parse(r.stdout) };
}

const mb = (n) => `${(n / 1e6).toFixed(2)} MB`;

makeApp();
const load = () => os.loadavg()[0].toFixed(1);
console.log(`fixture: ${app}; ${runs} run(s) each, fastest kept; load average at start ${load()}`);
console.log('strategy  zip/function  unzipped/function  files/function  cold (no cache)  warm (1 handler edited)  load');
let edit = 0;
for (const [name, pkg] of Object.entries(STRATEGIES)) {
  writeManifest(pkg);
  for (const n of [1, 2, 3]) writeFileSync(join(app, 'src', `fn${n}.js`), handler(n, edit));
  const stage = `s${name}`;
  rmSync(join(app, '.fnx', 'build', stage), { recursive: true, force: true });
  let cold = Infinity;
  let set;
  for (let i = 0; i < runs; i++) {
    const r = packageOnce(stage, false);
    if (r.seconds < cold) [cold, set] = [r.seconds, r.set];
  }
  packageOnce(stage, true);
  let warm = Infinity;
  for (let i = 0; i < runs; i++) {
    writeFileSync(join(app, 'src', 'fn1.js'), handler(1, ++edit));
    warm = Math.min(warm, packageOnce(stage, true).seconds);
  }
  const fns = set.artifacts.filter((a) => a.type === 'function');
  const avg = (k) => fns.reduce((s, a) => s + a[k], 0) / fns.length;
  console.log(
    `${name.padEnd(9)} ${mb(avg('size')).padStart(12)}  ${mb(avg('unzippedSize')).padStart(17)}  ${String(Math.round(avg('files'))).padStart(14)}  ${`${cold.toFixed(2)} s`.padStart(15)}  ${`${warm.toFixed(2)} s`.padStart(23)}  ${load()}`,
  );
}
rmSync(join(app, config), { force: true });
for (const n of [1, 2, 3]) writeFileSync(join(app, 'src', `fn${n}.js`), readFileSync(join(app, 'src', `fn${n}.js`), 'utf8').replace(/\n\/\/ edit \d+\n$/, '\n'));
