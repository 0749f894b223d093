/**
 * `@azure/functions`, which a v4 app's entry imports, copied into every Node artifact from fnx's
 * own installation (it is a dependency of fnx-cli): the package and its dependencies, under
 * `fnx_entry/node_modules/`, where only the generated entry resolves it (the user's own
 * node_modules are untouched). Only what runs is copied: JavaScript, JSON and licences, not
 * sources, types or source maps. Read once per process; sorted, so the bytes are deterministic.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import type { GeneratedFile } from '../../src/driver.js';
import type { app } from '@azure/functions';

/** The registration surface the generated entry calls (checked against the package's types). */
export type AzureApp = typeof app;

export const VENDOR_DIR = 'fnx_entry/node_modules';
const RUNTIME_PACKAGE = '@azure/functions';

let cached: readonly GeneratedFile[] | undefined;

const KEEP = /(\.(c|m)?js|\.json)$|(^|\/)LICEN[CS]E(\.\w+)?$/;
const DROP = /(\.d\.ts|\.map|\.min\.(c|m)?js|\.ts)$|(^|\/)(src|types|test|tests)\//;

function filesOf(dir: string, under = ''): string[] {
  return readdirSync(join(dir, under), { withFileTypes: true }).flatMap((e) => {
    const rel = under ? `${under}/${e.name}` : e.name;
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : filesOf(dir, rel);
    return KEEP.test(rel) && !DROP.test(rel) ? [rel] : [];
  });
}

/** The folder of `name` as `from` resolves it (its entry's nearest package.json named `name`). */
function packageDir(name: string, from: string): string {
  let dir = dirname(createRequire(from).resolve(name));
  for (;;) {
    try {
      if ((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name === name) return dir;
    } catch {}
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the folder of ${name}, which fnx copies into Azure packages`);
    dir = up;
  }
}

/** The vendored files of @azure/functions and its dependencies, sorted by path. */
export function vendoredRuntime(): readonly GeneratedFile[] {
  if (cached) return cached;
  const out = new Map<string, string>();
  const seen = new Set<string>();
  const visit = (name: string, from: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const dir = packageDir(name, from);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const rel of filesOf(dir)) out.set(`${VENDOR_DIR}/${name}/${rel.split(sep).join('/')}`, readFileSync(join(dir, rel), 'utf8'));
    for (const dep of Object.keys(pkg.dependencies ?? {}).sort()) visit(dep, join(dir, 'package.json'));
  };
  visit(RUNTIME_PACKAGE, import.meta.url);
  cached = [...out].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([path, content]) => ({ path, content }));
  return cached;
}

/** The vendored version of @azure/functions (for plan notes). */
export function vendoredVersion(): string {
  const dir = packageDir(RUNTIME_PACKAGE, import.meta.url);
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

