/** Turning release outcomes into the command's result. */
import { ExitCode, FnxError } from '../errors.js';
import { describeRollback } from './rolled-back.js';
import type { ReleaseOutcome } from './types.js';

/**
 * The error a command throws when any release was rolled back automatically, or a candidate
 * rolled back before was not released again ('not-released'), both exit 3; else undefined. Its
 * details (default: every outcome; a command may pass its whole result, which must include the
 * outcomes) make the `--json` error document list what went live and why not. `stage` names the
 * stage in the hint's command.
 */
export function rolledBackError(outcomes: readonly ReleaseOutcome[], details: Record<string, unknown> = { outcomes }, stage?: string): FnxError | undefined {
  const failed = outcomes.filter((o) => o.status === 'rolled-back');
  const held = outcomes.filter((o) => o.status === 'not-released');
  if (failed.length === 0 && held.length === 0) return undefined;
  const who = (o: ReleaseOutcome) => `${o.function}${o.provider ? ` (${o.provider})` : ''}`;
  const heldLines = held.map((o) => `${who(o)}: ${o.rolledBack ? describeRollback(o.rolledBack) : `${o.version} was rolled back (${o.reason ?? 'reason not recorded'})`}; ${o.previous ?? 'the previous version'} is live`);
  const again = `\`fnx deploy${stage ? ` --stage ${stage}` : ''} --release-rolled-back\``;
  const heldHint = `Fix the cause and deploy the fix (changed code or configuration publishes a new version), or release ${held.length === 1 ? `version ${held[0]?.version}` : 'those versions'} as ${held.length === 1 ? 'it is' : 'they are'} with ${again}.`;
  if (failed.length === 0) {
    return new FnxError('E_RELEASE_HELD_BACK', `Not released: the manifest's code is a version that was rolled back before, and it is not live:\n  ${heldLines.join('\n  ')}`, {
      hint: heldHint,
      exitCode: ExitCode.rolledBack,
      details,
    });
  }
  const lines = failed.map((o) => `${who(o)}: ${o.version} rolled back to ${o.previous ?? 'the previous version'}: ${o.reason ?? 'release failed'}`);
  const notReleased = heldLines.length ? `\nNot released (rolled back before):\n  ${heldLines.join('\n  ')}` : '';
  return new FnxError('E_RELEASE_ROLLED_BACK', `Release rolled back automatically:\n  ${lines.join('\n  ')}${notReleased}`, {
    hint: `Traffic is back on the previous version. Fix the cause (see the reason above), then deploy again.${held.length ? ` ${heldHint}` : ''}`,
    exitCode: ExitCode.rolledBack,
    details,
  });
}
