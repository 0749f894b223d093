/**
 * What the stage lease record holds (stored as JSON text by each provider's StageRecordStore):
 * who holds the stage and until when, or, once released, who held it last. Parsing never throws:
 * a record fnx cannot read (written by a newer fnx, or damaged) is reported as `unreadable`, and
 * the lease code decides what to do with it.
 */

/** The run that holds (or last held) a stage. Printed in messages: it never carries a secret. */
export interface LeaseHolder {
  /** Random per run. */
  readonly id: string;
  /** The command, e.g. "deploy". */
  readonly command: string;
  readonly host: string;
  readonly pid: number;
  /** ISO time the run took the lease. */
  readonly since: string;
  readonly actor?: string;
  readonly commit?: string;
}

export type LeaseState =
  | { readonly kind: 'held'; readonly holder: LeaseHolder; /** ISO time. */ readonly expires: string }
  | { readonly kind: 'free'; readonly last?: LeaseHolder }
  | { readonly kind: 'unreadable' };

const VERSION = 1;

export function heldText(holder: LeaseHolder, expires: Date): string {
  return JSON.stringify({ fnxLease: VERSION, holder, expires: expires.toISOString() });
}

export function freeText(last: LeaseHolder): string {
  return JSON.stringify({ fnxLease: VERSION, last });
}

export function parseLease(text: string): LeaseState {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { kind: 'unreadable' };
  }
  if (!isObject(doc) || doc.fnxLease !== VERSION) return { kind: 'unreadable' };
  if (doc.holder !== undefined) {
    const holder = asHolder(doc.holder);
    if (!holder || typeof doc.expires !== 'string' || Number.isNaN(Date.parse(doc.expires))) return { kind: 'unreadable' };
    return { kind: 'held', holder, expires: doc.expires };
  }
  const last = doc.last === undefined ? undefined : asHolder(doc.last);
  return last ? { kind: 'free', last } : { kind: 'free' };
}

function asHolder(v: unknown): LeaseHolder | undefined {
  if (!isObject(v)) return undefined;
  const { id, command, host, pid, since, actor, commit } = v;
  if (typeof id !== 'string' || typeof command !== 'string' || typeof host !== 'string' || typeof pid !== 'number' || typeof since !== 'string') return undefined;
  return {
    id,
    command,
    host,
    pid,
    since,
    ...(typeof actor === 'string' ? { actor } : {}),
    ...(typeof commit === 'string' ? { commit } : {}),
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
