/**
 * The step loop: move the pointer step by step, hold each step for the policy's interval while
 * the health gates are polled, then make the candidate the primary and run the final checks.
 * Every pointer write is conditional on the revision returned by the previous one.
 */
import { InterruptedError } from '../errors.js';
import { label, type EngineContext, type FunctionRelease } from './context.js';
import { checkGates } from './gates/index.js';
import { runHook } from './gates/hooks.js';
import { weightOf } from './plan-steps.js';
import type { StepLine } from './progress.js';
import { recordAt } from './record.js';
import type { GateResult } from './types.js';

/** Gates are polled this often while a step is held (and once at the end of each hold). */
export const GATE_POLL_MS = 15_000;

/**
 * One pointer write of the release: `primary` keeps the rest, `candidate` gets `weight`, the
 * record says `status` at step `index`. Updates the revision the next write is conditional on,
 * and starts the metrics window of the step.
 */
export async function writePointer(
  ctx: EngineContext,
  rel: FunctionRelease,
  to: { readonly primary: string; readonly candidate?: string; readonly weight: number; readonly status: 'in-progress' | 'live'; readonly index: number },
): Promise<void> {
  if (ctx.signal.aborted) throw new InterruptedError();
  const state = await ctx.driver.shift({
    function: rel.fn,
    manifest: ctx.manifest,
    primary: to.primary,
    ...(to.candidate ? { candidate: to.candidate } : {}),
    weight: to.weight,
    revision: rel.revision,
    release: recordAt(rel.base, to.status, to.index, ctx.clock.now()),
    signal: ctx.signal,
  });
  rel.revision = state.revision;
  rel.stepStartedAt = ctx.clock.now();
}

/**
 * Moves the pointer to step `index` (< last): previous keeps the rest, the candidate gets
 * steps[index]%. `holdMs` null: this command will not hold the step (--no-wait), so the progress
 * line announces no next step.
 */
export async function shiftTo(ctx: EngineContext, rel: FunctionRelease, index: number, holdMs?: number | null): Promise<void> {
  const percent = rel.base.steps[index] ?? 100;
  await writePointer(ctx, rel, { primary: rel.previous, candidate: rel.candidate, weight: weightOf(percent), status: 'in-progress', index });
  rel.step = index;
  rel.phase = 'in-progress';
  const hold = holdMs ?? rel.fn.release.intervalSeconds * 1000;
  const line = stepLine(ctx, rel);
  ctx.progress.step(holdMs === null ? line : { ...line, holdMs: hold, leftMs: hold + laterHoldsMs(rel) });
}

/** The progress line fields of the step the pointer reflects now. */
function stepLine(ctx: EngineContext, rel: FunctionRelease): StepLine {
  const steps = rel.base.steps;
  return { who: label(ctx, rel), candidate: rel.candidate, previous: rel.previous, percent: steps[rel.step] ?? 100, index: rel.step, total: steps.length };
}

/** How long the steps after the current one will be held (the last step is not held). */
function laterHoldsMs(rel: FunctionRelease): number {
  return Math.max(0, rel.base.steps.length - 2 - rel.step) * rel.fn.release.intervalSeconds * 1000;
}

/** Makes the candidate the primary with no weighted version, recording the release as live. */
export async function shiftLive(ctx: EngineContext, rel: FunctionRelease): Promise<void> {
  const last = rel.base.steps.length - 1;
  await writePointer(ctx, rel, { primary: rel.candidate, weight: 0, status: 'live', index: last });
  rel.step = last;
  rel.phase = 'live';
  ctx.progress.step({ who: label(ctx, rel), candidate: rel.candidate, previous: rel.previous, percent: 100, index: last, total: rel.base.steps.length });
}

/**
 * Holds the current step for `ms`, polling the gates; always checks them at least once. Resolves
 * with the failed gate. Progress: the spinner's countdown on a TTY, a periodic line otherwise.
 */
export async function hold(ctx: EngineContext, rel: FunctionRelease, ms: number): Promise<GateResult | undefined> {
  const line = stepLine(ctx, rel);
  const total = Math.max(0, ms);
  let remaining = total;
  do {
    const tick = Math.min(GATE_POLL_MS, remaining);
    if (tick > 0) {
      ctx.progress.waiting(line.who, line.percent, remaining);
      await ctx.clock.sleep(tick, ctx.signal);
      remaining -= tick;
    }
    const failure = await checkGates(ctx, rel);
    if (failure) return failure;
    ctx.progress.holding({ ...line, heldMs: total - remaining, remainingMs: remaining, leftMs: remaining + laterHoldsMs(rel), health: healthSoFar(rel) });
  } while (remaining > 0);
  return undefined;
}

/** "3 checks passed (last: alarm OK, no invocations yet (error rate max 1%))". */
function healthSoFar(rel: FunctionRelease): string {
  const h = rel.health;
  if (!h) return 'not checked yet';
  if (!h.last) return 'no health gates configured';
  return `${h.passed} check${h.passed === 1 ? '' : 's'} passed (last: ${h.last})`;
}

/**
 * Runs the release from the pointer's current step to the end. `holdCurrentMs`: first hold the
 * step already in effect for that long (promote continuing a release). Resolves with the failed
 * gate or hook (the caller rolls back), or undefined once the candidate is live and checked.
 */
export async function drive(ctx: EngineContext, rel: FunctionRelease, holdCurrentMs?: number): Promise<GateResult | undefined> {
  const last = rel.base.steps.length - 1;
  const intervalMs = rel.fn.release.intervalSeconds * 1000;
  if (holdCurrentMs !== undefined && rel.step >= 0 && rel.step < last) {
    ctx.progress.step({ ...stepLine(ctx, rel), resumed: true, holdMs: holdCurrentMs, leftMs: holdCurrentMs + laterHoldsMs(rel) });
    const failure = await hold(ctx, rel, holdCurrentMs);
    if (failure) return failure;
  }
  for (let i = rel.step + 1; i < last; i++) {
    await shiftTo(ctx, rel, i);
    const failure = await hold(ctx, rel, intervalMs);
    if (failure) return failure;
  }
  return finish(ctx, rel);
}

/** Final step: candidate live, then gates once more and the postTraffic hook. */
export async function finish(ctx: EngineContext, rel: FunctionRelease): Promise<GateResult | undefined> {
  if (rel.phase !== 'live') await shiftLive(ctx, rel);
  return (await checkGates(ctx, rel)) ?? (await runHook(ctx, rel, 'postTraffic'));
}
