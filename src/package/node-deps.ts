/**
 * The production dependency closure of a package.json: which folders under node_modules a
 * deployed function needs. devDependencies (and anything only they pull in) are left out.
 *
 * Fast path: npm's lock data (`node_modules/.package-lock.json`, written by every install, else
 * `package-lock.json`, lockfileVersion >= 2), used when it lists every direct dependency and every
 * listed production folder is installed. Otherwise the closure is computed by walking
 * package.json files with Node's resolution rules (nested node_modules first, then up the tree).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ExitCode, FnxError } from '../errors.js';
import { readProjectText } from './fs-errors.js';

interface PackageJson {
  name?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

interface LockPackage {
  dev?: boolean;
  devOptional?: boolean;
  optional?: boolean;
  link?: boolean;
}

export interface ProductionDeps {
  /** Package folders relative to the package.json's folder, posix (`node_modules/a`, `node_modules/a/node_modules/b`). */
  readonly packages: readonly string[];
  readonly source: 'lockfile' | 'walk';
}

/** A JSON file's value; undefined when it is missing or not JSON (a FIFO or device there is an error, not a hang). */
function readJson<T>(file: string): T | undefined {
  const text = readProjectText(file, '');
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function missingError(pkgJson: string, name: string): FnxError {
  return new FnxError('E_PACKAGE_DEPS_MISSING', `The production dependency "${name}" of ${pkgJson} is not installed in node_modules.`, {
    hint: 'Run `npm install` (or `npm ci`) in that folder before packaging.',
    exitCode: ExitCode.usage,
  });
}

function fromLock(dir: string, pkg: PackageJson): string[] | undefined {
  const lock =
    readJson<{ lockfileVersion?: number; packages?: Record<string, LockPackage> }>(join(dir, 'node_modules', '.package-lock.json')) ??
    readJson<{ lockfileVersion?: number; packages?: Record<string, LockPackage> }>(join(dir, 'package-lock.json'));
  if (!lock?.packages || (lock.lockfileVersion ?? 1) < 2) return undefined;
  const direct = { ...pkg.optionalDependencies, ...pkg.dependencies };
  for (const name of Object.keys(direct)) {
    if (!lock.packages[`node_modules/${name}`] && !pkg.optionalDependencies?.[name]) return undefined;
  }
  const out: string[] = [];
  for (const [key, p] of Object.entries(lock.packages)) {
    if (!key.startsWith('node_modules/') || p.dev || p.devOptional) continue;
    if (!isDir(join(dir, key))) {
      if (p.optional) continue;
      return undefined;
    }
    out.push(key);
  }
  return out;
}

function fromWalk(dir: string, pkgJson: string, pkg: PackageJson): string[] {
  const found = new Set<string>();
  const queue: Array<{ from: string; name: string; required: boolean }> = [];
  const enqueue = (from: string, p: PackageJson, isRoot: boolean) => {
    for (const name of Object.keys(p.dependencies ?? {})) queue.push({ from, name, required: true });
    for (const name of Object.keys(p.optionalDependencies ?? {})) queue.push({ from, name, required: false });
    if (!isRoot) for (const name of Object.keys(p.peerDependencies ?? {})) queue.push({ from, name, required: false });
  };
  enqueue('', pkg, true);
  while (queue.length) {
    const { from, name, required } = queue.shift()!;
    const hit = resolve(dir, from, name);
    if (!hit) {
      if (required) throw missingError(from ? join(dir, from, 'package.json') : pkgJson, name);
      continue;
    }
    if (found.has(hit)) continue;
    found.add(hit);
    enqueue(hit, readJson<PackageJson>(join(dir, hit, 'package.json')) ?? {}, false);
  }
  return [...found];
}

/** Node's lookup of `name` from the package folder `from` (relative to `dir`, '' for the root). */
function resolve(dir: string, from: string, name: string): string | undefined {
  let cur = from;
  for (;;) {
    const candidate = cur ? `${cur}/node_modules/${name}` : `node_modules/${name}`;
    if (isDir(join(dir, candidate))) return candidate;
    if (!cur) return undefined;
    // Climb to the enclosing package folder: strip "/node_modules/<name>" (scoped names have two parts).
    const idx = cur.lastIndexOf('/node_modules/');
    cur = idx < 0 ? '' : cur.slice(0, idx);
  }
}

/** Production dependency folders of `pkgJson`; empty when it has no dependencies. */
export function productionDeps(pkgJson: string): ProductionDeps {
  const pkg = readJson<PackageJson>(pkgJson);
  if (!pkg) {
    throw new FnxError('E_PACKAGE_JSON', `Cannot read ${pkgJson} as JSON.`, {
      hint: 'Check that the file exists and is valid JSON.',
      exitCode: ExitCode.usage,
    });
  }
  const dir = dirname(pkgJson);
  const hasDeps = Object.keys(pkg.dependencies ?? {}).length + Object.keys(pkg.optionalDependencies ?? {}).length > 0;
  if (!hasDeps) return { packages: [], source: 'walk' };
  if (!existsSync(join(dir, 'node_modules'))) {
    throw missingError(pkgJson, Object.keys(pkg.dependencies ?? {})[0] ?? Object.keys(pkg.optionalDependencies ?? {})[0]!);
  }
  const locked = fromLock(dir, pkg);
  if (locked) return { packages: locked.sort(), source: 'lockfile' };
  return { packages: fromWalk(dir, pkgJson, pkg).sort(), source: 'walk' };
}
