/**
 * fnx's own settings read from environment variables (FNX_*). Commands read them before their
 * first cloud call, so a bad value is a usage error (exit 2) naming the variable, and nothing
 * changed. An unset or empty variable means "not set".
 */
import { ExitCode, FnxError } from './errors.js';

/** The variable's value as a positive number, or undefined when unset or empty. */
export function positiveNumberFromEnv(env: NodeJS.ProcessEnv, name: string, code: string, hint: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    throw new FnxError(code, `${name} must be a positive number, got "${raw}". Nothing was changed.`, { hint, exitCode: ExitCode.usage });
  }
  return n;
}
