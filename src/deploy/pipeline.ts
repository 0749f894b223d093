/**
 * The provider-neutral deploy pipeline, as named steps, in the order they run:
 *   load     — the manifest for the stage, and the drivers of the targeted providers
 *   package  — deterministic zips (cached); runs while inspect reads the cloud
 *   inspect  — each driver reads what is deployed (read-only)
 *   validate — what needs both: provider limits on the archives, release hooks deployable
 *   plan     — desired vs deployed, per provider (pure); `fnx plan` stops here
 *   apply    — each driver executes exactly its plan and publishes versions
 *   release  — the release engine moves each pointer (all-at-once / canary / linear)
 *   record   — the deploy's result; the release record itself lives on the pointer (written by shift)
 * Every step reports progress through the session's reporter and returns data; the CLI formats it.
 */
import type { ApplyResult, DeployMetadata, DeployedState, ProviderPlan } from '../driver.js';
import { ExitCode, FnxError, InterruptedError } from '../errors.js';
import type { ProviderName, ResolvedManifest } from '../manifest/model.js';
import type { ArtifactSet } from '../package/artifact.js';
import { join } from 'node:path';
import { buildDir, checkLimits, packageArtifacts } from '../package/index.js';
import { previousBuild, type PreviousArchive } from '../package/size-report.js';
import { releaseAll, rolledBackError, type Clock, type ReleaseOutcome } from '../release/index.js';
import { formatWarning } from '../report/format.js';
import { plural } from '../report/plural.js';
import type { ManifestOptions, Session, Target } from '../session.js';
import { checkStrategySupported } from '../release/strategy-support.js';
import { deployMetadata } from './metadata.js';

/** What `fnx plan` and the planning half of `fnx deploy` take. */
export interface PlanRequest extends ManifestOptions {
  /** --function; empty = all. */
  readonly functions?: readonly string[];
  /** --provider; empty = every provider the manifest uses that has a driver. */
  readonly providers?: readonly string[];
  /** Functions inspected and applied in parallel. Default 8. */
  readonly concurrency?: number;
  /** Packaging warnings (Python dependencies not in an archive) fail the run, exit 2. */
  readonly strict?: boolean;
}

/** One provider's part of a run: its driver, what is deployed, and the plan. */
export interface ProviderRun {
  readonly target: Target;
  readonly deployed: DeployedState;
  readonly plan: ProviderPlan;
}

/** The result of load -> package -> inspect -> validate -> plan. No cloud was written to. */
export interface Planned {
  readonly manifest: ResolvedManifest;
  readonly artifacts: ArtifactSet;
  /** By archive path: the archives of the stage's build before this run packaged (size-report.ts). */
  readonly previous: Readonly<Record<string, PreviousArchive>>;
  readonly deploy: DeployMetadata;
  readonly runs: readonly ProviderRun[];
  /** Providers the manifest uses that this run left out: fnx has no driver for them yet. */
  readonly skipped: readonly ProviderName[];
}

/** One provider's applied and released part of a deploy. */
export interface ProviderDeploy {
  readonly provider: ProviderName;
  readonly target: string;
  readonly plan: ProviderPlan;
  readonly apply: ApplyResult;
  readonly outcomes: readonly ReleaseOutcome[];
}

/** What `fnx deploy` did. */
export interface DeployRecord {
  readonly manifest: ResolvedManifest;
  readonly deploy: DeployMetadata;
  readonly providers: readonly ProviderDeploy[];
  readonly skipped: readonly ProviderName[];
}

export interface ReleaseOptions {
  /** false: start canary/linear releases (first step) and return; finish with promote. */
  readonly wait: boolean;
  readonly keepOnInterrupt: boolean;
  readonly releaseRolledBack: boolean;
  readonly clock: Clock;
}

/** What a caller already did of planDeploy's steps: load, and package with the build's previous archives. */
export interface Done {
  readonly loaded?: Loaded;
  readonly packaged?: Packaged;
}

export interface Packaged {
  readonly artifacts: ArtifactSet;
  readonly previous: Readonly<Record<string, PreviousArchive>>;
}

