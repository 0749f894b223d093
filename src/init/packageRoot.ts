/** Locates the installed fnx-cli package (source checkout, dist/ build, or node_modules). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FnxError } from '../errors.js';

export const PACKAGE_NAME = 'fnx-cli';

/**
 * Walks up from `from` (a file URL or path; default: this module) to the first directory whose
 * package.json is named fnx-cli. Throws an internal error if there is none: the package is broken.
 */
export function findPackageRoot(from: string | URL = import.meta.url): string {
  let dir = dirname(typeof from === 'string' && !from.startsWith('file:') ? from : fileURLToPath(from));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME) return dir;
      } catch {
        // An unreadable package.json is not ours: keep walking.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new FnxError('E_INTERNAL', `Cannot find the ${PACKAGE_NAME} package root above ${fileURLToPath(from)}`, {
    hint: 'The fnx installation is incomplete: reinstall fnx-cli.',
  });
}

/** The version in fnx-cli's own package.json. */
export function packageVersion(root: string): string {
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
}
