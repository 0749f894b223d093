// Execution environments of the emulated Lambda: a published version's zip unzipped once per
// CodeSha256 into a temp dir, run by a child process (bootstrap-node.mjs or bootstrap-python.py
// beside this file) that stays warm between invocations, one invocation at a time, as Lambda's
// environments do. Limits are the version's: Timeout (the child is killed, the invocation fails
// with Sandbox.Timedout) and MemorySize (Node: --max-old-space-size). Environment variables are
// the version's, Lambda's reserved ones and the emulator's endpoint with fake credentials; nothing
// else of this process's environment reaches the code.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, sep } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import yauzl from 'yauzl';
import type { LambdaFunction, LambdaVersion } from '../state.js';

/** Lambda's error payload: errorType, errorMessage and the runtime's trace (Node `trace`, Python `stackTrace`). */
export interface LambdaErrorBody {
  errorType: string;
  errorMessage: string;
  [key: string]: unknown;
}

export interface Execution {
  requestId: string;
  ok: boolean;
  /** The handler's answer as JSON text (ok). */
  result?: string;
  error?: LambdaErrorBody;
  /** What the invocation printed, in order (each entry one or more lines). */
  logs: string[];
  durationMs: number;
  maxMemoryMB: number;
  /** The log stream of the environment that ran it (`YYYY/MM/DD/[VERSION]hex`). */
  logStream: string;
  timedOut: boolean;
}

export interface InvokeTarget {
  fn: LambdaFunction;
  version: LambdaVersion;
  /** The ARN the caller used (with its qualifier). */
  invokedArn: string;
  logGroup: string;
  region: string;
  /** Extra environment (the emulator's endpoint and fake credentials). */
  env: Record<string, string>;
  /** Date for the stream name (ms). */
  now: number;
}

const here = dirname(fileURLToPath(import.meta.url));
/** The bootstraps are not compiled: from dist/, read them where the sources are. */
const bootstrapDir = here.includes(`${sep}dist${sep}test${sep}`) ? here.replace(`${sep}dist${sep}test${sep}`, `${sep}test${sep}`) : here;

interface Pending {
  requestId: string;
  logs: string[];
  started: number;
  resolve: (e: Execution) => void;
  timer: NodeJS.Timeout;
}

class Sandbox {
  busy = false;
  dead = false;
  pending?: Pending;
  private readonly child: ChildProcess;

  constructor(
    readonly key: string,
    readonly logStream: string,
    command: string,
    args: string[],
    env: Record<string, string>,
    cwd: string,
    private readonly onExit: (s: Sandbox) => void,
    private readonly onIdle: (s: Sandbox) => void,
  ) {
    this.child = spawn(command, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
    const channel = this.child.stdio[3];
    if (channel && 'on' in channel) {
      createInterface({ input: channel as NodeJS.ReadableStream }).on('line', (line) => this.message(line));
    }
    const raw = (chunk: Buffer) => this.pending?.logs.push(chunk.toString('utf8'));
    this.child.stdout?.on('data', raw);
    this.child.stderr?.on('data', raw);
    this.child.stdin?.on('error', () => undefined);
    this.child.on('error', (err) => this.exited(`Runtime exited with error: ${err.message}`));
    this.child.on('exit', (code, signal) => this.exited(`Runtime exited with error: ${signal ? `signal: ${signal}` : `exit status ${code ?? 0}`}`));
  }

  run(requestId: string, payload: unknown, context: Record<string, unknown>, timeoutMs: number): Promise<Execution> {
    this.busy = true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.timeout(timeoutMs), timeoutMs);
      this.pending = { requestId, logs: [], started: performance.now(), resolve, timer };
      this.child.stdin?.write(`${JSON.stringify({ requestId, payload, context: { ...context, timeoutMs } })}\n`);
    });
  }

  kill(): void {
    this.dead = true;
    this.child.kill('SIGKILL');
  }

  private finish(e: Omit<Execution, 'requestId' | 'logs' | 'durationMs' | 'logStream'>): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    clearTimeout(p.timer);
    this.busy = false;
    p.resolve({ ...e, requestId: p.requestId, logs: p.logs, durationMs: performance.now() - p.started, logStream: this.logStream });
    this.onIdle(this);
  }

  private message(line: string): void {
    let msg: { log?: string; done?: boolean; ok?: boolean; result?: string; error?: LambdaErrorBody; maxMemoryMB?: number; fatal?: boolean };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      this.pending?.logs.push(`${line}\n`);
      return;
    }
    if (typeof msg.log === 'string') {
      this.pending?.logs.push(msg.log);
      return;
    }
    if (!msg.done) return;
    // An environment whose init failed is discarded, as Lambda does: the next invocation starts a fresh one.
    if (msg.fatal) this.kill();
    this.finish({ ok: Boolean(msg.ok), ...(msg.ok ? { result: msg.result ?? 'null' } : { error: msg.error }), maxMemoryMB: msg.maxMemoryMB ?? 0, timedOut: false });
  }

  private timeout(timeoutMs: number): void {
    const p = this.pending;
    if (!p) return;
    const seconds = (timeoutMs / 1000).toFixed(2);
    p.logs.push(`${new Date().toISOString()} ${p.requestId} Task timed out after ${seconds} seconds\n`);
    this.kill();
    this.finish({ ok: false, error: { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${p.requestId} Error: Task timed out after ${seconds} seconds` }, maxMemoryMB: 0, timedOut: true });
  }

  private exited(reason: string): void {
    this.dead = true;
    this.onExit(this);
    const p = this.pending;
    if (!p) return;
    p.logs.push(`RequestId: ${p.requestId} Error: ${reason}\n`);
    this.finish({ ok: false, error: { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${p.requestId} Error: ${reason}` }, maxMemoryMB: 0, timedOut: false });
  }
}

