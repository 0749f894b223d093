/**
 * YAML syntax errors in plain words. The yaml library describes what its parser saw ("Nested
 * mappings are not allowed in compact mappings", a missing quote at the end of the file); this
 * module recognises the common mistakes behind those messages (tabs, indentation, unclosed quotes
 * and brackets, unquoted `{` or `: ` in values, a missing space after a colon, reserved first
 * characters, a second document) and points at where the mistake is, with a hint that fixes it.
 * Anything else keeps the library's message and a general hint. Only the first error is reported:
 * the ones after it are usually its consequences.
 */
import type { Document, Node, YAMLError } from 'yaml';
import type { FnxError } from '../errors.js';
import { problem } from './problems.js';

type Yaml = typeof import('yaml');
type Position = { line: number; column: number };

interface Explained {
  readonly message: string;
  readonly hint: string;
  readonly at: Position;
}

const GENERAL_HINT = 'Check indentation (spaces, not tabs), colons after keys, and quotes around values that contain `: `, `#`, `{` or `}`.';

/** The problem for the first of `document.errors`. */
export function syntaxProblem(yaml: Yaml, document: Document, text: string, file: string, at: (offset: number) => Position): FnxError {
  const errors = document.errors;
  const first = errors[0]!;
  const explained = new Explainer(yaml, document, text, at).explain(first);
  if (explained) return problem('E_YAML_SYNTAX', explained.message, { file, ...explained.at }, explained.hint);
  const more = errors.length - 1;
  const message = first.message.replace(/\s+/g, ' ').replace(/ at line \d+, column \d+.*$/, '');
  return problem('E_YAML_SYNTAX', `YAML syntax error: ${message}${more ? ` (and ${more} more after it)` : ''}`, { file, ...at(first.pos[0]) }, GENERAL_HINT);
}

class Explainer {
  private readonly lines: string[];

  constructor(
    private readonly y: Yaml,
    private readonly document: Document,
    private readonly text: string,
    private readonly at: (offset: number) => Position,
  ) {
    this.lines = text.split('\n');
  }

