/**
 * The CLI entry: the only place that calls process.exit. It parses argv, builds the Reporter,
 * wires Ctrl-C to an AbortSignal (first signal: stop starting work; second: exit at once), runs
 * the command in a session (src/session.ts), and maps errors to exit codes.
 */
import { ExitCode, FnxError, InterruptedError, toFnxError } from '../errors.js';
import { findPackage } from '../init/packageRoot.js';
import { createReporter, reporterOptionsFromEnv } from '../report/create.js';
import { redactHeaders } from '../report/redact.js';
import { createSession } from '../session.js';
import { parseArgs, PrintedUsageError } from './program.js';

/** fnx-cli's version, found from this module whether it runs from dist/src or the bundle. */
function cliVersion(): string {
  try {
    return findPackage(import.meta.url).version;
  } catch {
    return '0.0.0';
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const streams = { stdout: process.stdout, stderr: process.stderr };
  const jsonRequested = argv.includes('--json');
  let parsed;
  try {
    parsed = await parseArgs(argv, cliVersion(), process.env);
  } catch (err) {
    const e = toFnxError(err);
    if (!(e instanceof PrintedUsageError) || jsonRequested) {
      const reporter = await createReporter(reporterOptionsFromEnv(jsonRequested, streams));
      reporter.error(e);
    }
    return e.exitCode;
  }
  if (!parsed) return ExitCode.ok;

  const options = reporterOptionsFromEnv(parsed.json, streams);
  const reporter = await createReporter(options);
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (name: NodeJS.Signals) => {
    signals += 1;
    if (signals === 1) {
      reporter.warn(`${name} received: finishing in-flight work, starting nothing new (press Ctrl-C again to exit now).`);
      controller.abort(new InterruptedError());
    } else {
      process.exit(ExitCode.interrupted);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    await parsed.run(
      createSession({
        reporter,
        signal: controller.signal,
        cwd: process.cwd(),
        env: process.env,
        interactive: options.interactive && Boolean(process.stdin.isTTY),
      }),
    );
    return controller.signal.aborted ? ExitCode.interrupted : ExitCode.ok;
  } catch (err) {
    const e = controller.signal.aborted && !(err instanceof FnxError) ? new InterruptedError() : toFnxError(err);
    reporter.error(e);
    if (e.code === 'E_INTERNAL' && process.env.FNX_DEBUG) {
      const stack = `${(e.cause as Error)?.stack ?? ''}\n`;
      process.stderr.write(redactHeaders(options.redact ? options.redact(stack) : stack));
    }
    return e.exitCode;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`fnx: internal error: ${String(err)}\n`);
    process.exit(ExitCode.failed);
  },
);
