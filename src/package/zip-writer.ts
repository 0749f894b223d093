/**
 * A minimal deterministic zip writer. Entries arrive already compressed (raw deflate or stored),
 * so one compressed entry can be copied into any number of archives. Output is byte-identical for
 * identical input: entries sorted by name, fixed 1980-01-01 00:00 timestamps, "made by" Unix with
 * the mode (0644/0755) in the external attributes, no extra fields except Zip64 ones where a size,
 * an offset or the entry count needs them. No data descriptors: sizes are known up front.
 */
import { closeSync, constants as fsConstants, copyFileSync, fstatSync, ftruncateSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import { readFully } from './read-fully.js';

export const METHOD_STORE = 0;
export const METHOD_DEFLATE = 8;

/** One archive member. `csize` bytes of compressed data are produced by the writer's `copy` callback. */
export interface ZipEntry {
  /** Posix path inside the archive, no leading slash. */
  readonly name: string;
  /** 0o644 or 0o755. */
  readonly mode: number;
  readonly crc: number;
  readonly size: number;
  readonly csize: number;
  readonly method: typeof METHOD_STORE | typeof METHOD_DEFLATE;
}

export interface ZipResult {
  readonly size: number;
  readonly sha256: string;
  readonly sha256Base64: string;
  readonly unzippedSize: number;
  readonly files: number;
}

export interface ZipWriteOptions {
  /** Write Zip64 structures even when not needed (tests). */
  readonly forceZip64?: boolean;
}

/**
 * A previous archive written by writeZip whose unchanged entries may be copied instead of
 * rebuilt. Local headers hold no offsets, so an entry's header and data bytes are the same
 * wherever it sits: runs of entries that are unchanged and adjacent in both archives are copied
 * with large sequential reads. Unless `trusted`, the previous archive is hashed while it is read;
 * if its sha256 is not `sha256`, the output is discarded and written without reuse, so the result
 * is always byte-identical to a write from scratch.
 *
 * A `trusted` previous archive is one the caller knows is unchanged since it was written (same
 * size, mtime, ctime and inode as recorded then). Its bytes are not re-hashed, and the longest
 * common prefix of entries (and of central directory records, whose offsets are then the same) is
 * copied by the kernel, so the new archive is hashed in one pass.
 */
export interface PreviousZip {
  readonly path: string;
  /** sha256 (hex) of the previous archive. */
  readonly sha256: string;
  /** `forceZip64` of the write that produced it. */
  readonly forceZip64: boolean;
  /** Identity of the content of each entry of the previous archive, in archive order. */
  readonly ids: (index: number) => string;
  /** The caller verified the archive is unchanged since written: do not re-hash it. */
  readonly trusted?: boolean;
}

export interface ZipReuse<E extends ZipEntry> {
  readonly previous: PreviousZip;
  /** Identity of an entry's content; same id, name, crc, sizes and method mean the same compressed bytes. */
  readonly idOf: (entry: E) => string;
}

export interface ZipReuseResult extends ZipResult {
  /** Bytes copied from the previous archive (0 when it could not be used). */
  readonly reusedBytes: number;
}

/**
 * Streams the compressed bytes of `entry` into `sink`, in order, `entry.csize` bytes in total. The
 * writer copies each chunk before `sink` returns, so chunks may be reused buffers.
 */
export type CopyEntry<E extends ZipEntry> = (entry: E, sink: (chunk: Buffer) => void) => void;

const U32 = 0xffffffff;
const U16 = 0xffff;
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
const MADE_BY_UNIX = (3 << 8) | 45;
const BUFFER_SIZE = 1 << 20;

/** Byte order of names, independent of locale. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isSorted(entries: readonly ZipEntry[]): boolean {
  for (let i = 1; i < entries.length; i++) if (compareNames(entries[i - 1]!.name, entries[i]!.name) > 0) return false;
  return true;
}

/** Buffered file output that hashes everything it writes. */
class HashingFile {
  private readonly buf = Buffer.allocUnsafe(BUFFER_SIZE);
  private used = 0;
  private readonly hash = createHash('sha256');
  /** Bytes written or absorbed so far, buffered ones included. */
  offset = 0;
  /** File position of the first buffered byte. */
  private position = 0;

  constructor(private readonly fd: number) {}

  /** Counts and hashes `chunk` as if written: the caller put these bytes at this position already. */
  absorb(chunk: Buffer): void {
    this.flush();
    this.hash.update(chunk);
    this.offset += chunk.length;
    this.position += chunk.length;
  }

  write(chunk: Buffer): void {
    this.offset += chunk.length;
    if (chunk.length >= BUFFER_SIZE) {
      this.flush();
      this.hash.update(chunk);
      writeAll(this.fd, chunk, this.position);
      this.position += chunk.length;
      return;
    }
    if (this.used + chunk.length > BUFFER_SIZE) this.flush();
    chunk.copy(this.buf, this.used);
    this.used += chunk.length;
  }

  flush(): void {
    if (this.used === 0) return;
    const data = this.buf.subarray(0, this.used);
    this.hash.update(data);
    writeAll(this.fd, data, this.position);
    this.position += data.length;
    this.used = 0;
  }

  digest(): Buffer {
    this.flush();
    return this.hash.digest();
  }
}

function writeAll(fd: number, data: Buffer, position: number): void {
  let off = 0;
  while (off < data.length) off += writeSync(fd, data, off, data.length - off, position + off);
}

function needsUtf8Flag(name: string): boolean {
  return /[^\x20-\x7e]/.test(name);
}

interface Placed {
  readonly entry: ZipEntry;
  readonly name: Buffer;
  readonly offset: number;
  readonly zip64Sizes: boolean;
}

function localHeader(e: ZipEntry, name: Buffer, zip64Sizes: boolean): Buffer {
  const extraLen = zip64Sizes ? 20 : 0;
  const h = Buffer.alloc(30 + name.length + extraLen);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(zip64Sizes ? 45 : 20, 4);
  h.writeUInt16LE(needsUtf8Flag(e.name) ? 0x0800 : 0, 6);
  h.writeUInt16LE(e.method, 8);
  h.writeUInt16LE(DOS_TIME, 10);
  h.writeUInt16LE(DOS_DATE, 12);
  h.writeUInt32LE(e.crc >>> 0, 14);
  h.writeUInt32LE(zip64Sizes ? U32 : e.csize, 18);
  h.writeUInt32LE(zip64Sizes ? U32 : e.size, 22);
  h.writeUInt16LE(name.length, 26);
  h.writeUInt16LE(extraLen, 28);
  name.copy(h, 30);
  if (zip64Sizes) {
    const x = 30 + name.length;
    h.writeUInt16LE(0x0001, x);
    h.writeUInt16LE(16, x + 2);
    h.writeBigUInt64LE(BigInt(e.size), x + 4);
    h.writeBigUInt64LE(BigInt(e.csize), x + 12);
  }
  return h;
}

const CENTRAL_TEMPLATE = (() => {
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(MADE_BY_UNIX, 4);
  h.writeUInt16LE(20, 6);
  h.writeUInt16LE(DOS_TIME, 12);
  h.writeUInt16LE(DOS_DATE, 14);
  return h;
})();

/** Writes the central directory records of `placed`, batched through one scratch buffer. */
function writeCentral(out: HashingFile, placed: readonly Placed[], force: boolean): void {
  const scratch = Buffer.alloc(BUFFER_SIZE);
  let used = 0;
  for (const p of placed) {
    const e = p.entry;
    const bigSize = force || e.size >= U32;
    const bigCsize = force || e.csize >= U32;
    const bigOffset = force || p.offset >= U32;
    const nFields = (bigSize ? 1 : 0) + (bigCsize ? 1 : 0) + (bigOffset ? 1 : 0);
    const extraLen = nFields ? 4 + 8 * nFields : 0;
    const len = 46 + p.name.length + extraLen;
    if (used + len > scratch.length) {
      out.write(scratch.subarray(0, used));
      used = 0;
    }
    const h = scratch.subarray(used, used + len);
    used += len;
    // Fixed fields (signature, made by, times; comment, disk and internal attributes 0) come from the template.
    CENTRAL_TEMPLATE.copy(h, 0);
    if (extraLen || p.zip64Sizes) h[6] = 45;
    if (needsUtf8Flag(e.name)) h[9] = 0x08;
    h[10] = e.method;
    h.writeUInt32LE(e.crc >>> 0, 16);
    h.writeUInt32LE(bigCsize ? U32 : e.csize, 20);
    h.writeUInt32LE(bigSize ? U32 : e.size, 24);
    h.writeUInt16LE(p.name.length, 28);
    h.writeUInt16LE(extraLen, 30);
    h.writeUInt32LE(((0o100000 | e.mode) << 16) >>> 0, 38);
    h.writeUInt32LE(bigOffset ? U32 : p.offset, 42);
    p.name.copy(h, 46);
    if (extraLen) {
      let x = 46 + p.name.length;
      h.writeUInt16LE(0x0001, x);
      h.writeUInt16LE(8 * nFields, x + 2);
      x += 4;
      for (const [big, v] of [[bigSize, e.size], [bigCsize, e.csize], [bigOffset, p.offset]] as const) {
        if (!big) continue;
        h.writeBigUInt64LE(BigInt(v), x);
        x += 8;
      }
    }
  }
  out.write(scratch.subarray(0, used));
}

function endRecords(count: number, cdOffset: number, cdSize: number, force: boolean): Buffer {
  const zip64 = force || count > U16 - 1 || cdOffset >= U32 || cdSize >= U32;
  const parts: Buffer[] = [];
  if (zip64) {
    const rec = Buffer.alloc(56);
    rec.writeUInt32LE(0x06064b50, 0);
    rec.writeBigUInt64LE(44n, 4);
    rec.writeUInt16LE(MADE_BY_UNIX, 12);
    rec.writeUInt16LE(45, 14);
    rec.writeUInt32LE(0, 16);
    rec.writeUInt32LE(0, 20);
    rec.writeBigUInt64LE(BigInt(count), 24);
    rec.writeBigUInt64LE(BigInt(count), 32);
    rec.writeBigUInt64LE(BigInt(cdSize), 40);
    rec.writeBigUInt64LE(BigInt(cdOffset), 48);
    const loc = Buffer.alloc(20);
    loc.writeUInt32LE(0x07064b50, 0);
    loc.writeUInt32LE(0, 4);
    loc.writeBigUInt64LE(BigInt(cdOffset + cdSize), 8);
    loc.writeUInt32LE(1, 16);
    parts.push(rec, loc);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0, 4);
  end.writeUInt16LE(0, 6);
  end.writeUInt16LE(zip64 ? U16 : count, 8);
  end.writeUInt16LE(zip64 ? U16 : count, 10);
  end.writeUInt32LE(zip64 ? U32 : cdSize, 12);
  end.writeUInt32LE(zip64 ? U32 : cdOffset, 16);
  end.writeUInt16LE(0, 20);
  parts.push(end);
  return Buffer.concat(parts);
}

/** A member of an archive as recorded in its central directory. */
interface OldEntry {
  readonly index: number;
  readonly crc: number;
  readonly size: number;
  readonly csize: number;
  readonly method: number;
  readonly offset: number;
  /** Bytes of local header + data (up to the next entry or the central directory). */
  readonly length: number;
}

class ReuseInvalid extends Error {}

/** The central directory of an archive written by writeZip, parsed into columns (no names decoded). */
interface Central {
  readonly cd: Buffer;
  readonly count: number;
  readonly cdOffset: number;
  /** Position of each record in `cd`, plus `cd.length` at [count]. */
  readonly recPos: Float64Array;
  /** Offset of each local header, plus `cdOffset` at [count]. */
  readonly offset: Float64Array;
  readonly size: Float64Array;
  readonly csize: Float64Array;
}

/** Reads the central directory of an archive written by writeZip; undefined if it is not one. */
function readCentral(fd: number, fileSize: number): Central | undefined {
  if (fileSize < 22) return undefined;
  const end = Buffer.alloc(22);
  if (readFully(fd, end, 22, fileSize - 22) !== 22 || end.readUInt32LE(0) !== 0x06054b50) return undefined;
  let count = end.readUInt16LE(10);
  let cdSize = end.readUInt32LE(12);
  let cdOffset = end.readUInt32LE(16);
  if (count === U16 || cdSize === U32 || cdOffset === U32) {
    const loc = Buffer.alloc(20);
    if (fileSize < 22 + 20 + 56 || readFully(fd, loc, 20, fileSize - 42) !== 20 || loc.readUInt32LE(0) !== 0x07064b50) return undefined;
    const rec = Buffer.alloc(56);
    const at = Number(loc.readBigUInt64LE(8));
    if (readFully(fd, rec, 56, at) !== 56 || rec.readUInt32LE(0) !== 0x06064b50) return undefined;
    count = Number(rec.readBigUInt64LE(32));
    cdSize = Number(rec.readBigUInt64LE(40));
    cdOffset = Number(rec.readBigUInt64LE(48));
  }
  if (cdOffset + cdSize > fileSize) return undefined;
  const cd = Buffer.allocUnsafe(cdSize);
  if (readFully(fd, cd, cdSize, cdOffset) !== cdSize) return undefined;
  const recPos = new Float64Array(count + 1);
  const offsets = new Float64Array(count + 1);
  const sizes = new Float64Array(count);
  const csizes = new Float64Array(count);
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cdSize || cd.readUInt32LE(p) !== 0x02014b50) return undefined;
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    let csize = cd.readUInt32LE(p + 20);
    let size = cd.readUInt32LE(p + 24);
    let offset = cd.readUInt32LE(p + 42);
    if (extraLen) {
      let x = p + 46 + nameLen;
      const xEnd = x + extraLen;
      while (x + 4 <= xEnd) {
        const id = cd.readUInt16LE(x);
        const len = cd.readUInt16LE(x + 2);
        if (id === 0x0001) {
          let f = x + 4;
          if (size === U32) {
            size = Number(cd.readBigUInt64LE(f));
            f += 8;
          }
          if (csize === U32) {
            csize = Number(cd.readBigUInt64LE(f));
            f += 8;
          }
          if (offset === U32) offset = Number(cd.readBigUInt64LE(f));
        }
        x += 4 + len;
      }
    }
    recPos[i] = p;
    offsets[i] = offset;
    sizes[i] = size;
    csizes[i] = csize;
    if (i > 0 && offset < offsets[i - 1]!) return undefined;
    p += 46 + nameLen + extraLen + commentLen;
  }
  if (p > cdSize || (count > 0 && cdOffset < offsets[count - 1]!)) return undefined;
  recPos[count] = p;
  offsets[count] = cdOffset;
  return { cd, count, cdOffset, recPos, offset: offsets, size: sizes, csize: csizes };
}

