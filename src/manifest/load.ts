/**
 * Reads fnx.yaml into plain data plus a Locator that knows the line and column of every key and
 * value. A file that is not UTF-8 (encoding.ts), YAML syntax errors (yaml-errors.ts), alias and
 * merge-key problems and duplicate keys (yaml-data.ts), an empty file or a root that is not a
 * mapping are reported as positioned problems.
 *
 * Parsing YAML with positions is the slowest part of start-up, so a parse without problems is
 * cached in `.fnx/cache/` next to the manifest, keyed by a hash of the file's bytes; a parse with
 * problems is never cached, so the cache cannot turn a problem into a pass. A cache that is
 * missing, stale or unwritable only costs the parse.
 */
import { createHash } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { lstat, mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join as joinPath } from 'node:path';
import { ExitCode, FnxError } from '../errors.js';
import { fileKind } from '../package/fs-errors.js';
import { Locator, type NodePosition } from './locator.js';
import { decodeManifest } from './encoding.js';
import { problem } from './problems.js';
import { documentData } from './yaml-data.js';
import { syntaxProblem } from './yaml-errors.js';
import { MAX_TEXT_NESTING, tooDeepAt } from './yaml-depth.js';

function tooDeep(file: string, at: { line: number; column: number }): FnxError {
  return problem('E_YAML_DEPTH', `The manifest nests mappings and lists far too deeply here (more than ${MAX_TEXT_NESTING} levels).`, { file, ...at }, 'A manifest needs a few levels: check the brackets and the indentation here.');
}

export interface LoadedManifest {
  readonly file: string;
  /** The document as plain data; undefined when it could not be read at all. */
  readonly doc?: Record<string, unknown>;
  readonly locator: Locator;
  readonly errors: FnxError[];
}

/** Reads and parses the manifest at the absolute path `file`. Throws only for a file that cannot be read. */
export async function loadManifestFile(file: string): Promise<LoadedManifest> {
  let bytes: Buffer;
  try {
    bytes = await readBounded(file);
  } catch (err) {
    if (err instanceof FnxError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new FnxError('E_MANIFEST_NOT_FOUND', `No manifest at ${file}.`, {
        hint: 'Run `fnx init` to create a project, or pass `-c PATH` to use another manifest.',
        exitCode: ExitCode.usage,
      });
    }
    throw new FnxError('E_MANIFEST_READ', `Cannot read the manifest ${file}: ${code === 'EISDIR' ? 'it is a directory' : String(code ?? err)}.`, {
      hint: 'Pass `-c PATH` with the path of a readable fnx.yaml.',
      exitCode: ExitCode.usage,
    });
  }
  const decoded = decodeManifest(file, bytes);
  if ('error' in decoded) return { file, locator: new Locator(file, new Map()), errors: [decoded.error] };
  const text = decoded.text;
  const hash = createHash('sha256').update(`${CACHE_FORMAT}\0`).update(bytes).digest('hex');
  const cacheFile = joinPath(dirname(file), '.fnx', 'cache', `${basename(file)}.parsed.json`);
  const cached = await readCache(cacheFile, hash);
  if (cached) return { file, doc: cached.doc, locator: new Locator(file, new Map(cached.positions)), errors: [] };

  const loaded = await parseManifest(file, text);
  if (loaded.doc && loaded.errors.length === 0 && survivesJson(loaded.doc)) await writeCache(cacheFile, hash, loaded);
  return loaded;
}

/** The largest manifest fnx reads (a 2,000-function manifest is about 200 KB). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/**
 * The file's bytes: only a regular file (never a FIFO or a device), at most MAX_MANIFEST_BYTES.
 * Opened without blocking and checked on the open handle, so a FIFO answers at once and a file
 * swapped after the check cannot be read in its place.
 */
