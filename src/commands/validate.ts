/**
 * `fnx validate`: loads the manifest for a stage and checks every problem with its position.
 * Valid: the resolved manifest and its warnings (also sent to the reporter). Invalid: throws the
 * FnxErrorList (exit 2); the CLI prints it (with GitHub annotations when GITHUB_ACTIONS=true).
 */
import type { FnxError } from '../errors.js';
import { checkManifest, manifestErrors } from '../manifest/index.js';
import type { ResolvedManifest } from '../manifest/model.js';
import { formatWarning } from '../report/format.js';
import { manifestLoadOptions, type ManifestOptions, type Session } from '../session.js';
import { strategyProblems } from '../release/strategy-support.js';
import { capabilitiesFor } from '../registry.js';

export interface ValidateResult {
  readonly manifest: ResolvedManifest;
  readonly warnings: readonly FnxError[];
}

export async function validate(request: ManifestOptions, session: Session): Promise<ValidateResult> {
  const result = await checkManifest(manifestLoadOptions({ ...request, files: true }, session));
  for (const w of result.warnings) session.reporter.warn(formatWarning(w, session.cwd));
  if (result.errors.length || !result.manifest) throw manifestErrors(result.errors);
  const m = result.manifest;
  // Release strategies each provider's traffic model (for its config) cannot do.
  const unsupported = strategyProblems(m, (p) => (m.providers[p] ? capabilitiesFor(p, m) : undefined));
  if (unsupported.length) throw manifestErrors(unsupported);
  return { manifest: m, warnings: result.warnings };
}
