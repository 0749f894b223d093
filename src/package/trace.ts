/**
 * Per-function dependency tracing: which files of the project and of node_modules a Node handler
 * reaches, found by @vercel/nft (static `import` / `require`, `import()` and `require()` of a
 * string literal, `exports` / `imports` maps with the node, import, require and default
 * conditions, JSON imports, `__dirname`-relative assets, `bindings` / `node-gyp-build` addons).
 * Files are listed, never changed. Every package with a native addon (`binding.gyp`, `build/`,
 * `prebuilds/`) is reported in `nativePackages`, so the planner adds its addon files for every
 * platform (nft keeps only the packaging machine's prebuild).
 *
 * An import that cannot be resolved is `unresolved` when a project file (outside node_modules)
 * makes it and it is neither optional (the importer's package.json lists it under
 * `optionalDependencies` or an optional peer), nor in `external`, nor provided by a layer
 * (`layerProvides`). Inside node_modules an unresolvable import is left alone: packages probe
 * optional modules in try/catch. Computed specifiers (`require(name)`) are not followed.
 *
 * Tracer caches results in `.fnx/cache/trace.json` (see there).
 */
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire, isBuiltin } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import pLimit from 'p-limit';

export interface TraceRequest {
  /** The project root (nft's base): files outside it are not traced. */
  readonly root: string;
  /** Absolute paths of the files to start from. */
  readonly entries: readonly string[];
  /** Package names (or `name/*` prefixes) whose absence is not an error. */
  readonly external: readonly string[];
  /** Absolute node_modules folders a layer provides: not traced, not packaged. */
  readonly layerModules: readonly string[];
  /** True when a layer folder provides the package `name` (not installed in the project). */
  readonly layerProvides: (name: string) => boolean;
  /** Files whose text the trace reads from here instead of the disk (a bundle at its handler's path). */
  readonly contents?: ReadonlyMap<string, string>;
}

export interface Unresolved {
  /** Posix path of the importing file, relative to the root. */
  readonly importer: string;
  readonly specifier: string;
}

export interface TraceResult {
  /** Posix paths relative to the root, sorted. */
  readonly files: readonly string[];
  /** Package folders (posix, relative to the root) holding a native addon. */
  readonly nativePackages: readonly string[];
  readonly unresolved: readonly Unresolved[];
  /** Symbolic links the trace went through (posix, relative to the root): archives cannot hold them. */
  readonly links: readonly string[];
}

const posix = (p: string) => (sep === '/' ? p : p.split(sep).join('/'));

