#!/usr/bin/env node
// Packaging benchmark (not a test). Builds the fixture app with ../shared/bench/make-app.sh in a
// temp folder (reused between runs), then measures in the same run:
//   - start-up baselines: `node -e 0` and `fnx --version` (median of 9 runs each)
//   - fnx cold: `fnx package` of 3 functions (each src/fnN.js + production node_modules), with
//     .fnx/cache and .fnx/build deleted (the rest of .fnx, like the project, stays)
//   - fnx warm: `fnx package` again right after a code edit of one handler (its imports unchanged)
//   - fnx warm with nothing changed
//   - zip -r -q -X of one archive of the same tree (the baseline), if `zip` is installed
//   - archiver (the zip library fnx does not use) writing one archive of the same tree
// Each is printed as a ratio to `zip -r`, with peak RSS; the warm runs also as a ratio to cold,
// on the wall clock and for the pipeline (each wall time minus the `node -e 0` start-up, which
// no change to fnx can remove). Every fixture file is dated 10 s back first: the caches record
// only files that have not changed for 3 s (an edit within one mtime tick must not be served
// stale), and a fixture that was just written would be traced again on every run.
//   - at scale: peak RSS and the bytes in .fnx/build (hard links counted once) of a cold
//     `fnx package` of N functions (FNX_BENCH_SCALE, default "10,200"; "0" skips), each with its
//     own handler and the production node_modules
// FNX_BENCH_RUNS=n repeats each measurement and keeps the fastest (default 1). FNX_BENCH_APP
// is the fixture folder (default $TMPDIR/fnx-bench-app). Runs the built CLI: `npm run build` first.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const fnx = join(repo, 'bin', 'fnx.js');
const runs = Math.max(1, Number(process.env.FNX_BENCH_RUNS ?? 1));
const app = process.env.FNX_BENCH_APP || join(os.tmpdir(), 'fnx-bench-app');
const scales = (process.env.FNX_BENCH_SCALE ?? '10,200').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
const rssFile = join(os.tmpdir(), `fnx-bench-rss-${process.pid}`);
// Records the child's peak RSS on exit, whatever the child is.
const rssHook = `data:text/javascript,${encodeURIComponent("import { writeFileSync } from 'node:fs'; process.on('exit', () => writeFileSync(process.env.FNX_BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)));")}`;

if (!existsSync(join(repo, 'dist', 'src', 'cli', 'main.js'))) {
  console.log('fnx is not built: run `npm run build` first.');
  process.exit(1);
}

