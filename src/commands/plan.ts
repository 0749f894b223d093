/** `fnx plan`: what `fnx deploy` would change, per provider and resource, with field-level diffs. Changes nothing. */
import { formatPlan, planJson } from '../deploy/format.js';
import { prepare } from '../deploy/pipeline.js';
import type { CommandContext, ManifestOptions } from './context.js';

export interface PlanCommandOptions extends ManifestOptions {
  readonly functions: readonly string[];
  readonly providers: readonly string[];
}

export async function planCommand(opts: PlanCommandOptions, ctx: CommandContext): Promise<void> {
  const prepared = await prepare(opts, ctx);
  const heading = `${prepared.manifest.service}-${prepared.manifest.stage}`;
  for (const run of prepared.runs) ctx.reporter.print(formatPlan(run.plan, heading));
  ctx.reporter.data({
    ok: true,
    version: 1,
    service: prepared.manifest.service,
    stage: prepared.manifest.stage,
    providers: prepared.runs.map((r) => planJson(r.plan)),
    ...(prepared.skipped.length ? { skipped: prepared.skipped } : {}),
  });
}