/** Unzips `zip` into `dir` (entries escaping it are refused). */
function unzipInto(zip: Buffer, dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, archive) => {
      if (err || !archive) return reject(err ?? new Error('unreadable zip'));
      archive.on('error', reject);
      archive.on('end', () => resolve());
      archive.on('entry', (entry: yauzl.Entry) => {
        const target = normalize(join(dir, entry.fileName));
        if (!target.startsWith(dir + sep)) return reject(new Error(`zip entry outside the task root: ${entry.fileName}`));
        if (entry.fileName.endsWith('/')) {
          mkdirSync(target, { recursive: true });
          archive.readEntry();
          return;
        }
        archive.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error('unreadable zip entry'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            mkdirSync(dirname(target), { recursive: true });
            writeFileSync(target, Buffer.concat(chunks));
            archive.readEntry();
          });
          stream.on('error', reject);
        });
      });
      archive.readEntry();
    });
  });
}

let pythonPath: string | undefined;
/** The local python3's executable, resolved once (a pyenv shim needs this process's environment; the sandbox gets none of it). */
function python(): string {
  if (pythonPath === undefined) {
    const r = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
    pythonPath = r.status === 0 ? r.stdout.trim() : '';
  }
  return pythonPath;
}

function streamName(now: number, version: string): string {
  const d = new Date(now);
  const ymd = [d.getUTCFullYear(), String(d.getUTCMonth() + 1).padStart(2, '0'), String(d.getUTCDate()).padStart(2, '0')].join('/');
  return `${ymd}/[${version}]${randomBytes(16).toString('hex')}`;
}

/** Environments one version may run at once; more invocations wait for one (this machine is not Lambda's fleet). */
export const MAX_ENVIRONMENTS = 8;

/** Every execution environment of one emulator. */
export class Sandboxes {
  private root?: string;
  private readonly tasks = new Map<string, Promise<string>>();
  private readonly pool = new Map<string, Sandbox[]>();
  private readonly waiting = new Map<string, (() => void)[]>();

