/**
 * Automatic rollback: all traffic back to the previous version (primary = previous, no weighted
 * candidate) and the release recorded as rolled back on the pointer, with the reason.
 */
import type { RollbackCause } from '../driver.js';
import { CloudError, ExitCode, FnxError, messageOf } from '../errors.js';
import { label, type EngineContext, type FunctionRelease } from './context.js';
import { recordAt } from './record.js';

/**
 * Moves the pointer back, recording why (`cause`: see RollbackCause; it decides whether the next
 * deploy releases the candidate again). Runs to completion even after Ctrl-C (a rollback must not be left half
 * done), so it uses its own signal. Re-reads the pointer first: when someone else changed it since
 * our last shift, fnx leaves it alone and fails with a conflict (exit 4).
 */
export async function revert(ctx: EngineContext, rel: FunctionRelease, reason: string, cause: RollbackCause): Promise<void> {
  const who = label(ctx, rel);
  const signal = new AbortController().signal;
  try {
    const current = await ctx.driver.traffic({ manifest: ctx.manifest, function: rel.fn.name, signal });
    const ours = current.revision === rel.revision || current.release?.deployId === rel.base.deployId;
    if (!ours) {
      throw new CloudError(ctx.driver.capabilities.name, 'precondition', `${who}: the traffic pointer was changed by someone else during the release, so fnx did not roll it back (${reason}).`, {
        hint: 'Check `fnx status` to see what is live now, then run `fnx rollback` or deploy again.',
      });
    }
    const state = await ctx.driver.shift({
      function: rel.fn,
      manifest: ctx.manifest,
      primary: rel.previous,
      weight: 0,
      revision: current.revision,
      release: recordAt(rel.base, 'rolled-back', rel.step, ctx.clock.now(), reason, cause),
      signal,
    });
    rel.revision = state.revision;
  } catch (err) {
    if (err instanceof CloudError && err.kind === 'precondition') throw err;
    throw new FnxError('E_RELEASE_ROLLBACK_FAILED', `${who}: automatic rollback to ${rel.previous} failed (${reason}): ${messageOf(err)}`, {
      hint: `Traffic may still be partly on ${rel.candidate}. Run \`fnx rollback --stage ${ctx.manifest.stage} --function ${rel.fn.name}\`.`,
      exitCode: ExitCode.failed,
      cause: err,
    });
  }
}
