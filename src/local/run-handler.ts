/**
 * Runs one function's handler on this machine, once, in a fresh child process (`fnx invoke
 * --local`, `fnx dev`): Node with `--max-old-space-size` set to the function's memory, Python
 * with `python3` (FNX_PYTHON overrides), both killed when the function's timeout passes. The
 * child's environment is the function's (buildLocalEnvironment) plus PATH, HOME and the like, not
 * the caller's; the handler's stdout and stderr are its logs. A fresh child per run means an
 * edited handler is picked up by the next run.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, FnxError } from '../errors.js';
import { handlerExport, handlerFiles, isPython } from '../manifest/handler.js';
import type { ResolvedFunction, ResolvedManifest } from '../manifest/model.js';
import { pythonCommand } from '../python.js';
import { NODE_BOOTSTRAP, PYTHON_BOOTSTRAP } from './bootstraps.js';

export interface LocalRunRequest {
  readonly manifest: ResolvedManifest;
  readonly function: ResolvedFunction;
  readonly event: unknown;
  /** The function's variables (buildLocalEnvironment). */
  readonly environment: Readonly<Record<string, string>>;
  /** The caller's environment: PATH, HOME, FNX_PYTHON and the like are taken from it. */
  readonly hostEnv: Readonly<Record<string, string | undefined>>;
  readonly signal?: AbortSignal;
  /** Each line the handler writes, as it writes it. */
  readonly onLog?: (line: string) => void;
}

/** A function error, as the cloud reports it (Lambda's errorType / errorMessage / trace). */
export interface LocalError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace: readonly string[];
}

export interface LocalRunResult {
  readonly ok: boolean;
  /** The handler's return value (JSON round-tripped), or the error object when !ok. */
  readonly payload: unknown;
  /** The error's message when !ok. */
  readonly error?: string;
  /** What the handler wrote to stdout and stderr, line by line. */
  readonly logs: readonly string[];
  readonly durationMs: number;
  /** Peak resident memory of the child process; absent when it was killed. */
  readonly peakMemoryBytes?: number;
  readonly timedOut?: boolean;
}

/** Variables of the host environment a local run keeps (the runtime needs them to start). */
const HOST_VARIABLES = ['PATH', 'HOME', 'TMPDIR', 'TEMP', 'TMP', 'LANG', 'LC_ALL', 'TZ', 'SYSTEMROOT', 'USERPROFILE'];
/** At most this much of a run's output is kept (the rest is counted, not stored). */
const MAX_LOG_BYTES = 1024 * 1024;

/** Absolute path of the file that holds fn.handler, or an error naming the files looked for (exit 2). */
export function handlerPath(manifest: ResolvedManifest, fn: ResolvedFunction): string {
  const candidates = handlerFiles(fn.handler, fn.runtime);
  const found = candidates.map((c) => join(manifest.rootDir, c)).find((p) => existsSync(p));
  if (found) return found;
  throw new FnxError('E_LOCAL_HANDLER', `function "${fn.name}": its handler file is missing (looked for ${candidates.join(', ')} under ${manifest.rootDir}).`, {
    hint: `Create the file, or fix \`handler: ${fn.handler}\` in ${manifest.file}.`,
    exitCode: ExitCode.usage,
    ...(fn.location ? { location: fn.location } : {}),
  });
}

export async function runHandler(req: LocalRunRequest): Promise<LocalRunResult> {
  const fn = req.function;
  const file = handlerPath(req.manifest, fn);
  const python = isPython(fn.runtime);
  const timeoutMs = fn.timeout * 1000;
  const args = [req.manifest.rootDir, file, handlerExport(fn.handler), fn.name, String(fn.memory), String(timeoutMs)];
  const command = python ? pythonCommand(req.hostEnv) : process.execPath;
  const argv = python ? ['-c', PYTHON_BOOTSTRAP, ...args] : [`--max-old-space-size=${fn.memory}`, '--input-type=module', '-e', NODE_BOOTSTRAP, ...args];
  const env: Record<string, string> = {};
  for (const name of HOST_VARIABLES) if (req.hostEnv[name] !== undefined) env[name] = req.hostEnv[name]!;
  Object.assign(env, req.environment);
  if (python) env.PYTHONUNBUFFERED = '1';

  const started = performance.now();
  const child = spawn(command, argv, { cwd: req.manifest.rootDir, env, stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
  const logs: string[] = [];
  let logBytes = 0;
  let dropped = 0;
  const collect = (stream: NodeJS.ReadableStream) => {
    let pending = '';
    const line = (text: string) => {
      req.onLog?.(text);
      logBytes += text.length + 1;
      if (logBytes <= MAX_LOG_BYTES) logs.push(text);
      else dropped++;
    };
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const l of lines) line(l.replace(/\r$/, ''));
    });
    return () => {
      if (pending) line(pending);
      pending = '';
    };
  };
  const flushOut = collect(child.stdout);
  const flushErr = collect(child.stderr);
  let answer = '';
  const answerStream = child.stdio[3] as NodeJS.ReadableStream;
  answerStream.setEncoding('utf8');
  answerStream.on('data', (chunk: string) => {
    answer += chunk;
  });
  child.stdin.on('error', () => {});
  child.stdin.end(JSON.stringify(req.event ?? null));

  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const onAbort = () => child.kill('SIGKILL');
  req.signal?.addEventListener('abort', onAbort, { once: true });

  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: NodeJS.ErrnoException }>((resolve) => {
    child.on('error', (error: NodeJS.ErrnoException) => resolve({ code: null, signal: null, error }));
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  clearTimeout(timer);
  req.signal?.removeEventListener('abort', onAbort);
  flushOut();
  flushErr();
  const durationMs = Math.round(performance.now() - started);
  if (dropped) logs.push(`[fnx: ${dropped} more lines not kept]`);

  if (exit.error) {
    throw new FnxError('E_LOCAL_RUNTIME', `function "${fn.name}": cannot start ${command} to run its ${fn.runtime} handler: ${exit.error.code ?? exit.error.message}.`, {
      hint: python ? 'Install Python 3 (or set FNX_PYTHON to the interpreter to use).' : 'Check the Node.js installation that runs fnx.',
      exitCode: ExitCode.failed,
    });
  }
  const base = { logs, durationMs };
  if (timedOut) {
    const error = `Task timed out after ${fn.timeout} ${fn.timeout === 1 ? 'second' : 'seconds'} (the function's timeout)`;
    return { ...base, ok: false, timedOut: true, error, payload: { errorType: 'Timeout', errorMessage: error, trace: [] } };
  }
  let parsed: { ok: boolean; payload?: unknown; error?: LocalError; maxRssKb?: number } | undefined;
  try {
    parsed = answer ? JSON.parse(answer) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed) {
    // The process ended without answering: it exited, crashed, or ran out of memory.
    const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
    const oom = logs.some((l) => /heap out of memory|MemoryError/.test(l)) ? ` (out of memory: the function has ${fn.memory} MB)` : '';
    const error = `the handler process ${how} before it returned${oom}`;
    return { ...base, ok: false, error, payload: { errorType: 'Runtime.ExitError', errorMessage: error, trace: [] } };
  }
  const memory = parsed.maxRssKb ? { peakMemoryBytes: parsed.maxRssKb * 1024 } : {};
  if (!parsed.ok) return { ...base, ...memory, ok: false, error: parsed.error?.errorMessage ?? 'unknown error', payload: parsed.error };
  return { ...base, ...memory, ok: true, payload: parsed.payload ?? null };
}
