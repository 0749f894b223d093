/**
 * `fnx rollback --stage S [--function F] [--provider P] [--to VERSION] [--json]`: aborts a release
 * in progress, or moves traffic back to the previous release (or VERSION). Reads everything from
 * the cloud, so it works from a fresh CI runner. Exit 0 when done; 2 when there is nothing to roll
 * back to, or a release strategy the provider's traffic model cannot do (nothing changed); 4 on a
 * concurrent change.
 */
import { rollbackStage, type RollbackResult } from '../release/rollback.js';
import { actorOf } from '../deploy/metadata.js';
import { leaseSettings, withStageLease } from '../lease/stage-lease.js';
import type { ManifestOptions, Session } from '../session.js';

export type { RollbackResult } from '../release/rollback.js';

export interface RollbackRequest extends ManifestOptions {
  readonly functions?: readonly string[];
  readonly providers?: readonly string[];
  /** Version to move to instead of the previous release. */
  readonly to?: string;
}

export interface RollbackCommandResult {
  readonly stage: string;
  /** One entry per function whose pointer was looked at. */
  readonly functions: readonly RollbackResult[];
}

export async function rollback(request: RollbackRequest, session: Session): Promise<RollbackCommandResult> {
  // Environment settings are checked before the first cloud call: a bad value changes nothing.
  const clock = session.clock();
  const settings = leaseSettings(session.env);
  const functions = request.functions ?? [];
  const manifest = await session.loadManifest(request);
  const { targets } = await session.drivers(manifest, { functions, providers: request.providers ?? [] });
  const changing = targets.filter((t) => t.functions.length > 0);
  const actor = actorOf(session.env);
  const results = await withStageLease(session, manifest, changing, { command: 'rollback', settings, create: false, ...(actor ? { actor } : {}) }, (leased) =>
    rollbackStage({
      manifest,
      targets: changing,
      reporter: leased.reporter,
      signal: leased.signal,
      explicit: functions.length > 0,
      ...(request.to ? { to: request.to } : {}),
      clock,
    }),
  );
  return { stage: manifest.stage, functions: results };
}
