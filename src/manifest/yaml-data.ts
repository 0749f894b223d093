/**
 * Turns a parsed YAML document into plain data and records where every key and value is written.
 *
 * Aliases (`*name`) are expanded in place, at most MAX_ALIAS_VALUES values in all: aliases inside
 * anchored values multiply (seven short lines can stand for billions of values), so past that
 * limit the conversion stops with a problem at the alias instead of running out of time and
 * memory. An alias with no anchor, or inside the value its own anchor names, is a problem too.
 *
 * Merge keys (YAML 1.1: `<<: *base` or `<<: [*a, *b]`) are supported: the mapping gets every
 * entry of the merged mappings that it does not set itself, and among several sources the earlier
 * one wins. Merged values keep the positions where they are written (in the anchored mapping).
 */
import type { Alias, Document, Node, YAMLMap } from 'yaml';
import type { FnxError } from '../errors.js';
import type { NodePosition } from './locator.js';
import { display, join } from './pointer.js';
import { problem } from './problems.js';

type Yaml = typeof import('yaml');
type Position = { line: number; column: number };

/** Most values that aliases may add to the manifest, all aliases together. */
export const MAX_ALIAS_VALUES = 10_000;
/** Deepest nesting of mappings and lists. */
const MAX_DEPTH = 64;

export interface Converted {
  /** Undefined when an alias or merge key could not be expanded, or the document is too deep. */
  readonly data?: unknown;
  readonly positions: Map<string, NodePosition>;
  readonly errors: FnxError[];
}

export function documentData(yaml: Yaml, document: Document, text: string, file: string, at: (offset: number) => Position): Converted {
  const c = new Converter(yaml, document, text, file, at);
  const data = c.value(document.contents as Node | null, '', undefined, 0);
  // A broken alias or merge key leaves holes that would only cause follow-up problems.
  const broken = c.stopped || c.errors.some((e) => e.code === 'E_YAML_ALIAS' || e.code === 'E_YAML_MERGE');
  return { ...(broken ? {} : { data }), positions: c.positions, errors: c.errors };
}

class Converter {
  readonly positions = new Map<string, NodePosition>();
  readonly errors: FnxError[] = [];
  stopped = false;
  /** Values created by expanding aliases so far. */
  private aliased = 0;
  /** The alias being expanded that is not itself inside an expansion: where the limit is reported. */
  private outerAlias: Alias | undefined;
  /** Mappings and lists being converted, outermost first. */
  private readonly open: Node[] = [];
  /** The node each alias names (undefined: no anchor before it), found in one pass over the document at the first alias. */
  private targets: Map<Alias, Node | undefined> | undefined;

  constructor(
    private readonly y: Yaml,
    private readonly document: Document,
    private readonly text: string,
    private readonly file: string,
    private readonly at: (offset: number) => Position,
  ) {}

  /** As yaml's Alias.resolve (the last anchor of that name before the alias, in document order), but one walk for all aliases: resolve() walks the whole document on every call. */
  private target(alias: Alias): Node | undefined {
    if (!this.targets) {
      const y = this.y;
      const targets = new Map<Alias, Node | undefined>();
      const anchors = new Map<string, Node>();
      y.visit(this.document, (_key, node) => {
        if (y.isAlias(node)) targets.set(node, anchors.get(node.source));
        else if ((y.isScalar(node) || y.isCollection(node)) && node.anchor) anchors.set(node.anchor, node as Node);
      });
      this.targets = targets;
    }
    return this.targets.get(alias);
  }

  private where(node: Node | null | undefined, fallback?: Position): Position {
    return node?.range ? this.at(node.range[0]) : (fallback ?? { line: 1, column: 1 });
  }

  private stop(error: FnxError): null {
    this.errors.push(error);
    this.stopped = true;
    return null;
  }

  value(node: Node | null, pointer: string, keyPos: Position | undefined, depth: number): unknown {
    const y = this.y;
    if (this.stopped) return null;
    if (y.isAlias(node)) return this.expand(node, (target) => this.value(target, pointer, keyPos, depth));
    if (this.outerAlias && ++this.aliased > MAX_ALIAS_VALUES) return this.stop(tooManyAliased(this.file, this.outerAlias, this.where(this.outerAlias)));
    if (depth > MAX_DEPTH) {
      return this.stop(
        problem('E_YAML_DEPTH', `The manifest nests mappings and lists more than ${MAX_DEPTH} levels deep.`, { file: this.file, ...this.where(node, keyPos) }, 'A manifest needs a few levels: check the indentation here.'),
      );
    }
    const valuePos = this.where(node, keyPos);
    let source: string | undefined;
    if (y.isScalar(node) && node.range) {
      const s = this.text.slice(node.range[0], node.range[1]);
      if (!s.includes('\n')) source = s;
    }
    this.positions.set(pointer, { ...(keyPos ? { key: keyPos } : {}), value: valuePos, ...(source !== undefined ? { source } : {}) });

    if (y.isMap(node)) return this.within(node, () => this.mapping(node, pointer, valuePos, depth));
    if (y.isSeq(node)) return this.within(node, () => node.items.map((item, i) => this.value(item as Node | null, join(pointer, i), undefined, depth + 1)));
    if (y.isScalar(node)) return node.value;
    return null;
  }

  private within<T>(node: Node, work: () => T): T {
    this.open.push(node);
    try {
      return work();
    } finally {
      this.open.pop();
    }
  }

