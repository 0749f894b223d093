/**
 * A bound on how deeply a YAML text nests, found without parsing it. The yaml library composes
 * nested nodes recursively, so a few thousand levels (`[[[[...`, `- - - -`, ever deeper
 * indentation) overflow the stack inside it, at a place that depends on how deep the caller's
 * stack already is. Texts whose bound exceeds MAX_TEXT_NESTING are refused before parsing, at a
 * fixed position; the exact limit on nesting (yaml-data.ts) applies to everything else.
 *
 * The bound per line: the number of indentation levels open (a stack of increasing indents),
 * plus the `- ` / `? ` / `: ` indicators that open nested nodes on one line, plus the flow
 * brackets open (outside quotes and comments). It never undercounts real nesting.
 */

/** Far above any manifest (the converter allows 64 levels) and far below what overflows the parser. */
export const MAX_TEXT_NESTING = 200;

/** The position (1-based, in UTF-16 units) where the bound first exceeds MAX_TEXT_NESTING, if it does. */
export function tooDeepAt(text: string): { line: number; column: number } | undefined {
  const indents: number[] = [];
  let flow = 0;
  let quote: '"' | "'" | undefined;
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const lineStart = i;
    let end = text.indexOf('\n', i);
    if (end < 0) end = text.length;
    let col = i;
    if (quote === undefined && flow === 0) {
      while (col < end && text[col] === ' ') col++;
      const blank = col === end || text[col] === '#' || text[col] === '\r';
      if (!blank) {
        const indent = col - lineStart;
        while (indents.length && indents[indents.length - 1]! >= indent) indents.pop();
        indents.push(indent);
      }
    }
    let inline = 0;
    for (let k = col; k < end; k++) {
      const c = text[k]!;
      if (quote) {
        if (c === quote) {
          if (quote === "'" && text[k + 1] === "'") k++;
          else quote = undefined;
        } else if (c === '\\' && quote === '"') k++;
        continue;
      }
      if (c === '#' && (k === lineStart || text[k - 1] === ' ' || text[k - 1] === '\t')) break;
      if (c === '"' || c === "'") quote = c;
      else if (c === '[' || c === '{') flow++;
      else if ((c === ']' || c === '}') && flow > 0) flow--;
      else if ((c === '-' || c === '?' || c === ':') && (text[k + 1] === ' ' || text[k + 1] === '\t')) inline++;
      if (indents.length + inline + flow > MAX_TEXT_NESTING) return { line, column: k - lineStart + 1 };
    }
    i = end + 1;
    line++;
  }
  return undefined;
}
