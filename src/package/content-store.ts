/**
 * Compressed file contents keyed by the sha256 of the uncompressed bytes. Entries are appended to
 * pack files (one per run, plus one per large file) so a run creates a handful of files instead of
 * one per source file.
 *
 * Persistent mode (`.fnx/cache/package/`) guarantees:
 * - Safe if interrupted: packs are written under a temporary name and renamed when complete. The
 *   index is index.json (replaced atomically: temp file + rename) plus journal.jsonl, to which each
 *   run appends one line after its packs are in place; a torn last line is ignored, and the journal
 *   is folded into index.json once it grows past a quarter of it. Unreferenced packs and temporary
 *   files of dead runs are deleted; an entry whose pack is missing or too short is dropped.
 * - Corruption is detected: every entry carries the CRC32 of its compressed bytes, checked on each
 *   read (CorruptEntryError); callers drop the entry and rebuild it.
 * - Bounded: packs not used by the current run are evicted oldest-use first above `maxBytes`.
 * - Never stale: the stat index (path, size, mtime, ctime, inode -> content hash) is consulted only
 *   when all of them match (ctime cannot be set back by tools), and files changed within the last
 *   few seconds are not recorded (a later edit within the file system's time granularity could
 *   otherwise go unnoticed).
 *
 * Ephemeral mode (`--no-cache`) uses a private temporary folder removed by close().
 */
