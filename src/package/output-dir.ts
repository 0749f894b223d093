/**
 * The folders fnx writes under the project (`.fnx/build/<stage>/...`, `.fnx/cache/package/...`),
 * created one level at a time so a write never goes through a symbolic link: a link anywhere on
 * the way (`.fnx`, `.fnx/build`, ...) could send archives and cache files outside the project, so
 * it is refused (E_PACKAGE_OUTPUT_LINK, exit 2) and nothing is written.
 */
import { lstatSync, mkdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, FnxError } from '../errors.js';
import { fsError, showPath } from './fs-errors.js';

/** Creates `root/<parts...>` (each part one folder name) and returns its path. */
export function ensureOutputDir(root: string, parts: readonly string[]): string {
  let cur = root;
  for (const part of parts) {
    cur = join(cur, part);
    let st;
    try {
      st = lstatSync(cur, { throwIfNoEntry: false });
      if (!st) {
        mkdirSync(cur);
        continue;
      }
    } catch (err) {
      throw fsError(err, 'write', cur, root);
    }
    if (st.isSymbolicLink()) {
      let target = '?';
      try {
        target = readlinkSync(cur);
      } catch {}
      throw new FnxError('E_PACKAGE_OUTPUT_LINK', `${showPath(cur, root)} is a symbolic link (to ${target}); fnx does not write its build output or cache through links.`, {
        hint: `Remove the link (rm ${showPath(cur, root)}); fnx recreates the folder. To keep build output elsewhere, copy it from .fnx/build after packaging.`,
        exitCode: ExitCode.usage,
      });
    }
    if (!st.isDirectory()) throw fsError(Object.assign(new Error('not a directory'), { code: 'ENOTDIR' }), 'write', cur, root);
  }
  return cur;
}
