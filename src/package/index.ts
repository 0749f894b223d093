/**
 * The packaging step: plan the archives (layout.ts), compress each distinct file once into the
 * content store (compress.ts, content-store.ts), write every archive from the stored entries
 * (zip-writer.ts) into `.fnx/build/<stage>/`, and record the set in artifacts.json.
 */
import { createHash } from 'node:crypto';
import { constants as fsConstants, copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { FnxError, FnxErrorList, InterruptedError } from '../errors.js';
import type { ResolvedManifest } from '../manifest/model.js';
import { selectFunctions } from '../manifest/select.js';
import type { Reporter } from '../report/reporter.js';
import type { Artifact, ArtifactSet } from './artifact.js';
import { compressSources } from './compress.js';
import { ContentStore, CorruptEntryError, type StoredEntry } from './content-store.js';
import { Planner, type HooksByProvider, type PlannedArtifact, type PlannedEntry, type Source } from './layout.js';
import { formatBytes } from '../report/bytes.js';
import { compareNames, writeZip, type PreviousZip, type ZipEntry } from './zip-writer.js';
import { formatWarning } from '../report/format.js';
import { plural } from '../report/plural.js';

import { checkLimits } from './limits.js';
import { collectAbove } from './heap.js';
import { budgetProblems, largestContributors, type Contributor } from './budget.js';
import type { InstalledFile } from './python-install.js';
import { Tracer } from './trace.js';
import { ensureOutputDir } from './output-dir.js';
import { fsError, isFsError } from './fs-errors.js';

export { checkLimits, uploadMode } from './limits.js';
export type { Artifact, ArtifactSet } from './artifact.js';
export { findArtifact } from './artifact.js';

/** Deflate level of every entry (zip's default). Part of the cache key. */
export const COMPRESSION_LEVEL = 6;
const DEFAULT_CACHE_MAX_BYTES = 1024 * 1024 * 1024;
/** Changes whenever the archive bytes for the same entries would change. */
const FORMAT = 'fnx-zip-1';

export interface PackageOptions {
  /** Only these functions (and the layers they use); default all. */
  readonly functions?: readonly string[];
  /** Use and update the packaging cache in `.fnx/cache/package/` (default true). */
  readonly cache?: boolean;
  readonly reporter?: Reporter;
  readonly signal?: AbortSignal;
  /** Bound of the packaging cache in bytes (default 1 GiB). */
  readonly cacheMaxBytes?: number;
  /** A function archive past its package.budget stops packaging (exit 2, before artifacts.json is written) instead of being a warning. */
  readonly strict?: boolean;
  /** Where packaging warnings go (default: the reporter's warn). */
  readonly onWarning?: (warning: FnxError) => void;
  /**
   * The run's clock (default Date.now()). The cache records a file's stat only if the file last
   * changed more than 3 s before it.
   */
  readonly now?: number;
  /** Each provider's packaging hooks (entry adapters); default: the provider registry's. */
  readonly hooks?: HooksByProvider;
}

/** Where `fnx package` writes for a stage. */
export function buildDir(manifest: ResolvedManifest): string {
  return join(manifest.rootDir, '.fnx', 'build', manifest.stage);
}

interface KeyRecord {
  key: string;
  size: number;
  mtimeMs: number;
  sha256: string;
  sha256Base64: string;
  unzippedSize: number;
  files: number;
  /** The archive's largest contributors (budget.ts), kept so an unchanged archive is not walked for them. */
  largest?: Contributor[];
}

function readKeys(file: string): Record<string, KeyRecord> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, KeyRecord>;
  } catch {
    return {};
  }
}

function writeAtomic(file: string, text: string | Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  // A file (or planted symlink) left under the temporary name is replaced, never written through.
  rmSync(tmp, { force: true });
  writeFileSync(tmp, text, { flag: 'wx' });
  renameSync(tmp, file);
}

type StoredZipEntry = ZipEntry & { readonly sha: string; readonly stored: StoredEntry };

/**
 * Builds the artifacts of `manifest` (all functions, or `opts.functions`) and returns the set.
 * Throws FnxError for packaging problems (empty function, missing handler, path escaping the
 * project, missing dependencies) and InterruptedError when `signal` aborts.
 */
