/**
 * Runs one fuzz case the way a user meets it and lists what is wrong with the outcome:
 * `validate` twice (the second run may read the parse cache) and `package`, in-process through
 * the programmatic API, or through the built CLI. A case passes when every run
 *   - ends in success or a manifest error (exit 0 or 2), never an uncaught exception or E_INTERNAL;
 *   - gives every exit-2 problem a file:line:col inside the manifest;
 *   - prints no raw control character and no stack trace;
 *   - gives the same result from the parse cache as from a fresh parse.
 * Time and memory are measured here and asserted by the caller (the long run only).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FnxError, FnxErrorList } from '../../src/errors.js';
import { packageProject } from '../../src/commands/package.js';
import { validate } from '../../src/commands/validate.js';
import { createSession } from '../../src/session.js';
import { formatError, formatWarning } from '../../src/report/format.js';
import type { Reporter, Step } from '../../src/report/reporter.js';
import type { Seed } from './corpus.js';
import type { FuzzCase } from './mutators.js';

export interface CaseResult {
  /** What is wrong, one line each; empty when the case passes. */
  readonly failures: string[];
  /** Exit codes: validate, validate again, package. */
  readonly codes: number[];
  /** The whole case. */
  readonly ms: number;
  /** The slower of the two validate runs (wall clock). */
  readonly validateMs: number;
  readonly packageMs: number;
  /** CPU time of the process (all threads) in the slower validate run: what load on the machine does not inflate. */
  readonly validateCpuMs: number;
}

/** Problems about the command line rather than the file: they have no position in it. */
const UNPOSITIONED = new Set(['E_STAGE_NAME']);
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const STACK = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;

class QuietReporter implements Reporter {
  readonly json = false;
  readonly lines: string[] = [];
  info(m: string): void {
    this.lines.push(m);
  }
  warn(m: string): void {
    this.lines.push(m);
  }
  step(title: string): Step {
    this.lines.push(title);
    return { update: (t) => void this.lines.push(t), succeed: (t) => void this.lines.push(t ?? title), fail: (t) => void this.lines.push(t ?? title) };
  }
  print(m: string): void {
    this.lines.push(m);
  }
  data(): void {}
  error(): void {}
}

/** One project folder per seed, holding the seed's files; each case writes its own fnx.yaml there. */
export class Projects {
  private readonly root = mkdtempSync(join(tmpdir(), 'fnx-fuzz-'));
  private readonly dirs = new Map<string, string>();

