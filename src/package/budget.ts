/**
 * What a function's archive is made of, and its `package.budget`: the largest contributors of an
 * archive (a package under `node_modules/` by package name, else a top-level folder or file), and
 * the problems (a warning, an error with --strict) of each function archive past its budget.
 */
import { ExitCode, FnxError } from '../errors.js';
import type { ResolvedFunction } from '../manifest/model.js';
import { formatBytes } from '../report/bytes.js';
import type { Artifact } from './artifact.js';
import type { PlannedEntry } from './layout.js';

export interface Contributor {
  /** `node_modules/<package>` (scoped: `node_modules/@scope/name`), else the top-level folder or file. */
  readonly name: string;
  /** Unzipped bytes of its files. */
  readonly bytes: number;
  readonly files: number;
}

/** The group an archive path counts toward. */
function groupOf(name: string): string {
  const parts = name.split('/');
  const nm = parts.indexOf('node_modules');
  // The innermost node_modules package of the path: nested copies count for themselves.
  const last = parts.lastIndexOf('node_modules');
  if (nm >= 0 && last + 1 < parts.length - 1) {
    const scoped = parts[last + 1]!.startsWith('@');
    return parts.slice(0, last + (scoped ? 3 : 2)).join('/');
  }
  return parts[0]!;
}

/** The `count` largest contributors of an archive's entries, by unzipped bytes (ties by name). */
export function largestContributors(entries: readonly PlannedEntry[], count = 5): Contributor[] {
  const groups = new Map<string, { bytes: number; files: number }>();
  for (const e of entries) {
    const g = groupOf(e.name);
    const cur = groups.get(g) ?? { bytes: 0, files: 0 };
    cur.bytes += e.source.size;
    cur.files++;
    groups.set(g, cur);
  }
  return [...groups]
    .map(([name, g]) => ({ name, ...g }))
    .sort((a, b) => b.bytes - a.bytes || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, count);
}

/** One problem per function archive past its `package.budget` (unzipped, zipped). */
export function budgetProblems(functions: readonly ResolvedFunction[], artifacts: readonly Artifact[]): FnxError[] {
  const out: FnxError[] = [];
  for (const a of artifacts) {
    if (a.type !== 'function') continue;
    const budget = functions.find((f) => f.name === a.name)?.package.budget;
    if (!budget) continue;
    const over: string[] = [];
    if (budget.unzipped !== undefined && a.unzippedSize > budget.unzipped) over.push(`${formatBytes(a.unzippedSize)} unzipped, over its budget of ${formatBytes(budget.unzipped)}`);
    if (budget.zipped !== undefined && a.size > budget.zipped) over.push(`${formatBytes(a.size)} zipped, over its budget of ${formatBytes(budget.zipped)}`);
    if (!over.length) continue;
    const largest = (a.largest ?? []).map((c) => `${c.name} ${formatBytes(c.bytes)}`).join(', ');
    out.push(
      new FnxError('E_PACKAGE_BUDGET', `Function "${a.name}"${a.providers.length ? ` (${a.providers.join(', ')})` : ''} is ${over.join(' and ')} (package.budget).`, {
        hint: `${largest ? `Its largest contributors: ${largest}. ` : ''}Leave files out (package.exclude, .fnxignore), move dependencies to a layer, or raise package.budget.`,
        exitCode: ExitCode.usage,
        ...(budget.location ? { location: budget.location } : {}),
        details: { function: a.name, file: a.path, size: a.size, unzippedSize: a.unzippedSize, budget: { ...(budget.unzipped !== undefined ? { unzipped: budget.unzipped } : {}), ...(budget.zipped !== undefined ? { zipped: budget.zipped } : {}) } },
      }),
    );
  }
  return out;
}
