/** The release strategy a manifest's `release` block means, before and after validation. */

/**
 * `strategy` as written; without one, an explicit `steps` list means `linear` (its steps replace
 * the even `step` increments), anything else `all-at-once`.
 */
export function releaseStrategy(r: { readonly strategy?: unknown; readonly steps?: unknown }): string {
  if (typeof r.strategy === 'string') return r.strategy;
  return r.steps !== undefined ? 'linear' : 'all-at-once';
}