/** The package a bare specifier names (`@s/a/b` → `@s/a`), undefined for a relative or absolute one. */
export function packageName(specifier: string): string | undefined {
  if (/^(\.{1,2}(\/|$)|\/|#|[a-zA-Z]:)/.test(specifier) || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** True when `specifier` is one of `external` (a name, `name/sub`, or a `prefix/*` glob). */
export function isExternal(specifier: string, external: readonly string[]): boolean {
  return external.some((e) => (e.endsWith('/*') ? specifier.startsWith(e.slice(0, -1)) : specifier === e || specifier.startsWith(`${e}/`)));
}

/** The package folder holding `rel` (posix, relative to the root), or undefined for a project file. */
export function packageDirOf(rel: string): string | undefined {
  const i = rel.lastIndexOf('node_modules/');
  if (i < 0) return undefined;
  const rest = rel.slice(i + 'node_modules/'.length).split('/');
  const n = rest[0]?.startsWith('@') ? 2 : 1;
  if (rest.length <= n) return undefined;
  return rel.slice(0, i) + 'node_modules/' + rest.slice(0, n).join('/');
}

interface PackageJson {
  optionalDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  dependencies?: Record<string, string>;
  gypfile?: boolean;
}

function readJson(file: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

/** The nearest package.json above `file` (inside `root`), parsed. */
function nearestPackage(file: string, root: string): PackageJson | undefined {
  for (let d = dirname(file); d.startsWith(root); d = dirname(d)) {
    const pkg = readJson(join(d, 'package.json'));
    if (pkg) return pkg;
    if (d === root) break;
  }
  return undefined;
}

const ADDON_LOADERS = ['bindings', 'node-gyp-build', 'node-gyp-build-optional-packages', '@mapbox/node-pre-gyp', 'node-pre-gyp', 'prebuild-install'];

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** True when the package folder `dir` ships a native addon. */
export function hasNativeAddon(dir: string): boolean {
  if (isDir(join(dir, 'prebuilds')) || isDir(join(dir, 'build'))) {
    const pkg = readJson(join(dir, 'package.json'));
    if (pkg?.gypfile || Object.keys(pkg?.dependencies ?? {}).some((d) => ADDON_LOADERS.includes(d))) return true;
    try {
      return statSync(join(dir, 'binding.gyp')).isFile() || isDir(join(dir, 'prebuilds'));
    } catch {
      return false;
    }
  }
  return false;
}

async function readText(path: string): Promise<string | Buffer | null> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return null;
    throw err;
  }
}

/** Traces `req` with nft (loaded on first use). */
export async function traceFiles(req: TraceRequest, analysisCache?: Map<string, unknown>): Promise<TraceResult> {
  const nft = await import('@vercel/nft');
  const unresolved: Unresolved[] = [];
  const layerDirs = req.layerModules.map((d) => d + sep);
  const inLayer = (abs: string) => layerDirs.some((d) => abs.startsWith(d));
  const result = await nft.nodeFileTrace([...req.entries], {
    base: req.root,
    processCwd: req.root,
    conditions: ['node'],
    ts: false,
    ...(analysisCache ? { cache: { analysisCache } } : {}),
    ignore: (p: string) => inLayer(join(req.root, p)),
    readFile: async (p: string) => req.contents?.get(p) ?? readText(p),
    resolve: async (id, parent, job, cjs) => {
      try {
        return await nft.resolve(id, parent, job, cjs);
      } catch (err) {
        const name = packageName(id);
        const quiet =
          isBuiltin(id) ||
          // A bundle: esbuild already refused what it could not resolve outside a try block.
          req.contents?.has(parent) === true ||
          posix(relative(req.root, parent)).split('/').includes('node_modules') ||
          isExternal(id, req.external) ||
          (name !== undefined && (req.layerProvides(name) || isOptional(name, nearestPackage(parent, req.root))));
        if (!quiet) unresolved.push({ importer: posix(relative(req.root, parent)), specifier: id });
        throw err;
      }
    },
  });
  const files = [...result.fileList].map(posix).filter((f) => !f.startsWith('../') && !inLayer(join(req.root, f)));
  const packages = new Set<string>();
  for (const f of files) {
    const p = packageDirOf(f);
    if (p) packages.add(p);
  }
  const nativePackages = [...packages].filter((p) => hasNativeAddon(join(req.root, p))).sort();
  const seen = new Set<string>();
  const unique = unresolved.filter((u) => {
    const k = `${u.importer}\0${u.specifier}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
  unique.sort((a, b) => (a.importer === b.importer ? (a.specifier < b.specifier ? -1 : 1) : a.importer < b.importer ? -1 : 1));
  const links = files.filter((f) => {
    try {
      return lstatSync(join(req.root, f)).isSymbolicLink();
    } catch {
      return false;
    }
  });
  return { files: files.filter((f) => !links.includes(f)).sort(), nativePackages, unresolved: unique, links: links.sort() };
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

function isOptional(name: string, pkg: PackageJson | undefined): boolean {
  return !!pkg && (pkg.optionalDependencies?.[name] !== undefined || pkg.peerDependenciesMeta?.[name]?.optional === true);
}

interface CacheRecord {
  /** [path relative to the root, size, mtimeMs] of every traced file and the folders holding them; -1 for a path that did not exist. */
  readonly stats: Array<[string, number, number]>;
  readonly result: TraceResult;
}

/** nft's analysis of one file: the specifiers and assets it names. */
interface Analysis {
  deps: Set<string>;
  imports: Set<string>;
  assets: Set<string>;
  isESM: boolean;
}

/** [size, mtimeMs, deps, imports, assets, isESM], by absolute real path. */
type StoredAnalysis = [number, number, string[], string[], string[], boolean];

interface CacheFile {
  readonly version: string;
  readonly results: Record<string, CacheRecord>;
  readonly analyses: Record<string, StoredAnalysis>;
}

const FORMAT = 'fnx-trace-3';

/**
 * Traces functions, reusing what earlier runs found (`file`: `.fnx/cache/trace.json`, none for
 * --no-cache), and keeps bundles (`.fnx/cache/bundle/`). Two levels of trace results: a
 * function's whole result, trusted while every path it lists keeps its
 * recorded size and mtime; and each file's analysis (what it imports), trusted while the file
 * keeps its size and mtime, so after an edit only the edited file is parsed again. Nothing
 * changed in the last 3 s is recorded (an edit within the same mtime tick must not be served stale).
 *
 * A whole result also stands when the only paths that changed are project files (outside
 * node_modules) whose recorded analysis describes the recorded version, had no assets, and whose
 * new text is plain with the same imports (plain-imports.ts): an edit of code alone reaches the
 * same files, so the result is reused and nft is not loaded.
 */
export class Tracer {
  private readonly stored: CacheFile;
  private readonly results: Record<string, CacheRecord> = {};
  private readonly analysisCache = new Map<string, Analysis>();
  /**
   * nft fills the analysis cache only once a file's analysis ends, so traces started together each
   * parse the files they share (200 functions importing one big package parsed it 200 times, 9 s
   * of CPU and 350 MB): a few at a time, the later ones find the shared files analysed.
   */
  private readonly nftSlots = pLimit(2);
  private readonly version: string;
  private readonly bundles = new Map<string, string>();
  /** Whether nft ran (something to record). */
  private dirty = false;

  constructor(
    private readonly file: string | undefined,
    private readonly root: string,
    private readonly now: number,
  ) {
    this.version = packageVersion('@vercel/nft');
    let stored: CacheFile = { version: '', results: {}, analyses: {} };
    if (file) {
      try {
        stored = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
      } catch {}
    }
    this.stored = stored.version === `${FORMAT}/${this.version}` ? stored : { version: '', results: {}, analyses: {} };
    for (const [p, [size, mtimeMs, deps, imports, assets, isESM]] of Object.entries(this.stored.analyses)) {
      try {
        const st = statSync(p);
        if (st.size === size && st.mtimeMs === mtimeMs) this.analysisCache.set(p, { deps: new Set(deps), imports: new Set(imports), assets: new Set(assets), isESM });
      } catch {}
    }
  }

  private key(req: TraceRequest): string {
    const h = createHash('sha256').update(`${FORMAT}\0${req.root}\0`);
    h.update(JSON.stringify([req.entries, req.external, req.layerModules]));
    for (const [p, text] of [...(req.contents ?? [])].sort((a, b) => (a[0] < b[0] ? -1 : 1))) h.update(`\0${p}\0${text}`);
    return h.digest('hex');
  }

  private fresh(stats: ReadonlyArray<[string, number, number]>): boolean {
    return this.changed(stats)?.length === 0;
  }

  /**
   * The recorded paths whose size or mtime differ now, each with its current stat; undefined
   * when a path appeared, disappeared or stopped being a regular file or folder of the same kind.
   */
  private changed(stats: ReadonlyArray<[string, number, number]>): Array<{ index: number; size: number; mtimeMs: number }> | undefined {
    const out: Array<{ index: number; size: number; mtimeMs: number }> = [];
    for (const [index, [rel, size, mtimeMs]] of stats.entries()) {
      let st;
      try {
        st = statSync(join(this.root, rel));
      } catch {
        if (size === -1) continue;
        return undefined;
      }
      if (size === -1) return undefined;
      if (st.size !== size || st.mtimeMs !== mtimeMs) {
        if (!st.isFile()) return undefined;
        out.push({ index, size: st.size, mtimeMs: st.mtimeMs });
      }
    }
    return out;
  }

  /**
   * The record `rec` still holds when every changed path is an edit of code alone (see the class
   * comment); the record is then brought up to date, its analyses too, where the files are old
   * enough to be recorded.
   */
  private async codeOnlyEdits(key: string, rec: CacheRecord, changed: ReadonlyArray<{ index: number; size: number; mtimeMs: number }>): Promise<boolean> {
    const checks: Array<{ abs: string; analysis: Analysis; size: number; mtimeMs: number }> = [];
    for (const c of changed) {
      const [rel, size, mtimeMs] = rec.stats[c.index]!;
      if (rel.split('/').includes('node_modules') || !/\.(c|m)?js$/.test(rel)) return false;
      const abs = join(this.root, rel);
      const stored = this.stored.analyses[abs];
      if (!stored || stored[0] !== size || stored[1] !== mtimeMs || stored[4].length) return false;
      checks.push({ abs, analysis: { deps: new Set(stored[2]), imports: new Set(stored[3]), assets: new Set(), isESM: stored[5] }, size: c.size, mtimeMs: c.mtimeMs });
    }
    const { plainImports } = await import('./plain-imports.js');
    for (const c of checks) {
      let text;
      try {
        text = readFileSync(c.abs, 'utf8');
      } catch {
        return false;
      }
      const now = plainImports(text);
      if (!now || now.isESM !== c.analysis.isESM || !sameSet(now.deps, c.analysis.deps) || !sameSet(now.imports, c.analysis.imports)) return false;
    }
    // Reached the same files: record the new stats where every edit is old enough to be trusted.
    if (changed.every((c) => this.now - c.mtimeMs >= 3000)) {
      const stats = rec.stats.map((s) => [...s] as [string, number, number]);
      for (const c of changed) stats[c.index] = [stats[c.index]![0], c.size, c.mtimeMs];
      this.results[key] = { stats, result: rec.result };
      for (const c of checks) this.analysisCache.set(c.abs, c.analysis);
      this.dirty = true;
    } else {
      this.results[key] = rec;
    }
    return true;
  }

  async trace(req: TraceRequest): Promise<TraceResult> {
    const key = this.key(req);
    const rec = this.results[key] ?? this.stored.results[key];
    if (rec) {
      const changed = this.changed(rec.stats);
      if (changed?.length === 0) {
        this.results[key] = rec;
        return rec.result;
      }
      // A bundle's text stands in for its handler file: only a full trace knows what it reaches.
      if (changed && !req.contents?.size && (await this.codeOnlyEdits(key, rec, changed))) return rec.result;
    }
    // A file read from `contents` is not the file on disk: never reuse or keep its analysis.
    for (const p of req.contents?.keys() ?? []) this.analysisCache.delete(p);
    const result = await this.nftSlots(() => traceFiles(req, this.analysisCache));
    this.dirty = true;
    for (const p of req.contents?.keys() ?? []) this.analysisCache.delete(p);
    const stats = this.stats(result.files);
    if (stats) this.results[key] = { stats, result };
    return result;
  }

  /** The stat record of `files` and their folders (undefined when one changed in the last 3 s). */
  private stats(files: readonly string[]): Array<[string, number, number]> | undefined {
    const paths = new Set<string>(['.', 'node_modules', 'node_modules/.package-lock.json', 'package.json']);
    for (const f of files) {
      paths.add(f);
      for (let d = dirname(f); d !== '.' && d !== ''; d = dirname(d)) paths.add(d);
    }
    const stats: Array<[string, number, number]> = [];
    for (const rel of [...paths].sort()) {
      try {
        const st = statSync(join(this.root, rel));
        if (this.now - st.mtimeMs < 3000) return undefined;
        stats.push([rel, st.size, st.mtimeMs]);
      } catch {
        stats.push([rel, -1, -1]);
      }
    }
    return stats;
  }

  /**
   * A bundle built earlier from the same request (`key`), while every input esbuild read, and
   * the folders holding them, are unchanged. Bundles live in `.fnx/cache/bundle/<key>.json`.
   */
  cachedBundle<T>(key: string): T | undefined {
    if (!this.file) return undefined;
    try {
      const rec = JSON.parse(readFileSync(join(dirname(this.file), 'bundle', `${key}.json`), 'utf8')) as { stats: Array<[string, number, number]>; value: T };
      return this.fresh(rec.stats) ? rec.value : undefined;
    } catch {
      return undefined;
    }
  }

  /** Records a bundle built from `inputs` (posix, relative to the root); written by save(). */
  storeBundle(key: string, inputs: readonly string[], value: unknown): void {
    const stats = this.file ? this.stats(inputs) : undefined;
    if (stats) this.bundles.set(key, JSON.stringify({ stats, value }));
  }

  /** Writes this run's bundles, results (over earlier ones) and the analyses of files unchanged for 3 s (see there for earlier ones). */
  save(write: (file: string, text: string) => void, ensureDir: (parts: readonly string[]) => void): void {
    if (!this.file) return;
    if (this.bundles.size) ensureDir(['.fnx', 'cache', 'bundle']);
    for (const [key, text] of this.bundles) write(join(dirname(this.file), 'bundle', `${key}.json`), text);
    if (!this.dirty) return;
    const analyses: Record<string, StoredAnalysis> = {};
    for (const [p, a] of this.analysisCache) {
      try {
        const st = statSync(p);
        if (this.now - st.mtimeMs >= 3000) analyses[p] = [st.size, st.mtimeMs, [...a.deps], [...a.imports], [...a.assets], a.isESM];
      } catch {}
    }
    const results = { ...this.stored.results, ...this.results };
    // An earlier analysis of a file that changed since stays while a kept result records that
    // version of the file: it is what a later code-only edit is compared with.
    const recorded = new Set<string>();
    for (const r of Object.values(results)) for (const [rel, size, mtimeMs] of r.stats) recorded.add(`${join(this.root, rel)}\0${size}\0${mtimeMs}`);
    for (const [p, a] of Object.entries(this.stored.analyses)) if (!analyses[p] && recorded.has(`${p}\0${a[0]}\0${a[1]}`)) analyses[p] = a;
    write(this.file, JSON.stringify({ version: `${FORMAT}/${this.version}`, results, analyses }));
  }
}

/** The installed version of a dependency of fnx, read without loading it. */
export function packageVersion(name: string): string {
  try {
    const require = createRequire(import.meta.url);
    return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
