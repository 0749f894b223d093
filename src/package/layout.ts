/**
 * Decides which files go into which archive under which name, without reading any file content.
 *
 * - A function archive holds the function's own files (include/exclude, .fnxignore, default
 *   excludes) and, for Node runtimes, the production dependencies of the project's package.json,
 *   unless one of its layers is built from that same package.json. A Python function's declared
 *   dependencies missing from its files and layers are installed by pip (python-install.ts) and
 *   sit at the archive root.
 * - Providers with native layers (AWS) get the function archive as is, plus one archive per layer
 *   (`nodejs/node_modules/...` for a package layer, a folder layer as it is).
 * - Providers that merge layers (Azure, GCP) get one archive holding the function's files over
 *   the layers' contents: package layers as `node_modules/...`, folder layers with the AWS prefixes
 *   `nodejs/node_modules/`, `nodejs/nodeNN/node_modules/` and `python/` mapped to the root. Later
 *   layers override earlier ones; the function's own files override every layer.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import { capabilities, packagingHooks } from '../registry.js';
import type { GeneratedFile, PackagingHooks } from '../driver.js';
import { ExitCode, FnxError, type SourceLocation } from '../errors.js';
import { handlerFiles } from '../manifest/handler.js';
import type { ProviderName, ResolvedFunction, ResolvedLayer, ResolvedManifest } from '../manifest/model.js';
import { checkGlob, loadFnxIgnore, projectRules, treeRules, type IgnoreRules } from './file-rules.js';
import { productionDeps } from './node-deps.js';
import { missingPythonDeps, type PythonNeeds } from './python-deps.js';
import type { InstalledFile } from './python-install.js';
import { isTraced, prepare, type Prepared } from './strategy.js';
import { packageDirOf, type Tracer } from './trace.js';
import { escapeError, isInside, walk, type FoundFile } from './walk.js';
import { compareNames } from './zip-writer.js';

/** A file on disk, identified by the path it was found at. */
export interface Source {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly ino: number;
  /** 0o644 or 0o755 (any execute bit set). */
  readonly mode: number;
  /** A generated file (a provider's entry adapter): its bytes, and `path` is only a key. */
  readonly content?: Buffer;
}

export interface PlannedEntry {
  readonly name: string;
  readonly source: Source;
}

export interface PlannedArtifact {
  readonly type: 'function' | 'layer';
  readonly name: string;
  readonly providers: readonly ProviderName[];
  /** Posix path relative to the build folder. */
  readonly file: string;
  /** Sorted by name (byte order). */
  readonly entries: readonly PlannedEntry[];
}

const posix = (p: string) => (sep === '/' ? p : p.split(sep).join('/'));

function toSource(f: FoundFile): Source {
  return { path: f.real, size: f.stat.size, mtimeMs: f.stat.mtimeMs, ctimeMs: f.stat.ctimeMs, ino: f.stat.ino, mode: f.stat.mode & 0o111 ? 0o755 : 0o644 };
}

/** Maps an AWS-style layer path to where merged providers expect it, or keeps it. */
export function mergedLayerPath(rel: string): string {
  const m = /^nodejs\/(?:node\d+\/)?(node_modules\/.+)$/.exec(rel) ?? /^python\/(?:lib\/python[\d.]+\/site-packages\/)?(.+)$/.exec(rel);
  return m ? m[1]! : rel;
}

/** The packaging hooks of each provider (default: the registry's). */
export type HooksByProvider = Readonly<Partial<Record<ProviderName, PackagingHooks>>>;

export class Planner {
  private readonly realRoot: string;
  private readonly ignore: IgnoreRules;
  private readonly manifestRel: string;
  private readonly projectFiles = new Map<string, Array<{ rel: string; source: Source }>>();
  private readonly depsCache = new Map<string, Array<{ rel: string; source: Source }>>();
  private readonly layerCache = new Map<string, Array<{ rel: string; source: Source }>>();
  /** The last entry made for each file (see toEntries). */
  private readonly entries = new WeakMap<Source, PlannedEntry>();
  /** walkTraced() results, by package, excludes, addon flag and traced files. */
  private readonly packageWalks = new Map<string, Array<{ rel: string; source: Source }>>();
  /** Traced (and bundled) functions, by name, filled by prepare(). */
  private readonly prepared = new Map<string, Prepared>();

