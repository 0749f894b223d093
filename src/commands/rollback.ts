/**
 * `fnx rollback --stage S [--function F] [--provider P] [--to VERSION] [--json]`: aborts a release
 * in progress, or moves traffic back to the previous release (or VERSION). Reads everything from
 * the cloud, so it works from a fresh CI runner. Exit 0 when done; 2 when there is nothing to roll
 * back to, or a release strategy the provider's traffic model cannot do (nothing changed); 4 on a
 * concurrent change.
 */
import { clockFromEnv } from '../release/clock.js';
import { defaultDeps, type CommandDeps } from '../release/command-deps.js';
import { rollbackStage } from '../release/rollback.js';
import { stageTargets } from '../release/targets.js';
import { manifestLoadOptions, type CommandContext, type ManifestOptions } from './context.js';

export interface RollbackOptions extends ManifestOptions {
  readonly functions: readonly string[];
  readonly providers: readonly string[];
  readonly to?: string;
}

export async function rollbackCommand(opts: RollbackOptions, ctx: CommandContext, deps: CommandDeps = defaultDeps): Promise<void> {
  // Environment settings are checked before the first cloud call: a bad value changes nothing.
  const clock = deps.clock ?? clockFromEnv(ctx.env);
  const manifest = await deps.loadManifest(manifestLoadOptions(opts, ctx));
  const targets = await stageTargets(manifest, { functions: opts.functions, providers: opts.providers }, deps.loadDriver);
  const results = await rollbackStage({
    manifest,
    targets,
    reporter: ctx.reporter,
    signal: ctx.signal,
    explicit: opts.functions.length > 0,
    ...(opts.to ? { to: opts.to } : {}),
    clock,
  });
  for (const r of results) {
    const what = r.action === 'aborted' ? `aborted release of ${r.from}, traffic on ${r.to}` : r.action === 'unchanged' ? `${r.to} already live` : `${r.from} -> ${r.to}`;
    ctx.reporter.print(`${r.function} (${r.provider}): ${what}`);
  }
  ctx.reporter.data({ ok: true, stage: manifest.stage, functions: results });
}
