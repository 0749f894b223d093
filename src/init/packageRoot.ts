/** Locates the installed fnx-cli package (source checkout, dist/ build, or node_modules). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FnxError } from '../errors.js';

export const PACKAGE_NAME = 'fnx-cli';

/**
 * Walks up from `from` (a file URL or path; default: this module) to the first directory whose
 * package.json is named fnx-cli: that directory and the version its package.json declares.
 * Throws an internal error if there is none: the package is broken.
 */
export function findPackage(from: string | URL = import.meta.url): { root: string; version: string } {
  const start = typeof from === 'string' && !from.startsWith('file:') ? from : fileURLToPath(from);
  let dir = dirname(start);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const json = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown; version?: unknown };
        if (json.name === PACKAGE_NAME) return { root: dir, version: json.version as string };
      } catch {
        // An unreadable package.json is not ours: keep walking.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new FnxError('E_INTERNAL', `Cannot find the ${PACKAGE_NAME} package root above ${start}`, {
    hint: 'The fnx installation is incomplete: reinstall fnx-cli.',
  });
}

/** The fnx-cli package root above `from` (see findPackage). */
export function findPackageRoot(from: string | URL = import.meta.url): string {
  return findPackage(from).root;
}