  /** Runs `use` on the node `alias` names; null (and a problem) when it names none or its own container. */
  private expand<T>(alias: Alias, use: (target: Node) => T): T | null {
    const target = this.target(alias);
    const pos = { file: this.file, ...this.where(alias) };
    if (!target) {
      this.errors.push(
        problem('E_YAML_ALIAS', `Unknown alias \`*${alias.source}\`: no anchor \`&${alias.source}\` is defined before it.`, pos, `Mark the value to reuse with \`&${alias.source}\` (for example \`base: &${alias.source} { memory: 512 }\`) above this line, or write the value out.`),
      );
      return null;
    }
    if (this.open.includes(target)) {
      this.errors.push(
        problem('E_YAML_ALIAS', `The alias \`*${alias.source}\` is inside the value its anchor \`&${alias.source}\` names, so it would never end.`, pos, 'An alias can only stand for a value it is not part of: move the anchored value out, or write this part out.'),
      );
      return null;
    }
    const outer = this.outerAlias === undefined;
    if (outer) this.outerAlias = alias;
    try {
      return use(target);
    } finally {
      if (outer) this.outerAlias = undefined;
    }
  }

  private isMergeKey(key: unknown): boolean {
    return this.y.isScalar(key) && key.type === 'PLAIN' && key.value === '<<';
  }

  private mapping(node: YAMLMap, pointer: string, valuePos: Position, depth: number): Record<string, unknown> {
    const y = this.y;
    const out: Record<string, unknown> = {};
    const firstLine = new Map<string, number>();
    const merges: (Node | null)[] = [];
    for (const pair of node.items) {
      if (!y.isPair(pair)) continue;
      const keyNode = pair.key as Node | null;
      if (this.isMergeKey(keyNode)) {
        merges.push(pair.value as Node | null);
        continue;
      }
      const kp = this.where(keyNode, valuePos);
      if (!y.isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
        this.errors.push(problem('E_YAML_KEY', 'Keys must be plain names, not lists or mappings.', { file: this.file, ...kp }, 'Write `name: value`.'));
        continue;
      }
      const key = String(keyNode.value);
      if (key === '__proto__') {
        // As a property name it would set the object's prototype instead of adding a key.
        this.errors.push(problem('E_YAML_KEY', 'The key `__proto__` is not allowed.', { file: this.file, ...kp }, 'Remove it; no fnx setting has this name.'));
        continue;
      }
      const first = firstLine.get(key);
      if (first !== undefined) {
        this.errors.push(duplicateKey(this.file, pointer, key, kp, first));
        continue;
      }
      firstLine.set(key, kp.line);
      out[key] = this.value(pair.value as Node | null, join(pointer, key), kp, depth + 1);
    }
    for (const m of merges) {
      if (y.isSeq(m)) for (const item of m.items) this.merge(item as Node | null, out, pointer, depth, true);
      else this.merge(m, out, pointer, depth, false);
    }
    return out;
  }

  /** Adds to `out` the entries of the mapping `source` (an alias of one, or one written inline) that it does not have. */
  private merge(source: Node | null, out: Record<string, unknown>, pointer: string, depth: number, inList: boolean): void {
    const y = this.y;
    if (this.stopped) return;
    if (y.isAlias(source)) {
      this.expand(source, (target) => {
        if (y.isMap(target)) this.mergeMapping(target, out, pointer, depth);
        else this.errors.push(badMerge(this.file, this.where(source), `\`*${source.source}\` names ${y.isSeq(target) ? 'a list' : 'a single value'}, but \`<<\` merges mappings only.`));
      });
      return;
    }
    if (y.isMap(source)) {
      this.mergeMapping(source, out, pointer, depth);
      return;
    }
    const what = y.isSeq(source) ? 'a list inside the list' : 'a single value';
    this.errors.push(badMerge(this.file, this.where(source), `The merge key \`<<\` takes an alias of a mapping or a list of them, but ${inList ? 'this item' : 'its value'} is ${what}.`));
  }

  private mergeMapping(source: YAMLMap, out: Record<string, unknown>, pointer: string, depth: number): void {
    const y = this.y;
    if (this.open.includes(source)) {
      this.errors.push(badMerge(this.file, this.where(source), 'A mapping cannot merge itself (`<<` inside the value its anchor names).'));
      return;
    }
    this.within(source, () => {
      const nested: (Node | null)[] = [];
      for (const pair of source.items) {
        if (!y.isPair(pair)) continue;
        if (this.isMergeKey(pair.key)) {
          nested.push(pair.value as Node | null);
          continue;
        }
        const keyNode = pair.key as Node | null;
        if (!y.isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') continue;
        const key = String(keyNode.value);
        if (key === '__proto__' || Object.prototype.hasOwnProperty.call(out, key)) continue;
        out[key] = this.value(pair.value as Node | null, join(pointer, key), this.where(keyNode), depth + 1);
      }
      for (const m of nested) {
        if (y.isSeq(m)) for (const item of m.items) this.merge(item as Node | null, out, pointer, depth, true);
        else this.merge(m, out, pointer, depth, false);
      }
    });
  }
}

function tooManyAliased(file: string, alias: Alias, pos: Position): FnxError {
  return problem(
    'E_YAML_ALIAS',
    `The alias \`*${alias.source}\` expands to more than ${MAX_ALIAS_VALUES} values (aliases inside anchored values multiply), so fnx stops reading the manifest here.`,
    { file, ...pos },
    'Anchors and aliases are for reusing small blocks: write the values out, or share settings through `defaults:`.',
  );
}

function badMerge(file: string, pos: Position, message: string): FnxError {
  return problem('E_YAML_MERGE', message, { file, ...pos }, 'Write `<<: *name` with `name: &name { key: value, ... }` defined above it, or `<<: [*a, *b]` to merge several.');
}

function duplicateKey(file: string, pointer: string, key: string, pos: Position, firstLine: number): FnxError {
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