function oldEntry(c: Central, i: number): OldEntry {
  const p = c.recPos[i]!;
  return { index: i, crc: c.cd.readUInt32LE(p + 16), size: c.size[i]!, csize: c.csize[i]!, method: c.cd.readUInt16LE(p + 10), offset: c.offset[i]!, length: c.offset[i + 1]! - c.offset[i]! };
}

/** Old entries from index `from` on, by name. */
function entriesByName(c: Central, from: number): Map<string, OldEntry> {
  const out = new Map<string, OldEntry>();
  for (let i = from; i < c.count; i++) {
    const p = c.recPos[i]!;
    out.set(c.cd.toString('utf8', p + 46, p + 46 + c.cd.readUInt16LE(p + 28)), oldEntry(c, i));
  }
  return out;
}

/** True when the name of central record `i` is `name`, compared without decoding. */
function nameIs(c: Central, i: number, name: string): boolean {
  const p = c.recPos[i]! + 46;
  const len = c.cd.readUInt16LE(c.recPos[i]! + 28);
  if (len === name.length) {
    let ascii = true;
    for (let j = 0; j < len; j++) {
      const ch = name.charCodeAt(j);
      if (ch >= 0x80) {
        ascii = false;
        break;
      }
      if (c.cd[p + j] !== ch) return false;
    }
    if (ascii) return true;
  }
  return c.cd.toString('utf8', p, p + len) === name;
}

