/**
 * `fnx deploy`: load -> package -> inspect -> plan -> apply -> release -> record (src/deploy).
 * Executes exactly the plan it prints. Exit 3 when a release was rolled back automatically, or
 * when the manifest's code is a version rolled back before for a reason that is not released
 * again (src/release/rolled-back.ts; --release-rolled-back releases it), 4 when another deploy
 * changed the stage concurrently, 130 when interrupted.
 */
import { InterruptedError } from '../errors.js';
import { formatPlan, hasChanges, planJson, table } from '../deploy/format.js';
import { applyAll, prepare } from '../deploy/pipeline.js';
import { clockFromEnv, releaseAll, rolledBackError } from '../release/index.js';
import type { CommandContext, ManifestOptions } from './context.js';

export interface DeployOptions extends ManifestOptions {
  readonly functions: readonly string[];
  readonly providers: readonly string[];
  readonly dryRun: boolean;
  readonly wait: boolean;
  readonly keepOnInterrupt: boolean;
  readonly concurrency: number;
  /** Release an already published version even when a failed gate or hook, or `fnx rollback`, rolled it back. */
  readonly releaseRolledBack?: boolean;
  /** Fail (exit 2) instead of warning when a Python function's dependencies are not in its package. */
  readonly strict?: boolean;
}

export async function deployCommand(opts: DeployOptions, ctx: CommandContext): Promise<void> {
  // Environment settings are checked before the first cloud call: a bad value changes nothing.
  const clock = clockFromEnv(ctx.env);
  const prepared = await prepare(opts, ctx);
  const { manifest, deploy } = prepared;
  const heading = `${manifest.service}-${manifest.stage}`;
  const skipped = prepared.skipped.length ? { skipped: prepared.skipped } : {};
  for (const run of prepared.runs) {
    if (opts.dryRun || hasChanges(run.plan)) ctx.reporter.print(formatPlan(run.plan, heading));
    else ctx.reporter.info(`${run.target.name}: no changes to apply`);
  }
  if (opts.dryRun) {
    ctx.reporter.print(`Dry run: nothing was changed. Run without --dry-run to apply this plan to ${heading}.`);
    ctx.reporter.data({ ok: true, dryRun: true, changed: false, deployId: deploy.id, service: manifest.service, stage: manifest.stage, providers: prepared.runs.map((r) => planJson(r.plan)), ...skipped });
    return;
  }

  const applied = await applyAll(prepared, ctx, opts.concurrency);
  if (ctx.signal.aborted) throw new InterruptedError('Interrupted after publishing: traffic was not moved. Run `fnx deploy` again to release.');

  const rows: string[][] = [['function', 'provider', 'version', 'previous', 'status', 'urls']];
  const providers = [];
  for (const { run, result } of applied) {
    const outcomes = await releaseAll({
      driver: run.target.driver,
      manifest,
      published: result.published,
      deploy,
      reporter: ctx.reporter,
      signal: ctx.signal,
      wait: opts.wait,
      keepOnInterrupt: opts.keepOnInterrupt,
      releaseRolledBack: opts.releaseRolledBack === true,
      clock,
    });
    for (const o of outcomes) {
      rows.push([o.function, run.target.name, o.version, o.previous ?? '-', o.status, (result.urls?.[o.function] ?? []).join(' ')]);
    }
    providers.push({ provider: run.target.name, target: run.plan.target, plan: planJson(run.plan), writes: result.writes, uploadedBytes: result.uploadedBytes, published: result.published, outcomes, urls: result.urls ?? {} });
  }
  ctx.reporter.print(`Deploy ${deploy.id} of ${heading}${deploy.commit ? ` (commit ${deploy.commit.slice(0, 12)})` : ''}:`);
  ctx.reporter.print(table(rows));
  const result = { deployId: deploy.id, commit: deploy.commit, time: deploy.time, service: manifest.service, stage: manifest.stage, providers, ...skipped };
  // One JSON document either way: on a rollback it is the error's, carrying this result as details.
  const failure = rolledBackError(providers.flatMap((p) => p.outcomes), result, manifest.stage);
  if (failure) throw failure;
  ctx.reporter.data({ ok: true, ...result });
}