  constructor(
    private readonly manifest: ResolvedManifest,
    private readonly hooks: HooksByProvider = packagingHooks,
  ) {
    this.realRoot = realpathSync(manifest.rootDir);
    this.ignore = loadFnxIgnore(manifest.rootDir);
    this.manifestRel = posix(relative(manifest.rootDir, manifest.file));
  }

  /**
   * The function's own files (no dependencies), keyed by archive path. For a traced function:
   * every project file it may hold (include ignored: tracedOwn() picks from these).
   */
  private ownFiles(fn: ResolvedFunction): Array<{ rel: string; source: Source }> {
    for (const g of [...fn.package.include, ...fn.package.exclude]) checkGlob(g, `function "${fn.name}"`, fn.location);
    const include = isTraced(fn) ? ['**'] : fn.package.include;
    const key = JSON.stringify([include, fn.package.exclude]);
    let files = this.projectFiles.get(key);
    if (!files) {
      const found: Array<{ rel: string; source: Source }> = [];
      const rules = projectRules({ include, exclude: fn.package.exclude, ignore: this.ignore, manifestRel: this.manifestRel });
      walk(this.manifest.rootDir, this.realRoot, rules, (f) => found.push({ rel: f.rel, source: toSource(f) }));
      files = found;
      this.projectFiles.set(key, files);
    }
    return files;
  }

  /** Production dependency files of a package.json, with paths relative to its folder. */
  /** `location`: the layer's `from:` value, when a layer names this package.json. */
  private depFiles(pkgJson: string, location?: SourceLocation): Array<{ rel: string; source: Source }> {
    let files = this.depsCache.get(pkgJson);
    if (files) return files;
    const at = location ? { location } : {};
    let real: string;
    try {
      real = realpathSync(pkgJson);
    } catch {
      throw new FnxError('E_PACKAGE_JSON', `Cannot read ${pkgJson}: it does not exist.`, {
        hint: 'Fix the layer\'s `from:` path (relative to fnx.yaml).',
        exitCode: ExitCode.usage,
        ...at,
      });
    }
    if (!isInside(this.realRoot, real)) throw escapeError(pkgJson, real, this.realRoot, location);
    const dir = join(pkgJson, '..');
    const dirRel = posix(relative(this.manifest.rootDir, dir));
    const found: Array<{ rel: string; source: Source }> = [];
    let deps;
    try {
      deps = productionDeps(pkgJson);
    } catch (err) {
      throw location ? locatedAt(err, location) : err;
    }
    for (const pkg of deps.packages) {
      const rules = treeRules({
        ignore: this.ignore,
        skipNodeModules: true,
        rootRel: (rel) => (dirRel ? `${dirRel}/${rel}` : rel),
      });
      // The package folder itself is entered through the rules too, so .fnxignore can drop a package.
      if (!rules.enterDir(pkg)) continue;
      walk(join(dir, pkg), this.realRoot, rules, (f) => found.push({ rel: f.rel, source: toSource(f) }), pkg);
    }
    // Sorted once here, so each archive's entry list (mostly these files) is nearly sorted.
    files = found.sort((a, b) => compareNames(a.rel, b.rel));
    this.depsCache.set(pkgJson, files);
    return files;
  }