function sameEntry(o: OldEntry, e: ZipEntry, headerLength: number): boolean {
  return o.length === headerLength + e.csize && o.crc === e.crc >>> 0 && o.size === e.size && o.csize === e.csize && o.method === e.method;
}

/**
 * Number of leading entries of `sorted` that are identical, at the same offsets, to the leading
 * entries of the old archive (name, mode, content id, CRC, sizes, method).
 */
function commonPrefix<E extends ZipEntry>(c: Central, sorted: readonly E[], reuse: ZipReuse<E>, force: boolean): number {
  const n = Math.min(c.count, sorted.length);
  let k = 0;
  for (; k < n; k++) {
    const e = sorted[k]!;
    const p = c.recPos[k]!;
    if (!nameIs(c, k, e.name)) break;
    const cd = c.cd;
    if (cd.readUInt32LE(p + 38) >>> 16 !== (0o100000 | e.mode) || cd.readUInt32LE(p + 16) !== e.crc >>> 0 || cd[p + 10] !== e.method) break;
    if (c.size[k] !== e.size || c.csize[k] !== e.csize) break;
    // The local header's length: 30 + name (same bytes as the record's) + 20 with Zip64 sizes.
    const zip64Sizes = force || e.size >= U32 || e.csize >= U32;
    if (c.offset[k + 1]! - c.offset[k]! !== 30 + cd.readUInt16LE(p + 28) + (zip64Sizes ? 20 : 0) + e.csize) break;
    if (reuse.previous.ids(k) !== reuse.idOf(e)) break;
  }
  return k;
}

