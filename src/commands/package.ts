/**
 * `fnx package`: loads the manifest, writes the stage's archives to `.fnx/build/<stage>/` with
 * artifacts.json, then checks provider limits (a limit error exits 2 after the archives are
 * written, so they can be inspected). Python dependencies not in an archive are warnings (to the
 * reporter, and in the result); with `strict` they fail, exit 2.
 */
import type { FnxError } from '../errors.js';
import type { ArtifactSet } from '../package/artifact.js';
import { checkLimits, packageArtifacts } from '../package/index.js';
import { formatWarning } from '../report/format.js';
import type { ManifestOptions, Session } from '../session.js';

export interface PackageRequest extends ManifestOptions {
  /** Only these functions; empty = all. */
  readonly functions?: readonly string[];
  /** Default true: reuse archives whose inputs did not change. */
  readonly cache?: boolean;
  readonly strict?: boolean;
}

export interface PackageResult extends ArtifactSet {
  readonly warnings: readonly FnxError[];
}

export async function packageProject(request: PackageRequest, session: Session): Promise<PackageResult> {
  const manifest = await session.loadManifest({ ...request, files: true });
  const warnings: FnxError[] = [];
  const onWarning = (w: FnxError) => {
    warnings.push(w);
    session.reporter.warn(formatWarning(w, session.cwd));
  };
  const set = await packageArtifacts(manifest, {
    functions: request.functions ?? [],
    cache: request.cache !== false,
    strict: Boolean(request.strict),
    onWarning,
    reporter: session.reporter,
    signal: session.signal,
  });
  checkLimits(manifest, set);
  return { ...set, warnings };
}
