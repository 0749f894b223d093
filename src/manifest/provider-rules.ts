/**
 * Each registered provider's own manifest rules (ProviderModule.validate, no SDK), run on the
 * resolved manifest; their problems get the position of the setting they name.
 */
import { providerModules } from '../registry.js';
import type { FnxError } from '../errors.js';
import type { Locator } from './locator.js';
import type { ResolvedManifest } from './model.js';
import { join } from './pointer.js';
import { problem } from './problems.js';

export function checkProviderRules(manifest: ResolvedManifest, locator: Locator): { errors: FnxError[]; warnings: FnxError[] } {
  const errors: FnxError[] = [];
  const warnings: FnxError[] = [];
  for (const m of providerModules()) {
    for (const p of m.validate(manifest)) {
      const found = problem(p.error.code, p.error.message, locator.locate(join('', ...p.path), p.at ?? 'value'), p.error.hint);
      (p.severity === 'warning' ? warnings : errors).push(found);
    }
  }
  return { errors, warnings };
}