  dir(seed: Seed): string {
    let dir = this.dirs.get(seed.name);
    if (!dir) {
      dir = join(this.root, String(this.dirs.size));
      for (const [rel, content] of Object.entries(seed.files)) {
        mkdirSync(dirname(join(dir, rel)), { recursive: true });
        writeFileSync(join(dir, rel), content);
      }
      this.dirs.set(seed.name, dir);
    }
    return dir;
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** The manifest's lines as the positions count them (after a UTF-8 byte order mark). */
function fileLines(bytes: Buffer): string[] {
  const text = bytes.toString('utf8').replace(/^\ufeff/, '');
  return text.split(/\r\n|\r|\n/);
}

function positionProblem(e: { code: string; location?: { file: string; line: number; column: number } | undefined }, file: string, lines: readonly string[]): string | undefined {
  if (UNPOSITIONED.has(e.code)) return undefined;
  const l = e.location;
  if (!l) return `${e.code} has no position`;
  if (l.file !== file) return `${e.code} names ${l.file}, not the manifest`;
  if (!Number.isInteger(l.line) || l.line < 1 || l.line > lines.length) return `${e.code} at line ${l.line}, outside the file (${lines.length} lines)`;
  const width = lines[l.line - 1]!.length + 1;
  if (!Number.isInteger(l.column) || l.column < 1 || l.column > width) return `${e.code} at ${l.line}:${l.column}, outside its line (${width - 1} characters)`;
  return undefined;
}

interface Run {
  code: number;
  /** What the CLI would print. */
  text: string;
  /** The outcome as data, to compare runs. */
  outcome: string;
  failures: string[];
}

async function runInProcess(command: 'validate' | 'package', c: FuzzCase, dir: string, file: string, lines: readonly string[]): Promise<Run> {
  const reporter = new QuietReporter();
  const session = createSession({ reporter, signal: new AbortController().signal, cwd: dir, env: { ...c.env }, interactive: false });
  const request = { stage: c.stage, vars: c.vars, config: 'fnx.yaml' };
  const failures: string[] = [];
  let code = 0;
  let text = '';
  let outcome = '';
  try {
    if (command === 'validate') {
      const r = await validate(request, session);
      outcome = JSON.stringify({ manifest: r.manifest, warnings: r.warnings.map((w) => w.toJSON()) });
      text = r.warnings.map((w) => formatWarning(w, dir)).join('\n');
    } else {
      const r = await packageProject({ ...request, cache: true }, session);
      outcome = JSON.stringify(r.artifacts.map((a) => [a.name, a.sha256]));
    }
  } catch (err) {
    if (!(err instanceof FnxError)) {
      failures.push(`${command}: uncaught ${err instanceof Error ? `${err.constructor.name}: ${err.message}` : String(err)}`.slice(0, 300));
      return { code: -1, text: '', outcome: 'uncaught', failures };
    }
    code = err.exitCode;
    text = formatError(err, { red: (s) => s, yellow: (s) => s, green: (s) => s, dim: (s) => s, bold: (s) => s }, dir);
    const list = err instanceof FnxErrorList ? err.errors : [err];
    outcome = JSON.stringify(list.map((e) => e.toJSON()));
    if (list.some((e) => e.code === 'E_INTERNAL')) failures.push(`${command}: E_INTERNAL ${err.message.slice(0, 200)}`);
    if (code === 2) for (const e of list) {
      const p = positionProblem(e, file, lines);
      if (p) failures.push(`${command}: ${p}: ${e.message.slice(0, 160)}`);
    }
  }
  text += reporter.lines.join('\n');
  if (code !== 0 && code !== 2) failures.push(`${command}: exit ${code}`);
  if (CONTROL.test(text)) failures.push(`${command}: raw control character in the output`);
  if (STACK.test(text)) failures.push(`${command}: stack trace in the output`);
  return { code, text, outcome, failures };
}

function writeManifest(c: FuzzCase, dir: string): string {
  const file = join(dir, 'fnx.yaml');
  writeFileSync(file, c.bytes);
  rmSync(join(dir, '.fnx'), { recursive: true, force: true });
  return file;
}

/** Validates twice and packages, in-process. */
export async function runCase(c: FuzzCase, dir: string): Promise<CaseResult> {
  const file = writeManifest(c, dir);
  const lines = fileLines(c.bytes);
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const c0 = cpu();
  const t0 = performance.now();
  const first = await runInProcess('validate', c, dir, file, lines);
  const t1 = performance.now();
  const c1 = cpu();
  const second = await runInProcess('validate', c, dir, file, lines);
  const t2 = performance.now();
  const c2 = cpu();
  const pkg = await runInProcess('package', c, dir, file, lines);
  const t3 = performance.now();
  const failures = [...first.failures, ...second.failures.filter((f) => !first.failures.includes(f)), ...pkg.failures];
  if (first.outcome !== second.outcome) failures.push(`parse cache: the second validate gave another result (exit ${first.code} then ${second.code})`);
  return { failures, codes: [first.code, second.code, pkg.code], ms: t3 - t0, validateMs: Math.max(t1 - t0, t2 - t1), packageMs: t3 - t2, validateCpuMs: Math.max(c1 - c0, c2 - c1) };
}

function spawnCli(bin: string, args: string[], cwd: string, env: Readonly<Record<string, string>>): Promise<{ code: number; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: { PATH: process.env.PATH ?? '', HOME: cwd, CI: 'true', NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 137 : 1), stderr, stdout });
    });
  });
}

/** Validates twice and packages through the built CLI (`bin`: bin/fnx.js of a built tree). */
export async function runCaseCli(c: FuzzCase, dir: string, bin: string): Promise<CaseResult> {
  const file = writeManifest(c, dir);
  const lines = fileLines(c.bytes);
  const args = ['--stage', c.stage, ...Object.entries(c.vars).flatMap(([k, v]) => ['--var', `${k}=${v}`])];
  const start = performance.now();
  const failures: string[] = [];
  const codes: number[] = [];
  const outputs: string[] = [];
  const times: number[] = [];
  for (const command of ['validate', 'validate', 'package']) {
    const t = performance.now();
    const r = await spawnCli(bin, [command, ...args], dir, c.env);
    times.push(performance.now() - t);
    codes.push(r.code);
    outputs.push(r.stderr);
    const out = r.stdout + r.stderr;
    if (r.code !== 0 && r.code !== 2) failures.push(`cli ${command}: exit ${r.code}: ${r.stderr.slice(0, 200)}`);
    if (out.includes('E_INTERNAL')) failures.push(`cli ${command}: E_INTERNAL`);
    if (CONTROL.test(out)) failures.push(`cli ${command}: raw control character in the output`);
    if (STACK.test(out)) failures.push(`cli ${command}: stack trace in the output`);
    for (const m of r.stderr.matchAll(/^fnx\.yaml:(\d+):(\d+): error \[(\w+)\]/gm)) {
      const p = positionProblem({ code: m[3]!, location: { file, line: Number(m[1]), column: Number(m[2]) } }, file, lines);
      if (p) failures.push(`cli ${command}: ${p}`);
    }
    if (r.code === 2) {
      for (const m of r.stderr.matchAll(/^error \[(\w+)\]/gm)) if (!UNPOSITIONED.has(m[1]!)) failures.push(`cli ${command}: ${m[1]} has no position`);
    }
  }
  if (outputs[0] !== outputs[1] || codes[0] !== codes[1]) failures.push(`cli parse cache: the second validate printed something else (exit ${codes[0]} then ${codes[1]})`);
  return { failures: [...new Set(failures)], codes, ms: performance.now() - start, validateMs: Math.max(times[0]!, times[1]!), packageMs: times[2]!, validateCpuMs: 0 };
}
