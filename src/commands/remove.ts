/**
 * `fnx remove`: deletes everything fnx created for a stage (found by its tags), nothing else.
 * In an interactive session it asks first (session.confirm) unless `yes` (declining exits 1, as
 * Terraform does on a declined destroy, so `fnx remove && next-step` stops); otherwise (CI) `yes`
 * is required. It holds the stage lease (src/lease) from before inspect, and deletes the lease
 * record once the stage is gone.
 */
import type { ProviderPlan } from '../driver.js';
import { ExitCode, FnxError, InterruptedError } from '../errors.js';
import { actorOf } from '../deploy/metadata.js';
import { leaseSettings, withStageLease } from '../lease/stage-lease.js';
import type { ProviderName, ResolvedManifest } from '../manifest/model.js';
import { plural } from '../report/plural.js';
import type { ManifestOptions, Session, Target } from '../session.js';

export interface RemoveRequest extends ManifestOptions {
  readonly providers?: readonly string[];
  /** Do not ask; required when the session is not interactive. */
  readonly yes: boolean;
  /** Called with the removal plans (one per provider) before asking or deleting (the CLI prints them there). */
  readonly onPlan?: (plans: readonly ProviderPlan[], heading: string) => void;
}

export interface ProviderRemoval {
  readonly provider: ProviderName;
  readonly plan: ProviderPlan;
  readonly deleted: readonly string[];
}

export interface RemoveResult {
  readonly service: string;
  readonly stage: string;
  /** Providers something was removed from; empty when nothing was deployed. */
  readonly providers: readonly ProviderRemoval[];
  /** Every deleted resource, over all providers. */
  readonly deleted: readonly string[];
  readonly skipped: readonly ProviderName[];
}

export async function remove(request: RemoveRequest, session: Session): Promise<RemoveResult> {
  if (!request.yes && !session.interactive) {
    throw new FnxError('E_REMOVE_CONFIRM', `Refusing to remove stage "${request.stage}" without confirmation.`, {
      hint: `Not a terminal (CI): pass --yes to confirm, e.g. \`fnx remove --stage ${request.stage} --yes\`.`,
      exitCode: ExitCode.usage,
    });
  }
  const manifest = await session.loadManifest(request);
  const { targets, skipped } = await session.drivers(manifest, { providers: request.providers ?? [] });
  const result = { service: manifest.service, stage: manifest.stage, skipped };
  const actor = actorOf(session.env);
  return withStageLease(session, manifest, targets, { command: 'remove', settings: leaseSettings(session.env), create: false, deleteAfter: true, ...(actor ? { actor } : {}) }, async (leased) => {
    const removed = await removeStage(request, manifest, targets, leased);
    return { ...result, providers: removed, deleted: removed.flatMap((p) => p.deleted) };
  });
}

/** inspect -> plan -> confirm -> remove, holding the stage lease. */
async function removeStage(request: RemoveRequest, manifest: ResolvedManifest, targets: readonly Target[], session: Session): Promise<ProviderRemoval[]> {
  const heading = `${manifest.service}-${manifest.stage}`;
  const plans = [];
  for (const t of targets) {
    const deployed = await t.driver.inspect({ manifest, signal: session.signal, reporter: session.reporter, concurrency: 8 });
    plans.push({ t, deployed, plan: t.driver.planRemove({ manifest, deployed }) });
  }
  const total = plans.reduce((n, p) => n + p.plan.actions.length, 0);
  if (total === 0) return [];
  request.onPlan?.(plans.map((p) => p.plan), heading);
  if (!request.yes && !(await session.confirm(`Delete ${total === 1 ? 'this resource' : `these ${total} resources`} of ${heading}?`))) {
    if (session.signal.aborted) throw new InterruptedError('Interrupted: nothing was removed.');
    throw new FnxError('E_REMOVE_DECLINED', `Removal of ${heading} declined at the prompt: nothing was removed.`, {
      hint: `To remove it, run again and answer y, or pass --yes: \`fnx remove --stage ${manifest.stage} --yes\`.`,
      exitCode: ExitCode.failed,
    });
  }
  const providers: ProviderRemoval[] = [];
  for (const p of plans) {
    if (!p.plan.actions.length) continue;
    const step = session.reporter.step(`${p.t.provider}: removing ${heading}`);
    try {
      const removed = await p.t.driver.remove({ manifest, deployed: p.deployed, signal: session.signal, reporter: session.reporter, concurrency: 8 });
      providers.push({ provider: p.t.provider, plan: p.plan, deleted: removed.deleted });
      step.succeed(`${p.t.provider}: removed ${plural(removed.deleted.length, 'resource')} of ${heading}`);
    } catch (err) {
      step.fail();
      throw err;
    }
  }
  return providers;
}
