/**
 * `fnx remove`: deletes everything fnx created for a stage (found by its tags), nothing else.
 * On a terminal it asks first unless --yes (declining exits 1, as Terraform does on a declined
 * destroy, so `fnx remove && next-step` stops); without a terminal (CI) --yes is required.
 */
import { ExitCode, FnxError, InterruptedError } from '../errors.js';
import { confirm } from '../deploy/confirm.js';
import { formatPlan, planJson } from '../deploy/format.js';
import { deployableProviders, loadForCommand, loadTargets } from '../deploy/targets.js';
import type { CommandContext, ManifestOptions } from './context.js';
import { plural } from '../report/plural.js';

export interface RemoveOptions extends ManifestOptions {
  readonly providers: readonly string[];
  readonly yes: boolean;
}

export async function removeCommand(opts: RemoveOptions, ctx: CommandContext): Promise<void> {
  if (!opts.yes && !ctx.interactive) {
    throw new FnxError('E_REMOVE_CONFIRM', `Refusing to remove stage "${opts.stage}" without confirmation.`, {
      hint: `Not a terminal (CI): pass --yes to confirm, e.g. \`fnx remove --stage ${opts.stage} --yes\`.`,
      exitCode: ExitCode.usage,
    });
  }
  const manifest = await loadForCommand(opts, ctx);
  const { providers: names, skipped } = deployableProviders(manifest, opts.providers, ctx.reporter);
  const targets = await loadTargets(manifest, names, ctx.env);
  const skippedJson = skipped.length ? { skipped } : {};
  const heading = `${manifest.service}-${manifest.stage}`;
  const plans = [];
  for (const t of targets) {
    const deployed = await t.driver.inspect({ manifest, signal: ctx.signal, reporter: ctx.reporter, concurrency: 8 });
    const plan = t.driver.planRemove({ manifest, deployed });
    plans.push({ t, deployed, plan });
  }
  const total = plans.reduce((n, p) => n + p.plan.actions.length, 0);
  if (total === 0) {
    ctx.reporter.print(`Nothing to remove for ${heading}.`);
    ctx.reporter.data({ ok: true, service: manifest.service, stage: manifest.stage, deleted: [], ...skippedJson });
    return;
  }
  for (const p of plans) if (p.plan.actions.length) ctx.reporter.print(formatPlan(p.plan, heading));
  if (!opts.yes && !(await confirm(`Delete ${total === 1 ? 'this resource' : `these ${total} resources`} of ${heading}?`, ctx.signal))) {
    if (ctx.signal.aborted) throw new InterruptedError('Interrupted: nothing was removed.');
    throw new FnxError('E_REMOVE_DECLINED', `Removal of ${heading} declined at the prompt: nothing was removed.`, {
      hint: `To remove it, run again and answer y, or pass --yes: \`fnx remove --stage ${manifest.stage} --yes\`.`,
      exitCode: ExitCode.failed,
    });
  }
  const deleted: string[] = [];
  const providers = [];
  for (const p of plans) {
    if (!p.plan.actions.length) continue;
    const step = ctx.reporter.step(`${p.t.name}: removing ${heading}`);
    try {
      const result = await p.t.driver.remove({ manifest, deployed: p.deployed, signal: ctx.signal, reporter: ctx.reporter, concurrency: 8 });
      deleted.push(...result.deleted);
      providers.push({ provider: p.t.name, plan: planJson(p.plan), deleted: result.deleted });
      step.succeed(`${p.t.name}: removed ${plural(result.deleted.length, 'resource')} of ${heading}`);
    } catch (err) {
      step.fail();
      throw err;
    }
  }
  ctx.reporter.print(`Removed ${heading}: ${plural(deleted.length, 'resource')}.`);
  ctx.reporter.data({ ok: true, service: manifest.service, stage: manifest.stage, providers, ...skippedJson });
}
