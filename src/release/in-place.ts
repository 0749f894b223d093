/**
 * A release on the replace model (no side-by-side versions): apply already deployed the
 * candidate over the serving code, so the release records it in progress on the pointer (any
 * runner can then finish it with `fnx promote` or abort it with `fnx rollback`), runs the
 * preTraffic hook and the gates once, records it live and runs the postTraffic hook. A failure
 * moves traffic back the replace way: the driver deploys the previous version's recorded package
 * again (settle -> revert). The policy is all-at-once (strategy-support.ts), so there is no hold,
 * and `--no-wait` changes nothing.
 */
import { label, type EngineContext, type FunctionRelease } from './context.js';
import { checkGates } from './gates/index.js';
import { runHook } from './gates/hooks.js';
import { shiftLive, writePointer } from './shift-loop.js';
import type { GateResult } from './types.js';

export async function releaseInPlace(ctx: EngineContext, rel: FunctionRelease): Promise<GateResult | undefined> {
  await recordServing(ctx, rel);
  const failed = (await runHook(ctx, rel, 'preTraffic')) ?? (await checkGates(ctx, rel));
  if (failed) return failed;
  await shiftLive(ctx, rel);
  return runHook(ctx, rel, 'postTraffic');
}

/** The pointer write that records the release in progress; the candidate already serves, so no traffic moves. */
async function recordServing(ctx: EngineContext, rel: FunctionRelease): Promise<void> {
  await writePointer(ctx, rel, { primary: rel.candidate, weight: 0, status: 'in-progress', index: 0 });
  ctx.progress.note(label(ctx, rel), `${rel.candidate} serves all traffic since the deploy (it replaced ${rel.previous}); checking it before recording it live`);
}