async function readBounded(file: string): Promise<Buffer> {
  const handle = await open(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  const info = await handle.stat();
  if (!info.isFile()) {
    await handle.close();
    throw new FnxError('E_MANIFEST_READ', `Cannot read the manifest ${file}: it is ${fileKind(info)}.`, {
      hint: 'Pass `-c PATH` with the path of a regular fnx.yaml file.',
      exitCode: ExitCode.usage,
    });
  }
  try {
    // Sized by the limit, not by stat: a file may grow, and some (under /proc) report size 0.
    const buffer = Buffer.allocUnsafe(MAX_MANIFEST_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === buffer.length) break;
    }
    if (length > MAX_MANIFEST_BYTES) {
      throw new FnxError('E_MANIFEST_TOO_LARGE', `The manifest ${file} is larger than ${MAX_MANIFEST_BYTES / 1024 / 1024} MiB.`, {
        hint: 'Check that `-c` names the fnx.yaml of the project; a manifest is a few KB, even with hundreds of functions.',
        exitCode: ExitCode.usage,
      });
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

/** Bump when the parsed shape (doc or positions) changes. */
const CACHE_FORMAT = 'fnx-manifest-cache-2';

interface CacheEntry {
  hash: string;
  doc: Record<string, unknown>;
  positions: [string, NodePosition][];
}

/**
 * True when JSON gives the value back exactly: only strings, booleans, null, finite numbers, lists
 * and plain mappings without a `__proto__` key. Anything else (Infinity, NaN, a !!timestamp Date,
 * a binary) would come back from the cache as something else, so such a parse is not cached.
 */
function survivesJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(survivesJson);
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return !Object.hasOwn(value, '__proto__') && Object.values(value).every(survivesJson);
}

async function readCache(path: string, hash: string): Promise<CacheEntry | undefined> {
  try {
    const entry = JSON.parse(await readFile(path, 'utf8')) as CacheEntry;
    return entry.hash === hash && entry.doc && Array.isArray(entry.positions) ? entry : undefined;
  } catch {
    return undefined;
  }
}

async function writeCache(path: string, hash: string, loaded: LoadedManifest): Promise<void> {
  try {
    // Never written through a symbolic link (`.fnx` or `.fnx/cache` leading out of the project).
    for (const dir of [dirname(dirname(path)), dirname(path)]) if ((await lstat(dir).catch(() => undefined))?.isSymbolicLink()) return;
    await mkdir(dirname(path), { recursive: true });
    const entry: CacheEntry = { hash, doc: loaded.doc!, positions: [...loaded.locator.positionEntries()] };
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(entry));
    await rename(tmp, path);
  } catch {}
}

/** Parses manifest text (exported for tests and for callers that already hold the text). */
export async function parseManifest(file: string, text: string): Promise<LoadedManifest> {
  // yaml is CommonJS: its module.exports is `default` both under Node and in the bundle (which
  // exposes no named exports for a lazily imported CommonJS module).
  const yaml = (await import('yaml')).default;
  const { isMap, isScalar, isSeq, LineCounter, parseDocument } = yaml;
  const empty = new Locator(file, new Map());
  const deep = tooDeepAt(text);
  if (deep) return { file, locator: empty, errors: [tooDeep(file, deep)] };
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, keepSourceTokens: false });
  // The bound above keeps the parser's recursion shallow; should it still run out of stack, the
  // place it stopped would depend on the caller's stack, so the problem is reported at 1:1.
  if (document.errors.some((e) => /Maximum call stack/.test(e.message))) return { file, locator: empty, errors: [tooDeep(file, { line: 1, column: 1 })] };
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line: Math.max(1, line), column: Math.max(1, col) };
  };

  if (document.errors.length) return { file, locator: empty, errors: [syntaxProblem(yaml, document, text, file, at)] };

  const root = document.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) {
    return {
      file,
      locator: empty,
      errors: [problem('E_MANIFEST_EMPTY', `${file} is empty.`, { file, line: 1, column: 1 }, 'Run `fnx init` for a starting manifest, or see the manifest reference in the README.')],
    };
  }
  if (!isMap(root)) {
    const pos = root.range ? at(root.range[0]) : { line: 1, column: 1 };
    return {
      file,
      locator: empty,
      errors: [
        problem(
          'E_MANIFEST_NOT_MAPPING',
          `The manifest must be a mapping of keys (service, providers, functions, ...), but it is ${isSeq(root) ? 'a list' : 'a single value'}.`,
          { file, ...pos },
          'Start the file with `service: <name>` at column 1.',
        ),
      ],
    };
  }

  const converted = documentData(yaml, document, text, file, at);
  const locator = new Locator(file, converted.positions);
  const doc = converted.data as Record<string, unknown> | undefined;
  return { file, ...(doc ? { doc } : {}), locator, errors: converted.errors };
}
