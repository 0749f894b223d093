/**
 * Maps places in the (stage-merged) manifest back to the file: every JSON pointer of the merged
 * document gets the line and column of its key (for unknown keys) or of its value (otherwise) in
 * the original fnx.yaml, also when the value came from a stage override.
 */
import type { SourceLocation } from '../errors.js';
import { isWithin, parent } from './pointer.js';

export interface NodePosition {
  /** Where the key of this entry starts (absent for list items and the root). */
  readonly key?: { line: number; column: number };
  readonly value: { line: number; column: number };
  /** Source text of a single-line scalar, to point inside it. */
  readonly source?: string;
}

export class Locator {
  /** Merged pointer -> original pointer, for the roots of subtrees taken from a stage override. */
  private readonly origins = new Map<string, string>();

  constructor(
    readonly file: string,
    private readonly positions: ReadonlyMap<string, NodePosition>,
  ) {}

  /** Records that the merged subtree at `merged` comes from `original` in the file. */
  addOrigin(merged: string, original: string): void {
    this.origins.set(merged, original);
  }

  /** Every recorded position, keyed by pointer in the original document. */
  positionEntries(): IterableIterator<[string, NodePosition]> {
    return this.positions.entries();
  }

  /** A copy that shares positions but not origins (to merge another stage). */
  fork(): Locator {
    return new Locator(this.file, this.positions);
  }

  /** The pointer in the original document that `pointer` of the merged document came from. */
  original(pointer: string): string {
    for (let p = pointer; ; p = parent(p)) {
      const o = this.origins.get(p);
      if (o !== undefined) return o + pointer.slice(p.length);
      if (p === '') return pointer;
    }
  }

  /** Position of the nearest located node at or above the merged `pointer`. */
  private position(pointer: string): NodePosition | undefined {
    for (let p = this.original(pointer); ; p = parent(p)) {
      const pos = this.positions.get(p);
      if (pos) return pos;
      if (p === '') return undefined;
    }
  }

  /** Location of the value (or, with 'key', of the key) at `pointer`. */
  locate(pointer: string, prefer: 'key' | 'value' = 'value'): SourceLocation {
    const pos = this.position(pointer);
    const at = pos ? (prefer === 'key' ? (pos.key ?? pos.value) : pos.value) : { line: 1, column: 1 };
    return { file: this.file, line: at.line, column: at.column };
  }

  /**
   * Location of `text` inside the single-line scalar at `pointer` (for example one `${...}` of a
   * string); the value's location when it cannot be found.
   */
  locateText(pointer: string, text: string): SourceLocation {
    const source = this.scalarSource(pointer);
    const i = source === undefined ? -1 : source.indexOf(text);
    const loc = this.locate(pointer);
    return i < 0 ? loc : { ...loc, column: loc.column + i };
  }

  /** Location of character `offset` of the single-line string value at `pointer` (quotes skipped). */
  locateOffset(pointer: string, offset: number): SourceLocation {
    const source = this.scalarSource(pointer);
    const loc = this.locate(pointer);
    if (source === undefined) return loc;
    const quoted = source.startsWith('"') || source.startsWith("'");
    return { ...loc, column: loc.column + offset + (quoted ? 1 : 0) };
  }

  private scalarSource(pointer: string): string | undefined {
    return this.positions.get(this.original(pointer))?.source;
  }

  /** True when `pointer` of the merged document came from the file below `originalAncestor`. */
  comesFrom(pointer: string, originalAncestor: string): boolean {
    return isWithin(this.original(pointer), originalAncestor);
  }
}
