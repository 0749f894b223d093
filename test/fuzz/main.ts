/**
 * The long manifest fuzz run (`npm run test:fuzz`): `--seed N` (default FNX_FUZZ_SEED or 1),
 * `--cases N` (default FNX_FUZZ_CASES or 5000), `--cli-every N` (every Nth case through the built
 * CLI; default 50, 0 = none). Cases run in a worker thread; a case that takes over 20 s is
 * reported as a hang and the run goes on after it. Asserts what the in-suite slice asserts plus
 * time (each in-process `validate` run under 1 s of CPU time, which the load of a shared machine
 * does not inflate; wall time is reported, and so is `package`, which writes one archive per
 * function) and memory (the process's RSS, sampled every 5 ms while a
 * case runs, never exceeds its RSS at the start of the case by 200 MB), prints a summary, and
 * exits 1 when any case failed.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { repoRoot } from './corpus.js';

const MAX_CASE_MS = 1000;
const MAX_RSS_MB = 200;
const HANG_MS = 20_000;

function option(name: string, env: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const raw = i >= 0 ? process.argv[i + 1] : process.env[env];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got ${raw}`);
  return n;
}

interface Done {
  type: 'done';
  index: number;
  mutator: string;
  seedName: string;
  cli: boolean;
  failures: string[];
  codes: number[];
  ms: number;
  validateMs: number;
  packageMs: number;
  validateCpuMs: number;
  /** RSS after the case minus RSS at its start (after a garbage collection). */
  rssGrowth: number;
  /** Highest RSS sampled while the case ran minus RSS at its start (set by the main thread). */
  peakGrowth?: number;
  maxRssKb: number;
}

const seed = option('seed', 'FNX_FUZZ_SEED', 1);
const total = option('cases', 'FNX_FUZZ_CASES', 5000);
const cliEvery = option('cli-every', 'FNX_FUZZ_CLI_EVERY', 50);
const bin = join(repoRoot(), 'bin', 'fnx.js');
const workerFile = fileURLToPath(new URL('./worker.js', import.meta.url));

const failed: { index: number; mutator: string; failures: string[] }[] = [];
const byMutator = new Map<string, { cases: number; failed: number; slowest: number; slowestPackage: number }>();
let slowest = { ms: 0, index: -1, mutator: '' };
let slowestPackage = { ms: 0, index: -1, mutator: '' };
let slowestCpu = { ms: 0, index: -1, mutator: '' };
let peakKb = 0;
let peakCase = -1;
let growth = { bytes: 0, index: -1, mutator: '' };
let done = 0;
const exits = { ok: 0, manifestError: 0 };
const started = Date.now();

