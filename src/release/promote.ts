/**
 * `fnx promote`: finishes releases left in progress (by `deploy --no-wait`, or an interrupted
 * deploy with --keep-on-interrupt), from any machine: everything is read from the pointer.
 * By default the remaining steps run with their waits and gates, the current step first held for
 * what is left of its interval (counted from when it began, as recorded); `now` goes to 100% at
 * once, skipping waits and gates (the postTraffic hook still runs).
 */
import type { ReleaseRecord, TrafficState } from '../driver.js';
import type { ResolvedFunction, ResolvedManifest } from '../manifest/model.js';
import type { Reporter } from '../report/reporter.js';
import { clockFromEnv, type Clock } from './clock.js';
import type { EngineContext, FunctionRelease } from './context.js';
import { runHook } from './gates/hooks.js';
import { normaliseSteps } from './plan-steps.js';
import { Progress } from './progress.js';
import { settle } from './settle.js';
import { drive, shiftLive } from './shift-loop.js';
import type { Target as StageTarget } from '../session.js';
import { checkDriversSupport, releasePolicyOn } from './strategy-support.js';
import type { ReleaseOutcome } from './types.js';

export interface PromoteRequest {
  readonly manifest: ResolvedManifest;
  readonly targets: readonly StageTarget[];
  readonly reporter: Reporter;
  readonly signal: AbortSignal;
  /** Finish at once (no waits, no gates) instead of running the remaining steps. */
  readonly now: boolean;
  readonly keepOnInterrupt: boolean;
  readonly clock?: Clock;
}

/** Outcomes for the functions that had a release in progress (empty: nothing to promote). */
export async function promoteReleases(req: PromoteRequest): Promise<readonly ReleaseOutcome[]> {
  const clock = req.clock ?? clockFromEnv();
  checkDriversSupport(req.manifest, req.targets.map((t) => ({ driver: t.driver, functions: t.functions.map((f) => f.name) })));
  const progress = new Progress(req.reporter);
  const jobs: Promise<ReleaseOutcome>[] = [];
  for (const t of req.targets) {
    const ctx: EngineContext = { driver: t.driver, manifest: req.manifest, reporter: req.reporter, signal: req.signal, clock, keepOnInterrupt: req.keepOnInterrupt, progress };
    const states = await Promise.all(t.functions.map((fn) => t.driver.traffic({ manifest: req.manifest, function: fn.name, signal: req.signal, reporter: req.reporter })));
    for (const [i, state] of states.entries()) {
      const declared = t.functions[i] as ResolvedFunction;
      const fn = { ...declared, release: releasePolicyOn(declared, t.driver.capabilities).policy };
      const rel = inProgress(fn, state);
      if (rel) jobs.push(promoteOne(ctx, rel, req.now));
    }
  }
  const settled = await Promise.allSettled(jobs);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  const outcomes = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  progress.finish(!failed && outcomes.every((o) => o.status === 'live'));
  if (failed) throw failed.reason;
  return outcomes;
}

/** The release recorded on the pointer, when it is still in progress. */
export function inProgress(fn: ResolvedFunction, state: TrafficState): FunctionRelease | undefined {
  const r: ReleaseRecord | undefined = state.release;
  if (!r || r.status !== 'in-progress' || !state.primary) return undefined;
  const previous = r.previous ?? state.primary;
  if (previous === r.version) return undefined;
  const { status: _s, step: _i, reason: _r, time: _t, ...base } = r;
  return {
    fn,
    base: { ...base, steps: normaliseSteps(r.steps) },
    candidate: r.version,
    previous,
    revision: state.revision,
    step: r.step,
    stepStartedAt: Date.parse(r.time) || 0,
    phase: 'in-progress',
  };
}

async function promoteOne(ctx: EngineContext, rel: FunctionRelease, now: boolean): Promise<ReleaseOutcome> {
  return settle(ctx, rel, async () => {
    if (now) {
      await shiftLive(ctx, rel);
      return runHook(ctx, rel, 'postTraffic');
    }
    const elapsed = Math.max(0, ctx.clock.now() - rel.stepStartedAt);
    return drive(ctx, rel, Math.max(0, rel.fn.release.intervalSeconds * 1000 - elapsed));
  });
}
