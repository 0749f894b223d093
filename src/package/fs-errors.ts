/**
 * File-system failures met while packaging, as errors that name the path: a problem of the
 * project tree (unreadable, a name too long, a link loop) exits 2; anything else the file system
 * refuses (disk full, I/O error) is an environment failure and exits 1. Never E_INTERNAL.
 */
import { closeSync, constants as fsConstants, type Dirent, fstatSync, openSync, readFileSync, type Stats } from 'node:fs';
import { relative, sep } from 'node:path';
import { ExitCode, FnxError } from '../errors.js';
import { escapeControls } from '../report/format.js';

/** `abs` relative to the project root when it is inside it, else as is; control bytes escaped. */
export function showPath(abs: string, root: string): string {
  const r = root ? relative(root, abs) : '';
  const shown = r && !r.startsWith('..') ? (sep === '/' ? r : r.split(sep).join('/')) : abs;
  return escapeControls(shown.length > 300 ? `${shown.slice(0, 120)}…${shown.slice(-120)} (${shown.length} characters)` : shown);
}

/** What an entry that is not a regular file is, for messages: `a named pipe (FIFO)`, `a socket`, ... */
export function fileKind(st: Stats | Dirent): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

function errnoOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : undefined;
}

/** True for errors thrown by the fs module (they carry an errno code such as EACCES). */
export function isFsError(err: unknown): boolean {
  return err instanceof Error && errnoOf(err) !== undefined && /^E[A-Z]+$/.test(errnoOf(err)!);
}

/** The FnxError for a failed `action` ('read', 'list', 'write', ...) on `abs`. */
export function fsError(err: unknown, action: string, abs: string, root: string): FnxError {
  const code = errnoOf(err);
  const path = showPath(abs, root);
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return new FnxError(action === 'write' ? 'E_PACKAGE_WRITE' : 'E_PACKAGE_READ', `Cannot ${action} ${path}: permission denied.`, {
        hint: action === 'write' ? 'fnx writes its archives under .fnx/ in the project: make the project directory writable.' : 'Make it readable (chmod), or exclude it with package.exclude or .fnxignore.',
        exitCode: action === 'write' ? ExitCode.failed : ExitCode.usage,
        cause: err,
      });
    case 'ENAMETOOLONG':
      return new FnxError('E_PACKAGE_PATH', `Cannot ${action} ${path}: the path is too long for the file system.`, {
        hint: 'Shorten the folder names, or exclude the folder with package.exclude or .fnxignore.',
        exitCode: ExitCode.usage,
        cause: err,
      });
    case 'ELOOP':
      return new FnxError('E_PACKAGE_LINK_LOOP', `Cannot ${action} ${path}: it is a loop of symbolic links.`, {
        hint: 'Fix or delete the links, or exclude them with package.exclude or .fnxignore.',
        exitCode: ExitCode.usage,
        cause: err,
      });
    case 'ENOTDIR':
    case 'EEXIST':
      if (action === 'write') {
        return new FnxError('E_PACKAGE_WRITE', `Cannot write ${path}: a file is in the way of a folder fnx needs.`, {
          hint: 'fnx writes under .fnx/build and .fnx/cache: remove the file that is in the way.',
          exitCode: ExitCode.failed,
          cause: err,
        });
      }
      break;
  }
  return new FnxError(action === 'write' ? 'E_PACKAGE_WRITE' : 'E_PACKAGE_READ', `Cannot ${action} ${path}: ${code ?? (err instanceof Error ? err.message : String(err))}.`, {
    hint: 'Check the file system (disk space, permissions, mounts) and run again.',
    exitCode: ExitCode.failed,
    cause: err,
  });
}

/**
 * The text of a project file fnx reads for its own rules (`.fnxignore`, `package.json`,
 * `requirements.txt`, ...): undefined when it does not exist. Opened without blocking and checked
 * to be a regular file first, so a FIFO or a device there is an error (E_PACKAGE_SPECIAL_FILE)
 * instead of a hang; at most `maxBytes` (E_PACKAGE_FILE_SIZE beyond).
 */
export function readProjectText(file: string, root: string, maxBytes = 64 << 20): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT' || (err as { code?: string }).code === 'ENOTDIR') return undefined;
    throw fsError(err, 'read', file, root);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      throw new FnxError('E_PACKAGE_SPECIAL_FILE', `${showPath(file, root)} is ${fileKind(st)}, not a regular file fnx can read.`, {
        hint: 'Replace it with a regular file, or delete it.',
        exitCode: ExitCode.usage,
      });
    }
    if (st.size > maxBytes) {
      throw new FnxError('E_PACKAGE_FILE_SIZE', `${showPath(file, root)} is ${st.size} bytes; fnx reads at most ${maxBytes} bytes of it.`, {
        hint: 'Check that it is the file you meant.',
        exitCode: ExitCode.usage,
      });
    }
    return readFileSync(fd, 'utf8');
  } catch (err) {
    throw isFsError(err) ? fsError(err, 'read', file, root) : err;
  } finally {
    closeSync(fd);
  }
}
