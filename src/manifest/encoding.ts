/**
 * The manifest's bytes as text. fnx.yaml must be UTF-8: a UTF-8 byte order mark is accepted (and
 * dropped), UTF-16/UTF-32 files and bytes that are not valid UTF-8 are a positioned problem, never
 * silently replaced by U+FFFD.
 */
import { basename } from 'node:path';
import type { FnxError } from '../errors.js';
import { problem } from './problems.js';

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** The text of `bytes`, or the problem that stops it being read as UTF-8. */
export function decodeManifest(file: string, bytes: Uint8Array): { text: string } | { error: FnxError } {
  const start = UTF8_BOM.every((b, i) => bytes[i] === b) ? UTF8_BOM.length : 0;
  const other = otherEncoding(bytes);
  if (other) {
    return {
      error: problem(
        'E_MANIFEST_ENCODING',
        `${basename(file)} must be UTF-8, but it is ${other.name}.`,
        { file, line: 1, column: 1 },
        `Save the file as UTF-8 (most editors: "Save with encoding" -> UTF-8), or convert it: \`iconv -f ${other.iconv} -t UTF-8 ${basename(file)} > fnx.utf8.yaml\`, then replace the file with the result.`,
      ),
    };
  }
  const bad = firstInvalidByte(bytes, start);
  if (bad < 0) return { text: lineBreaks(new TextDecoder('utf-8').decode(bytes.subarray(start))) };
  // Line and column as the YAML positions count them: UTF-16 units of the valid text before it.
  const before = new TextDecoder('utf-8').decode(bytes.subarray(start, bad));
  const lineStart = before.lastIndexOf('\n') + 1;
  const line = before.split('\n').length;
  const hex = `0x${bytes[bad]!.toString(16).toUpperCase().padStart(2, '0')}`;
  return {
    error: problem(
      'E_MANIFEST_ENCODING',
      `${basename(file)} must be UTF-8: byte ${hex} here is not valid UTF-8.`,
      { file, line, column: before.length - lineStart + 1 },
      `The file was probably saved in another encoding (such as Latin-1 or Windows-1252): save it as UTF-8, or convert it: \`iconv -f WINDOWS-1252 -t UTF-8 ${basename(file)}\`.`,
    ),
  };
}

interface Encoding {
  readonly name: string;
  /** Its name for `iconv -f`. */
  readonly iconv: string;
}

/** UTF-16/32, recognised by a byte order mark or by the NUL bytes of ASCII text without one. */
function otherEncoding(b: Uint8Array): Encoding | undefined {
  const le = (bits: number, bom: boolean) => ({ name: `UTF-${bits} (little-endian)`, iconv: bom ? `UTF-${bits}` : `UTF-${bits}LE` });
  const be = (bits: number, bom: boolean) => ({ name: `UTF-${bits} (big-endian)`, iconv: bom ? `UTF-${bits}` : `UTF-${bits}BE` });
  if (b[0] === 0xff && b[1] === 0xfe) return b[2] === 0 && b[3] === 0 ? le(32, true) : le(16, true);
  if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return be(32, true);
  if (b[0] === 0xfe && b[1] === 0xff) return be(16, true);
  if (b.length >= 2 && b[0] !== 0 && b[1] === 0) return le(16, false);
  if (b.length >= 2 && b[0] === 0 && b[1] !== 0) return be(16, false);
  return undefined;
}

/** Offset of the first byte at or after `from` that does not start a valid UTF-8 sequence; -1 when all are valid. */
export function firstInvalidByte(b: Uint8Array, from = 0): number {
  let i = from;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i += 1;
      continue;
    }
    let n: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) [n, min] = [1, 0x80];
    else if (c >= 0xe0 && c <= 0xef) [n, min] = [2, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [n, min] = [3, 0x10000];
    else return i;
    let cp = c & (0xff >> (n + 2));
    for (let k = 1; k <= n; k++) {
      const cont = b[i + k];
      if (cont === undefined || (cont & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cont & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points above U+10FFFF are not UTF-8.
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return i;
    i += n + 1;
  }
  return -1;
}

/**
 * YAML counts a lone CR as a line break (CR, LF and CRLF all are); the parser sees only LF and
 * CRLF, so a file saved with old Mac line endings would read as one line. Each lone CR becomes
 * LF: one character for one, so every offset, line and column stays as the file has it.
 */
function lineBreaks(text: string): string {
  return text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
}
