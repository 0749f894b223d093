/**
 * The size report `fnx package` and `fnx plan` show: per archive its zip and unzipped sizes, file
 * count, largest contributors (budget.ts), and the change against a baseline: what is deployed,
 * when the provider reports it (DeployedState.code), else the previous build's artifacts.json.
 */
import { readFileSync } from 'node:fs';
import type { DeployedCode } from '../driver.js';
import type { Artifact, ArtifactSet } from './artifact.js';

/** An archive as the previous `fnx package` (or plan, or deploy) of the stage wrote it. */
export interface PreviousArchive {
  readonly size: number;
  readonly unzippedSize: number;
  readonly sha256: string;
}

/**
 * One archive of the report. `previous`: the same archive (by path) in the previous build, or null.
 * `deployed`, only where the provider reports deployed code: the function's deployed zip, or null
 * when it is not deployed yet; when present it is the baseline the change is measured against.
 */
export type SizeRow = Artifact & { readonly previous: PreviousArchive | null; readonly deployed?: DeployedCode | null };

/** By archive path: the archives of the artifacts.json at `file` (none when it is missing or unreadable). */
export function previousBuild(file: string): Record<string, PreviousArchive> {
  try {
    const set = JSON.parse(readFileSync(file, 'utf8')) as ArtifactSet;
    return Object.fromEntries(set.artifacts.map((a) => [a.path, { size: a.size, unzippedSize: a.unzippedSize, sha256: a.sha256 }]));
  } catch {
    return {};
  }
}

/** The report rows of `artifacts`; `deployed` given: function archives are compared with it. */
export function sizeReport(artifacts: readonly Artifact[], previous: Readonly<Record<string, PreviousArchive>>, deployed?: Readonly<Record<string, DeployedCode>>): SizeRow[] {
  return artifacts.map((a) => ({
    ...a,
    previous: previous[a.path] ?? null,
    ...(deployed && a.type === 'function' ? { deployed: deployed[a.name] ?? null } : {}),
  }));
}
