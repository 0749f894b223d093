/**
 * A minimal deterministic zip writer. Entries arrive already compressed (raw deflate or stored),
 * so one compressed entry can be copied into any number of archives. Output is byte-identical for
 * identical input: entries sorted by name, fixed 1980-01-01 00:00 timestamps, "made by" Unix with
 * the mode (0644/0755) in the external attributes, no extra fields except Zip64 ones where a size,
 * an offset or the entry count needs them. No data descriptors: sizes are known up front.
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';

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
  offset = 0;

  constructor(private readonly fd: number) {}

  write(chunk: Buffer): void {
    this.offset += chunk.length;
    if (chunk.length >= BUFFER_SIZE) {
      this.flush();
      this.hash.update(chunk);
      writeAll(this.fd, chunk);
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
    writeAll(this.fd, data);
    this.used = 0;
  }

  digest(): Buffer {
    this.flush();
    return this.hash.digest();
  }
}

function writeAll(fd: number, data: Buffer): void {
  let off = 0;
  while (off < data.length) off += writeSync(fd, data, off, data.length - off);
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

function centralHeader(p: Placed, force: boolean): Buffer {
  const e = p.entry;
  const bigSize = force || e.size >= U32;
  const bigCsize = force || e.csize >= U32;
  const bigOffset = force || p.offset >= U32;
  const fields = [bigSize ? e.size : -1, bigCsize ? e.csize : -1, bigOffset ? p.offset : -1].filter((v) => v >= 0);
  const extraLen = fields.length ? 4 + 8 * fields.length : 0;
  const h = Buffer.alloc(46 + p.name.length + extraLen);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(MADE_BY_UNIX, 4);
  h.writeUInt16LE(extraLen || p.zip64Sizes ? 45 : 20, 6);
  h.writeUInt16LE(needsUtf8Flag(e.name) ? 0x0800 : 0, 8);
  h.writeUInt16LE(e.method, 10);
  h.writeUInt16LE(DOS_TIME, 12);
  h.writeUInt16LE(DOS_DATE, 14);
  h.writeUInt32LE(e.crc >>> 0, 16);
  h.writeUInt32LE(bigCsize ? U32 : e.csize, 20);
  h.writeUInt32LE(bigSize ? U32 : e.size, 24);
  h.writeUInt16LE(p.name.length, 28);
  h.writeUInt16LE(extraLen, 30);
  h.writeUInt16LE(0, 32); // comment
  h.writeUInt16LE(0, 34); // disk
  h.writeUInt16LE(0, 36); // internal attributes
  h.writeUInt32LE(((0o100000 | e.mode) << 16) >>> 0, 38);
  h.writeUInt32LE(bigOffset ? U32 : p.offset, 42);
  p.name.copy(h, 46);
  if (extraLen) {
    let x = 46 + p.name.length;
    h.writeUInt16LE(0x0001, x);
    h.writeUInt16LE(8 * fields.length, x + 2);
    x += 4;
    for (const v of fields) {
      h.writeBigUInt64LE(BigInt(v), x);
      x += 8;
    }
  }
  return h;
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

/**
 * Writes `entries` (any order; sorted here) to `path` atomically (temp file + rename) and returns
 * the archive's size and sha256. `copy` must produce exactly `csize` bytes per entry.
 */
export function writeZip<E extends ZipEntry>(path: string, entries: readonly E[], copy: CopyEntry<E>, options: ZipWriteOptions = {}): ZipResult {
  const sorted = isSorted(entries) ? entries : [...entries].sort((a, b) => compareNames(a.name, b.name));
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  let ok = false;
  try {
    const out = new HashingFile(fd);
    const placed: Placed[] = [];
    let unzipped = 0;
    for (const e of sorted) {
      const name = Buffer.from(e.name, 'utf8');
      const zip64Sizes = Boolean(options.forceZip64) || e.size >= U32 || e.csize >= U32;
      placed.push({ entry: e, name, offset: out.offset, zip64Sizes });
      out.write(localHeader(e, name, zip64Sizes));
      let copied = 0;
      copy(e, (chunk) => {
        copied += chunk.length;
        out.write(chunk);
      });
      if (copied !== e.csize) throw new Error(`zip entry ${e.name}: expected ${e.csize} bytes, got ${copied}`);
      unzipped += e.size;
    }
    const cdOffset = out.offset;
    for (const p of placed) out.write(centralHeader(p, Boolean(options.forceZip64)));
    const cdSize = out.offset - cdOffset;
    out.write(endRecords(placed.length, cdOffset, cdSize, Boolean(options.forceZip64)));
    const digest = out.digest();
    closeSync(fd);
    renameSync(tmp, path);
    ok = true;
    return {
      size: out.offset,
      sha256: digest.toString('hex'),
      sha256Base64: digest.toString('base64'),
      unzippedSize: unzipped,
      files: placed.length,
    };
  } finally {
    if (!ok) {
      try {
        closeSync(fd);
      } catch {}
      rmSync(tmp, { force: true });
    }
  }
}