  async invoke(t: InvokeTarget, payload: unknown): Promise<Execution> {
    const requestId = randomUUID();
    const { config } = t.version;
    const runtime = config.Runtime ?? '';
    const fail = (errorType: string, errorMessage: string): Execution => ({ requestId, ok: false, error: { errorType, errorMessage }, logs: [], durationMs: 0, maxMemoryMB: 0, logStream: streamName(t.now, t.version.version), timedOut: false });
    const isNode = runtime.startsWith('nodejs');
    if (!isNode && !runtime.startsWith('python')) return fail('Runtime.InvalidRuntime', `The emulator runs nodejs and python functions only, not ${runtime || 'container images'}`);
    if (!isNode && !python()) return fail('Runtime.InvalidRuntime', 'python3 is not installed on this machine, so the emulator cannot run python functions');
    const task = await this.task(t.version.code.sha256, t.version.code.zip);
    const key = JSON.stringify([t.fn.name, t.version.version, t.version.code.sha256, config]);
    const sandbox = await this.acquire(key, () => this.start(key, t, task, isNode));
    const context = {
      functionName: t.fn.name,
      functionVersion: t.version.version,
      invokedFunctionArn: t.invokedArn,
      memoryLimitInMB: String(config.MemorySize),
      logGroupName: t.logGroup,
      logStreamName: sandbox.logStream,
    };
    return sandbox.run(requestId, payload, context, config.Timeout * 1000);
  }

  /** An idle environment of `key`, a new one while fewer than MAX_ENVIRONMENTS run, else the next to become idle. */
  private async acquire(key: string, start: () => Sandbox): Promise<Sandbox> {
    for (;;) {
      const live = (this.pool.get(key) ?? []).filter((s) => !s.dead);
      // Taken at once (busy), so two invocations never get the same environment.
      const idle = live.find((s) => !s.busy);
      const chosen = idle ?? (live.length < MAX_ENVIRONMENTS ? start() : undefined);
      if (chosen) {
        chosen.busy = true;
        return chosen;
      }
      await new Promise<void>((resolve) => this.waiting.set(key, [...(this.waiting.get(key) ?? []), resolve]));
    }
  }

  private wake(key: string): void {
    const next = this.waiting.get(key)?.shift();
    next?.();
  }

  /** Kills every environment and deletes the unzipped code. */
  close(): void {
    for (const list of this.pool.values()) for (const s of list) s.kill();
    this.pool.clear();
    this.tasks.clear();
    if (this.root) rmSync(this.root, { recursive: true, force: true });
    this.root = undefined;
  }

  private task(sha256: string, zip: Buffer): Promise<string> {
    let t = this.tasks.get(sha256);
    if (!t) {
      this.root ??= mkdtempSync(join(tmpdir(), 'fnx-aws-lambda-'));
      const dir = join(this.root, Buffer.from(sha256, 'base64').toString('hex'));
      mkdirSync(dir, { recursive: true });
      t = unzipInto(zip, dir).then(() => dir);
      this.tasks.set(sha256, t);
    }
    return t;
  }

  private start(key: string, t: InvokeTarget, task: string, isNode: boolean): Sandbox {
    const { config } = t.version;
    const stream = streamName(t.now, t.version.version);
    const env: Record<string, string> = {
      ...(config.Environment?.Variables ?? {}),
      ...t.env,
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      LAMBDA_TASK_ROOT: task,
      _HANDLER: config.Handler ?? '',
      AWS_EXECUTION_ENV: `AWS_Lambda_${config.Runtime}`,
      AWS_REGION: t.region,
      AWS_DEFAULT_REGION: t.region,
      AWS_LAMBDA_FUNCTION_NAME: t.fn.name,
      AWS_LAMBDA_FUNCTION_VERSION: t.version.version,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.MemorySize),
      AWS_LAMBDA_LOG_GROUP_NAME: t.logGroup,
      AWS_LAMBDA_LOG_STREAM_NAME: stream,
    };
    const [command, args] = isNode
      ? [process.execPath, [`--max-old-space-size=${config.MemorySize}`, join(bootstrapDir, 'bootstrap-node.mjs'), task, config.Handler ?? '']]
      : [python(), ['-u', join(bootstrapDir, 'bootstrap-python.py'), task, config.Handler ?? '']];
    const sandbox = new Sandbox(
      key,
      stream,
      command,
      args as string[],
      env,
      task,
      (s) => {
        this.pool.set(s.key, (this.pool.get(s.key) ?? []).filter((x) => x !== s));
        this.wake(s.key);
      },
      (s) => this.wake(s.key),
    );
    this.pool.set(key, [...(this.pool.get(key) ?? []), sandbox]);
    return sandbox;
  }
}
