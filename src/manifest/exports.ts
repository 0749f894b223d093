/**
 * Whether a handler file defines the exported name, read statically: the user's code is never run.
 * The answer is 'missing' only when the read is sure; anything the read cannot follow (exports
 * computed at run time, re-exports from packages, syntax the lexers do not parse) is 'unknown',
 * so a valid handler is never rejected.
 *
 * - ES modules (es-module-lexer): exports are static; `export * from './x'` is followed.
 * - CommonJS (cjs-module-lexer, the lexer Node itself uses for named imports of CommonJS):
 *   `exports.x =`, `module.exports = { ... }`, `Object.defineProperty(exports, 'x', ...)` and
 *   re-exports of relative files. Missing is sure only when the name does not occur in the file at
 *   all and nothing in it could bring exports in from elsewhere.
 * - Python: the name must occur in the module (a top-level `def`, an assignment, an import);
 *   `from x import *` and other dynamic definitions make the answer 'unknown'.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';

export type ExportAnswer =
  | { readonly state: 'found' | 'unknown' }
  | { readonly state: 'missing'; readonly exports: readonly string[]; readonly format: 'esm' | 'cjs' | 'python' };

const FOUND = { state: 'found' } as const;
const UNKNOWN = { state: 'unknown' } as const;
/** How many files of `export * from` / re-export chains are followed. */
const MAX_FILES = 16;

const escape = (s: string) => s.replace(/[$]/g, '\\$');
const mentions = (source: string, name: string) => new RegExp(`(^|[^A-Za-z0-9_$])${escape(name)}($|[^A-Za-z0-9_$])`).test(source);

/** Does the Python module `file` define `name`? */
export async function pythonExport(file: string, name: string): Promise<ExportAnswer> {
  const source = await readText(file);
  if (source === undefined) return UNKNOWN;
  if (mentions(source, name)) return FOUND;
  if (/^\s*from\s+\S+\s+import\s+\*/m.test(source) || /\b(globals|setattr|exec|__getattr__|__import__)\b/.test(source)) return UNKNOWN;
  const defined = [...source.matchAll(/^(?:async\s+def|def|class)\s+([A-Za-z_][A-Za-z0-9_]*)/gm)].map((m) => m[1]!);
  return { state: 'missing', exports: [...new Set(defined)], format: 'python' };
}

/** Does the JavaScript module `file` export `name`? */
export async function nodeExport(file: string, name: string): Promise<ExportAnswer> {
  const seen = new Set<string>();
  const r = await exportsOf(file, seen);
  if (r.names.has(name)) return FOUND;
  if (!r.sure || r.mentions(name)) return UNKNOWN;
  return { state: 'missing', exports: [...r.names].filter((n) => n !== '__esModule').sort(), format: r.esm ? 'esm' : 'cjs' };
}

interface Exports {
  readonly names: Set<string>;
  /** False when exports may exist that the read could not see. */
  readonly sure: boolean;
  /** True when a CommonJS file of the chain names `name` somewhere (it may export it in a way the lexer missed). */
  readonly mentions: (name: string) => boolean;
  /** The file itself is an ES module. */
  readonly esm?: boolean;
}

const unsure = (): Exports => ({ names: new Set(), sure: false, mentions: () => true });