  /** A layer's files in the native (AWS) layout. */
  private layerFiles(layer: ResolvedLayer): Array<{ rel: string; source: Source }> {
    let files = this.layerCache.get(layer.name);
    if (files) return files;
    if (layer.kind === 'package') {
      files = this.depFiles(layer.path, layer.location).map((f) => ({ rel: `nodejs/${f.rel}`, source: f.source }));
    } else {
      const real = safeRealpath(layer.path, `layer "${layer.name}"`, layer.location);
      if (!isInside(this.realRoot, real)) throw escapeError(`The folder of layer "${layer.name}" (${layer.path})`, real, this.realRoot, layer.location);
      const dirRel = posix(relative(this.manifest.rootDir, layer.path));
      const found: Array<{ rel: string; source: Source }> = [];
      const rules = treeRules({ ignore: this.ignore, skipNodeModules: false, rootRel: (rel) => (dirRel ? `${dirRel}/${rel}` : rel) });
      walk(layer.path, this.realRoot, rules, (f) => found.push({ rel: f.rel, source: toSource(f) }));
      files = found;
    }
    if (!files.length) {
      throw new FnxError('E_PACKAGE_EMPTY_LAYER', `Layer "${layer.name}" has no files (${layer.kind === 'package' ? `no production dependencies in ${layer.path}` : `folder ${layer.path} is empty`}).`, {
        hint: layer.kind === 'package' ? 'Add dependencies to that package.json and run npm install, or remove the layer.' : 'Put the layer contents in that folder, or remove the layer.',
        exitCode: ExitCode.usage,
        ...(layer.location ? { location: layer.location } : {}),
      });
    }
    this.layerCache.set(layer.name, files);
    return files;
  }

  private layer(fn: ResolvedFunction, name: string): ResolvedLayer {
    const layer = this.manifest.layers[name];
    if (!layer) {
      throw new FnxError('E_PACKAGE_UNKNOWN_LAYER', `Function "${fn.name}" uses layer "${name}", which is not defined under layers.`, {
        hint: `Define it under layers (e.g. layers: { ${name}: { path: layers/${name} } }) or remove it from the function.`,
        exitCode: ExitCode.usage,
        ...(fn.location ? { location: fn.location } : {}),
      });
    }
    return layer;
  }

  /**
   * The files each provider's packaging hook adds to `fn`'s artifact, with the providers grouped
   * by identical files (in their order): one part when they all add the same (usually nothing).
   */
  private generated(fn: ResolvedFunction, providers: readonly ProviderName[], handlerFile: string, own: ReadonlyMap<string, Source>): Array<{ providers: ProviderName[]; files: readonly GeneratedFile[] }> {
    const parts = new Map<string, { providers: ProviderName[]; files: readonly GeneratedFile[] }>();
    for (const p of providers) {
      const ownFile = (path: string): string | undefined => {
        const s = own.get(path);
        return s ? (s.content ?? readFileSync(s.path)).toString('utf8') : undefined;
      };
      const files = [...(this.hooks[p]?.entryFiles?.(fn, { handlerFile, manifest: this.manifest, ownFile }) ?? [])].sort((a, b) => compareNames(a.path, b.path));
      for (const f of files) {
        checkGeneratedPath(p, f);
        if (own.has(f.path) && !f.replaces) {
          throw new FnxError('E_PACKAGE_RESERVED', `Function "${fn.name}" has its own file ${f.path}, where fnx puts the ${p} entry adapter it generates.`, {
            hint: `Rename or exclude that file (folder ${f.path.split('/')[0]}/ is fnx's), or set \`events: native\` on the function to get ${p}'s own events and no adapter.`,
            exitCode: ExitCode.usage,
            ...(fn.location ? { location: fn.location } : {}),
          });
        }
      }
      const key = JSON.stringify(files);
      const part = parts.get(key);
      if (part) part.providers.push(p);
      else parts.set(key, { providers: [p], files });
    }
    return [...parts.values()];
  }

  /**
   * Entries sorted by name (byte order), as archives store them. An entry is one object per
   * (file, name) for the whole plan, shared by every archive holding that file under that name: a
   * plan of many functions holds one copy of the dependency entries, not one per function.
   */
  private toEntries(files: Map<string, Source>): PlannedEntry[] {
    const out: PlannedEntry[] = [];
    for (const [name, source] of files) {
      let entry = this.entries.get(source);
      if (entry?.name !== name) {
        entry = { name, source };
        this.entries.set(source, entry);
      }
      out.push(entry);
    }
    return out.sort((a, b) => compareNames(a.name, b.name));
  }

