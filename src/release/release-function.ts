/** One function's release after `driver.apply`: preTraffic hook, steps with gates, live, postTraffic hook. */
import type { DeployMetadata, PublishedVersion } from '../driver.js';
import type { ResolvedFunction } from '../manifest/model.js';
import type { EngineContext, FunctionRelease } from './context.js';
import { checkGates } from './gates/index.js';
import { runHook } from './gates/hooks.js';
import { normaliseSteps } from './plan-steps.js';
import { recordAt } from './record.js';
import { describeRollback, lastRollback, releasesAgain, rollbackWhy } from './rolled-back.js';
import { settle } from './settle.js';
import { shiftTo, drive } from './shift-loop.js';
import type { ReleaseOutcome } from './types.js';

export interface ReleaseOptions {
  /** false: start canary/linear releases (first step) and return 'in-progress'. */
  readonly wait: boolean;
  /** Release an existing candidate even when it was rolled back for a reason (rolled-back.ts). */
  readonly releaseRolledBack: boolean;
}

export async function releaseFunction(ctx: EngineContext, fn: ResolvedFunction, p: PublishedVersion, deploy: DeployMetadata, opts: ReleaseOptions): Promise<ReleaseOutcome> {
  const provider = ctx.driver.capabilities.name;
  const wait = opts.wait;
  if (p.previous === p.candidate) return { function: fn.name, status: 'unchanged', version: p.candidate, previous: p.previous, provider };
  if (p.existing && p.previous) {
    const held = await heldBack(ctx, fn, p, opts.releaseRolledBack);
    if (held) return held;
  }
  const steps = normaliseSteps(fn.release.steps);
  const base = {
    deployId: deploy.id,
    version: p.candidate,
    ...(p.previous ? { previous: p.previous } : {}),
    strategy: fn.release.strategy,
    steps,
    ...(deploy.commit ? { commit: deploy.commit } : {}),
  };
  if (!p.previous) {
    // First deploy: the driver already pointed the new pointer at the candidate; record the release.
    await ctx.driver.shift({ function: fn, manifest: ctx.manifest, primary: p.candidate, weight: 0, revision: p.revision, release: recordAt(base, 'live', steps.length - 1, ctx.clock.now()), signal: ctx.signal });
    ctx.progress.ended(`${fn.name} (${provider})`, `${p.candidate} is live (first release)`);
    return { function: fn.name, status: 'live', version: p.candidate, provider, percent: 100 };
  }
  const rel: FunctionRelease = {
    fn,
    base,
    candidate: p.candidate,
    previous: p.previous,
    revision: p.revision,
    step: -1,
    stepStartedAt: ctx.clock.now(),
    phase: 'pending',
  };
  return settle(ctx, rel, async () => {
    const pre = await runHook(ctx, rel, 'preTraffic');
    if (pre) return pre;
    // Gates are checked before each step, the first included: a firing alarm, a broken probe or
    // a misnamed alarm stops the release before any traffic reaches the candidate.
    const gate = await checkGates(ctx, rel);
    if (gate) return gate;
    if (!wait && steps.length > 1) {
      await shiftTo(ctx, rel, 0, null);
      return undefined;
    }
    return drive(ctx, rel);
  });
}

/**
 * An existing candidate (published by an earlier deploy, not live): the 'not-released' outcome
 * when the rule in rolled-back.ts keeps it back; otherwise undefined, after saying why it is
 * released now.
 */
async function heldBack(ctx: EngineContext, fn: ResolvedFunction, p: PublishedVersion, releaseAnyway: boolean): Promise<ReleaseOutcome | undefined> {
  const who = `${fn.name} (${ctx.driver.capabilities.name})`;
  const history = await ctx.driver.history({ manifest: ctx.manifest, function: fn.name, signal: ctx.signal, reporter: ctx.reporter });
  const rb = lastRollback(history, p.candidate);
  if (!rb) {
    ctx.progress.note(who, `releasing ${p.candidate}: published by an earlier deploy, not live`);
    return undefined;
  }
  if (releasesAgain(rb.cause) || releaseAnyway) {
    ctx.progress.note(who, `releasing ${p.candidate} again${releasesAgain(rb.cause) ? '' : ' (--release-rolled-back)'}: ${describeRollback(rb)}`);
    return undefined;
  }
  ctx.progress.ended(who, `not released: ${describeRollback(rb)}`, true);
  return {
    function: fn.name,
    status: 'not-released',
    version: p.candidate,
    ...(p.previous ? { previous: p.previous } : {}),
    provider: ctx.driver.capabilities.name,
    reason: rollbackWhy(rb),
    rolledBack: rb,
    percent: 0,
  };
}
