/**
 * JSON pointers (RFC 6901, as ajv reports them) are the one way the manifest pipeline names a
 * place in the document: positions, stage origins, variables and errors all key on them.
 */

export type Segment = string | number;

export function escapeSegment(s: Segment): string {
  const t = String(s);
  return t.includes('~') || t.includes('/') ? t.replace(/~/g, '~0').replace(/\//g, '~1') : t;
}

export function unescapeSegment(s: string): string {
  return s.includes('~') ? s.replace(/~1/g, '/').replace(/~0/g, '~') : s;
}

export function join(pointer: string, ...segments: Segment[]): string {
  if (segments.length === 1) return `${pointer}/${escapeSegment(segments[0]!)}`;
  return pointer + segments.map((s) => `/${escapeSegment(s)}`).join('');
}

export function split(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map(unescapeSegment);
}

export function parent(pointer: string): string {
  const i = pointer.lastIndexOf('/');
  return i <= 0 ? '' : pointer.slice(0, i);
}

/** True when `pointer` is `ancestor` or lies below it. */
export function isWithin(pointer: string, ancestor: string): boolean {
  return pointer === ancestor || pointer.startsWith(`${ancestor}/`);
}

/** `functions.createOrder.triggers[0].http`: how messages name a place. */
export function display(pointer: string): string {
  let out = '';
  for (const s of split(pointer)) {
    if (/^\d+$/.test(s)) out += `[${s}]`;
    else out += out ? `.${s}` : s;
  }
  return out || '(top level)';
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value at `pointer`, or undefined. */
export function get(root: unknown, pointer: string): unknown {
  let node = root;
  for (const s of split(pointer)) {
    if (Array.isArray(node)) node = /^\d+$/.test(s) ? node[Number(s)] : undefined;
    else if (isRecord(node)) node = Object.prototype.hasOwnProperty.call(node, s) ? node[s] : undefined;
    else return undefined;
  }
  return node;
}