async function exportsOf(file: string, seen: Set<string>): Promise<Exports> {
  if (seen.has(file)) return { names: new Set(), sure: true, mentions: () => false };
  if (seen.size >= MAX_FILES) return unsure();
  seen.add(file);
  const raw = await readText(file);
  if (raw === undefined) return unsure();
  const source = raw.startsWith('#!') ? raw.replace(/^#![^\n]*/, '') : raw;
  const esm = await esmParse(file, source);
  return esm ? esmExports(file, source, seen, esm.parsed) : cjsExports(file, source, seen);
}

type EsmParse = ReturnType<typeof import('es-module-lexer').parse>;

/**
 * Defined when `file` runs as an ES module; `parsed` is its lexer result when telling took a parse
 * (a .js file outside "type": "module"), so it is not parsed twice.
 */
async function esmParse(file: string, source: string): Promise<{ parsed?: EsmParse } | undefined> {
  const ext = extname(file);
  if (ext === '.mjs') return {};
  if (ext === '.cjs') return undefined;
  if ((await packageType(dirname(file))) === 'module') return {};
  // A .js file outside "type": "module" that uses import/export runs as an ES module on Node 22.
  const { initSync, parse } = await import('es-module-lexer');
  initSync();
  try {
    const parsed = parse(source);
    return parsed[3] ? { parsed } : undefined;
  } catch {
    return undefined;
  }
}

async function esmExports(file: string, source: string, seen: Set<string>, known?: EsmParse): Promise<Exports> {
  const { initSync, parse } = await import('es-module-lexer');
  initSync();
  let parsed = known;
  try {
    parsed ??= parse(source);
  } catch {
    return unsure();
  }
  const [imports, exports] = parsed;
  const names = new Set(exports.map((e) => e.n));
  let sure = true;
  const mentionedBy: ((name: string) => boolean)[] = [];
  for (const i of imports) {
    // `export * from 'x'` (not `export * as ns from`, which is a named export).
    if (i.t !== 1 || !/^export\s*\*\s*from/.test(source.slice(i.ss, i.s - 1))) continue;
    const target = i.n === undefined ? undefined : await resolveRelative(file, i.n);
    if (!target) {
      sure = false;
      continue;
    }
    const r = await exportsOf(target, seen);
    for (const n of r.names) if (n !== 'default') names.add(n);
    sure &&= r.sure;
    mentionedBy.push(r.mentions);
  }
  return { names, sure, mentions: (n) => mentionedBy.some((m) => m(n)), esm: true };
}

/** Ways a CommonJS module can get exports that a static read cannot list. */
const OPAQUE_CJS = [
  /module\.exports\s*=(?!=)\s*(?![\s{]|require\s*\()/,
  /Object\.(assign|defineProperties|setPrototypeOf)\s*\(\s*(module\.)?exports\b/,
  /\b(module\.)?exports\s*\[/,
  /Object\.defineProperty\s*\(\s*(module\.)?exports\s*,\s*(?!['"`])/,
  /\.\.\.\s*(?!require\s*\()[A-Za-z_$]/,
  /\b__(exportStar|export|reExport)\b/,
];

async function cjsExports(file: string, source: string, seen: Set<string>): Promise<Exports> {
  const { parse } = await import('cjs-module-lexer');
  let parsed;
  try {
    parsed = parse(source);
  } catch {
    return unsure();
  }
  const names = new Set(parsed.exports);
  let sure = !OPAQUE_CJS.some((re) => re.test(source));
  const mentionedBy: ((name: string) => boolean)[] = [(n) => mentions(source, n)];
  for (const spec of parsed.reexports) {
    const target = await resolveRelative(file, spec);
    if (!target) {
      sure = false;
      continue;
    }
    const r = await exportsOf(target, seen);
    for (const n of r.names) names.add(n);
    sure &&= r.sure;
    mentionedBy.push(r.mentions);
  }
  return { names, sure, mentions: (n) => mentionedBy.some((m) => m(n)) };
}

/** The file a relative specifier names (as Node resolves a relative require), or undefined for packages and unresolvable paths. */
async function resolveRelative(from: string, spec: string): Promise<string | undefined> {
  if (!spec.startsWith('./') && !spec.startsWith('../')) return undefined;
  const base = join(dirname(from), spec);
  for (const candidate of [base, `${base}.js`, `${base}.mjs`, `${base}.cjs`, join(base, 'index.js'), join(base, 'index.mjs'), join(base, 'index.cjs')]) {
    if (await isFile(candidate)) return candidate;
  }
  return undefined;
}

/** "type" of the nearest package.json at or above `dir`, as Node reads it for a .js file there. */
export async function packageType(dir: string): Promise<string | undefined> {
  for (let d = dir; ; d = dirname(d)) {
    const text = await readText(join(d, 'package.json'));
    if (text !== undefined) {
      try {
        const type = (JSON.parse(text) as { type?: unknown }).type;
        return typeof type === 'string' ? type : undefined;
      } catch {
        return undefined;
      }
    }
    if (dirname(d) === d) return undefined;
  }
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

export async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
