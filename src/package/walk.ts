/**
 * A synchronous directory walker that never leaves the project: symlinks are followed when their
 * target (real path) is inside the project root and refused with E_PACKAGE_ESCAPE otherwise.
 * A link to a folder that is being walked (an ancestor: a cycle) is not entered. The project's
 * `.fnx/` folder (build output, caches) is never entered, however it is reached. Paths handed out
 * are posix, relative to the walk start, in no particular order (archives sort their entries).
 *
 * Every file the rules take must be something an archive can hold safely: a regular file (a FIFO,
 * socket or device, or a link to one, is E_PACKAGE_SPECIAL_FILE) whose path is valid UTF-8 and
 * has no backslash (Windows unzippers read `\` as a folder separator, so `..\x` would climb out:
 * E_PACKAGE_NAME). File-system failures become errors naming the path (fs-errors.ts).
 */
import { readdirSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import { relative, sep } from 'node:path';
import { ExitCode, FnxError, type SourceLocation } from '../errors.js';
import { fileKind, fsError, showPath } from './fs-errors.js';

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

function specialFileError(shown: string, kind: string, target?: string): FnxError {
  return new FnxError('E_PACKAGE_SPECIAL_FILE', `${shown} is ${target ? `a symbolic link to ${target}, ` : ''}${kind}, which cannot be packaged.`, {
    hint: 'Only regular files go into an archive: delete it, or exclude it with package.exclude or .fnxignore.',
    exitCode: ExitCode.usage,
  });
}

function nameError(shown: string, why: string): FnxError {
  return new FnxError('E_PACKAGE_NAME', `${shown} ${why}.`, {
    hint: 'Rename it, or exclude it with package.exclude or .fnxignore.',
    exitCode: ExitCode.usage,
  });
}

/**
 * The raw bytes of the entries of `dirAbs` whose names are not valid UTF-8, by the name Node
 * decodes them to (with U+FFFD for the bad bytes). Only read for a folder where such a name shows.
 */
function invalidNames(dirAbs: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const raw of readdirSync(dirAbs, { encoding: 'buffer' })) {
    const name = raw.toString('utf8');
    if (!Buffer.from(name, 'utf8').equals(raw)) out.set(name, raw);
  }
  return out;
}

/**
 * Walks `startAbs` (which must be inside `realRoot`), calling `onFile` for every file the rules keep.
 * `relPrefix` is prepended to the relative paths given to the rules and to onFile.
 */
export function walk(startAbs: string, realRoot: string, rules: WalkRules, onFile: (f: FoundFile) => void, relPrefix = ''): void {
  let startReal: string;
  try {
    startReal = realpathSync.native(startAbs);
  } catch (err) {
    throw fsError(err, 'read', startAbs, realRoot);
  }
  if (!isInside(realRoot, startReal)) throw escapeError(startAbs, startReal, realRoot);
  const fnxReal = `${realRoot}${sep}.fnx`;
  const inFnx = (real: string) => real === fnxReal || real.startsWith(fnxReal + sep);
  if (inFnx(startReal)) return;
  const stack = new Set<string>([startReal]);
  const checkName = (rel: string, abs: string) => {
    if (rel.includes('\\')) throw nameError(showPath(abs, realRoot), 'has a backslash in its name, which Windows unzippers read as a folder separator (a name like ..\\x would land outside the folder it is unzipped into)');
  };
  const visit = (dirAbs: string, dirRel: string, dirReal: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dirAbs, { withFileTypes: true });
    } catch (err) {
      throw fsError(err, 'list', dirAbs, realRoot);
    }
    let invalid: Map<string, Buffer> | undefined;
    for (const d of entries) {
      const name = d.name;
      const raw = name.includes('\ufffd') ? (invalid ??= invalidNames(dirAbs)).get(name) : undefined;
      if (raw) {
        const rel = dirRel ? `${dirRel}/${name}` : name;
        if (d.isDirectory() ? !rules.enterDir(rel) : !rules.takeFile(rel)) continue;
        throw nameError(showPath(`${dirAbs}${sep}${name}`, realRoot), `has a name that is not valid UTF-8 (bytes ${raw.toString('hex').replace(/(..)/g, '$1 ').trim()}), which a zip archive cannot name portably`);
      }
      const abs = `${dirAbs}${sep}${name}`;
      const rel = dirRel ? `${dirRel}/${name}` : name;
      if (d.isSymbolicLink()) {
        let real: string;
        let st: Stats;
        try {
          real = realpathSync.native(abs);
          st = statSync(real);
        } catch (err) {
          if (!rules.takeFile(rel)) continue;
          const code = (err as { code?: string }).code;
          if (code !== 'ENOENT' && code !== 'ENOTDIR') throw fsError(err, 'read', abs, realRoot);
          throw new FnxError('E_PACKAGE_BROKEN_LINK', `${showPath(abs, realRoot)} is a symbolic link whose target does not exist.`, {
            hint: 'Fix or delete the link, or exclude it with package.exclude or .fnxignore.',
            exitCode: ExitCode.usage,
          });
        }
        if (inFnx(real)) continue;
        if (st.isDirectory()) {
          if (!rules.enterDir(rel)) continue;
          if (!isInside(realRoot, real)) throw escapeError(`The symbolic link ${abs}`, real, realRoot);
          if (stack.has(real)) continue;
          stack.add(real);
          visit(abs, rel, real);
          stack.delete(real);
        } else {
          if (!rules.takeFile(rel)) continue;
          if (!st.isFile()) throw specialFileError(showPath(abs, realRoot), fileKind(st), real);
          if (!isInside(realRoot, real)) throw escapeError(`The symbolic link ${abs}`, real, realRoot);
          checkName(rel, abs);
          onFile({ rel, abs, real, stat: st });
        }
        continue;
      }
      if (d.isDirectory()) {
        const real = `${dirReal}${sep}${name}`;
        if (inFnx(real) || !rules.enterDir(rel)) continue;
        stack.add(real);
        visit(abs, rel, real);
        stack.delete(real);
      } else if (rules.takeFile(rel)) {
        if (!d.isFile()) throw specialFileError(showPath(abs, realRoot), fileKind(d));
        checkName(rel, abs);
        let st: Stats;
        try {
          st = statSync(abs);
        } catch (err) {
          throw fsError(err, 'read', abs, realRoot);
        }
        onFile({ rel, abs, real: abs, stat: st });
      }
    }
  };
  visit(startAbs, relPrefix, startReal);
}
