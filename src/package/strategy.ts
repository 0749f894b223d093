/**
 * What the `trace` and `bundle` strategies decide before the planner lays out archives: per Node
 * function, the files its handler reaches (trace.ts) or its bundle (bundle.ts) plus the files
 * the bundle still imports. Start points: the handler file and every on-disk file the providers'
 * generated entry adapters import relatively (they import the handler).
 *
 * Layers: a package layer's node_modules folder is not traced into (the layer brings it whole);
 * a package a folder layer holds (`nodejs/node_modules/<name>`, `nodejs/nodeNN/node_modules/<name>`
 * or `node_modules/<name>`) is not an error when the project does not install it.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, posix as posixPath } from 'node:path';
import { ExitCode, FnxError, FnxErrorList } from '../errors.js';
import type { GeneratedFile } from '../driver.js';
import type { ResolvedFunction, ResolvedLayer } from '../manifest/model.js';
import { plural } from '../report/plural.js';
import { bundleHandler, type Bundle } from './bundle.js';
import type { Tracer, TraceResult, Unresolved } from './trace.js';

export interface Prepared {
  readonly trace: TraceResult;
  /** The handler's bundle (strategy 'bundle'). */
  readonly bundle?: Bundle;
}

export interface PrepareInput {
  readonly root: string;
  readonly fn: ResolvedFunction;
  readonly handlerFile: string;
  readonly layers: readonly ResolvedLayer[];
  /** Every provider's generated files for the function. */
  readonly generated: readonly GeneratedFile[];
  readonly tracer: Tracer;
}

/** True when the function's files are chosen by tracing (or bundling). */
export function isTraced(fn: ResolvedFunction): boolean {
  return fn.runtime.startsWith('nodejs') && (fn.package.strategy === 'trace' || fn.package.strategy === 'bundle');
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Archive paths of the on-disk files the generated JavaScript files import relatively. */
function adapterImports(generated: readonly GeneratedFile[]): string[] {
  const out = new Set<string>();
  const ownPaths = new Set(generated.map((g) => g.path));
  for (const g of generated) {
    if (!/\.(m|c)?js$/.test(g.path)) continue;
    for (const m of g.content.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? m[3]!;
      if (!spec.startsWith('./') && !spec.startsWith('../')) continue;
      const rel = posixPath.normalize(posixPath.join(posixPath.dirname(g.path), spec));
      if (!rel.startsWith('../') && !ownPaths.has(rel)) out.add(rel);
    }
  }
  return [...out].sort();
}

function layerModules(layers: readonly ResolvedLayer[]): string[] {
  return layers.filter((l) => l.kind === 'package').map((l) => join(dirname(l.path), 'node_modules'));
}

function layerProvides(layers: readonly ResolvedLayer[]): (name: string) => boolean {
  const roots: string[] = [];
  for (const l of layers) {
    if (l.kind !== 'dir') continue;
    roots.push(join(l.path, 'nodejs', 'node_modules'), join(l.path, 'node_modules'));
    try {
      for (const d of readdirSync(join(l.path, 'nodejs'))) if (/^node\d+$/.test(d)) roots.push(join(l.path, 'nodejs', d, 'node_modules'));
    } catch {}
  }
  return (name) => roots.some((r) => existsSync(join(r, name)));
}

function unresolvedError(fn: ResolvedFunction, u: Unresolved): FnxError {
  const bare = !u.specifier.startsWith('.') && !u.specifier.startsWith('/');
  return new FnxError('E_PACKAGE_UNRESOLVED', `Function "${fn.name}": ${u.importer} imports "${u.specifier}", which cannot be found${bare ? ' in node_modules' : ''}.`, {
    hint: bare
      ? `Install it (npm install ${u.specifier}), list it in optionalDependencies if the code copes without it, or add it to package.external if the runtime provides it. Files the trace cannot see go in package.include; package.trace: false packages every production dependency.`
      : 'Fix the path (relative to the importing file, with its extension for ES modules), or add the file it names with package.include.',
    exitCode: ExitCode.usage,
    ...(fn.location ? { location: fn.location } : {}),
    details: { function: fn.name, importer: u.importer, specifier: u.specifier },
  });
}

/** Traces (and bundles) one function. Throws E_PACKAGE_UNRESOLVED for imports that cannot be found. */
export async function prepare(input: PrepareInput): Promise<Prepared> {
  const { root, fn, handlerFile, layers, tracer } = input;
  const entries = [...new Set([handlerFile, ...adapterImports(input.generated)])].map((p) => join(root, p));
  const common = { root, external: fn.package.external, layerModules: layerModules(layers), layerProvides: layerProvides(layers) };
  let bundle: Bundle | undefined;
  let trace: TraceResult;
  if (fn.package.strategy === 'bundle') {
    bundle = await bundleHandler({ root, handlerFile, runtime: fn.runtime, external: fn.package.external, function: fn.name, ...(fn.location ? { location: fn.location } : {}) });
    trace = await tracer.trace({ ...common, entries, contents: new Map([[join(root, handlerFile), bundle.code]]) });
  } else {
    trace = await tracer.trace({ ...common, entries });
  }
  const errors = trace.unresolved.map((u) => unresolvedError(fn, u));
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new FnxErrorList(errors, `Function "${fn.name}" has ${plural(errors.length, 'import')} that cannot be found`);
  return { trace, ...(bundle ? { bundle } : {}) };
}
