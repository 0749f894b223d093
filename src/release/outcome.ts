/** Turning release outcomes into the command's result. */
import { ExitCode, FnxError } from '../errors.js';
import type { ReleaseOutcome } from './types.js';

/**
 * The error a command throws when any release was rolled back automatically (exit 3), or
 * undefined. Its details (default: every outcome; a command may pass its whole result, which must
 * include the outcomes) make the `--json` error document list what went live and why not.
 */
export function rolledBackError(outcomes: readonly ReleaseOutcome[], details: Record<string, unknown> = { outcomes }): FnxError | undefined {
  const failed = outcomes.filter((o) => o.status === 'rolled-back');
  if (failed.length === 0) return undefined;
  const lines = failed.map((o) => `${o.function}${o.provider ? ` (${o.provider})` : ''}: ${o.version} rolled back to ${o.previous ?? 'the previous version'}: ${o.reason ?? 'release failed'}`);
  return new FnxError('E_RELEASE_ROLLED_BACK', `Release rolled back automatically:\n  ${lines.join('\n  ')}`, {
    hint: 'Traffic is back on the previous version. Fix the cause (see the reason above), then deploy again.',
    exitCode: ExitCode.rolledBack,
    details,
  });
}
