/** Choosing manifest functions (`--function`) and providers (`--provider`) by name. */
import { ExitCode, FnxError } from '../errors.js';
import { isProviderName, providerNames } from '../registry.js';
import type { ProviderName, ResolvedFunction, ResolvedManifest } from './model.js';

/**
 * The functions named in `names`, in that order without repeats; every function when `names` is
 * empty. An unknown name is a usage error (exit 2) that lists the manifest's functions.
 */
export function selectFunctions(manifest: ResolvedManifest, names: readonly string[]): ResolvedFunction[] {
  if (!names.length) return [...manifest.functions];
  const known = new Map(manifest.functions.map((f) => [f.name, f]));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length) {
    throw new FnxError('E_USAGE_FUNCTION', `Unknown function${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}.`, {
      hint: `Functions in this manifest: ${[...known.keys()].join(', ')}.`,
      exitCode: ExitCode.usage,
    });
  }
  return [...new Set(names)].map((n) => known.get(n)!);
}

/** Providers configured in the manifest (and used by a function), narrowed by --provider. */
export function selectProviders(manifest: ResolvedManifest, requested: readonly string[]): ProviderName[] {
  const used = providerNames().filter((p) => manifest.providers[p] && manifest.functions.some((f) => f.providers.includes(p)));
  if (!requested.length) return used;
  const bad = requested.filter((r) => !used.includes(r as ProviderName));
  if (bad.length) {
    const known = bad.filter(isProviderName);
    const add = known.length ? ` To use ${known.join(', ')}, add \`${known[0]}:\` under \`providers:\` in fnx.yaml (and to the functions' \`providers:\` lists, if they have one).` : '';
    throw new FnxError('E_USAGE_PROVIDER', `Provider${bad.length > 1 ? 's' : ''} not configured for any function: ${bad.join(', ')}.`, {
      hint: `Providers in this manifest: ${used.join(', ') || 'none'}.${add}`,
      exitCode: ExitCode.usage,
    });
  }
  return used.filter((p) => requested.includes(p));
}

/**
 * The one provider a command about one function works on (`invoke`, `logs`): `requested`
 * (--provider) if the function deploys there, else its only provider. A function on several
 * providers needs --provider; both mistakes are usage errors (exit 2). `purpose` ends the
 * question, e.g. "to invoke".
 */
export function providerForFunction(fn: ResolvedFunction, requested: string | undefined, purpose: string): ProviderName {
  const fail = (message: string, hint: string): never => {
    throw new FnxError('E_USAGE_PROVIDER', message, { hint, exitCode: ExitCode.usage });
  };
  if (requested !== undefined) return fn.providers.find((x) => x === requested) ?? fail(`--provider ${requested}: function "${fn.name}" is not deployed to it.`, `Its providers: ${fn.providers.join(', ')}.`);
  if (fn.providers.length > 1) fail(`function "${fn.name}" is deployed to ${fn.providers.join(' and ')}: say which one ${purpose}.`, `Add --provider ${fn.providers[0]} (one of ${fn.providers.join(', ')}).`);
  return fn.providers[0]!;
}
