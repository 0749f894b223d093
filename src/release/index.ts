/**
 * The release engine's entry: moves each function's pointer from `previous` to `candidate`
 * following its ReleasePolicy (all-at-once, canary, linear or explicit steps), watching the health
 * gates and hooks, and rolling back automatically on any failure. Provider-neutral: talks to
 * drivers only through ProviderDriver (shift, traffic, health, invoke, status, history,
 * rollbackTargets), following the driver's traffic model (weighted, slot, replace).
 */
import { CloudError, FnxError, InterruptedError, toFnxError } from '../errors.js';
import { clockFromEnv } from './clock.js';
import type { EngineContext } from './context.js';
import { Progress } from './progress.js';
import { releaseFunction } from './release-function.js';
import { checkDriversSupport } from './strategy-support.js';
import type { ReleaseOutcome, ReleaseRequest } from './types.js';

export type { GateResult, ReleaseOutcome, ReleaseOutcomeStatus, ReleaseRequest } from './types.js';
export type { Clock } from './clock.js';
export { clockFromEnv, scaledClock, systemClock } from './clock.js';
export { rolledBackError } from './outcome.js';
export { checkStrategySupported, strategyProblems } from './strategy-support.js';

/**
 * Releases every published version, functions in parallel. Never throws for a failed gate or hook
 * (that is a 'rolled-back' outcome), nor for a candidate rolled back before that is not released
 * again ('not-released', see rolled-back.ts): see rolledBackError for exit code 3. Throws, before
 * any cloud call, a usage error (exit 2) for a strategy the driver's traffic model cannot do;
 * InterruptedError (exit 130) on Ctrl-C, CloudError 'precondition' (exit 4) on a concurrent
 * change, FnxError when an automatic rollback itself fails, and E_INTERNAL (exit 1) for a bug,
 * after moving that function's traffic back.
 */
export async function releaseAll(req: ReleaseRequest): Promise<readonly ReleaseOutcome[]> {
  checkDriversSupport(req.manifest, [{ driver: req.driver, functions: req.published.map((p) => p.function) }]);
  const progress = new Progress(req.reporter);
  const ctx: EngineContext = {
    driver: req.driver,
    manifest: req.manifest,
    reporter: req.reporter,
    signal: req.signal,
    clock: req.clock ?? clockFromEnv(),
    keepOnInterrupt: req.keepOnInterrupt,
    progress,
  };
  const settled = await Promise.allSettled(
    req.published.map((p) => {
      const fn = req.manifest.functions.find((f) => f.name === p.function);
      return fn ? releaseFunction(ctx, fn, p, req.deploy, { wait: req.wait, releaseRolledBack: req.releaseRolledBack === true }) : Promise.resolve(undefined);
    }),
  );
  const outcomes: ReleaseOutcome[] = [];
  const errors: FnxError[] = [];
  for (const s of settled) {
    if (s.status === 'rejected') errors.push(toFnxError(s.reason));
    else if (s.value) outcomes.push(s.value);
  }
  progress.finish(errors.length === 0 && outcomes.every((o) => o.status !== 'rolled-back' && o.status !== 'not-released'));
  if (errors.length > 0) throw mostSevere(errors);
  return outcomes;
}

/** Interrupt first (the user asked to stop), then a failed rollback, then a bug, then a concurrent change. */
function mostSevere(errors: readonly FnxError[]): FnxError {
  return (
    errors.find((e) => e instanceof InterruptedError) ??
    errors.find((e) => e.code === 'E_RELEASE_ROLLBACK_FAILED') ??
    errors.find((e) => e.code === 'E_INTERNAL') ??
    errors.find((e) => e instanceof CloudError && e.kind === 'precondition') ??
    (errors[0] as FnxError)
  );
}
