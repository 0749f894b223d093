/**
 * Makes sure every source file's content is in the store, compressed once. Files whose path,
 * size, mtime and inode match the stat index are not read at all. The others are read on the main
 * thread (hash + CRC32) and deflated on the libuv thread pool, several at a time, with a bound on
 * the bytes in flight; files above LARGE_FILE bytes are streamed so memory stays bounded.
 * An entry that does not shrink is stored uncompressed.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { createDeflateRaw, crc32, deflateRaw, deflateRawSync } from 'node:zlib';
import { promisify } from 'node:util';
import { InterruptedError } from '../errors.js';
import type { ContentStore } from './content-store.js';
import { fsError, isFsError } from './fs-errors.js';
import type { Source } from './layout.js';

const deflateRawAsync = promisify(deflateRaw);
const LARGE_FILE = 32 << 20;
const MAX_IN_FLIGHT = 8;
const MAX_BYTES_IN_FLIGHT = 64 << 20;

export interface CompressProgress {
  readonly files: number;
  readonly bytes: number;
}

export interface CompressOptions {
  readonly level: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: CompressProgress) => void;
  /** Paths whose stat index entry must not be trusted (their stored entry was found corrupt). */
  readonly rehash?: ReadonlySet<string>;
  /** Worker threads to use when there are at least WORKER_MIN_BYTES to read (0: none). */
  readonly workers?: number;
  /** The project folder, for the paths named in read errors. */
  readonly root?: string;
}

/** Below this many bytes to read, starting worker threads costs more than it saves. */
export const WORKER_MIN_BYTES = 8 << 20;

/** Returns the content hash of every source, by source path. */
export async function compressSources(sources: Iterable<Source>, store: ContentStore, opts: CompressOptions): Promise<Map<string, string>> {
  const shaOf = new Map<string, string>();
  const pending = new Map<string, Promise<void>>();
  let inFlight = 0;
  let bytesInFlight = 0;
  let failure: unknown;
  let wake: (() => void) | undefined;
  let files = 0;
  let bytes = 0;
  const progress = (size: number) => {
    files += 1;
    bytes += size;
    opts.onProgress?.({ files, bytes });
  };
  const waitForRoom = async (size: number) => {
    while (failure === undefined && (inFlight >= MAX_IN_FLIGHT || (inFlight > 0 && bytesInFlight + size > MAX_BYTES_IN_FLIGHT))) {
      await new Promise<void>((r) => (wake = r));
    }
  };

  const toRead: Source[] = [];
  let bytesToRead = 0;
  const queued = new Set<string>();
  for (const s of sources) {
    if (opts.signal?.aborted) throw new InterruptedError();
    if (shaOf.has(s.path) || queued.has(s.path)) continue;
    if (s.content) {
      shaOf.set(s.path, storeContent(s.content, store, opts.level));
      progress(s.size);
      continue;
    }
    const known = opts.rehash?.has(s.path) ? undefined : store.shaForStat(s.path, s);
    if (known) {
      shaOf.set(s.path, known);
      progress(s.size);
      continue;
    }
    if (s.size > LARGE_FILE) {
      let sha: string;
      try {
        sha = await compressLarge(s.path, store, opts.level);
      } catch (err) {
        throw isFsError(err) ? fsError(err, 'read', s.path, opts.root ?? '') : err;
      }
      shaOf.set(s.path, sha);
      store.recordStat(s.path, s, sha);
      progress(s.size);
      continue;
    }
    queued.add(s.path);
    toRead.push(s);
    bytesToRead += s.size;
  }

  if (opts.workers && bytesToRead >= WORKER_MIN_BYTES) {
    const byPath = new Map(toRead.map((s) => [s.path, s]));
    try {
      // Loaded only here: worker_threads is not needed for a run with little to read.
      const { compressOnWorkers } = await import('./compress-workers.js');
      await compressOnWorkers(toRead, {
        count: opts.workers,
        level: opts.level,
        known: store.knownShas(),
        ...(opts.signal ? { signal: opts.signal } : {}),
        onResult: (r) => {
          const s = byPath.get(r.path)!;
          shaOf.set(r.path, r.sha);
          if (r.data && !store.get(r.sha)) store.put(r.sha, { size: r.size, crc: r.crc, method: r.method }, Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength));
          store.recordStat(r.path, s, r.sha);
          progress(s.size);
        },
      });
    } catch (err) {
      if (opts.signal?.aborted) throw new InterruptedError();
      const path = (err as { path?: unknown }).path;
      if (isFsError(err) && typeof path === 'string') throw fsError(err, 'read', path, opts.root ?? '');
      throw err;
    }
    return shaOf;
  }

  for (const s of toRead) {
    if (failure !== undefined) break;
    if (opts.signal?.aborted) throw new InterruptedError();
    await waitForRoom(s.size);
    if (failure !== undefined) break;
    let buf: Buffer;
    try {
      buf = readFileSync(s.path);
    } catch (err) {
      throw isFsError(err) ? fsError(err, 'read', s.path, opts.root ?? '') : err;
    }
    const sha = createHash('sha256').update(buf).digest('hex');
    shaOf.set(s.path, sha);
    store.recordStat(s.path, s, sha);
    progress(s.size);
    if (store.get(sha) || pending.has(sha)) continue;
    const crc = crc32(buf);
    if (buf.length === 0) {
      store.put(sha, { size: 0, crc: 0, method: 0 }, buf);
      continue;
    }
    inFlight += 1;
    bytesInFlight += buf.length;
    const job = deflateRawAsync(buf, { level: opts.level })
      .then((out) => {
        if (out.length < buf.length) store.put(sha, { size: buf.length, crc, method: 8 }, out);
        else store.put(sha, { size: buf.length, crc, method: 0 }, buf);
      })
      .catch((err: unknown) => {
        failure ??= err;
      })
      .finally(() => {
        inFlight -= 1;
        bytesInFlight -= buf.length;
        pending.delete(sha);
        wake?.();
      });
    pending.set(sha, job);
  }
  await Promise.all([...pending.values()]);
  if (failure !== undefined) throw failure;
  if (opts.signal?.aborted) throw new InterruptedError();
  return shaOf;
}

