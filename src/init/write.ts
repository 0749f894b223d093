/**
 * Writing a project into a directory safely. Nothing is ever deleted; with --force only the
 * files the template writes are replaced. Files are first written to a staging directory next
 * to (or inside) the target, then moved into place, so a failure while writing leaves nothing
 * behind, and a failure while moving (rare: renames within one directory) is reported with the
 * exact list of files already in place.
 */
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ExitCode, FnxError, messageOf } from '../errors.js';

export interface ProjectFile {
  /** Relative to the project directory, POSIX separators. */
  readonly path: string;
  readonly content: string;
}

/** `displayDir` arguments below name the directory in messages: "directory my-api", "the current directory". */
export interface TargetCheck {
  /** The directory exists already (empty, or non-empty with --force). */
  readonly exists: boolean;
  /** Files the template will replace (only possible with --force). */
  readonly overwritten: readonly string[];
}

/** Entries that do not make a directory "non-empty". */
const IGNORED_ENTRIES = new Set(['.git']);

/**
 * Decides whether `dir` may receive `files`. Throws a usage error (nothing written) when `dir`
 * is a file, is not empty and `force` is false, or when a template file would replace a
 * directory or needs a directory where a file is.
 */
export function checkTarget(dir: string, displayDir: string, files: readonly ProjectFile[], force: boolean): TargetCheck {
  const kind = pathKind(dir);
  if (kind === 'missing') return { exists: false, overwritten: [] };
  if (kind !== 'dir') {
    throw new FnxError('E_INIT_NOT_DIR', `${capitalise(displayDir)} exists and is not a directory.`, {
      hint: 'Choose another directory name for the new project.',
      exitCode: ExitCode.usage,
    });
  }
  const entries = readdirSync(dir).filter((e) => !IGNORED_ENTRIES.has(e));
  if (entries.length > 0 && !force) {
    const shown = entries.sort().slice(0, 5).join(', ') + (entries.length > 5 ? `, … (${entries.length} entries)` : '');
    throw new FnxError('E_INIT_NOT_EMPTY', `${capitalise(displayDir)} is not empty (${shown}); nothing was written.`, {
      hint: 'Use an empty or new directory, or add --force to write the template files into it (other files are kept; files with the same names are overwritten).',
      exitCode: ExitCode.usage,
    });
  }
  const overwritten: string[] = [];
  for (const file of files) {
    const parts = file.path.split('/');
    for (let i = 1; i < parts.length; i += 1) {
      const ancestor = parts.slice(0, i).join('/');
      const k = pathKind(join(dir, ancestor));
      if (k !== 'missing' && k !== 'dir') throw conflict(displayDir, file.path, `${ancestor} is a file, but the template needs a directory there`);
    }
    const k = pathKind(join(dir, file.path));
    if (k === 'dir') throw conflict(displayDir, file.path, `${file.path} is a directory, but the template writes a file there`);
    if (k !== 'missing') overwritten.push(file.path);
  }
  return { exists: true, overwritten };
}

/** Writes `files` into `dir` (created if missing). See the module comment for the guarantees. */
export function writeProject(dir: string, displayDir: string, files: readonly ProjectFile[], exists: boolean): void {
  if (!exists) {
    const parent = dirname(dir);
    mkdirSync(parent, { recursive: true });
    const staging = mkdtempSync(join(parent, `.${basename(dir)}.fnx-init-`));
    try {
      writeAll(staging, files);
      renameSync(staging, dir);
    } catch (err) {
      rmSync(staging, { recursive: true, force: true });
      throw writeFailed(displayDir, err, []);
    }
    return;
  }
  const staging = mkdtempSync(join(dir, '.fnx-init-'));
  const moved: string[] = [];
  try {
    writeAll(staging, files);
    for (const file of files) {
      const dest = join(dir, file.path);
      mkdirSync(dirname(dest), { recursive: true });
      renameSync(join(staging, file.path), dest);
      moved.push(file.path);
    }
  } catch (err) {
    throw writeFailed(displayDir, err, moved);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function writeAll(root: string, files: readonly ProjectFile[]): void {
  for (const file of files) {
    const dest = join(root, file.path);
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, file.content);
  }
}

type PathKind = 'missing' | 'dir' | 'file';

/** What is at `path`, following symlinks (a dangling symlink counts as a file: it is never replaced silently). */
function pathKind(path: string): PathKind {
  try {
    return statSync(path).isDirectory() ? 'dir' : 'file';
  } catch {
    try {
      lstatSync(path);
      return 'file';
    } catch {
      return 'missing';
    }
  }
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function conflict(displayDir: string, file: string, why: string): FnxError {
  return new FnxError('E_INIT_CONFLICT', `Cannot write ${file} in ${displayDir}: ${why}; nothing was written.`, {
    hint: 'Move that entry out of the way, or init into another directory.',
    exitCode: ExitCode.usage,
  });
}

function writeFailed(displayDir: string, err: unknown, moved: readonly string[]): FnxError {
  const reason = messageOf(err);
  const partial = moved.length > 0 ? ` The project is INCOMPLETE: only these files were written: ${moved.join(', ')}.` : ' Nothing was written.';
  return new FnxError('E_INIT_WRITE', `Could not write the project into ${displayDir}: ${reason}.${partial}`, {
    hint: moved.length > 0 ? 'Fix the cause, then run the same `fnx init` again with --force to finish.' : 'Fix the cause (permissions, disk space) and run the same command again.',
    exitCode: ExitCode.failed,
    cause: err,
  });
}
