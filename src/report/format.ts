/** Text formatting shared by reporters: colour (only when allowed) and error rendering. */
import { FnxErrorList, type FnxError } from '../errors.js';

export interface Palette {
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

/** The marks of a finished step, the same on a spinner and in plain output. */
export const GLYPH = { ok: '✓', fail: '✗' } as const;

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;

export function palette(color: boolean): Palette {
  if (!color) {
    const id = (s: string) => s;
    return { red: id, yellow: id, green: id, dim: id, bold: id };
  }
  return { red: wrap(31, 39), yellow: wrap(33, 39), green: wrap(32, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

function flatten(err: FnxError): readonly FnxError[] {
  return err instanceof FnxErrorList ? err.errors : [err];
}

/** `fnx.yaml:12:5 error E_CODE message` + indented hint, one block per error. */
export function formatError(err: FnxError, p: Palette, cwd = process.cwd()): string {
  const lines: string[] = [];
  const list = flatten(err);
  for (const e of list) {
    const where = e.location ? `${relativeTo(cwd, e.location.file)}:${e.location.line}:${e.location.column}: ` : '';
    lines.push(`${where}${p.red('error')} ${p.dim(`[${e.code}]`)} ${visible(e.message)}`);
    if (e.hint) lines.push(`  ${p.yellow('hint:')} ${visible(e.hint)}`);
  }
  if (err instanceof FnxErrorList && list.length > 1) lines.push(p.bold(`${list.length} errors`));
  return lines.join('\n');
}

/** One line for a warning: `fnx.yaml:22:1: [W_CODE] message (hint)`. */
export function formatWarning(w: FnxError, cwd = process.cwd()): string {
  const where = w.location ? `${relativeTo(cwd, w.location.file)}:${w.location.line}:${w.location.column}: ` : '';
  return `${where}[${w.code}] ${visible(w.message)}${w.hint ? ` (${visible(w.hint)})` : ''}`;
}

/** GitHub Actions workflow commands, one per located error. */
export function githubAnnotations(err: FnxError, cwd = process.cwd()): string[] {
  return flatten(err).map((e) => {
    const props = e.location
      ? `file=${escapeProperty(relativeTo(cwd, e.location.file))},line=${e.location.line},col=${e.location.column},`
      : '';
    const text = visible(e.hint ? `${e.message} (hint: ${e.hint})` : e.message);
    return `::error ${props}title=${escapeProperty(e.code)}::${escapeData(text)}`;
  });
}

/**
 * `text` with every control character (C0, DEL, C1) and U+FFFD (a byte that was not UTF-8)
 * written as an escape (`\x1B`, `\uFFFD`): for a value quoted inside a message, such as a path.
 */
export function escapeControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, escapeOne);
}

/**
 * `s` with control characters but newline and tab escaped as in escapeControls (U+FFFD stays): messages quote the
 * user's keys and values, and a raw ESC or BEL would drive the terminal.
 */
export function visible(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, escapeOne);
}

function escapeOne(c: string): string {
  const code = c.charCodeAt(0).toString(16).toUpperCase();
  return c === '\ufffd' ? `\\u${code}` : `\\x${code.padStart(2, '0')}`;
}

/** `file` relative to `cwd` when it lies inside it, else unchanged. */
export function relativeTo(cwd: string, file: string): string {
  return file.startsWith(cwd + '/') ? file.slice(cwd.length + 1) : file;
}

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
