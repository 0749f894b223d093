/**
 * Turns a release attempt into an outcome: success; a failed gate or hook (rolled back
 * automatically, cause per causeOf, exit 3 later); an interrupt (rolled back unless
 * keepOnInterrupt, cause 'interrupted', then exit 130); a concurrent change (exit 4, nothing
 * rolled back: the pointer is no longer ours); a cloud error while shifting (rolled back like a
 * failed gate, cause 'error'); or an internal error, a bug (rolled back, cause 'error', then
 * E_INTERNAL, exit 1).
 */
import type { RollbackCause } from '../driver.js';
import { CloudError, FnxError, InterruptedError, isInternalError, messageOf, toFnxError } from '../errors.js';
import { label, type EngineContext, type FunctionRelease } from './context.js';
import { revert } from './revert.js';
import { causeOf } from './rolled-back.js';
import type { GateResult, ReleaseOutcome } from './types.js';

interface Failure {
  readonly reason: string;
  readonly cause: RollbackCause;
  readonly gate?: GateResult;
}

export async function settle(ctx: EngineContext, rel: FunctionRelease, attempt: () => Promise<GateResult | undefined>): Promise<ReleaseOutcome> {
  const who = label(ctx, rel);
  let failure: Failure | undefined;
  try {
    const gate = await attempt();
    if (gate) failure = { reason: gate.detail, cause: causeOf(gate), gate };
  } catch (err) {
    if (err instanceof InterruptedError || ctx.signal.aborted) return interrupted(ctx, rel);
    if (err instanceof CloudError && err.kind === 'precondition') {
      ctx.progress.ended(who, 'stopped: the traffic pointer was changed concurrently', true);
      throw new CloudError(err.provider, 'precondition', `${who}: the traffic pointer was changed by another deploy or rollback while releasing ${rel.candidate}; this release stopped and did not touch it again.`, {
        hint: 'Check `fnx status`, then deploy again (or `fnx rollback`) once the other operation finished.',
        cause: err,
      });
    }
    if (isInternalError(err)) return internal(ctx, rel, err);
    failure = { reason: `error during the release: ${messageOf(err)}`, cause: 'error' };
  }
  const base = { function: rel.fn.name, version: rel.candidate, previous: rel.previous, provider: ctx.driver.capabilities.name };
  if (failure) {
    await revert(ctx, rel, failure.reason, failure.cause);
    ctx.progress.ended(who, `rolled back to ${rel.previous}: ${failure.reason}`, true);
    return { ...base, status: 'rolled-back', reason: failure.reason, cause: failure.cause, ...(failure.gate ? { gate: failure.gate } : {}), percent: 0 };
  }
  if (rel.phase === 'live') {
    ctx.progress.ended(who, `${rel.candidate} is live`);
    return { ...base, status: 'live', percent: 100 };
  }
  const percent = rel.base.steps[rel.step] ?? 0;
  ctx.progress.ended(who, `${percent}% on ${rel.candidate}; finish with \`fnx promote --stage ${ctx.manifest.stage}\` or abort with \`fnx rollback --stage ${ctx.manifest.stage}\``);
  return { ...base, status: 'in-progress', percent };
}

async function interrupted(ctx: EngineContext, rel: FunctionRelease): Promise<never> {
  const who = label(ctx, rel);
  const stage = ctx.manifest.stage;
  if (rel.phase === 'pending') {
    throw new InterruptedError(`Interrupted before any traffic moved to ${rel.candidate} (${who}).`);
  }
  if (ctx.keepOnInterrupt) {
    const percent = rel.phase === 'live' ? 100 : rel.base.steps[rel.step] ?? 0;
    ctx.progress.ended(who, `interrupted; left at ${percent}% on ${rel.candidate}`, true);
    throw new InterruptedError(`Interrupted: ${who} left at ${percent}% on ${rel.candidate} (release still in progress).`, {
      hint: `Finish it with \`fnx promote --stage ${stage}\` or abort it with \`fnx rollback --stage ${stage}\` (from any machine).`,
    });
  }
  await revert(ctx, rel, 'interrupted', 'interrupted');
  ctx.progress.ended(who, `interrupted: rolled back to ${rel.previous}`, true);
  throw new InterruptedError(`Interrupted: ${who} rolled back to ${rel.previous}.`, {
    hint: 'Deploy again to release it, or use --keep-on-interrupt to leave the weights as they are on Ctrl-C.',
  });
}

/** A bug during the release: traffic goes back to the previous version first, then it is reported as what it is. */
async function internal(ctx: EngineContext, rel: FunctionRelease, err: unknown): Promise<never> {
  const who = label(ctx, rel);
  const bug = toFnxError(err);
  const what = err instanceof FnxError ? err.message : messageOf(err);
  await revert(ctx, rel, `internal error: ${what}`, 'error');
  ctx.progress.ended(who, `rolled back to ${rel.previous} after an internal error`, true);
  throw new FnxError('E_INTERNAL', `Internal error while releasing ${rel.candidate} (${who}): ${what}. Traffic is on ${rel.previous}.`, {
    ...(bug.hint ? { hint: bug.hint } : {}),
    cause: err,
  });
}