  explain(e: YAMLError): Explained | undefined {
    const offset = e.pos[0];
    const pos = this.at(offset);
    const message = e.message;
    switch (e.code) {
      case 'TAB_AS_INDENT':
        return { message: 'A tab is used for indentation here.', hint: 'YAML indents with spaces only: replace the tab with spaces (two per level is usual).', at: pos };
      case 'BAD_SCALAR_START': {
        const ch = this.text[offset] ?? '';
        return {
          message: `A value cannot start with \`${ch}\` unless it is quoted (YAML reserves it).`,
          hint: `Put the value in quotes: ${this.quotedAt(offset)}.`,
          at: pos,
        };
      }
      case 'MULTIPLE_DOCS':
        return {
          message: 'The manifest holds more than one YAML document: the `---` here starts a second one.',
          hint: 'Keep one document: remove the `---` line and put everything in the first.',
          at: this.documentMarker(offset) ?? pos,
        };
      case 'BAD_DQ_ESCAPE':
        return {
          message: `\`${this.text.slice(offset, offset + 2)}\` is not an escape sequence in a double-quoted value.`,
          hint: 'Write a backslash as `\\\\` inside double quotes, or use single quotes, in which a backslash is a plain character.',
          at: pos,
        };
    }
    if (/Missing closing ["']quote/.test(message)) return this.unclosedQuote(offset) ?? this.generic(e, pos);
    const flow = /Flow (sequence|map) in block collection must be sufficiently indented and end with a/.test(message) || /Expected flow (sequence|map) to end with/.test(message);
    if (flow) return this.unclosedFlow(offset) ?? undefined;
    if (e.code === 'UNEXPECTED_TOKEN') {
      if (/block-seq-ind on same line with key/.test(message)) {
        return { message: 'A list cannot start on the same line as its key.', hint: 'Put each `- item` on a line of its own below the key, indented, or write the list as `[a, b]`.', at: pos };
      }
      const closer = /flow-(map|seq)-end token/.exec(message);
      if (closer) {
        const ch = closer[1] === 'map' ? '}' : ']';
        return { message: `This \`${ch}\` closes nothing.`, hint: `Remove it, or quote the value it belongs to if the \`${ch}\` is part of the text.`, at: pos };
      }
      if (/Unexpected scalar at node end/.test(message)) return this.textAfterValue(offset) ?? this.quoteSpanningLines(offset);
    }
    if (e.code === 'BLOCK_AS_IMPLICIT_KEY' || e.code === 'MULTILINE_IMPLICIT_KEY') {
      return this.colonInValue(offset) ?? this.missingSpace(offset) ?? this.quoteSpanningLines(offset) ?? this.overIndented(pos.line);
    }
    if (e.code === 'BAD_INDENT' && /All mapping items must start at the same column/.test(message)) return this.misaligned(pos.line);
    return this.quoteSpanningLines(offset);
  }

  private generic(e: YAMLError, pos: Position): Explained {
    return { message: `YAML syntax error: ${e.message.replace(/\s+/g, ' ')}`, hint: GENERAL_HINT, at: pos };
  }

  private line(n: number): string {
    return this.lines[n - 1] ?? '';
  }

  private indent(n: number): number {
    return /^ */.exec(this.line(n))![0].length;
  }

  /** True for lines that hold no YAML content (blank, or only a comment). */
  private isBlank(n: number): boolean {
    return /^\s*(#.*)?$/.test(this.line(n));
  }

  /** The rest of the line from `offset`, without a trailing comment. */
  private valueText(offset: number): string {
    const end = this.text.indexOf('\n', offset);
    return this.text
      .slice(offset, end < 0 ? undefined : end)
      .replace(/\s+#.*$/, '')
      .trimEnd();
  }

  /** The line with its value from `offset` on in quotes, as a suggestion: `` `key: "value"` ``. */
  private quotedAt(offset: number): string {
    const lineStart = this.text.lastIndexOf('\n', offset - 1) + 1;
    return `\`${this.text.slice(lineStart, offset).trimStart()}${quoted(this.valueText(offset))}\``;
  }

  private nodes(): Node[] {
    const out: Node[] = [];
    this.y.visit(this.document, {
      Scalar: (_k, n) => void out.push(n),
      Map: (_k, n) => void out.push(n),
      Seq: (_k, n) => void out.push(n),
    });
    return out;
  }

  private quotedScalars(): { start: number; end: number; quote: string; source: string }[] {
    return this.nodes()
      .filter((n) => this.y.isScalar(n) && (n.type === 'QUOTE_DOUBLE' || n.type === 'QUOTE_SINGLE') && n.range)
      .map((n) => {
        const [start, end] = n.range!;
        return { start, end, quote: this.text[start] ?? '"', source: this.text.slice(start, end).trimEnd() };
      });
  }

  private unclosedQuote(offset: number): Explained | undefined {
    const lineStart = this.text.lastIndexOf('\n', offset - 1) + 1;
    const open = this.quotedScalars().find((s) => s.start < offset && s.end >= lineStart && (s.source.includes('\n') || s.source.length < 2 || !s.source.endsWith(s.quote)));
    return open ? this.quoteProblem(open.start, open.quote) : undefined;
  }

  /** A quoted value that runs over several lines up to where the error is: usually an unclosed quote closed by the next one. */
  private quoteSpanningLines(offset: number): Explained | undefined {
    const line = this.at(offset).line;
    const open = this.quotedScalars().find((s) => s.source.includes('\n') && this.at(s.start).line < line && this.at(s.end).line >= line - 1 && s.start < offset);
    return open ? this.quoteProblem(open.start, open.quote) : undefined;
  }

  private quoteProblem(start: number, quote: string): Explained {
    const escape = quote === '"' ? 'inside double quotes write a `"` as `\\"`' : "inside single quotes write a `'` twice (`'it''s'`)";
    return {
      message: `Unclosed quote: the value that starts with \`${quote}\` here has no closing \`${quote}\` on its line, so YAML reads on into the lines below.`,
      hint: `Add the closing \`${quote}\` at the end of the value; ${escape}.`,
      at: this.at(start),
    };
  }

  private unclosedFlow(offset: number): Explained | undefined {
    const open = this.nodes().find((n) => {
      if (!(this.y.isMap(n) || this.y.isSeq(n)) || !n.flow || !n.range || n.range[0] >= offset) return false;
      const source = this.text.slice(n.range[0], n.range[1]).trimEnd();
      const closer = source.startsWith('[') ? ']' : source.startsWith('{') ? '}' : undefined;
      return closer !== undefined && !source.endsWith(closer);
    });
    if (!open?.range) return undefined;
    const list = this.text[open.range[0]] === '[';
    return {
      message: list ? 'Unclosed `[`: the list that starts here has no closing `]`.' : 'Unclosed `{`: the mapping that starts here has no closing `}`.',
      hint: list
        ? 'Close the list with `]` (`[a, b]`), or write one `- item` per line. To write text that starts with `[`, quote it.'
        : 'Close the mapping with `}` (`{ key: value }`), or write one `key: value` per line. To write text that starts with `{`, quote it: `"{name}"`.',
      at: this.at(open.range[0]),
    };
  }

  /** `{name} says hi` or `"a" b`: a mapping, list or quoted text followed by more text on its line. */
  private textAfterValue(offset: number): Explained | undefined {
    const line = this.at(offset).line;
    const before = this.nodes()
      .filter((n) => n.range && n.range[1] <= offset && this.at(n.range[0]).line === line)
      .filter((n) => (this.y.isCollection(n) && n.flow) || (this.y.isScalar(n) && (n.type === 'QUOTE_DOUBLE' || n.type === 'QUOTE_SINGLE')))
      .sort((a, b) => a.range![0] - b.range![0])[0];
    if (!before?.range) return undefined;
    const start = before.range[0];
    const first = this.text[start] ?? '';
    if (this.y.isScalar(before)) {
      return {
        message: `The quoted text ends at the ${first === "'" ? "second `'`" : 'second `"`'}, and the text after it on this line is not part of the value.`,
        hint: first === "'" ? "Inside single quotes write a `'` twice (`'it''s'`), or put the value in double quotes." : 'Quote the whole value once, and write a `"` inside it as `\\"` (or use single quotes around it).',
        at: this.at(start),
      };
    }
    return {
      message: `The value that starts with \`${first}\` is read as a YAML ${first === '[' ? 'list' : 'mapping'}, and the text after its closing \`${first === '[' ? ']' : '}'}\` does not fit in.`,
      hint: `Put the whole value in quotes: ${this.quotedAt(start)}.`,
      at: this.at(start),
    };
  }

  /** `description: note: this`: an unquoted `: ` inside a value. */
  private colonInValue(offset: number): Explained | undefined {
    const value = this.valueText(offset);
    const lineStart = this.text.lastIndexOf('\n', offset - 1) + 1;
    const isValue = /:\s+$/.test(this.text.slice(lineStart, offset));
    if (!isValue || !/(^|[^\s]):(\s|$)/.test(value)) return undefined;
    return {
      message: 'The value contains `: `, which YAML reads as the start of another key.',
      hint: `Put the value in quotes: ${this.quotedAt(offset)}.`,
      at: this.at(offset),
    };
  }

  /** `memory:512`: a key with no space after its colon is plain text. */
  private missingSpace(offset: number): Explained | undefined {
    const line = this.at(offset).line;
    const m = /^(\s*)([A-Za-z0-9_.-]+):([^\s:][^\s]*)\s*(#.*)?$/.exec(this.line(line));
    if (!m) return undefined;
    return {
      message: `\`${m[2]}:${m[3]}\` has no space after the colon, so YAML reads it as text, not as a key with a value.`,
      hint: `Write \`${m[2]}: ${m[3]}\` (a space after the colon).`,
      at: { line, column: m[1]!.length + m[2]!.length + 1 },
    };
  }

  /**
   * The first content line at or after `from` (or just after it) indented more than the line above
   * allows: more than a key with a value of its own, or a list item's text.
   */
  private overIndented(from: number): Explained | undefined {
    for (let n = from; n <= this.lines.length && n <= from + 1; n++) {
      if (this.isBlank(n)) continue;
      const above = this.previousContent(n);
      if (above === undefined || this.indent(n) <= this.indent(above)) continue;
      const aboveText = this.line(above).replace(/\s+#.*$/, '').trimEnd();
      if (aboveText.endsWith(':') || /[|>][-+]?\d*$/.test(aboveText)) continue;
      const item = /^\s*-\s+/.exec(aboveText);
      if (item && this.indent(n) === item[0].length && !this.line(n).trim().startsWith('-')) continue;
      const what = item ? 'the list item' : `\`${aboveText.trim().split(':')[0]}:\``;
      return {
        message: `Line ${n} is indented more than ${what} on line ${above}, so YAML reads it as part of that value.`,
        hint: `Entries of one mapping or list start at the same column: indent line ${n} by ${this.indent(above)} spaces like line ${above}. Only a key with no value of its own can have lines indented below it.`,
        at: { line: n, column: this.indent(n) + 1 },
      };
    }
    return undefined;
  }

  /** A key that lines up with no other key of a mapping above it. */
  private misaligned(n: number): Explained | undefined {
    let line = n;
    while (line <= this.lines.length && this.isBlank(line)) line++;
    const above = this.previousContent(line);
    if (above === undefined) return undefined;
    const text = this.line(line).trim();
    const at = { line, column: this.indent(line) + 1 };
    if (this.line(above).trim().startsWith('- ') && !text.startsWith('-')) {
      return {
        message: `\`${text.split(':')[0]}:\` follows list items: one value cannot be a list and a mapping at the same time.`,
        hint: 'Write either `- item` lines (a list) or `key: value` lines (a mapping) at one level; to give a list item more keys, indent them under its first key.',
        at,
      };
    }
    return {
      message: `Line ${line} starts at column ${this.indent(line) + 1}, which lines up with no key above it (line ${above} starts at column ${this.indent(above) + 1}).`,
      hint: 'Keys of one mapping start at the same column: indent this line with as many spaces as the other keys at its level (spaces only, no tabs).',
      at,
    };
  }

  private previousContent(n: number): number | undefined {
    for (let p = n - 1; p >= 1; p--) if (!this.isBlank(p)) return p;
    return undefined;
  }

  private documentMarker(offset: number): Position | undefined {
    const i = this.text.slice(offset).search(/^---/m);
    return i < 0 ? undefined : this.at(offset + i);
  }
}

/** `value` in double quotes (single quotes when it holds a double quote). */
function quoted(value: string): string {
  if (!value.includes('"')) return `"${value.replace(/\\/g, '\\\\')}"`;
  return `'${value.replace(/'/g, "''")}'`;
}