/** load -> package (while inspecting) -> validate -> plan, skipping what `done` holds. Makes no write to any cloud. */
export async function planDeploy(request: PlanRequest, session: Session, done: Done = {}): Promise<Planned> {
  const concurrency = request.concurrency ?? 8;
  const only = request.functions ?? [];
  const { manifest, targets, skipped } = done.loaded ?? (await load(request, session));
  const [{ artifacts, previous }, states, deploy] = await Promise.all([
    done.packaged ?? packaged(manifest, request, session),
    inspect(manifest, targets, session, concurrency),
    deployMetadata(manifest.rootDir, session.env),
  ]);
  validate(manifest, artifacts, targets, states, only);
  throwIfAborted(session.signal);
  const runs = plan(manifest, artifacts, deploy, targets, states, only, session);
  return { manifest, artifacts, previous, deploy, runs, skipped };
}

/** apply -> release -> record, for a plan from planDeploy. */
export async function applyDeploy(planned: Planned, options: ReleaseOptions & { concurrency: number }, session: Session): Promise<DeployRecord> {
  const applied = await apply(planned, session, options.concurrency);
  const outcomes = await release(planned, applied, options, session);
  return record(planned, applied, outcomes);
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new InterruptedError('Interrupted before any cloud change.');
}

/** What load found: the manifest and the drivers of the selected providers. */
export interface Loaded {
  readonly manifest: ResolvedManifest;
  readonly targets: readonly Target[];
  readonly skipped: readonly ProviderName[];
}

/** load: the manifest (with its project files checked) and the drivers of the selected providers. */
export async function load(request: PlanRequest, session: Session): Promise<Loaded> {
  const manifest = await session.loadManifest({ ...request, files: true });
  const { targets, skipped } = await session.drivers(manifest, { functions: request.functions ?? [], providers: request.providers ?? [] });
  // Before the first cloud call: a strategy a driver's traffic model cannot do changes nothing.
  checkStrategySupported(manifest, targets.map((t) => t.driver.capabilities), request.functions ?? []);
  throwIfAborted(session.signal);
  return { manifest, targets, skipped };
}

/** package, with the archives the stage's build held before (for the size report). */
export async function packaged(manifest: ResolvedManifest, request: PlanRequest, session: Session): Promise<Packaged> {
  const previous = previousBuild(join(buildDir(manifest), 'artifacts.json'));
  return { artifacts: await packageStep(manifest, request, session), previous };
}

/** package: the stage's archives (only the selected functions'), warnings to the reporter. */
export function packageStep(manifest: ResolvedManifest, request: PlanRequest, session: Session): Promise<ArtifactSet> {
  const functions = request.functions ?? [];
  return packageArtifacts(manifest, {
    ...(functions.length ? { functions } : {}),
    reporter: session.reporter,
    signal: session.signal,
    strict: Boolean(request.strict),
    onWarning: (w) => session.reporter.warn(formatWarning(w, session.cwd)),
  });
}

/** inspect: what each driver finds deployed for the stage (read-only). */
export function inspect(manifest: ResolvedManifest, targets: readonly Target[], session: Session, concurrency: number): Promise<DeployedState[]> {
  return Promise.all(targets.map((t) => t.driver.inspect({ manifest, signal: session.signal, reporter: session.reporter, concurrency })));
}

/** validate: the checks that need the archives or the deployed state, made before any change. */
export function validate(manifest: ResolvedManifest, artifacts: ArtifactSet, targets: readonly Target[], states: readonly DeployedState[], only: readonly string[]): void {
  checkLimits(manifest, artifacts);
  targets.forEach((t, i) => checkHooksDeployable(manifest, t.provider, states[i]!, only));
}

/** plan: desired vs deployed, per provider. Pure. */
export function plan(manifest: ResolvedManifest, artifacts: ArtifactSet, deploy: DeployMetadata, targets: readonly Target[], states: readonly DeployedState[], only: readonly string[], session: Session): ProviderRun[] {
  return targets.map((target, i) => {
    const deployed = states[i]!;
    session.reporter.info(`${target.provider}: ${deployedSummary(`${manifest.service}-${manifest.stage}`, deployed.functions.length)}`);
    return { target, deployed, plan: target.driver.plan({ manifest, artifacts, deployed, ...(only.length ? { only } : {}), deploy }) };
  });
}