function makeApp() {
  if (existsSync(join(app, 'node_modules', 'typescript', 'package.json'))) return;
  const script = [join(repo, '..', 'shared', 'bench', 'make-app.sh'), '/work/shared/bench/make-app.sh'].find((p) => existsSync(p));
  if (!script) {
    console.log('make-app.sh not found (expected ../shared/bench/make-app.sh): skipping the packaging benchmark.');
    process.exit(0);
  }
  console.log(`building the fixture in ${app} (npm install, once) ...`);
  mkdirSync(app, { recursive: true });
  const r = spawnSync('bash', [script, app, '3'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('make-app.sh failed');
}

/** Handler n; `edit` changes its code (not its imports). */
function handler(n, edit = 0) {
  return `const _ = require("lodash");\nexports.handler = async (e) => ({ statusCode: 200, body: _.kebabCase("fn ${n}${edit ? ` edit ${edit}` : ''}") });\n`;
}

/** Dates every file and folder of the fixture (not .fnx) 10 s back. */
function settle() {
  const r = spawnSync('find', ['.', '-path', './.fnx', '-prune', '-o', '-exec', 'touch', '-h', '-d', '-10 seconds', '{}', '+'], { cwd: app, stdio: 'ignore' });
  if (r.status !== 0) throw new Error('find -exec touch failed');
}

function writeProject(count = 3) {
  const ns = Array.from({ length: count }, (_, i) => i + 1);
  writeFileSync(
    join(app, 'fnx.yaml'),
    `service: bench
providers:
  aws: { region: us-east-1 }
functions:
${ns.map((n) => `  fn${n}: { handler: src/fn${n}.handler, package: { include: ["src/fn${n}.js"] } }`).join('\n')}
`,
  );
  for (const n of ns) writeFileSync(join(app, 'src', `fn${n}.js`), handler(n));
}

/** Runs a command; returns wall seconds and, for node children, peak RSS in MB. */
function timed(cmd, args, { node = false, cwd = app } = {}) {
  rmSync(rssFile, { force: true });
  const env = { ...process.env, CI: 'true', FNX_BENCH_RSS_FILE: rssFile };
  const fullArgs = node ? ['--import', rssHook, ...args] : args;
  const t0 = performance.now();
  const r = spawnSync(node ? process.execPath : cmd, fullArgs, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  const rss = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) / 1024 : undefined;
  return { seconds, rss };
}

/** Median wall seconds of `n` runs of a node script. */
function median(args, n = 9) {
  const xs = Array.from({ length: n }, () => timed('node', args, { node: true }).seconds).sort((a, b) => a - b);
  return xs[n >> 1];
}

function best(measure) {
  let out;
  for (let i = 0; i < runs; i++) {
    const m = measure(i);
    if (!out || m.seconds < out.seconds) out = m;
  }
  return out;
}

const hasZip = spawnSync('zip', ['-v'], { stdio: 'ignore' }).status === 0;
makeApp();
writeProject();
const files = spawnSync('find', ['node_modules', 'src', '-type', 'f'], { cwd: app, encoding: 'utf8' }).stdout.split('\n').filter(Boolean).length;
console.log(`fixture: ${app}, ${files} files, functions fn1 fn2 fn3, runs per measurement: ${runs}`);

const tmpZip = join(os.tmpdir(), `fnx-bench-${process.pid}.zip`);
const zip = hasZip
  ? best(() => {
      rmSync(tmpZip, { force: true });
      return timed('zip', ['-r', '-q', '-X', tmpZip, 'package.json', 'src', 'node_modules']);
    })
  : undefined;
if (!hasZip) console.log('zip is not installed: skipping the `zip -r` baseline (apt-get install zip).');

settle();
const nodeStart = median(['-e', '0']);
const fnxStart = median([fnx, '--version']);
const clearCaches = () => {
  for (const d of ['cache', 'build']) rmSync(join(app, '.fnx', d), { recursive: true, force: true });
};
clearCaches();
timed('node', [fnx, 'package'], { node: true }); // creates .fnx (which changes the root folder)
settle();
const cold = best(() => {
  clearCaches();
  return timed('node', [fnx, 'package'], { node: true });
});
// What a second run records once the cold run's output has settled.
settle();
timed('node', [fnx, 'package'], { node: true });
let edit = 0;
const warm = best(() => {
  writeFileSync(join(app, 'src', 'fn1.js'), handler(1, ++edit));
  return timed('node', [fnx, 'package'], { node: true });
});
const unchanged = best(() => timed('node', [fnx, 'package'], { node: true }));

const archiverScript = `
const archiver = (await import('archiver')).default;
const { createWriteStream } = await import('node:fs');
const out = createWriteStream(process.argv[1]);
const a = archiver('zip', { zlib: { level: 6 } });
a.pipe(out);
a.file('package.json', { name: 'package.json' });
a.directory('src', 'src');
a.directory('node_modules', 'node_modules');
await a.finalize();
await new Promise((r) => out.on('close', r));
`;
const archiverModule = join(repo, 'node_modules', 'archiver');
const arch = existsSync(archiverModule)
  ? best(() => {
      rmSync(tmpZip, { force: true });
      return timed('node', ['--input-type=module', '-e', archiverScript.replace("import('archiver')", `import(${JSON.stringify(join(archiverModule, 'index.js'))})`), tmpZip], { node: true });
    })
  : undefined;
rmSync(tmpZip, { force: true });
rmSync(rssFile, { force: true });

const base = zip?.seconds;
const fmt = (m, label, note = '') => {
  if (!m) return;
  const ratio = base ? `${(m.seconds / base).toFixed(2)}× zip -r` : 'n/a';
  const rss = m.rss ? `, peak RSS ${m.rss.toFixed(0)} MB` : '';
  console.log(`${label.padEnd(44)} ${m.seconds.toFixed(3).padStart(6)} s  ${ratio.padStart(12)}${rss}${note}`);
};
const vsCold = (m) => `  (${(m.seconds / cold.seconds).toFixed(3)}× cold wall, ${((m.seconds - nodeStart) / (cold.seconds - nodeStart)).toFixed(3)}× cold pipeline)`;
console.log(`${'start-up: node -e 0'.padEnd(44)} ${nodeStart.toFixed(3).padStart(6)} s  (median of 9)`);
console.log(`${'start-up: fnx --version'.padEnd(44)} ${fnxStart.toFixed(3).padStart(6)} s  (median of 9)`);
fmt(zip, 'zip -r -q -X (one archive, baseline)');
fmt(cold, 'fnx package, cold (3 archives, empty cache)');
fmt(warm, 'fnx package, warm (one handler edited)', vsCold(warm));
fmt(unchanged, 'fnx package, warm (nothing changed)', vsCold(unchanged));
fmt(arch, 'archiver level 6 (one archive)');
console.log('pipeline = wall minus the node -e 0 start-up');
const targets = [
  base ? ['cold ≤ 1.0× zip -r', cold.seconds / base <= 1.0] : undefined,
  ['warm ≤ 0.1× cold (wall)', warm.seconds / cold.seconds <= 0.1],
  ['warm ≤ 0.1× cold (pipeline)', (warm.seconds - nodeStart) / (cold.seconds - nodeStart) <= 0.1],
  ['peak RSS ≤ 250 MB', Math.max(cold.rss ?? 0, warm.rss ?? 0) <= 250],
].filter(Boolean);

// Cold packaging of N functions: peak RSS and what .fnx/build holds (du counts a hard-linked file once).
const scale = scales.map((count) => {
  writeProject(count);
  clearCaches();
  const m = timed('node', [fnx, 'package'], { node: true });
  const du = spawnSync('du', ['-sb', join(app, '.fnx', 'build')], { encoding: 'utf8' }).stdout;
  const buildBytes = Number(du.split(/\s/)[0]);
  clearCaches();
  for (let n = 4; n <= count; n++) rmSync(join(app, 'src', `fn${n}.js`), { force: true });
  return { count, ...m, buildBytes };
});
writeProject();
for (const s of scale) {
  console.log(`${`fnx package, cold, ${s.count} functions`.padEnd(44)} ${s.seconds.toFixed(2).padStart(6)} s  peak RSS ${s.rss?.toFixed(0)} MB, .fnx/build ${(s.buildBytes / 2 ** 20).toFixed(0)} MB`);
}
if (scale.length > 1) targets.push([`peak RSS flat (${scale.map((s) => s.count).join(' vs ')} functions) and ≤ 300 MB`, Math.max(...scale.map((s) => s.rss ?? 0)) <= 300]);
console.log(`targets: ${targets.map(([t, ok]) => `${t} ${ok ? 'met' : 'MISSED'}`).join('; ')}`);
