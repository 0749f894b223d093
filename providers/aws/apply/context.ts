/**
 * What every apply step shares: clients, the plan being executed, the artifacts it names,
 * cancellation, per-key locks. Steps read desired state only from the plan, never a manifest.
 */
import type { ArtifactSet, PlanAction, Reporter } from '../../../src/driver.js';
import type { AwsClients } from '../clients.js';
import type { AwsPlanDetail } from '../plan.js';

export interface ApplyContext {
  readonly aws: AwsClients;
  readonly artifacts: ArtifactSet;
  readonly detail: AwsPlanDetail;
  readonly actions: ReadonlyMap<string, PlanAction>;
  readonly signal: AbortSignal;
  readonly reporter: Reporter;
  readonly locks: KeyedLock;
  /** Set once the stage's HTTP API exists. */
  api?: { id: string; endpoint: string };
}

/** True when the plan has a mutating action with this id. */
export function changes(ctx: ApplyContext, id: string): PlanAction | undefined {
  const a = ctx.actions.get(id);
  return a && a.op !== 'no-change' ? a : undefined;
}

/** Serialises work per key (a bucket's read-modify-write notification configuration). */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    this.tails.set(
      key,
      next.catch(() => undefined),
    );
    return next;
  }
}

/** Kind of a CloudError (or undefined). */
export function kindOf(err: unknown): string | undefined {
  return (err as { kind?: string } | undefined)?.kind;
}
