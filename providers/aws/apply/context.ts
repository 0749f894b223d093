/** What every apply step shares: clients, the plan being executed, cancellation, per-key locks. */
import type { PlanAction, DeployMetadata } from '../../../src/driver.js';
import type { ResolvedManifest } from '../../../src/manifest/model.js';
import type { ArtifactSet } from '../../../src/package/artifact.js';
import type { Reporter } from '../../../src/report/reporter.js';
import type { AwsClients } from '../clients.js';
import type { AwsPlanDetail } from '../plan.js';

export interface ApplyContext {
  readonly aws: AwsClients;
  readonly manifest: ResolvedManifest;
  readonly artifacts: ArtifactSet;
  readonly detail: AwsPlanDetail;
  readonly actions: ReadonlyMap<string, PlanAction>;
  readonly deploy: DeployMetadata;
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

export const notConflict = (err: unknown): boolean => {
  const kind = (err as { name?: string; $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  const name = (err as { name?: string })?.name ?? '';
  if (kind === 409 || /Conflict|AlreadyExists|ResourceInUse/.test(name)) return false;
  return /Throttl|TooManyRequests|SlowDown|ServiceException|InternalFailure|InternalError|ServiceUnavailable/.test(name) || ['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED'].includes((err as { code?: string })?.code ?? '') || (kind !== undefined && kind >= 500);
};

/** Kind of a CloudError (or undefined). */
export function kindOf(err: unknown): string | undefined {
  return (err as { kind?: string } | undefined)?.kind;
}