/** Reads an old archive front to back exactly once, hashing every byte, copying the requested ranges. */
class SequentialSource {
  private pos = 0;
  private readonly hash: Hash = createHash('sha256');
  private readonly buf = Buffer.allocUnsafe(BUFFER_SIZE);

  constructor(
    private readonly fd: number,
    private readonly size: number,
    /** Skip bytes nobody copies instead of reading and hashing them. */
    private readonly trusted: boolean,
  ) {}

  /** Moves to `to`, passing the bytes in between to `sink` when given. */
  advance(to: number, sink?: (chunk: Buffer) => void): void {
    if (to < this.pos || to > this.size) throw new ReuseInvalid();
    if (!sink && this.trusted) {
      this.pos = to;
      return;
    }
    while (this.pos < to) {
      const len = Math.min(this.buf.length, to - this.pos);
      if (readFully(this.fd, this.buf, len, this.pos) !== len) throw new ReuseInvalid();
      const chunk = this.buf.subarray(0, len);
      this.hash.update(chunk);
      sink?.(chunk);
      this.pos += len;
    }
  }

  digest(): string {
    this.advance(this.size);
    return this.hash.digest('hex');
  }
}


/**
 * Writes `entries` (any order; sorted here) to `path` atomically (temp file + rename) and returns
 * the archive's size and sha256. `copy` must produce exactly `csize` bytes per entry.
 */
