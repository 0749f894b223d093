/**
 * `fnx promote --stage S [--function F] [--provider P] [--now] [--keep-on-interrupt] [--json]`:
 * finishes canary/linear releases in progress, reading their state from the cloud. Exit 0 when
 * they went live or when nothing was in progress; 3 when a gate or hook failed during promotion
 * (rolled back automatically); 4 on a concurrent change; 130 on Ctrl-C.
 */
import { clockFromEnv } from '../release/clock.js';
import { defaultDeps, type CommandDeps } from '../release/command-deps.js';
import { rolledBackError } from '../release/outcome.js';
import { promoteReleases } from '../release/promote.js';
import { stageTargets } from '../release/targets.js';
import { manifestLoadOptions, type CommandContext, type ManifestOptions } from './context.js';

export interface PromoteOptions extends ManifestOptions {
  readonly functions: readonly string[];
  readonly providers: readonly string[];
  /** Go to 100% at once, skipping the remaining waits and gates. */
  readonly now?: boolean;
  readonly keepOnInterrupt?: boolean;
}

export async function promoteCommand(opts: PromoteOptions, ctx: CommandContext, deps: CommandDeps = defaultDeps): Promise<void> {
  // Environment settings are checked before the first cloud call: a bad value changes nothing.
  const clock = deps.clock ?? clockFromEnv(ctx.env);
  const manifest = await deps.loadManifest(manifestLoadOptions(opts, ctx));
  const targets = await stageTargets(manifest, { functions: opts.functions, providers: opts.providers }, deps.loadDriver, ctx.reporter, ctx.env);
  const outcomes = await promoteReleases({
    manifest,
    targets,
    reporter: ctx.reporter,
    signal: ctx.signal,
    now: Boolean(opts.now),
    keepOnInterrupt: Boolean(opts.keepOnInterrupt),
    clock,
  });
  const failure = rolledBackError(outcomes);
  if (failure) throw failure;
  if (outcomes.length === 0) {
    ctx.reporter.print(`Nothing to promote: no release in progress in stage ${manifest.stage}.`);
  } else {
    for (const o of outcomes) ctx.reporter.print(`${o.function} (${o.provider}): ${o.version} is live (previous: ${o.previous ?? 'none'})`);
  }
  ctx.reporter.data({ ok: true, stage: manifest.stage, promoted: outcomes });
}
