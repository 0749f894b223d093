/** Shared pieces of the hostile-package tests: running packaging and reading what a user sees. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FnxError } from '../../../src/errors.js';
import type { ResolvedManifest } from '../../../src/manifest/model.js';
import { packageArtifacts } from '../../../src/package/index.js';
import { makeProject } from './helpers.js';

/** Root ignores file permissions, so chmod 000 cannot make a file unreadable to it. */
export const runsAsRoot = typeof process.getuid === 'function' && process.getuid() === 0;

const dirs: string[] = [];

/** A temp folder outside every project, removed by removeTempDirs(). */
export function tempDir(prefix = 'fnx-hostile-'): string {
  const d = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  dirs.push(d);
  return d;
}

/** `rm -rf` copes with trees Node's rmSync cannot (paths past PATH_MAX, names that are not UTF-8, mode 000). */
export function removeTree(dir: string): void {
  spawnSync('chmod', ['-R', 'u+rwx', dir]);
  spawnSync('rm', ['-rf', dir]);
}

export function removeTempDirs(): void {
  for (const d of dirs.splice(0)) removeTree(d);
}

/** The FnxError packaging throws (fails the test when it succeeds or throws something else). */
export async function packagingError(m: ResolvedManifest): Promise<FnxError> {
  try {
    await packageArtifacts(m, { cache: true });
  } catch (err) {
    if (err instanceof FnxError) return err;
    throw new Error(`expected an FnxError, got ${String(err)}`, { cause: err });
  }
  throw new Error('expected packaging to fail');
}

/** An archive name that cannot land outside the folder it is unzipped into, on Unix or Windows. */
export function isSafeEntryName(name: string): boolean {
  return name !== '' && !name.startsWith('/') && !name.includes('\\') && !/^[a-zA-Z]:/.test(name) && !name.split('/').some((s) => s === '..' || s === '.' || s === '');
}

/** A temp project with `files` (see makeProject), removed with `rm -rf` by removeTempDirs(). */
export function hostileProject(files: Parameters<typeof makeProject>[0]): string {
  return makeProject(files, tempDir());
}
