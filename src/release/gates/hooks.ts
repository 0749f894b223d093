/**
 * Release hooks: functions of the manifest invoked synchronously through the driver with the
 * release context. A hook fails when the invocation reports ok:false or the invoke call fails.
 */
import { InterruptedError, isInternalError, messageOf } from '../../errors.js';
import type { EngineContext, FunctionRelease } from '../context.js';
import type { GateResult } from '../types.js';

export type HookName = 'preTraffic' | 'postTraffic';

/** The payload every hook receives. */
export interface HookPayload {
  readonly hook: HookName;
  readonly deployId: string;
  readonly function: string;
  readonly version: string;
  readonly previous: string;
  /** Index into `steps` the pointer reflects (-1 before any traffic moved). */
  readonly step: number;
  readonly steps: readonly number[];
  readonly stage: string;
  readonly service: string;
}

/**
 * Resolves with the failed hook's result, or undefined when the hook passed (or none is
 * configured). Rethrows an interrupt and an internal error (a bug).
 */
export async function runHook(ctx: EngineContext, rel: FunctionRelease, hook: HookName): Promise<GateResult | undefined> {
  const name = rel.fn.release.hooks[hook];
  if (!name) return undefined;
  if (ctx.signal.aborted) throw new InterruptedError();
  const payload: HookPayload = {
    hook,
    deployId: rel.base.deployId,
    function: rel.fn.name,
    version: rel.candidate,
    previous: rel.previous,
    step: rel.step,
    steps: rel.base.steps,
    stage: ctx.manifest.stage,
    service: ctx.manifest.service,
  };
  const target = ctx.manifest.functions.find((f) => f.name === name) ?? name;
  try {
    const result = await ctx.driver.invoke({ function: target, manifest: ctx.manifest, payload });
    if (result.ok) return undefined;
    return { gate: 'hook', ok: false, detail: `${hook} hook ${name} failed${result.error ? `: ${result.error}` : ''}` };
  } catch (err) {
    if (err instanceof InterruptedError || ctx.signal.aborted || isInternalError(err)) throw err;
    return { gate: 'hook', ok: false, detail: `${hook} hook ${name} could not be invoked: ${messageOf(err)}` };
  }
}