function record(d: Done): void {
  done++;
  const extra = [...d.failures];
  if (!d.cli && d.validateCpuMs > MAX_CASE_MS) extra.push(`validate took ${d.validateCpuMs.toFixed(0)} ms of CPU (limit ${MAX_CASE_MS} ms)`);
  if (!d.cli && d.validateCpuMs > slowestCpu.ms) slowestCpu = { ms: d.validateCpuMs, index: d.index, mutator: d.mutator };
  const grew = Math.max(d.rssGrowth, d.peakGrowth ?? 0);
  if (grew > growth.bytes) growth = { bytes: grew, index: d.index, mutator: d.mutator };
  if (grew / 2 ** 20 > MAX_RSS_MB) extra.push(`took ${(grew / 2 ** 20).toFixed(0)} MB of RSS (limit ${MAX_RSS_MB} MB)`);
  if (d.maxRssKb > peakKb) {
    peakKb = d.maxRssKb;
    peakCase = d.index;
  }
  if (!d.cli && d.validateMs > slowest.ms) slowest = { ms: d.validateMs, index: d.index, mutator: d.mutator };
  if (!d.cli && d.packageMs > slowestPackage.ms) slowestPackage = { ms: d.packageMs, index: d.index, mutator: d.mutator };
  if (d.codes.every((c) => c === 0)) exits.ok++;
  else exits.manifestError++;
  const key = d.mutator.split(' + ')[0]!;
  const m = byMutator.get(key) ?? { cases: 0, failed: 0, slowest: 0, slowestPackage: 0 };
  m.cases++;
  if (extra.length) m.failed++;
  if (!d.cli) m.slowest = Math.max(m.slowest, d.validateMs);
  if (!d.cli) m.slowestPackage = Math.max(m.slowestPackage, d.packageMs);
  byMutator.set(key, m);
  if (extra.length) {
    failed.push({ index: d.index, mutator: d.mutator, failures: extra });
    console.log(`FAIL case ${d.index} (${d.seedName}; ${d.mutator}${d.cli ? '; CLI' : ''}): ${extra.join(' | ')}`);
  }
  if (done % 250 === 0) console.log(`${done}/${total} cases, ${failed.length} failing, ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

function runFrom(from: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (from >= total) return resolve();
    const worker = new Worker(workerFile, { workerData: { seed, from, to: total, cliEvery, bin } });
    let current = { index: from, mutator: '' };
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const d: Done = { type: 'done', index: current.index, mutator: current.mutator, seedName: '?', cli: false, failures: [`hang: no result after ${HANG_MS / 1000} s`], codes: [-1], ms: HANG_MS, validateMs: 0, packageMs: 0, validateCpuMs: 0, rssGrowth: 0, maxRssKb: process.resourceUsage().maxRSS };
        record(d);
        void worker.terminate().then(() => runFrom(current.index + 1).then(resolve, reject));
      }, HANG_MS);
    };
    arm();
    let startRss = 0;
    let highest = 0;
    const sampler = setInterval(() => (highest = Math.max(highest, process.memoryUsage.rss())), 5);
    worker.on('message', (m: { type: 'start'; index: number; mutator: string; rss: number } | Done) => {
      if (m.type === 'start') {
        current = { index: m.index, mutator: m.mutator };
        startRss = m.rss;
        highest = m.rss;
        arm();
      } else record({ ...m, peakGrowth: Math.max(highest, process.memoryUsage.rss()) - startRss });
    });
    worker.on('exit', () => clearInterval(sampler));
    worker.on('error', (err) => {
      clearTimeout(timer);
      record({ type: 'done', index: current.index, mutator: current.mutator, seedName: '?', cli: false, failures: [`worker crashed: ${err.message}`], codes: [-1], ms: 0, validateMs: 0, packageMs: 0, validateCpuMs: 0, rssGrowth: 0, maxRssKb: process.resourceUsage().maxRSS });
      runFrom(current.index + 1).then(resolve, reject);
    });
    worker.on('exit', () => {
      clearTimeout(timer);
      if (done >= total) resolve();
    });
  });
}

if (!(globalThis as { gc?: unknown }).gc) console.log('note: run node with --expose-gc (npm run test:fuzz does) so that the peak RSS is per case, not garbage of earlier cases');
const baselineKb = process.resourceUsage().maxRSS;
console.log(`manifest fuzz: seed ${seed}, ${total} cases, every ${cliEvery || 'no'} case through the CLI; ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}, Node ${process.version}`);
await runFrom(0);
const seconds = (Date.now() - started) / 1000;
console.log('\nby mutator (cases, failing, slowest validate ms, slowest package ms; in-process):');
for (const [name, m] of [...byMutator].sort()) console.log(`  ${name.padEnd(38)} ${String(m.cases).padStart(6)} ${String(m.failed).padStart(5)} ${m.slowest.toFixed(0).padStart(7)} ${m.slowestPackage.toFixed(0).padStart(7)}`);
console.log(
  `\n${done} cases (${exits.ok} valid, ${exits.manifestError} manifest errors) in ${seconds.toFixed(0)} s; ${failed.length} failing; most CPU in one validate ${slowestCpu.ms.toFixed(0)} ms (case ${slowestCpu.index}, ${slowestCpu.mutator}); slowest validate (wall) ${slowest.ms.toFixed(0)} ms (case ${slowest.index}, ${slowest.mutator}); slowest package ${slowestPackage.ms.toFixed(0)} ms (case ${slowestPackage.index}, ${slowestPackage.mutator}); peak RSS ${(peakKb / 1024).toFixed(0)} MB (case ${peakCase}; ${(baselineKb / 1024).toFixed(0)} MB before the first case); most RSS one case took ${(growth.bytes / 2 ** 20).toFixed(0)} MB (case ${growth.index}, ${growth.mutator}); load now ${loadavg()[0]!.toFixed(2)}`,
);
console.log(`reproduce one case: --seed ${seed} --cases N (cases 0..N-1)`);
process.exitCode = failed.length ? 1 : 0;
