/**
 * `fnx package`: loads the manifest, writes the stage's archives to `.fnx/build/<stage>/` with
 * artifacts.json, then checks provider limits (a limit error exits 2 after the archives are
 * written, so they can be inspected). A function archive past its package.budget is a warning (to
 * the reporter, and in the result); with `strict` it fails, exit 2. Each archive is compared with
 * the previous build's (the artifacts.json found before packaging): `previous` by archive path.
 */
import type { FnxError } from '../errors.js';
import type { ArtifactSet } from '../package/artifact.js';
import { join } from 'node:path';
import { buildDir, checkLimits, packageArtifacts } from '../package/index.js';
import { previousBuild, type PreviousArchive } from '../package/size-report.js';
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
  /** By artifact path: the same archive in the previous build, when there was one. */
  readonly previous: Readonly<Record<string, PreviousArchive>>;
}

export async function packageProject(request: PackageRequest, session: Session): Promise<PackageResult> {
  const manifest = await session.loadManifest({ ...request, files: true });
  const warnings: FnxError[] = [];
  const previous = previousBuild(join(buildDir(manifest), 'artifacts.json'));
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
  return { ...set, warnings, previous: Object.fromEntries(set.artifacts.flatMap((a) => (previous[a.path] ? [[a.path, previous[a.path]!]] : []))) };
}
