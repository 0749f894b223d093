/** Runs the built CLI (bin/fnx.js) as a user would and captures what they see. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const fnxBin = fileURLToPath(new URL('../../bin/fnx.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string;
  /** Send SIGINT after this many ms (or when `interruptWhen` matches stderr). */
  interruptAfterMs?: number;
  interruptWhen?: RegExp;
  /** Called with everything printed on stdout so far, each time more arrives; `interrupt` sends SIGINT. */
  onStdout?: (stdout: string, interrupt: () => void) => void;
  timeoutMs?: number;
  /** Hears about the spawned CLI process (e.g. to SIGKILL it at a chosen moment). */
  onSpawn?: (child: ChildProcess) => void;
}

export function runFnx(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, CI: 'true', NO_COLOR: '1', GITHUB_ACTIONS: '', ...options.env })) {
      if (v !== undefined) env[k] = v;
    }
    const child = spawn(process.execPath, [fnxBin, ...args], { cwd: options.cwd ?? repoRoot, env, stdio: ['pipe', 'pipe', 'pipe'] });
    options.onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    const interrupt = () => {
      if (!interrupted) {
        interrupted = true;
        child.kill('SIGINT');
      }
    };
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      options.onStdout?.(stdout, interrupt);
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (options.interruptWhen && options.interruptWhen.test(stderr)) interrupt();
    });
    const timers: NodeJS.Timeout[] = [];
    if (options.interruptAfterMs !== undefined) timers.push(setTimeout(interrupt, options.interruptAfterMs));
    timers.push(setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      timers.forEach(clearTimeout);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