/** Stores a generated file's content (small, in memory) and returns its hash. */
function storeContent(buf: Buffer, store: ContentStore, level: number): string {
  const sha = createHash('sha256').update(buf).digest('hex');
  if (store.get(sha)) return sha;
  const crc = buf.length ? crc32(buf) : 0;
  const out = buf.length ? deflateRawSync(buf, { level }) : buf;
  if (out.length < buf.length) store.put(sha, { size: buf.length, crc, method: 8 }, out);
  else store.put(sha, { size: buf.length, crc, method: 0 }, buf);
  return sha;
}

/** Streams one large file through deflate into a pack of its own. */
async function compressLarge(path: string, store: ContentStore, level: number): Promise<string> {
  const hash = createHash('sha256');
  let crc = 0;
  let size = 0;
  const w = store.openLarge();
  let ccrc = 0;
  const deflater = createDeflateRaw({ level });
  deflater.on('data', (chunk: Buffer) => {
    ccrc = crc32(chunk, ccrc);
    w.append(chunk);
  });
  const done = once(deflater, 'end');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    crc = crc32(chunk, crc);
    size += chunk.length;
    if (!deflater.write(chunk)) await once(deflater, 'drain');
  }
  deflater.end();
  await done;
  const sha = hash.digest('hex');
  if (store.get(sha)) {
    store.discard(w);
    return sha;
  }
  if (w.offset < size) {
    store.commitLarge(w, sha, { size, crc, method: 8 }, ccrc);
    return sha;
  }
  store.discard(w);
  const raw = store.openLarge();
  let rawCrc = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20, end: size - 1 }) as AsyncIterable<Buffer>) {
    rawCrc = crc32(chunk, rawCrc);
    raw.append(chunk);
  }
  store.commitLarge(raw, sha, { size, crc, method: 0 }, rawCrc);
  return sha;
}
