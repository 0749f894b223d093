/** Choosing manifest functions by name (`--function`). */
import { ExitCode, FnxError } from '../errors.js';
import type { ResolvedFunction, ResolvedManifest } from './model.js';

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