  /**
   * The Python functions among `functions` whose declared dependencies are not in their files or
   * layers, with what they declare: what packaging installs with pip before plan().
   */
  pythonNeeds(functions: readonly ResolvedFunction[]): Map<string, PythonNeeds> {
    const out = new Map<string, PythonNeeds>();
    for (const fn of functions) {
      if (!fn.runtime.startsWith('python')) continue;
      const own = new Set(this.ownFiles(fn).map((f) => f.rel));
      const handler = handlerFiles(fn.handler, fn.runtime).find((c) => own.has(c));
      if (!handler) continue;
      const paths = [...own, ...fn.layers.flatMap((n) => this.layerFiles(this.layer(fn, n)).map((f) => mergedLayerPath(f.rel)))];
      const needs = missingPythonDeps(this.manifest.rootDir, handler, paths);
      if (needs) out.set(fn.name, needs);
    }
    return out;
  }

  /**
   * Traces (or bundles) the Node functions whose strategy asks for it; plan() then packages their
   * reached files instead of every included file and production dependency.
   */
  async prepare(functions: readonly ResolvedFunction[], tracer: Tracer): Promise<void> {
    const jobs: Array<Promise<void>> = [];
    for (const fn of functions) {
      if (!isTraced(fn)) continue;
      const all = new Map<string, Source>();
      for (const f of this.ownFiles(fn)) all.set(f.rel, f.source);
      const handlerFile = handlerFiles(fn.handler, fn.runtime).find((c) => all.has(c));
      // plan() reports a missing handler.
      if (!handlerFile) continue;
      const ownFile = (path: string): string | undefined => {
        const s = all.get(path);
        return s ? readFileSync(s.path, 'utf8') : undefined;
      };
      const generated = fn.providers.flatMap((p) => this.hooks[p]?.entryFiles?.(fn, { handlerFile, manifest: this.manifest, ownFile }) ?? []);
      const layers = fn.layers.map((n) => this.layer(fn, n));
      jobs.push(prepare({ root: this.manifest.rootDir, fn, handlerFile, layers, generated, tracer }).then((p) => void this.prepared.set(fn.name, p)));
    }
    // All start at once (esbuild bundles in parallel; the tracer runs two nft traces at a time); the first failure in function order is reported.
    const settled = await Promise.allSettled(jobs);
    for (const r of settled) if (r.status === 'rejected') throw r.reason;
  }

