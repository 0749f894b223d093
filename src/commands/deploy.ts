/**
 * `fnx deploy`: load -> package -> inspect -> validate -> plan -> apply -> release -> record
 * (src/deploy/pipeline.ts). Executes exactly the plan it reports. A release rolled back
 * automatically, or a manifest version rolled back before that is not released again
 * (src/release/rolled-back.ts; `releaseRolledBack` releases it), is a result with `failure` set
 * (exit 3), not an exception. Packages first, then holds the stage lease (src/lease) from before
 * inspect to the end (a dry run packages while inspecting, and takes no lease): E_STAGE_LOCKED (exit 4) when another run holds it. Throws CloudError
 * 'precondition' (exit 4) when a change made outside fnx races it, InterruptedError (exit 130)
 * when interrupted.
 */
import type { DeployMetadata, ProviderPlan } from '../driver.js';
import type { FnxError } from '../errors.js';
import type { ProviderName } from '../manifest/model.js';
import { deployJson } from '../deploy/format.js';
import { actorOf, commitOf } from '../deploy/metadata.js';
import { applyDeploy, load, packaged, planDeploy, releaseFailure, type Planned, type PlanRequest, type ProviderDeploy } from '../deploy/pipeline.js';
import { leaseSettings, withStageLease } from '../lease/stage-lease.js';
import type { Session } from '../session.js';

export interface DeployRequest extends PlanRequest {
  /** Stop after the plan; nothing is changed. */
  readonly dryRun?: boolean;
  /** false: start canary/linear releases and return; finish them with promote. Default true. */
  readonly wait?: boolean;
  /** On Ctrl-C during a traffic shift, leave the weights as they are. */
  readonly keepOnInterrupt?: boolean;
  /** Release an already published version even when a failed gate or hook, or `fnx rollback`, rolled it back. */
  readonly releaseRolledBack?: boolean;
  /** Called with the plan before anything is applied (the CLI prints it there). */
  readonly onPlan?: (planned: Planned) => void;
}

export interface DeployResult {
  readonly dryRun: boolean;
  readonly deploy: DeployMetadata;
  readonly service: string;
  readonly stage: string;
  /** dryRun: the plans. */
  readonly plans: readonly ProviderPlan[];
  /** What apply and release did per provider (empty on a dry run). */
  readonly providers: readonly ProviderDeploy[];
  readonly skipped: readonly ProviderName[];
  /** Set when a release was rolled back or held back: the error the CLI exits with (code 3). */
  readonly failure?: FnxError;
}

export async function deploy(request: DeployRequest, session: Session): Promise<DeployResult> {
  // Environment settings are checked before the first cloud call: a bad value changes nothing.
  const clock = session.clock();
  const settings = leaseSettings(session.env);
  const loaded = await load(request, session);
  const base = (planned: Planned) => ({ deploy: planned.deploy, service: planned.manifest.service, stage: planned.manifest.stage, plans: planned.runs.map((r) => r.plan), skipped: planned.skipped });
  if (request.dryRun) {
    const planned = await planDeploy(request, session, { loaded });
    request.onPlan?.(planned);
    return { dryRun: true, ...base(planned), providers: [] };
  }
  // Packaged before the lease: a packaging error (a bad file, a budget with --strict) contacts no cloud.
  const built = await packaged(loaded.manifest, request, session);
  const actor = actorOf(session.env);
  const commit = await commitOf(loaded.manifest.rootDir, session.env);
  return withStageLease(session, loaded.manifest, loaded.targets, { command: 'deploy', settings, create: true, ...(actor ? { actor } : {}), ...(commit ? { commit } : {}) }, async (leased) => {
    const planned = await planDeploy(request, leased, { loaded, packaged: built });
    request.onPlan?.(planned);
    const rec = await applyDeploy(
      planned,
      { concurrency: request.concurrency ?? 8, wait: request.wait !== false, keepOnInterrupt: Boolean(request.keepOnInterrupt), releaseRolledBack: request.releaseRolledBack === true, clock },
      leased,
    );
    const result: DeployResult = { dryRun: false, ...base(planned), providers: rec.providers };
    const failure = releaseFailure(rec, deployJson(result));
    return failure ? { ...result, failure } : result;
  });
}