export function writeZip<E extends ZipEntry>(path: string, entries: readonly E[], copy: CopyEntry<E>, options: ZipWriteOptions = {}, reuse?: ZipReuse<E>): ZipReuseResult {
  const sorted = isSorted(entries) ? entries : [...entries].sort((a, b) => compareNames(a.name, b.name));
  if (!reuse || reuse.previous.forceZip64 !== Boolean(options.forceZip64)) return writeOnce(path, sorted, copy, options);
  let fd: number;
  try {
    fd = openSync(reuse.previous.path, 'r');
  } catch {
    return writeOnce(path, sorted, copy, options);
  }
  try {
    const size = fstatSync(fd).size;
    const central = readCentral(fd, size);
    if (!central) return writeOnce(path, sorted, copy, options);
    const trusted = Boolean(reuse.previous.trusted);
    const k = trusted ? commonPrefix(central, sorted, reuse, Boolean(options.forceZip64)) : 0;
    const prefix = { entries: k, bytes: central.offset[k]!, central: central.cd.subarray(0, central.recPos[k]!), kernelCopy: central.offset[k]! * 2 >= size };
    return writeOnce(path, sorted, copy, options, { reuse, old: entriesByName(central, k), source: new SequentialSource(fd, size, trusted), prefix });
  } finally {
    closeSync(fd);
  }
}

