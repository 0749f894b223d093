/** Runs every health gate of a function's policy once: alarms and error rate (driver.health), HTTP probe. */
import { InterruptedError, isInternalError, messageOf } from '../../errors.js';
import type { FunctionStatus } from '../../driver.js';
import type { EngineContext, FunctionRelease } from '../context.js';
import type { GateResult } from '../types.js';
import { alarmFailure } from './alarms.js';
import { errorRateFailure, errorRateSeen } from './error-rate.js';
import { probeUrl, runProbe } from './http-probe.js';

/**
 * Resolves with the first failing gate, or undefined when every gate passes (then counted in
 * rel.health with what the checks saw; empty when the policy has no gate). Throws on interrupt,
 * and rethrows an internal error (a bug: not a verdict on the version).
 */
export async function checkGates(ctx: EngineContext, rel: FunctionRelease): Promise<GateResult | undefined> {
  const results = await runGates(ctx, rel);
  const failed = results.find((r) => !r.ok);
  if (!failed) rel.health = { passed: (rel.health?.passed ?? 0) + 1, last: results.map((r) => r.detail).join(', ') };
  return failed;
}

/** Each gate in turn, until one fails. */
async function runGates(ctx: EngineContext, rel: FunctionRelease): Promise<GateResult[]> {
  const health = rel.fn.release.health;
  const results: GateResult[] = [];
  if (ctx.signal.aborted) throw new InterruptedError();
  if (health.alarms.length > 0 || health.errorRate !== undefined) {
    const signals: GateResult['gate'] = health.alarms.length > 0 ? 'alarm' : 'error-rate';
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
      if (err instanceof InterruptedError || ctx.signal.aborted || isInternalError(err)) throw err;
      return [{ gate: signals, ok: false, unreadable: true, detail: `health signals could not be read: ${messageOf(err)}` }];
    }
    if (health.alarms.length > 0) {
      const failure = alarmFailure(sample, health.alarms);
      results.push(failure ? { gate: 'alarm', ok: false, detail: failure } : { gate: 'alarm', ok: true, detail: `${health.alarms.length === 1 ? 'alarm' : `${health.alarms.length} alarms`} OK` });
      if (failure) return results;
    }
    if (health.errorRate !== undefined) {
      const failure = errorRateFailure(sample, health.errorRate);
      results.push({ gate: 'error-rate', ok: !failure, detail: failure ?? errorRateSeen(sample, health.errorRate) });
      if (failure) return results;
    }
  }
  if (health.http) {
    const url = probeUrl(health.http, rel.fn, await probeBase(ctx, rel));
    if (!url) return [...results, { gate: 'http', ok: false, detail: `HTTP probe: ${rel.fn.name} has no http URL to probe (set release.health.http.url)` }];
    const failure = await runProbe(health.http, url, ctx.signal);
    results.push({ gate: 'http', ok: !failure, detail: failure ?? 'HTTP probe OK' });
  }
  return results;
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
    if (err instanceof InterruptedError || ctx.signal.aborted || isInternalError(err)) throw err;
    return null;
  }
  return rel.probeBase;
}
