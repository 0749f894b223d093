/**
 * The provider-neutral deploy pipeline, as named steps:
 *   load     — the manifest for the stage, and the drivers of the targeted providers
 *   package  — deterministic zips (cached), checked against provider limits
 *   inspect  — each driver reads what is deployed (read-only)
 *   plan     — desired vs deployed, per provider (pure); `fnx plan` stops here
 *   apply    — each driver executes exactly its plan and publishes versions
 *   release  — the release engine moves each pointer (all-at-once / canary / linear)
 *   record   — the release record lives on the pointer in the cloud (written by shift)
 */
import type { ArtifactSet } from '../package/artifact.js';
import type { ApplyResult, DeployMetadata, DeployedState, ProviderPlan } from '../driver.js';
import { ExitCode, FnxError, InterruptedError } from '../errors.js';
import type { ProviderName, ResolvedManifest } from '../manifest/model.js';
import { selectFunctions } from '../manifest/select.js';
import { checkLimits, packageArtifacts } from '../package/index.js';
import type { CommandContext, ManifestOptions } from '../commands/context.js';
import { checkStrategySupported } from '../release/strategy-support.js';
import { deployMetadata } from './metadata.js';
import { selectProviders } from '../manifest/select.js';
import { loadForCommand, loadTargets, type Target } from './targets.js';

export interface PlanOptions extends ManifestOptions {
  readonly functions: readonly string[];
  readonly providers: readonly string[];
  readonly concurrency?: number;
}

export interface ProviderRun {
  readonly target: Target;
  readonly deployed: DeployedState;
  readonly plan: ProviderPlan;
}

export interface Prepared {
  readonly manifest: ResolvedManifest;
  readonly artifacts: ArtifactSet;
  readonly deploy: DeployMetadata;
  readonly runs: readonly ProviderRun[];
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new InterruptedError('Interrupted before any cloud change.');
}

/** What inspect found, before the plan: "not deployed yet" or how many functions are live now. */
function deployedSummary(stage: string, count: number): string {
  if (count === 0) return `${stage} is not deployed yet`;
  return `${stage} has ${count} function${count === 1 ? '' : 's'} deployed now`;
}

/** load -> package -> inspect -> plan. Makes no write to any cloud. */
export async function prepare(opts: PlanOptions, ctx: CommandContext): Promise<Prepared> {
  // load
  const manifest = await loadForCommand(opts, ctx);
  selectFunctions(manifest, opts.functions);
  const providers = selectProviders(manifest, opts.providers);
  throwIfAborted(ctx.signal);

  // package, while the drivers load and inspect reads the cloud (it does not need the artifacts)
  const concurrency = opts.concurrency ?? 8;
  const packaging = packageArtifacts(manifest, {
    ...(opts.functions.length ? { functions: opts.functions } : {}),
    reporter: ctx.reporter,
    signal: ctx.signal,
  });
  const metadata = deployMetadata(manifest.rootDir, ctx.env);
  const inspecting = (async () => {
    const targets = await loadTargets(manifest, providers);
    // Before the first cloud call: a strategy a driver's traffic model cannot do changes nothing.
    checkStrategySupported(manifest, targets.map((t) => t.driver.capabilities), opts.functions);
    const states = await Promise.all(targets.map((target) => target.driver.inspect({ manifest, signal: ctx.signal, reporter: ctx.reporter, concurrency })));
    return { targets, states };
  })();
  const [artifacts, { targets, states }, deploy] = await Promise.all([packaging, inspecting, metadata]);
  checkLimits(manifest, artifacts);
  throwIfAborted(ctx.signal);

  // plan
  const runs: ProviderRun[] = [];
  targets.forEach((target, i) => {
    const deployed = states[i]!;
    checkHooksDeployable(manifest, target.name, deployed, opts.functions);
    ctx.reporter.info(`${target.name}: ${deployedSummary(`${manifest.service}-${manifest.stage}`, deployed.functions.length)}`);
    const plan = target.driver.plan({ manifest, artifacts, deployed, ...(opts.functions.length ? { only: opts.functions } : {}), deploy });
    runs.push({ target, deployed, plan });
  });
  return { manifest, artifacts, deploy, runs };
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

/** apply: each provider's plan, in order. Throws InterruptedError when Ctrl-C stopped it. */
export async function applyAll(prepared: Prepared, ctx: CommandContext, concurrency: number): Promise<{ run: ProviderRun; result: ApplyResult }[]> {
  const out: { run: ProviderRun; result: ApplyResult }[] = [];
  for (const run of prepared.runs) {
    throwIfAborted(ctx.signal);
    const result = await run.target.driver.apply({
      manifest: prepared.manifest,
      artifacts: prepared.artifacts,
      plan: run.plan,
      deploy: prepared.deploy,
      signal: ctx.signal,
      reporter: ctx.reporter,
      concurrency,
    });
    out.push({ run, result });
  }
  return out;
}