function writeOnce<E extends ZipEntry>(
  path: string,
  sorted: readonly E[],
  copy: CopyEntry<E>,
  options: ZipWriteOptions,
  from?: {
    reuse: ZipReuse<E>;
    /** Old entries after the common prefix, by name. */
    old: Map<string, OldEntry>;
    source: SequentialSource;
    /** The first `entries` entries are the old archive's first `bytes` bytes and `central` records. */
    prefix: { entries: number; bytes: number; central: Buffer; kernelCopy: boolean };
  },
): ZipReuseResult {
  const tmp = `${path}.${process.pid}.tmp`;
  const kernelCopy = Boolean(from && from.prefix.bytes > 0 && from.prefix.kernelCopy);
  // A file (or planted symlink) left under the temporary name is replaced, never written through.
  rmSync(tmp, { force: true });
  if (kernelCopy) copyFileSync(from!.reuse.previous.path, tmp, fsConstants.COPYFILE_EXCL);
  const fd = openSync(tmp, kernelCopy ? 'r+' : 'wx');
  let ok = false;
  try {
    const out = new HashingFile(fd);
    const placed: Placed[] = [];
    let unzipped = 0;
    let reusedBytes = 0;
    const start = from?.prefix.entries ?? 0;
    for (let i = 0; i < start; i++) unzipped += sorted[i]!.size;
    if (from && from.prefix.bytes > 0) {
      // The prefix is already in the file (kernel copy, truncated here) or is copied now; either way it is hashed once.
      if (kernelCopy) ftruncateSync(fd, from.prefix.bytes);
      from.source.advance(from.prefix.bytes, (chunk) => (kernelCopy ? out.absorb(chunk) : out.write(chunk)));
      reusedBytes += from.prefix.bytes;
    }
    // The pending run of previous-archive bytes to copy: [runStart, runEnd).
    let runStart = 0;
    let runEnd = 0;
    const flushRun = () => {
      if (runEnd === runStart) return;
      from!.source.advance(runStart);
      from!.source.advance(runEnd, (chunk) => out.write(chunk));
      reusedBytes += runEnd - runStart;
      runStart = runEnd = 0;
    };
    for (let i = start; i < sorted.length; i++) {
      const e = sorted[i]!;
      const name = Buffer.from(e.name, 'utf8');
      const zip64Sizes = Boolean(options.forceZip64) || e.size >= U32 || e.csize >= U32;
      const headerLength = 30 + name.length + (zip64Sizes ? 20 : 0);
      placed.push({ entry: e, name, offset: out.offset + (runEnd - runStart), zip64Sizes });
      unzipped += e.size;
      const o = from?.old.get(e.name);
      if (o && sameEntry(o, e, headerLength) && from!.reuse.previous.ids(o.index) === from!.reuse.idOf(e)) {
        if (runEnd !== runStart && runEnd === o.offset) runEnd += o.length;
        else {
          flushRun();
          runStart = o.offset;
          runEnd = o.offset + o.length;
        }
        continue;
      }
      flushRun();
      out.write(localHeader(e, name, zip64Sizes));
      let copied = 0;
      copy(e, (chunk) => {
        copied += chunk.length;
        out.write(chunk);
      });
      if (copied !== e.csize) throw new Error(`zip entry ${e.name}: expected ${e.csize} bytes, got ${copied}`);
    }
    flushRun();
    if (from && !from.reuse.previous.trusted && from.source.digest() !== from.reuse.previous.sha256) throw new ReuseInvalid();
    const cdOffset = out.offset;
    if (from) out.write(from.prefix.central);
    writeCentral(out, placed, Boolean(options.forceZip64));
    const cdSize = out.offset - cdOffset;
    const count = start + placed.length;
    out.write(endRecords(count, cdOffset, cdSize, Boolean(options.forceZip64)));
    const digest = out.digest();
    closeSync(fd);
    renameSync(tmp, path);
    ok = true;
    return {
      size: out.offset,
      sha256: digest.toString('hex'),
      sha256Base64: digest.toString('base64'),
      unzippedSize: unzipped,
      files: count,
      reusedBytes,
    };
  } catch (err) {
    if (err instanceof ReuseInvalid) {
      closeSync(fd);
      ok = true;
      rmSync(tmp, { force: true });
      return writeOnce(path, sorted, copy, options);
    }
    throw err;
  } finally {
    if (!ok) {
      try {
        closeSync(fd);
      } catch {}
      rmSync(tmp, { force: true });
    }
  }
}
