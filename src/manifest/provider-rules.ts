/**
 * Each provider's own manifest rules (ManifestRules in the registry, no SDK), run on the resolved
 * manifest; their problems get the position of the setting they name.
 */
import { manifestRules } from '../registry.js';
import type { FnxError } from '../errors.js';
import type { Locator } from './locator.js';
import { PROVIDER_NAMES, type ResolvedManifest } from './model.js';
import { join } from './pointer.js';
import { problem } from './problems.js';

export function checkProviderRules(manifest: ResolvedManifest, locator: Locator): FnxError[] {
  return PROVIDER_NAMES.flatMap((name) =>
    manifestRules[name](manifest).map((p) => problem(p.error.code, p.error.message, locator.locate(join('', ...p.path), p.at ?? 'value'), p.error.hint)),
  );
}
