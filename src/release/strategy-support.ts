/**
 * Which release strategies a traffic model can do (TrafficModel in src/driver.ts):
 *   weighted — every strategy.
 *   slot     — canary and linear only for a function with an http trigger (the share a slot
 *              takes is of HTTP requests); all-at-once for every function.
 *   replace  — all-at-once only: two versions never serve side by side.
 * A function whose strategy its provider's model cannot do is a usage error (exit 2), unless its
 * `release.fallback` names a strategy for that provider: the release uses that one there.
 * deploy, plan, promote and rollback check before any cloud call; `fnx validate` runs the same
 * check (strategyProblems) with the capabilities of each provider's config.
 */
import type { ProviderCapabilities } from '../driver.js';
import { ExitCode, FnxError, FnxErrorList } from '../errors.js';
import type { ProviderName, ReleasePolicy, ResolvedFunction, ResolvedManifest } from '../manifest/model.js';

/** Why `caps`' traffic model cannot release `fn` with its own strategy; undefined when it can. */
export function unsupportedBecause(fn: ResolvedFunction, caps: ProviderCapabilities): string | undefined {
  if (fn.release.steps.length <= 1) return undefined;
  switch (caps.traffic) {
    case 'weighted':
      return undefined;
    case 'replace':
      return 'it replaces the serving code with each release, so two versions never share traffic (traffic model "replace")';
    case 'slot':
      return fn.triggers.some((t) => t.kind === 'http')
        ? undefined
        : `the share of traffic a slot takes is of HTTP requests, and ${fn.name} has no http trigger (traffic model "slot")`;
  }
}

/** The policy `fn` is released with on `caps`' provider: its own, or its fallback there. */
export function releasePolicyOn(fn: ResolvedFunction, caps: ProviderCapabilities): { readonly policy: ReleasePolicy; readonly fellBack?: string } {
  const why = unsupportedBecause(fn, caps);
  const fallback = fn.release.fallback?.[caps.name];
  if (!why || !fallback) return { policy: fn.release };
  return { policy: { ...fn.release, strategy: fallback, steps: [100], intervalSeconds: 0 }, fellBack: `${fn.release.strategy} is not possible on ${caps.name} (${why}): released ${fallback} (release.fallback)` };
}

/**
 * One error per function (of `only`, default all) whose strategy a provider it deploys to cannot
 * do and that has no fallback there. `capabilitiesOf` answers undefined for a provider not in
 * play (not checked).
 */
export function strategyProblems(
  manifest: ResolvedManifest,
  capabilitiesOf: (provider: ProviderName) => ProviderCapabilities | undefined,
  only: readonly string[] = [],
): FnxError[] {
  const problems: FnxError[] = [];
  for (const fn of manifest.functions) {
    if (only.length > 0 && !only.includes(fn.name)) continue;
    for (const provider of fn.providers) {
      const caps = capabilitiesOf(provider);
      const why = caps ? unsupportedBecause(fn, caps) : undefined;
      if (!caps || !why || fn.release.fallback?.[provider]) continue;
      problems.push(
        new FnxError('E_RELEASE_STRATEGY_UNSUPPORTED', `${fn.name}: a ${fn.release.strategy} release is not possible on ${provider}: ${why}.`, {
          hint: `Use \`strategy: all-at-once\` for ${fn.name}, or let fnx release it all at once on ${provider} only: add \`fallback: { ${provider}: all-at-once }\` to its release${caps.trafficHint ? `. On ${provider}, ${caps.trafficHint}` : ''}.`,
          exitCode: ExitCode.usage,
          ...(fn.location ? { location: fn.location } : {}),
          details: { function: fn.name, provider, strategy: fn.release.strategy, traffic: caps.traffic },
        }),
      );
    }
  }
  return problems;
}

/**
 * Throws (exit 2) when a function of `only` (default all) has a strategy that the traffic model of
 * one of `capabilities` cannot do and no fallback for it. Makes no cloud call.
 */
export function checkStrategySupported(manifest: ResolvedManifest, capabilities: readonly ProviderCapabilities[], only: readonly string[] = []): void {
  const problems = strategyProblems(manifest, (p) => capabilities.find((c) => c.name === p), only);
  if (problems.length === 1) throw problems[0];
  if (problems.length > 1) throw new FnxErrorList(problems, `${problems.length} release strategies are not possible on their providers`);
}

/** checkStrategySupported for the functions of each driver a command works on (promote, rollback, release). */
export function checkDriversSupport(manifest: ResolvedManifest, targets: readonly { readonly driver: { readonly capabilities: ProviderCapabilities }; readonly functions: readonly string[] }[]): void {
  const functions = [...new Set(targets.flatMap((t) => t.functions))];
  if (functions.length === 0) return;
  checkStrategySupported(manifest, targets.map((t) => t.driver.capabilities), functions);
}
