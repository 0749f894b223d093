/** Runs every health gate of a function's policy once: alarms and error rate (driver.health), HTTP probe. */
import { InterruptedError, messageOf } from '../../errors.js';
import type { FunctionStatus } from '../../driver.js';
import type { EngineContext, FunctionRelease } from '../context.js';
import { alarmFailure } from './alarms.js';
import { errorRateFailure, errorRateSeen } from './error-rate.js';
import { probeUrl, runProbe } from './http-probe.js';

/**
 * Resolves with the first failure reason, or undefined when every gate passes (then counted in
 * rel.health with what the check saw; empty when the policy has no gate). Throws only on interrupt.
 */
export async function checkGates(ctx: EngineContext, rel: FunctionRelease): Promise<string | undefined> {
  const seen: string[] = [];
  const failure = await runGates(ctx, rel, seen);
  if (!failure) rel.health = { passed: (rel.health?.passed ?? 0) + 1, last: seen.join(', ') };
  return failure;
}

/** Each gate in turn; what a passing gate saw is pushed on `seen`. */
async function runGates(ctx: EngineContext, rel: FunctionRelease, seen: string[]): Promise<string | undefined> {
  const health = rel.fn.release.health;
  if (ctx.signal.aborted) throw new InterruptedError();
  if (health.alarms.length > 0 || health.errorRate !== undefined) {
    let sample;
    try {
      sample = await ctx.driver.health({
        function: rel.fn,
        manifest: ctx.manifest,
        version: rel.candidate,
        alarms: health.alarms,
        since: new Date(rel.stepStartedAt).toISOString(),
      });
    } catch (err) {
      if (err instanceof InterruptedError || ctx.signal.aborted) throw err;
      return `health signals could not be read: ${messageOf(err)}`;
    }
    const failure = (health.alarms.length > 0 ? alarmFailure(sample, health.alarms) : undefined) ??
      (health.errorRate !== undefined ? errorRateFailure(sample, health.errorRate) : undefined);
    if (failure) return failure;
    if (health.alarms.length > 0) seen.push(`${health.alarms.length === 1 ? 'alarm' : `${health.alarms.length} alarms`} OK`);
    if (health.errorRate !== undefined) seen.push(errorRateSeen(sample, health.errorRate));
  }
  if (health.http) {
    const url = probeUrl(health.http, rel.fn, await probeBase(ctx, rel));
    if (!url) return `HTTP probe: ${rel.fn.name} has no http URL to probe (set release.health.http.url)`;
    const failure = await runProbe(health.http, url, ctx.signal);
    if (failure) return failure;
    seen.push('HTTP probe OK');
  }
  return undefined;
}

/** driver.status() of the stage, read once per engine context (one driver in one command) and shared by its functions' probes. */
const stageStatuses = new WeakMap<EngineContext, Promise<readonly FunctionStatus[]>>();

/** The function's first reported URL, read once per release. */
async function probeBase(ctx: EngineContext, rel: FunctionRelease): Promise<string | null> {
  if (rel.probeBase !== undefined) return rel.probeBase;
  if (rel.fn.release.health.http?.url) return (rel.probeBase = null);
  let statuses = stageStatuses.get(ctx);
  if (!statuses) {
    statuses = ctx.driver.status({ manifest: ctx.manifest, reporter: ctx.reporter, signal: ctx.signal, concurrency: 1 });
    stageStatuses.set(ctx, statuses);
  }
  try {
    rel.probeBase = (await statuses).find((s) => s.function === rel.fn.name)?.urls[0] ?? null;
  } catch (err) {
    // A failed read is not kept: the next check reads again.
    if (stageStatuses.get(ctx) === statuses) stageStatuses.delete(ctx);
    if (err instanceof InterruptedError || ctx.signal.aborted) throw err;
    return null;
  }
  return rel.probeBase;
}
