/**
 * One function's release after `driver.apply`, by the driver's traffic model:
 *   weighted, slot — preTraffic hook, gates, steps with gates, live, postTraffic hook;
 *   replace        — the candidate already serves (in-place.ts): gates and hooks once, then live.
 * The policy is the function's own, or its `release.fallback` where the model cannot do it
 * (strategy-support.ts).
 */
import type { DeployMetadata, PublishedVersion } from '../driver.js';
import type { ResolvedFunction } from '../manifest/model.js';
import type { EngineContext, FunctionRelease } from './context.js';
import { checkGates } from './gates/index.js';
import { runHook } from './gates/hooks.js';
import { releaseInPlace } from './in-place.js';
import { normaliseSteps } from './plan-steps.js';
import { recordAt } from './record.js';
import { describeRollback, lastRollback, releasesAgain, rollbackWhy } from './rolled-back.js';
import { settle } from './settle.js';
import { shiftTo, drive } from './shift-loop.js';
import { releasePolicyOn } from './strategy-support.js';
import type { ReleaseOutcome } from './types.js';

export interface ReleaseOptions {
  /** false: start canary/linear releases (first step) and return 'in-progress'. */
  readonly wait: boolean;
  /** Release an existing candidate even when it was rolled back for a reason (rolled-back.ts). */
  readonly releaseRolledBack: boolean;
}

export async function releaseFunction(ctx: EngineContext, declared: ResolvedFunction, p: PublishedVersion, deploy: DeployMetadata, opts: ReleaseOptions): Promise<ReleaseOutcome> {
  const caps = ctx.driver.capabilities;
  const provider = caps.name;
  const who = `${declared.name} (${provider})`;
  const wait = opts.wait;
  if (p.previous === p.candidate) return { function: declared.name, status: 'unchanged', version: p.candidate, previous: p.previous, provider };
  if (p.existing && p.previous) {
    const held = await heldBack(ctx, declared, p, opts.releaseRolledBack);
    if (held) return held;
  }
  const { policy, fellBack } = releasePolicyOn(declared, caps);
  const fn: ResolvedFunction = fellBack ? { ...declared, release: policy } : declared;
  if (fellBack) ctx.progress.note(who, fellBack);
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
    ctx.progress.ended(who, `${p.candidate} is live (first release)`);
    return { function: fn.name, status: 'live', version: p.candidate, provider, percent: 100 };
  }
  // replace: a newly published candidate serves since apply; an existing one is released like any.
  const serving = caps.traffic === 'replace' && !p.existing;
  const rel: FunctionRelease = {
    fn,
    base,
    candidate: p.candidate,
    previous: p.previous,
    revision: p.revision,
    step: serving ? 0 : -1,
    stepStartedAt: ctx.clock.now(),
    phase: serving ? 'in-progress' : 'pending',
  };
  return settle(ctx, rel, async () => {
    if (serving) return releaseInPlace(ctx, rel);
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
