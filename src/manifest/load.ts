/**
 * Reads fnx.yaml into plain data plus a Locator that knows the line and column of every key and
 * value. YAML syntax errors, duplicate keys, an empty file or a root that is not a mapping are
 * reported as positioned problems.
 *
 * Parsing YAML with positions is the slowest part of start-up, so a clean parse is cached in
 * `.fnx/cache/` next to the manifest, keyed by a hash of the file's text; a cache that is missing,
 * stale or unwritable only costs the parse.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join as joinPath } from 'node:path';
import type { Document, Node } from 'yaml';
import { ExitCode, FnxError } from '../errors.js';
import { Locator, type NodePosition } from './locator.js';
import { display, join } from './pointer.js';
import { problem } from './problems.js';

export interface LoadedManifest {
  readonly file: string;
  /** The document as plain data; undefined when it could not be read at all. */
  readonly doc?: Record<string, unknown>;
  readonly locator: Locator;
  readonly errors: FnxError[];
}

/** Reads and parses the manifest at the absolute path `file`. Throws only for a file that cannot be read. */
export async function loadManifestFile(file: string): Promise<LoadedManifest> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
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
  const hash = createHash('sha256').update(`${CACHE_FORMAT}\0${text}`).digest('hex');
  const cacheFile = joinPath(dirname(file), '.fnx', 'cache', `${basename(file)}.parsed.json`);
  const cached = await readCache(cacheFile, hash);
  if (cached) return { file, doc: cached.doc, locator: new Locator(file, new Map(cached.positions)), errors: [] };

  const loaded = await parseManifest(file, text);
  if (loaded.doc && loaded.errors.length === 0) await writeCache(cacheFile, hash, loaded);
  return loaded;
}

/** Bump when the parsed shape (doc or positions) changes. */
const CACHE_FORMAT = 'fnx-manifest-cache-1';

interface CacheEntry {
  hash: string;
  doc: Record<string, unknown>;
  positions: [string, NodePosition][];
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
  const { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } = (await import('yaml')).default;
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, keepSourceTokens: false });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line: Math.max(1, line), column: Math.max(1, col) };
  };
  const positions = new Map<string, NodePosition>();
  const locator = new Locator(file, positions);
  const errors: FnxError[] = [];

  // Only the first syntax error: the ones after it are usually its consequences.
  const first = document.errors[0];
  if (first) {
    const { line, column } = at(first.pos[0]);
    const more = document.errors.length - 1;
    errors.push(
      problem(
        'E_YAML_SYNTAX',
        `YAML syntax error: ${first.message.replace(/\s+/g, ' ').replace(/ at line \d+, column \d+.*$/, '')}${more ? ` (and ${more} more after it)` : ''}`,
        { file, line, column },
        'Check indentation (spaces, not tabs), colons after keys, and quotes around values that contain `: `, `#`, `{` or `}`.',
      ),
    );
  }
  if (errors.length) return { file, locator, errors };

  const root = document.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) {
    errors.push(
      problem('E_MANIFEST_EMPTY', `${file} is empty.`, { file, line: 1, column: 1 }, 'Run `fnx init` for a starting manifest, or see the manifest reference in the README.'),
    );
    return { file, locator, errors };
  }
  if (!isMap(root)) {
    const pos = root.range ? at(root.range[0]) : { line: 1, column: 1 };
    errors.push(
      problem(
        'E_MANIFEST_NOT_MAPPING',
        `The manifest must be a mapping of keys (service, providers, functions, ...), but it is ${isSeq(root) ? 'a list' : 'a single value'}.`,
        { file, ...pos },
        'Start the file with `service: <name>` at column 1.',
      ),
    );
    return { file, locator, errors };
  }

  const toData = (node: Node | null, pointer: string, keyPos?: { line: number; column: number }, depth = 0): unknown => {
    if (depth > 64) return null;
    if (isAlias(node)) return toData(node.resolve(document as Document) ?? null, pointer, keyPos, depth + 1);
    const valuePos = node?.range ? at(node.range[0]) : keyPos ?? { line: 1, column: 1 };
    let source: string | undefined;
    if (isScalar(node) && node.range) {
      const s = text.slice(node.range[0], node.range[1]);
      if (!s.includes('\n')) source = s;
    }
    positions.set(pointer, { ...(keyPos ? { key: keyPos } : {}), value: valuePos, ...(source !== undefined ? { source } : {}) });

    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const firstLine = new Map<string, number>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as Node | null;
        const kp = keyNode && 'range' in keyNode && keyNode.range ? at(keyNode.range[0]) : valuePos;
        if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
          errors.push(problem('E_YAML_KEY', 'Keys must be plain names, not lists or mappings.', { file, ...kp }, 'Write `name: value`.'));
          continue;
        }
        const key = String(keyNode.value);
        const childPointer = join(pointer, key);
        const first = firstLine.get(key);
        if (first !== undefined) {
          errors.push(duplicateKey(file, pointer, key, kp, first));
          continue;
        }
        firstLine.set(key, kp.line);
        out[key] = toData(pair.value as Node | null, childPointer, kp, depth + 1);
      }
      return out;
    }
    if (isSeq(node)) return node.items.map((item, i) => toData(item as Node | null, join(pointer, i), undefined, depth + 1));
    if (isScalar(node)) return node.value;
    return null;
  };

  const doc = toData(root, '') as Record<string, unknown>;
  return { file, doc, locator, errors };
}

function duplicateKey(file: string, pointer: string, key: string, pos: { line: number; column: number }, firstLine: number): FnxError {
  if (pointer === '/functions') {
    return problem(
      'E_FUNCTION_DUPLICATE',
      `Function \`${key}\` is defined twice (first at line ${firstLine}).`,
      { file, ...pos },
      'Function names must be unique: rename or remove one of them.',
    );
  }
  return problem(
    'E_MANIFEST_DUPLICATE_KEY',
    `Duplicate key \`${key}\` in ${display(pointer)} (first at line ${firstLine}).`,
    { file, ...pos },
    'A key may appear once per mapping: merge the two entries.',
  );
}