  /**
   * A traced function's files: of its candidate files (`all`: every project file its globs,
   * .fnxignore and the default excludes keep) those the trace reached, those `package.include`
   * names and the root package.json; the traced files of each package in node_modules (with
   * `package.exclude` and .fnxignore applied), plus every `.node` file and `prebuilds/` of a
   * package with a native addon; a bundle replaces the handler file, with its source map beside it.
   */
  private tracedOwn(fn: ResolvedFunction, all: ReadonlyMap<string, Source>, p: Prepared, handlerFile: string): Map<string, Source> {
    const traced = new Set(p.trace.files);
    const include = fn.package.include.length ? picomatch(fn.package.include.map((g) => g.replace(/^\.\//, '')), { dot: true }) : () => false;
    const own = new Map<string, Source>();
    for (const [rel, s] of all) if (traced.has(rel) || rel === 'package.json' || include(rel)) own.set(rel, s);
    const byPackage = new Map<string, Set<string>>();
    for (const f of p.trace.files) {
      const pkg = packageDirOf(f);
      if (!pkg) continue;
      const set = byPackage.get(pkg) ?? new Set<string>();
      set.add(f);
      byPackage.set(pkg, set);
    }
    const native = new Set(p.trace.nativePackages);
    for (const [pkg, files] of [...byPackage].sort((a, b) => compareNames(a[0], b[0]))) {
      // Functions that reach the same files of a package (with the same excludes) share one walk.
      const key = JSON.stringify([pkg, fn.package.exclude, native.has(pkg), [...files]]);
      let found = this.packageWalks.get(key);
      if (!found) {
        found = this.walkTraced(fn, pkg, files, native.has(pkg));
        this.packageWalks.set(key, found);
      }
      for (const f of found) if (!own.has(f.rel)) own.set(f.rel, f.source);
    }
    if (p.bundle) {
      own.set(handlerFile, bundleSource(fn, handlerFile, p.bundle.code));
      own.set(`${handlerFile}.map`, bundleSource(fn, `${handlerFile}.map`, p.bundle.map));
    }
    return own;
  }

  /** The files of package folder `pkg` among `files` (traced), plus its addon files when `isNative`, with the rules applied. */
  private walkTraced(fn: ResolvedFunction, pkg: string, files: ReadonlySet<string>, isNative: boolean): Array<{ rel: string; source: Source }> {
    const found: Array<{ rel: string; source: Source }> = [];
    const dirs = new Set<string>();
    for (const f of files) for (let d = f.slice(0, f.lastIndexOf('/')); d.length > pkg.length; d = d.slice(0, d.lastIndexOf('/'))) dirs.add(d);
    const addon = (rel: string) => isNative && (rel.endsWith('.node') || rel.startsWith(`${pkg}/prebuilds/`));
    const rules = treeRules({ ignore: this.ignore, exclude: fn.package.exclude, skipNodeModules: true, rootRel: (rel) => rel });
    if (!rules.enterDir(pkg)) return found;
    walk(
      join(this.manifest.rootDir, pkg),
      this.realRoot,
      // The cheap set lookups first: most of a package's entries are not traced.
      { enterDir: (d) => (isNative || dirs.has(d)) && rules.enterDir(d), takeFile: (f) => (files.has(f) || addon(f)) && rules.takeFile(f) },
      (f) => found.push({ rel: f.rel, source: toSource(f) }),
      pkg,
    );
    return found;
  }

  /**
   * The archives for `functions` and the layers they use on providers with native layers;
   * `installed`: each Python function's installed dependencies (pythonNeeds, python-install.ts).
   */
  plan(functions: readonly ResolvedFunction[], installed?: ReadonlyMap<string, readonly InstalledFile[]>): PlannedArtifact[] {
    const out: PlannedArtifact[] = [];
    const layerProviders = new Map<string, Set<ProviderName>>();
    const rootPkg = join(this.manifest.rootDir, 'package.json');
    for (const fn of functions) {
      const layers = fn.layers.map((n) => this.layer(fn, n));
      let own = new Map<string, Source>();
      for (const f of this.ownFiles(fn)) own.set(f.rel, f.source);
      if (own.size === 0) {
        throw new FnxError('E_PACKAGE_EMPTY', `Function "${fn.name}" has no files to package (include: ${JSON.stringify(fn.package.include)}, exclude: ${JSON.stringify(fn.package.exclude)}).`, {
          hint: 'Check package.include / package.exclude and .fnxignore: the globs are relative to the directory of fnx.yaml.',
          exitCode: ExitCode.usage,
          ...(fn.location ? { location: fn.location } : {}),
        });
      }
      const candidates = handlerFiles(fn.handler, fn.runtime);
      if (!candidates.some((c) => own.has(c))) {
        throw new FnxError('E_PACKAGE_HANDLER', `The handler of function "${fn.name}" (${fn.handler}) needs ${candidates.join(' or ')}, which is not in its package.`, {
          hint: 'Check the handler path (relative to fnx.yaml, without extension) and that package.include / exclude / .fnxignore keep that file.',
          exitCode: ExitCode.usage,
          ...(fn.location ? { location: fn.location } : {}),
        });
      }
      // Installed Python dependencies sit at the archive root, under the function's own files.
      for (const f of installed?.get(fn.name) ?? []) if (!own.has(f.rel)) own.set(f.rel, f.source);
      const prepared = this.prepared.get(fn.name);
      // The adapters are checked against (and read from) every file the function may hold.
      const all = own;
      if (prepared) own = this.tracedOwn(fn, all, prepared, candidates.find((c) => all.has(c))!);
      const ownDepsFromLayer = layers.some((l) => l.kind === 'package' && l.path === rootPkg);
      if (fn.runtime.startsWith('nodejs') && !prepared && !ownDepsFromLayer && existsFile(rootPkg)) {
        const excluded = fn.package.exclude.length ? picomatch(fn.package.exclude.map((g) => g.replace(/^\.\//, '')), { dot: true }) : () => false;
        for (const f of this.depFiles(rootPkg)) if (!own.has(f.rel) && !excluded(f.rel)) own.set(f.rel, f.source);
      }
      const native = fn.providers.filter((p) => capabilities[p].layers === 'native');
      const merged = fn.providers.filter((p) => capabilities[p].layers === 'merged');
      const groups: Array<{ providers: ProviderName[]; withLayers: boolean }> =
        layers.length === 0 || merged.length === 0 || native.length === 0
          ? [{ providers: [...fn.providers], withLayers: layers.length > 0 && native.length === 0 }]
          : [
              { providers: native, withLayers: false },
              { providers: merged, withLayers: true },
            ];
      const handlerFile = candidates.find((c) => all.has(c))!;
      const parts = groups.flatMap((g) => this.generated(fn, g.providers, handlerFile, all).map((p) => ({ ...p, withLayers: g.withLayers })));
      for (const part of parts) {
        let files = own;
        if (part.withLayers) {
          files = new Map<string, Source>();
          for (const l of layers) for (const f of this.layerFiles(l)) files.set(mergedLayerPath(f.rel), f.source);
          for (const [rel, s] of own) files.set(rel, s);
        }
        if (part.files.length) {
          files = new Map(files);
          for (const f of part.files) files.set(f.path, generatedSource(fn, part.providers, f));
        }
        const suffix = parts.length > 1 ? `.${part.providers.join('-')}` : '';
        out.push({ type: 'function', name: fn.name, providers: part.providers, file: `functions/${fn.name}${suffix}.zip`, entries: this.toEntries(files) });
      }
      for (const l of layers) {
        const set = layerProviders.get(l.name) ?? new Set<ProviderName>();
        for (const p of native) set.add(p);
        layerProviders.set(l.name, set);
      }
    }
    for (const [name, providers] of [...layerProviders].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      if (!providers.size) continue;
      const files = new Map<string, Source>();
      for (const f of this.layerFiles(this.manifest.layers[name]!)) files.set(f.rel, f.source);
      out.push({ type: 'layer', name, providers: [...providers].sort(), file: `layers/${name}.zip`, entries: this.toEntries(files) });
    }
    return out;
  }
}

/** The archive path of a generated file, checked: relative, posix, inside the archive. */
function checkGeneratedPath(p: ProviderName, f: GeneratedFile): void {
  if (!f.path || f.path.startsWith('/') || f.path.includes('\\') || f.path.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw new Error(`the ${p} packaging hook generated a file with an invalid archive path: ${JSON.stringify(f.path)}`);
  }
}

function bundleSource(fn: ResolvedFunction, path: string, text: string): Source {
  const content = Buffer.from(text, 'utf8');
  return { path: `bundle:${fn.name}:${path}`, size: content.length, mtimeMs: 0, ctimeMs: 0, ino: 0, mode: 0o644, content };
}

function generatedSource(fn: ResolvedFunction, providers: readonly ProviderName[], f: GeneratedFile): Source {
  const content = Buffer.from(f.content, 'utf8');
  return { path: `generated:${providers.join('-')}:${fn.name}:${f.path}`, size: content.length, mtimeMs: 0, ctimeMs: 0, ino: 0, mode: 0o644, content };
}


function existsFile(p: string): boolean {
  try {
    return realpathSync(p) !== '';
  } catch {
    return false;
  }
}

function safeRealpath(p: string, what: string, location?: SourceLocation): string {
  try {
    return realpathSync(p);
  } catch {
    throw new FnxError('E_PACKAGE_LAYER_PATH', `The folder of ${what} does not exist: ${p}.`, {
      hint: 'Create the folder (relative to fnx.yaml) or fix the layer path.',
      exitCode: ExitCode.usage,
      ...(location ? { location } : {}),
    });
  }
}

/** A manifest error about the value at `location` (an FnxError without a position gets it). */
function locatedAt(err: unknown, location: SourceLocation): unknown {
  if (!(err instanceof FnxError) || err.location || err.exitCode !== ExitCode.usage) return err;
  return new FnxError(err.code, err.message, { exitCode: err.exitCode, location, ...(err.hint ? { hint: err.hint } : {}), ...(err.details ? { details: err.details } : {}), cause: err.cause });
}