/** apply: each provider's plan, in order. Throws InterruptedError when Ctrl-C stopped it. */
export async function apply(planned: Planned, session: Session, concurrency: number): Promise<ApplyResult[]> {
  const out: ApplyResult[] = [];
  for (const run of planned.runs) {
    throwIfAborted(session.signal);
    out.push(
      await run.target.driver.apply({
        manifest: planned.manifest,
        artifacts: planned.artifacts,
        plan: run.plan,
        deploy: planned.deploy,
        signal: session.signal,
        reporter: session.reporter,
        concurrency,
      }),
    );
  }
  if (session.signal.aborted) throw new InterruptedError('Interrupted after publishing: traffic was not moved. Run `fnx deploy` again to release.');
  return out;
}

/** release: moves each provider's pointers to the versions apply published. */
export async function release(planned: Planned, applied: readonly ApplyResult[], options: ReleaseOptions, session: Session): Promise<ReleaseOutcome[][]> {
  const out: ReleaseOutcome[][] = [];
  for (const [i, run] of planned.runs.entries()) {
    const outcomes = await releaseAll({
      driver: run.target.driver,
      manifest: planned.manifest,
      published: applied[i]!.published,
      deploy: planned.deploy,
      reporter: session.reporter,
      signal: session.signal,
      wait: options.wait,
      keepOnInterrupt: options.keepOnInterrupt,
      releaseRolledBack: options.releaseRolledBack,
      clock: options.clock,
    });
    out.push([...outcomes]);
  }
  return out;
}

/** record: what the deploy did, per provider. */
export function record(planned: Planned, applied: readonly ApplyResult[], outcomes: readonly (readonly ReleaseOutcome[])[]): DeployRecord {
  return {
    manifest: planned.manifest,
    deploy: planned.deploy,
    skipped: planned.skipped,
    providers: planned.runs.map((run, i) => ({ provider: run.target.provider, target: run.plan.target, plan: run.plan, apply: applied[i]!, outcomes: outcomes[i]! })),
  };
}

/** The exit-3 error when a release was rolled back or held back, carrying `details` for the --json document. */
export function releaseFailure(rec: DeployRecord, details: Record<string, unknown>): FnxError | undefined {
  return rolledBackError(
    rec.providers.flatMap((p) => p.outcomes),
    details,
    rec.manifest.stage,
  );
}

/** What inspect found, before the plan: "not deployed yet" or how many functions are live now. */
function deployedSummary(stage: string, count: number): string {
  if (count === 0) return `${stage} is not deployed yet`;
  return `${stage} has ${plural(count, 'function')} deployed now`;
}

/**
 * A release hook is a function invoked on the same provider: it must be deployed there by this
 * run or already. Checked before any change, so a deploy never stops halfway on a missing hook.
 */
function checkHooksDeployable(manifest: ResolvedManifest, provider: ProviderName, deployed: DeployedState, only: readonly string[]): void {
  const inRun = (name: string) => !only.length || only.includes(name);
  for (const fn of manifest.functions) {
    if (!fn.providers.includes(provider) || !inRun(fn.name)) continue;
    for (const [kind, hook] of Object.entries(fn.release.hooks)) {
      if (!hook) continue;
      const target = manifest.functions.find((f) => f.name === hook);
      const where = fn.location ? { location: fn.location } : {};
      if (!target?.providers.includes(provider)) {
        throw new FnxError('E_DEPLOY_HOOK_PROVIDER', `${fn.name}'s ${kind} hook \`${hook}\` is not deployed to ${provider}.`, {
          hint: `Add ${provider} to \`${hook}\`'s providers, or remove the hook.`,
          exitCode: ExitCode.usage,
          ...where,
        });
      }
      if (!inRun(hook) && !deployed.functions.includes(hook)) {
        throw new FnxError('E_DEPLOY_HOOK_MISSING', `${fn.name}'s ${kind} hook \`${hook}\` is not deployed to ${provider} yet, and this run does not deploy it.`, {
          hint: `Add \`--function ${hook}\` to this deploy, or deploy without --function first.`,
          exitCode: ExitCode.usage,
          ...where,
        });
      }
    }
  }
}