import { appendFileSync, closeSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { crc32, constants as zc } from 'node:zlib';
import { readFully } from './read-fully.js';

const INDEX_VERSION = 4;
const JOURNAL = 'journal.jsonl';
const RACY_WINDOW_MS = 3000;
const READ_CHUNK = 1 << 20;
const SMALL_ENTRY = 256 << 10;

export interface StoredEntry {
  readonly size: number;
  readonly crc: number;
  readonly method: 0 | 8;
  readonly csize: number;
  readonly pack: string;
  readonly offset: number;
  /** CRC32 of the compressed bytes. */
  readonly ccrc: number;
}

type EntryRow = [size: number, crc: number, method: 0 | 8, csize: number, pack: string, offset: number, ccrc: number];
type StatRow = [size: number, mtimeMs: number, ctimeMs: number, ino: number, sha: string];

interface IndexFile {
  version: number;
  zlib: string;
  level: number;
  packs: Record<string, { size: number; lastUsed: number }>;
  entries: Map<string, EntryRow>;
  stat: Map<string, StatRow>;
}

/**
 * index.json: the index as a few long strings, which JSON.parse and base64 decoding handle far
 * faster than thousands of small arrays. `entries` holds 7 float64 per entry (size, crc, method,
 * csize, pack number in `packIds`, offset, ccrc) for the sha256s in `shas` (32 bytes each);
 * `stat` holds 5 float64 per path of `paths` (NUL-separated): size, mtimeMs, ctimeMs, ino and
 * the entry number.
 */
interface Snapshot {
  version: number;
  zlib: string;
  level: number;
  packs: Record<string, { size: number; lastUsed: number }>;
  packIds: string[];
  shas: string;
  entries: string;
  paths: string;
  stat: string;
}

/** Changes of one run, appended to the journal as one JSON line (null = removed). */
interface Delta {
  entries: Record<string, EntryRow | null>;
  stat: Record<string, StatRow>;
  packs: Record<string, { size: number; lastUsed: number } | null>;
}

/** What identifies a file's content without reading it. */
export interface FileState {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly ino: number;
}

export class CorruptEntryError extends Error {
  constructor(readonly sha: string) {
    super(`cache entry ${sha} is corrupt`);
  }
}

export interface StoreOptions {
  /** Cache folder (`.fnx/cache/package`), or undefined for an ephemeral store. */
  readonly dir?: string;
  /** The project folder: stat index keys are relative to it. */
  readonly projectDir: string;
  readonly level: number;
  readonly maxBytes: number;
  /** Time of the run, for the racy-mtime rule and pack ages. */
  readonly now?: number;
}

/** A pack being appended to during this run. */
export class PackWriter {
  offset = 0;
  readonly fd: number;
  constructor(
    readonly id: string,
    readonly tmpPath: string,
  ) {
    // A file (or planted symlink) left under this name is replaced, never written through.
    rmSync(tmpPath, { force: true });
    this.fd = openSync(tmpPath, 'wx+');
  }
  append(data: Buffer): number {
    const at = this.offset;
    let off = 0;
    while (off < data.length) off += writeSync(this.fd, data, off, data.length - off, at + off);
    this.offset += data.length;
    return at;
  }
}

export class ContentStore {
  private readonly packsDir: string;
  private readonly index: IndexFile;
  private readonly readFds = new Map<string, number>();
  private readonly writers = new Map<string, PackWriter>();
  private current: PackWriter | undefined;
  private readonly usedPacks = new Set<string>();
  private delta: Delta = { entries: {}, stat: {}, packs: {} };
  private changed = false;
  /** Rewrite index.json (and drop the journal) at close instead of appending to the journal. */
  private compact = false;
  private readonly projectPrefix: string;
  private readonly now: number;
  private closed = false;
  private readonly window = { pack: '', start: 0, length: 0, buf: Buffer.allocUnsafe(READ_CHUNK) };
  private readonly scratch = Buffer.allocUnsafe(READ_CHUNK);

  private constructor(
    private readonly root: string,
    private readonly persistent: boolean,
    private readonly options: StoreOptions,
  ) {
    this.packsDir = join(root, 'packs');
    this.projectPrefix = resolve(options.projectDir) + sep;
    mkdirSync(this.packsDir, { recursive: true });
    this.now = options.now ?? Date.now();
    this.index = persistent ? this.loadIndex() : emptyIndex(options.level);
  }

  static open(options: StoreOptions): ContentStore {
    if (options.dir) return new ContentStore(options.dir, true, options);
    return new ContentStore(mkdtempSync(join(tmpdir(), 'fnx-pack-')), false, options);
  }

  private loadIndex(): IndexFile {
    let idx: IndexFile;
    try {
      const snap = JSON.parse(readFileSync(join(this.root, 'index.json'), 'utf8')) as Snapshot;
      const usable = snap.version === INDEX_VERSION && snap.zlib === zlibVersion() && snap.level === this.options.level;
      idx = usable ? decodeSnapshot(snap) : emptyIndex(this.options.level);
      if (!usable) this.compact = true;
    } catch {
      idx = emptyIndex(this.options.level);
      this.compact = true;
    }
    this.replayJournal(idx);
    // Drop entries whose pack is missing or shorter than recorded (a crash after rename but
    // before the data reached the disk, or a truncated file).
    const actual = new Map<string, number>();
    for (const id of Object.keys(idx.packs)) {
      try {
        actual.set(id, statSync(this.packPath(id)).size);
      } catch {
        delete idx.packs[id];
        this.compact = true;
      }
    }
    for (const [sha, row] of idx.entries) {
      const size = actual.get(row[4]);
      if (size === undefined || row[5] + row[3] > size) {
        idx.entries.delete(sha);
        this.compact = true;
      }
    }
    return idx;
  }

  /** Applies the journal's lines to `idx`; a torn last line (killed run) ends the replay. */
  private replayJournal(idx: IndexFile): void {
    let text: string;
    try {
      text = readFileSync(join(this.root, JOURNAL), 'utf8');
    } catch {
      return;
    }
    let base = 0;
    try {
      base = statSync(join(this.root, 'index.json')).size;
    } catch {}
    if (text.length > base / 4) this.compact = true;
    for (const line of text.split('\n')) {
      if (!line) continue;
      let d: Delta;
      try {
        d = JSON.parse(line) as Delta;
      } catch {
        this.compact = true;
        return;
      }
      for (const [k, v] of Object.entries(d.entries ?? {})) if (v) idx.entries.set(k, v); else idx.entries.delete(k);
      for (const [k, v] of Object.entries(d.stat ?? {})) idx.stat.set(k, v);
      for (const [k, v] of Object.entries(d.packs ?? {})) if (v) idx.packs[k] = v; else delete idx.packs[k];
    }
  }

  private statKey(path: string): string {
    return path.startsWith(this.projectPrefix) ? path.slice(this.projectPrefix.length) : path;
  }

  private packPath(id: string): string {
    return join(this.packsDir, `${id}.pack`);
  }

  /** The content hash recorded for this exact file state, if its entry is still stored. */
  shaForStat(path: string, st: FileState): string | undefined {
    const row = this.index.stat.get(this.statKey(path));
    if (!row || row[0] !== st.size || row[1] !== st.mtimeMs || row[2] !== st.ctimeMs || row[3] !== st.ino) return undefined;
    return this.index.entries.has(row[4]) ? row[4] : undefined;
  }

  /** Remembers `sha` for this file state, unless the file changed too recently to trust its times. */
  recordStat(path: string, st: FileState, sha: string): void {
    if (!this.persistent || Math.max(st.mtimeMs, st.ctimeMs) > this.now - RACY_WINDOW_MS) return;
    const key = this.statKey(path);
    const row = this.index.stat.get(key);
    if (row && row[0] === st.size && row[1] === st.mtimeMs && row[2] === st.ctimeMs && row[3] === st.ino && row[4] === sha) return;
    const next: StatRow = [st.size, st.mtimeMs, st.ctimeMs, st.ino, sha];
    this.index.stat.set(key, next);
    this.delta.stat[key] = next;
    this.changed = true;
  }

  /** Content hashes of every stored entry. */
  knownShas(): string[] {
    return [...this.index.entries.keys()];
  }

  get(sha: string): StoredEntry | undefined {
    const row = this.index.entries.get(sha);
    if (!row) return undefined;
    return { size: row[0], crc: row[1], method: row[2], csize: row[3], pack: row[4], offset: row[5], ccrc: row[6] };
  }

  /** Appends a compressed entry to this run's shared pack. */
  put(sha: string, meta: { size: number; crc: number; method: 0 | 8 }, data: Buffer): StoredEntry {
    this.current ??= this.newWriter();
    const offset = this.current.append(data);
    return this.record(sha, meta, this.current.id, offset, data.length, crc32(data));
  }

  /** A pack of its own for one large entry, written by streaming; finish with `commitLarge`. */
  openLarge(): PackWriter {
    return this.newWriter();
  }

  /** Drops a large-entry pack that turned out not to be needed. */
  discard(w: PackWriter): void {
    closeSync(w.fd);
    rmSync(w.tmpPath, { force: true });
    this.writers.delete(w.id);
  }

  commitLarge(w: PackWriter, sha: string, meta: { size: number; crc: number; method: 0 | 8 }, ccrc: number): StoredEntry {
    return this.record(sha, meta, w.id, 0, w.offset, ccrc);
  }

  private record(sha: string, meta: { size: number; crc: number; method: 0 | 8 }, pack: string, offset: number, csize: number, ccrc: number): StoredEntry {
    const row: EntryRow = [meta.size, meta.crc >>> 0, meta.method, csize, pack, offset, ccrc >>> 0];
    this.index.entries.set(sha, row);
    this.delta.entries[sha] = row;
    this.changed = true;
    return { ...meta, csize, pack, offset, ccrc };
  }

  private newWriter(): PackWriter {
    const id = `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
    const w = new PackWriter(id, join(this.packsDir, `${id}.${process.pid}.tmp`));
    this.writers.set(id, w);
    return w;
  }

  /** Forgets an entry (found corrupt); the next put rebuilds it. */
  forget(sha: string): void {
    this.index.entries.delete(sha);
    this.delta.entries[sha] = null;
    this.changed = true;
  }

  private fdFor(pack: string): number {
    const w = this.writers.get(pack);
    if (w) return w.fd;
    let fd = this.readFds.get(pack);
    if (fd === undefined) {
      fd = openSync(this.packPath(pack), 'r');
      this.readFds.set(pack, fd);
    }
    return fd;
  }

  /**
   * Streams an entry's compressed bytes into `sink`, checking length and CRC; throws
   * CorruptEntryError. Chunks are only valid until `sink` returns. Small entries are served from a
   * read-ahead window over the pack (entries of one folder sit close together in a pack).
   */
  read(sha: string, e: StoredEntry, sink: (chunk: Buffer) => void): void {
    this.usedPacks.add(e.pack);
    if (e.csize === 0) {
      if (e.ccrc !== 0) throw new CorruptEntryError(sha);
      return;
    }
    let fd: number;
    try {
      fd = this.fdFor(e.pack);
    } catch {
      throw new CorruptEntryError(sha);
    }
    if (e.csize <= SMALL_ENTRY) {
      const w = this.window;
      if (w.pack !== e.pack || e.offset < w.start || e.offset + e.csize > w.start + w.length) {
        w.pack = e.pack;
        w.start = e.offset;
        w.length = readFully(fd, w.buf, w.buf.length, e.offset);
        if (w.length < e.csize) throw new CorruptEntryError(sha);
      }
      const chunk = w.buf.subarray(e.offset - w.start, e.offset - w.start + e.csize);
      if (crc32(chunk) >>> 0 !== e.ccrc) throw new CorruptEntryError(sha);
      sink(chunk);
      return;
    }
    let done = 0;
    let crc = 0;
    const buf = this.scratch;
    while (done < e.csize) {
      const len = Math.min(buf.length, e.csize - done);
      if (readFully(fd, buf, len, e.offset + done) < len) throw new CorruptEntryError(sha);
      const chunk = buf.subarray(0, len);
      crc = crc32(chunk, crc);
      done += len;
      sink(chunk);
    }
    // A mismatch surfaces after the bytes were handed over: writers abort the archive being written.
    if (crc >>> 0 !== e.ccrc) throw new CorruptEntryError(sha);
  }

  /** Checks that an entry's bytes are intact without using them. */
  verify(sha: string): boolean {
    const e = this.get(sha);
    if (!e) return false;
    try {
      this.read(sha, e, () => {});
      return true;
    } catch (err) {
      if (err instanceof CorruptEntryError) return false;
      throw err;
    }
  }

  /**
   * Finishes the run: persistent stores rename complete packs into place, evict, write the index
   * and delete leftovers; ephemeral stores delete everything.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const fd of this.readFds.values()) closeSync(fd);
    for (const w of this.writers.values()) closeSync(w.fd);
    if (!this.persistent) {
      rmSync(this.root, { recursive: true, force: true });
      return;
    }
    for (const w of this.writers.values()) {
      if (w.offset === 0) {
        rmSync(w.tmpPath, { force: true });
        continue;
      }
      renameSync(w.tmpPath, this.packPath(w.id));
      this.index.packs[w.id] = { size: w.offset, lastUsed: this.now };
      this.delta.packs[w.id] = this.index.packs[w.id]!;
      this.changed = true;
    }
    for (const id of this.usedPacks) {
      const p = this.index.packs[id];
      if (p && p.lastUsed !== this.now) {
        p.lastUsed = this.now;
        this.delta.packs[id] = p;
        this.changed = true;
      }
    }
    this.evict();
    if (this.compact) this.writeIndex();
    else if (this.changed) {
      const journal = join(this.root, JOURNAL);
      // Appending follows symlinks: a journal that is one is dropped (the index stands alone).
      if (lstatSync(journal, { throwIfNoEntry: false })?.isSymbolicLink()) rmSync(journal);
      appendFileSync(journal, `${JSON.stringify(this.delta)}\n`);
    }
    this.removeLeftovers();
  }

  private evict(): void {
    let total = Object.values(this.index.packs).reduce((n, p) => n + p.size, 0);
    if (total <= this.options.maxBytes) return;
    const candidates = Object.entries(this.index.packs)
      .filter(([id]) => !this.usedPacks.has(id) && !this.writers.has(id))
      .sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    const gone = new Set<string>();
    for (const [id, p] of candidates) {
      if (total <= this.options.maxBytes) break;
      gone.add(id);
      total -= p.size;
      delete this.index.packs[id];
    }
    if (!gone.size) return;
    for (const [sha, row] of this.index.entries) if (gone.has(row[4])) this.index.entries.delete(sha);
    this.compact = true;
  }

  private writeIndex(): void {
    const tmp = join(this.root, `index.json.${process.pid}.tmp`);
    rmSync(tmp, { force: true });
    writeFileSync(tmp, JSON.stringify(encodeSnapshot(this.index)), { flag: 'wx' });
    renameSync(tmp, join(this.root, 'index.json'));
    rmSync(join(this.root, JOURNAL), { force: true });
  }

  /** Deletes packs no index entry references and temporary files of runs that are gone. */
  private removeLeftovers(): void {
    if (!existsSync(this.packsDir)) return;
    for (const name of readdirSync(this.packsDir)) {
      const tmp = /^(.+)\.(\d+)\.tmp$/.exec(name);
      if (tmp) {
        if (!isAlive(Number(tmp[2]))) rmSync(join(this.packsDir, name), { force: true });
        continue;
      }
      const pack = /^(.+)\.pack$/.exec(name);
      if (!pack || !this.index.packs[pack[1]!]) rmSync(join(this.packsDir, name), { force: true });
    }
    for (const name of readdirSync(this.root)) {
      const tmp = /^index\.json\.(\d+)\.tmp$/.exec(name);
      if (tmp && !isAlive(Number(tmp[1]))) rmSync(join(this.root, name), { force: true });
    }
  }
}


function emptyIndex(level: number): IndexFile {
  return { version: INDEX_VERSION, zlib: zlibVersion(), level, packs: {}, entries: new Map(), stat: new Map() };
}

const ENTRY_COLS = 7;
const STAT_COLS = 5;

function encodeSnapshot(idx: IndexFile): Snapshot {
  const packIds = Object.keys(idx.packs);
  const packNo = new Map(packIds.map((id, i) => [id, i]));
  const entryNo = new Map<string, number>();
  const shas = Buffer.alloc(32 * idx.entries.size);
  const entries = new Float64Array(ENTRY_COLS * idx.entries.size);
  for (const [sha, row] of idx.entries) {
    const i = entryNo.size;
    entryNo.set(sha, i);
    shas.write(sha, 32 * i, 32, 'hex');
    entries.set([row[0], row[1], row[2], row[3], packNo.get(row[4]) ?? -1, row[5], row[6]], ENTRY_COLS * i);
  }
  const paths: string[] = [];
  const stat: number[] = [];
  for (const [path, row] of idx.stat) {
    const n = entryNo.get(row[4]);
    if (n === undefined) continue;
    paths.push(path);
    stat.push(row[0], row[1], row[2], row[3], n);
  }
  return {
    version: idx.version,
    zlib: idx.zlib,
    level: idx.level,
    packs: idx.packs,
    packIds,
    shas: shas.toString('base64'),
    entries: Buffer.from(entries.buffer).toString('base64'),
    paths: paths.join('\0'),
    stat: Buffer.from(new Float64Array(stat).buffer).toString('base64'),
  };
}

/** Decodes a base64 float64 array (copied, so it is aligned whatever the buffer's offset). */
function float64s(b64: string): Float64Array {
  const bytes = Buffer.from(b64, 'base64');
  const out = new Float64Array(bytes.length >> 3);
  new Uint8Array(out.buffer).set(bytes.subarray(0, out.length << 3));
  return out;
}

function decodeSnapshot(snap: Snapshot): IndexFile {
  const idx = emptyIndex(snap.level);
  idx.packs = snap.packs;
  const shaBytes = Buffer.from(snap.shas, 'base64');
  const entries = float64s(snap.entries);
  const count = shaBytes.length >> 5;
  if (entries.length !== ENTRY_COLS * count) return emptyIndex(snap.level);
  const shas: string[] = [];
  for (let i = 0; i < count; i++) {
    const sha = shaBytes.toString('hex', 32 * i, 32 * i + 32);
    shas.push(sha);
    const e = ENTRY_COLS * i;
    const pack = snap.packIds[entries[e + 4]!];
    if (pack === undefined) continue;
    idx.entries.set(sha, [entries[e]!, entries[e + 1]!, entries[e + 2] as 0 | 8, entries[e + 3]!, pack, entries[e + 5]!, entries[e + 6]!]);
  }
  const stat = float64s(snap.stat);
  const paths = snap.paths ? snap.paths.split('\0') : [];
  if (stat.length !== STAT_COLS * paths.length) return emptyIndex(snap.level);
  for (let i = 0; i < paths.length; i++) {
    const r = STAT_COLS * i;
    const sha = shas[stat[r + 4]!];
    if (sha !== undefined) idx.stat.set(paths[i]!, [stat[r]!, stat[r + 1]!, stat[r + 2]!, stat[r + 3]!, sha]);
  }
  return idx;
}

function zlibVersion(): string {
  return `${process.versions.zlib}/${zc.Z_DEFAULT_STRATEGY}`;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