export async function packageArtifacts(manifest: ResolvedManifest, opts: PackageOptions = {}): Promise<ArtifactSet> {
  const started = Date.now();
  const functions = selectFunctions(manifest, opts.functions ?? []);
  const useCache = opts.cache !== false;
  const step = opts.reporter?.step(`Packaging ${plural(functions.length, 'function')}`);
  try {
    const planner = new Planner(manifest, opts.hooks);
    const tracer = new Tracer(useCache ? join(manifest.rootDir, '.fnx', 'cache', 'trace.json') : undefined, manifest.rootDir, opts.now ?? Date.now());
    await planner.prepare(functions, tracer);
    const installed = new Map<string, InstalledFile[]>();
    const pipWarnings: FnxError[] = [];
    for (const [name, needs] of planner.pythonNeeds(functions)) {
      step?.update(`Installing the Python dependencies of ${name}`);
      // Loaded only for Python functions that need pip (it brings child_process).
      const { installPythonDeps } = await import('./python-install.js');
      installed.set(name, await installPythonDeps(manifest.rootDir, functions.find((f) => f.name === name)!, needs, opts.signal, (w) => pipWarnings.push(w)));
    }
    const planned = planner.plan(functions, installed);
    // Sizes come from each file's stat: an archive past a provider's limit stops before any file is read.
    checkPlannedLimits(manifest, planned);
    const outDir = buildDir(manifest);
    for (const sub of ['functions', 'layers']) {
      ensureOutputDir(manifest.rootDir, ['.fnx', 'build', manifest.stage, sub]);
      ensureOutputDir(manifest.rootDir, ['.fnx', 'build', manifest.stage, '.zipindex', sub]);
    }
    const sources = new Map<string, Source>();
    for (const a of planned) for (const e of a.entries) sources.set(e.source.path, e.source);
    let totalBytes = 0;
    for (const s of sources.values()) totalBytes += s.size;

    const cacheDir = useCache ? ensureOutputDir(manifest.rootDir, ['.fnx', 'cache', 'package']) : undefined;
    if (cacheDir) ensureOutputDir(cacheDir, ['packs']);
    tracer.save(writeAtomic, (parts) => ensureOutputDir(manifest.rootDir, parts));
    const store = ContentStore.open({
      ...(cacheDir ? { dir: cacheDir } : {}),
      projectDir: manifest.rootDir,
      level: COMPRESSION_LEVEL,
      maxBytes: opts.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES,
      ...(opts.now !== undefined ? { now: opts.now } : {}),
    });
    let artifacts: Artifact[];
    try {
      let lastUpdate = 0;
      const shaOf = await compressSources(sources.values(), store, {
        level: COMPRESSION_LEVEL,
        workers: Math.min(availableParallelism(), 4),
        root: manifest.rootDir,
        ...(opts.signal ? { signal: opts.signal } : {}),
        onProgress: (p) => {
          const now = Date.now();
          if (now - lastUpdate < 100) return;
          lastUpdate = now;
          step?.update(`Packaging: ${p.files}/${sources.size} files, ${formatBytes(p.bytes)} of ${formatBytes(totalBytes)}`);
        },
      });
      artifacts = await writeAll(planned, shaOf, store, sources, outDir, useCache, opts, (text) => step?.update(text));
    } finally {
      store.close();
    }

    const problems = budgetProblems(functions, artifacts);
    if (opts.strict && problems.length === 1) throw problems[0]!;
    if (opts.strict && problems.length > 1) throw new FnxErrorList(problems, `${plural(problems.length, 'function')} over their package budget`);
    const set: ArtifactSet = { version: 1, service: manifest.service, stage: manifest.stage, artifacts };
    writeAtomic(join(outDir, 'artifacts.json'), `${JSON.stringify(set, null, 2)}\n`);
    if (!opts.functions?.length) removeStale(outDir, planned);
    const total = artifacts.reduce((n, a) => n + a.size, 0);
    step?.succeed(`Packaged ${plural(artifacts.length, 'artifact')} (${formatBytes(total)}) in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    const report = opts.onWarning ?? ((w: FnxError) => opts.reporter?.warn(formatWarning(w, manifest.rootDir)));
    for (const w of [...pipWarnings, ...problems]) report(w);
    return set;
  } catch (err) {
    step?.fail(err instanceof InterruptedError ? 'Packaging interrupted' : 'Packaging failed');
    // What is left unconverted is the writing side: archives, sidecars, artifacts.json, the cache.
    if (isFsError(err)) {
      const path = (err as { path?: unknown }).path;
      throw fsError(err, 'write', typeof path === 'string' ? path : buildDir(manifest), manifest.rootDir);
    }
    throw err;
  }
}

/**
 * checkLimits on the planned archives; each function past its limit also gets its largest file
 * named, since that is usually the one to exclude.
 */
function checkPlannedLimits(manifest: ResolvedManifest, planned: readonly PlannedArtifact[]): void {
  const withLargest = (err: FnxError): FnxError => {
    const fn = manifest.functions.find((f) => f.name === err.details?.function);
    if (err.code !== 'E_LIMIT_UNZIPPED' || !fn) return err;
    const entries = planned.filter((a) => (a.type === 'function' && a.name === fn.name) || (a.type === 'layer' && fn.layers.includes(a.name))).flatMap((a) => a.entries);
    if (!entries.length) return err;
    const big = entries.reduce((m, e) => (e.source.size > m.source.size ? e : m));
    return new FnxError(err.code, `${err.message} Its largest file is ${big.name} (${formatBytes(big.source.size)}).`, {
      ...(err.hint ? { hint: err.hint } : {}),
      ...(err.location ? { location: err.location } : {}),
      ...(err.details ? { details: err.details } : {}),
      exitCode: err.exitCode,
    });
  };
  try {
    checkLimits(manifest, plannedSet(manifest, planned));
  } catch (err) {
    if (err instanceof FnxErrorList) throw new FnxErrorList(err.errors.map(withLargest), err.message);
    throw err instanceof FnxError ? withLargest(err) : err;
  }
}

/** The planned archives as an ArtifactSet with stat sizes only, for checkLimits before reading. */
function plannedSet(manifest: ResolvedManifest, planned: readonly PlannedArtifact[]): ArtifactSet {
  const artifacts = planned.map((a) => ({
    type: a.type,
    name: a.name,
    providers: a.providers,
    path: join(buildDir(manifest), a.file),
    size: 0,
    unzippedSize: a.entries.reduce((n, e) => n + e.source.size, 0),
    files: a.entries.length,
    sha256: '',
    sha256Base64: '',
  }));
  return { version: 1, service: manifest.service, stage: manifest.stage, artifacts };
}

async function writeAll(
  planned: readonly PlannedArtifact[],
  shaOf: Map<string, string>,
  store: ContentStore,
  sources: Map<string, Source>,
  outDir: string,
  useCache: boolean,
  opts: PackageOptions,
  update: (text: string) => void,
): Promise<Artifact[]> {
  const keysFile = join(outDir, '.keys.json');
  const prevKeys = useCache ? readKeys(keysFile) : {};
  for (let attempt = 0; ; attempt++) {
    try {
      const keys: Record<string, KeyRecord> = {};
      const out: Artifact[] = [];
      const written: Written = new Map();
      for (const [i, a] of planned.entries()) {
        if (opts.signal?.aborted) throw new InterruptedError();
        update(`Writing ${a.file} (${i + 1}/${planned.length})`);
        collectAbove();
        const rec = writeArtifact(a, shaOf, store, outDir, prevKeys[a.file], useCache, written);
        keys[a.file] = rec;
        out.push({
          type: a.type,
          name: a.name,
          providers: a.providers,
          path: join(outDir, a.file),
          size: rec.size,
          unzippedSize: rec.unzippedSize,
          files: rec.files,
          sha256: rec.sha256,
          sha256Base64: rec.sha256Base64,
          largest: rec.largest ?? largestContributors(a.entries),
        });
      }
      if (useCache) {
        // Linking changed the shared file's ctime: each name's sidecar is rewritten with the final stat.
        for (const w of written.values()) if (w.files.length > 1) shareSidecar(outDir, w.files);
        writeAtomic(keysFile, JSON.stringify({ ...prevKeys, ...keys }));
      }
      return out;
    } catch (err) {
      if (!(err instanceof CorruptEntryError)) throw err;
      if (attempt > 0) {
        throw new FnxError('E_PACKAGE_CACHE', 'The packaging cache is corrupt and could not be repaired.', {
          hint: 'Delete .fnx/cache/package and run again, or run with --no-cache.',
          cause: err,
        });
      }
      // Check every entry this run needs, drop the damaged ones and rebuild them from the files.
      const bad = new Set<string>();
      for (const sha of new Set(shaOf.values())) {
        if (!store.verify(sha)) {
          store.forget(sha);
          bad.add(sha);
        }
      }
      const rehash = new Set([...shaOf].filter(([, sha]) => bad.has(sha)).map(([p]) => p));
      const again = await compressSources(
        [...rehash].map((p) => sources.get(p)!),
        store,
        { level: COMPRESSION_LEVEL, rehash, ...(opts.signal ? { signal: opts.signal } : {}) },
      );
      for (const [p, sha] of again) shaOf.set(p, sha);
    }
  }
}

/**
 * Identity of an archive's bytes: its entries' names, modes and content hashes plus everything
 * else that shapes the bytes. `entries` must be sorted by name.
 */
function archiveKey(entries: readonly PlannedEntry[], shaOf: Map<string, string>): string {
  const hash = createHash('sha256').update(`${FORMAT}\n${COMPRESSION_LEVEL}\n${process.versions.zlib}\n`);
  let text = '';
  for (const e of entries) {
    text += `${e.name}\0${e.source.mode}\0${shaOf.get(e.source.path)!}\n`;
    if (text.length > 1 << 16) {
      hash.update(text);
      text = '';
    }
  }
  return hash.update(text).digest('hex');
}

/** This run's archives by key: the files (the first one written, then those linked to it) and its record. */
type Written = Map<string, { files: string[]; rec?: KeyRecord }>;

/**
 * Writes archive `a` unless the previous run's is still in place. Archives with the same entries
 * (the same key, so the same bytes) are stored once: the first one of this run is hard-linked
 * under the others' names.
 */
function writeArtifact(a: PlannedArtifact, shaOf: Map<string, string>, store: ContentStore, outDir: string, prev: KeyRecord | undefined, reuse: boolean, written: Written): KeyRecord {
  const planned = isSortedByName(a.entries) ? a.entries : [...a.entries].sort((x, y) => compareNames(x.name, y.name));
  const key = archiveKey(planned, shaOf);
  const path = join(outDir, a.file);
  const same = written.get(key);
  if (same?.rec) {
    same.files.push(a.file);
    const first = join(outDir, same.files[0]!);
    let linked = false;
    try {
      linked = statSync(path).ino === statSync(first).ino;
    } catch {}
    if (!linked) shareFile(first, path);
    return { ...same.rec, mtimeMs: statSync(path).mtimeMs };
  }
  const rec = writeOwn(a, planned, key, path, shaOf, store, outDir, prev, reuse);
  written.set(key, { files: [a.file], rec });
  return rec;
}

/** `to` becomes another name of `from` (a hard link; a copy where the file system has none), replaced atomically. */
function shareFile(from: string, to: string): void {
  const tmp = `${to}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  try {
    linkSync(from, tmp);
  } catch {
    copyFileSync(from, tmp, fsConstants.COPYFILE_EXCL);
  }
  renameSync(tmp, to);
}

function writeOwn(a: PlannedArtifact, planned: readonly PlannedEntry[], key: string, path: string, shaOf: Map<string, string>, store: ContentStore, outDir: string, prev: KeyRecord | undefined, reuse: boolean): KeyRecord {
  if (prev?.key === key) {
    try {
      const st = statSync(path);
      if (st.size === prev.size && st.mtimeMs === prev.mtimeMs) return prev.largest ? prev : { ...prev, largest: largestContributors(planned) };
    } catch {}
  }
  const entries: StoredZipEntry[] = planned.map((e) => {
    const sha = shaOf.get(e.source.path)!;
    const stored = store.get(sha);
    if (!stored) throw new CorruptEntryError(sha);
    return { name: e.name, mode: e.source.mode, crc: stored.crc, size: stored.size, csize: stored.csize, method: stored.method, sha, stored };
  });
  const sidecar = sidecarPath(outDir, a.file);
  const previous = reuse ? readSidecar(sidecar, path) : undefined;
  const r = writeZip(path, entries, (e, sink) => store.read(e.sha, e.stored, sink), {}, previous ? { previous, idOf: (e) => e.sha } : undefined);
  const st = statSync(path);
  if (reuse) writeSidecar(sidecar, st, r.sha256, entries);
  return { key, mtimeMs: st.mtimeMs, size: r.size, sha256: r.sha256, sha256Base64: r.sha256Base64, unzippedSize: r.unzippedSize, files: r.files, largest: largestContributors(planned) };
}

function isSortedByName(entries: readonly PlannedEntry[]): boolean {
  for (let i = 1; i < entries.length; i++) if (compareNames(entries[i - 1]!.name, entries[i]!.name) > 0) return false;
  return true;
}

/**
 * Next to each archive, `.zipindex/<file>.idx` records the content hash of each of its entries
 * (in archive order) and the archive's identity (size, mtime, ctime, inode, sha256), so the next
 * write can copy unchanged entries from it (zip-writer.ts verifies the sha256 while copying).
 * Format: one JSON header line, then 32 bytes of sha256 per entry.
 */
interface SidecarHeader {
  format: string;
  level: number;
  zlib: string;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  sha256: string;
  count: number;
}

function sidecarPath(outDir: string, file: string): string {
  return join(outDir, '.zipindex', `${file}.idx`);
}

function readSidecar(sidecar: string, zipPath: string): PreviousZip | undefined {
  try {
    const buf = readFileSync(sidecar);
    const nl = buf.indexOf(10);
    const h = JSON.parse(buf.toString('utf8', 0, nl)) as SidecarHeader;
    const st = statSync(zipPath);
    if (h.format !== FORMAT || h.level !== COMPRESSION_LEVEL || h.zlib !== process.versions.zlib) return undefined;
    if (st.size !== h.size || st.mtimeMs !== h.mtimeMs || st.ctimeMs !== h.ctimeMs || st.ino !== h.ino) return undefined;
    const base = nl + 1;
    if (buf.length - base !== h.count * 32) return undefined;
    const hex = buf.toString('hex', base);
    // Same size, mtime, ctime and inode as right after it was written: the standard the file cache uses too.
    return { path: zipPath, sha256: h.sha256, forceZip64: false, trusted: true, ids: (i) => hex.slice(64 * i, 64 * i + 64) };
  } catch {
    return undefined;
  }
}

function writeSidecar(sidecar: string, st: { size: number; mtimeMs: number; ctimeMs: number; ino: number }, sha256: string, entries: readonly StoredZipEntry[]): void {
  const h: SidecarHeader = { format: FORMAT, level: COMPRESSION_LEVEL, zlib: process.versions.zlib, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, sha256, count: entries.length };
  const head = Buffer.from(`${JSON.stringify(h)}\n`);
  const body = Buffer.allocUnsafe(32 * entries.length);
  for (const [i, e] of entries.entries()) body.write(e.sha, 32 * i, 32, 'hex');
  mkdirSync(dirname(sidecar), { recursive: true });
  writeAtomic(sidecar, Buffer.concat([head, body]));
}

/** Gives every name in `files` (one file, hard-linked) the first one's sidecar, with the file's current stat. */
function shareSidecar(outDir: string, files: readonly string[]): void {
  try {
    const buf = readFileSync(sidecarPath(outDir, files[0]!));
    const nl = buf.indexOf(10);
    const h = JSON.parse(buf.toString('utf8', 0, nl)) as SidecarHeader;
    const st = statSync(join(outDir, files[0]!));
    const text = Buffer.concat([Buffer.from(`${JSON.stringify({ ...h, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino })}\n`), buf.subarray(nl + 1)]);
    for (const f of files) writeAtomic(sidecarPath(outDir, f), text);
  } catch {
    // Without a sidecar the next write of these archives is a full one.
  }
}

/** Deletes archives of functions or layers that are no longer in the manifest. */
function removeStale(outDir: string, planned: readonly PlannedArtifact[]): void {
  const keep = new Set(planned.map((a) => a.file));
  for (const sub of ['functions', 'layers']) {
    for (const name of readdirSync(join(outDir, sub))) {
      if (!keep.has(`${sub}/${name}`)) rmSync(join(outDir, sub, name), { force: true });
    }
    const sidecars = join(outDir, '.zipindex', sub);
    if (!existsSync(sidecars)) continue;
    for (const name of readdirSync(sidecars)) {
      if (!name.endsWith('.idx') || !keep.has(`${sub}/${name.slice(0, -4)}`)) rmSync(join(sidecars, name), { force: true });
    }
  }
}
