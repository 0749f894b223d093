/**
 * `fnx promote --stage S [--function F] [--provider P] [--now] [--keep-on-interrupt]`: finishes
 * canary/linear releases in progress, reading their state from the cloud. `promoted` is empty
 * when nothing was in progress. A gate or hook that failed during promotion (rolled back
 * automatically) is a result with `failure` set (exit 3); throws CloudError 'precondition'
 * (exit 4) on a concurrent change, InterruptedError (exit 130) on Ctrl-C.
 */
import type { FnxError } from '../errors.js';
import { rolledBackError, type ReleaseOutcome } from '../release/index.js';
import { promoteReleases } from '../release/promote.js';
import { actorOf } from '../deploy/metadata.js';
import { leaseSettings, withStageLease } from '../lease/stage-lease.js';
import type { ManifestOptions, Session } from '../session.js';

export interface PromoteRequest extends ManifestOptions {
  readonly functions?: readonly string[];
  readonly providers?: readonly string[];
  /** Go to 100% at once, skipping the remaining waits and gates. */
  readonly now?: boolean;
  readonly keepOnInterrupt?: boolean;
}

export interface PromoteResult {
  readonly stage: string;
  readonly promoted: readonly ReleaseOutcome[];
  /** Set when a release was rolled back during promotion: the error the CLI exits with (code 3). */
  readonly failure?: FnxError;
}

export async function promote(request: PromoteRequest, session: Session): Promise<PromoteResult> {
  // Environment settings are checked before the first cloud call: a bad value changes nothing.
  const clock = session.clock();
  const settings = leaseSettings(session.env);
  const manifest = await session.loadManifest(request);
  const { targets } = await session.drivers(manifest, { functions: request.functions ?? [], providers: request.providers ?? [] });
  const changing = targets.filter((t) => t.functions.length > 0);
  const actor = actorOf(session.env);
  const promoted = await withStageLease(session, manifest, changing, { command: 'promote', settings, create: false, ...(actor ? { actor } : {}) }, (leased) =>
    promoteReleases({
      manifest,
      targets: changing,
      reporter: leased.reporter,
      signal: leased.signal,
      now: Boolean(request.now),
      keepOnInterrupt: Boolean(request.keepOnInterrupt),
      clock,
    }),
  );
  const failure = rolledBackError(promoted);
  return { stage: manifest.stage, promoted, ...(failure ? { failure } : {}) };
}
