/**
 * A synchronous directory walker that never leaves the project: symlinks are followed when their
 * target (real path) is inside the project root and refused with E_PACKAGE_ESCAPE otherwise.
 * Directory cycles through symlinks are cut. Paths handed out are posix, relative to the walk
 * start, in no particular order (archives sort their entries).
 */
import { readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { relative, sep } from 'node:path';
import { ExitCode, FnxError, type SourceLocation } from '../errors.js';

export interface FoundFile {
  /** Posix path relative to the walk start. */
  readonly rel: string;
  /** Absolute path as found (through symlinks). */
  readonly abs: string;
  /** Real path of the file. */
  readonly real: string;
  readonly stat: Stats;
}

export interface WalkRules {
  /** False prunes a directory (posix path relative to the walk start). */
  enterDir(rel: string): boolean;
  /** False skips a file. */
  takeFile(rel: string): boolean;
}

/** Real path of the project root; everything packaged must resolve inside it. */
export function isInside(realRoot: string, realPath: string): boolean {
  if (realPath === realRoot) return true;
  const r = relative(realRoot, realPath);
  return r !== '' && !r.startsWith('..' + sep) && r !== '..' && !r.startsWith(sep) && !/^[a-zA-Z]:/.test(r);
}

/** `location`: where the manifest names the path (a layer's `path:` / `from:`), when it does. */
export function escapeError(what: string, target: string, root: string, location?: SourceLocation): FnxError {
  return new FnxError('E_PACKAGE_ESCAPE', `${what} resolves to ${target}, outside the project directory ${root}.`, {
    hint: 'Only files inside the directory of fnx.yaml can be packaged: move or copy them into the project, or use a layer folder inside it.',
    exitCode: ExitCode.usage,
    ...(location ? { location } : {}),
  });
}

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

/**
 * Walks `startAbs` (which must be inside `realRoot`), calling `onFile` for every file the rules keep.
 * `relPrefix` is prepended to the relative paths given to the rules and to onFile.
 */
export function walk(startAbs: string, realRoot: string, rules: WalkRules, onFile: (f: FoundFile) => void, relPrefix = ''): void {
  const startReal = realpathSync.native(startAbs);
  if (!isInside(realRoot, startReal)) throw escapeError(startAbs, startReal, realRoot);
  const stack = new Set<string>([startReal]);
  const visit = (dirAbs: string, dirRel: string) => {
    for (const d of readdirSync(dirAbs, { withFileTypes: true })) {
      const abs = `${dirAbs}${sep}${d.name}`;
      const rel = dirRel ? `${dirRel}/${d.name}` : d.name;
      if (d.isSymbolicLink()) {
        let real: string;
        let st: Stats;
        try {
          real = realpathSync.native(abs);
          st = statSync(real);
        } catch {
          if (!rules.takeFile(rel)) continue;
          throw new FnxError('E_PACKAGE_BROKEN_LINK', `${toPosix(relative(realRoot, abs)) || abs} is a symbolic link whose target does not exist.`, {
            hint: 'Fix or delete the link, or exclude it with package.exclude or .fnxignore.',
            exitCode: ExitCode.usage,
          });
        }
        if (st.isDirectory()) {
          if (!rules.enterDir(rel)) continue;
          if (!isInside(realRoot, real)) throw escapeError(`The symbolic link ${abs}`, real, realRoot);
          if (stack.has(real)) continue;
          stack.add(real);
          visit(abs, rel);
          stack.delete(real);
        } else if (st.isFile()) {
          if (!rules.takeFile(rel)) continue;
          if (!isInside(realRoot, real)) throw escapeError(`The symbolic link ${abs}`, real, realRoot);
          onFile({ rel, abs, real, stat: st });
        }
        continue;
      }
      if (d.isDirectory()) {
        if (rules.enterDir(rel)) visit(abs, rel);
      } else if (d.isFile()) {
        if (rules.takeFile(rel)) {
          const st = statSync(abs);
          onFile({ rel, abs, real: abs, stat: st });
        }
      }
    }
  };
  visit(startAbs, relPrefix);
}
