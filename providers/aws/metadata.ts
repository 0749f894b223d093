/**
 * Deploy metadata stored in AWS itself, so history and rollback work from a fresh CI runner:
 * - each published version's Description: {"fnx":1,"d":deployId,"t":time,"c":commit,"st":strategy}
 *   (st: the release strategy of the deploy that published it).
 * - the alias Description: the current ReleaseRecord, compact JSON (k: the rollback cause).
 * - the function tag fnx:rolled-back: the versions traffic was rolled back from (by `fnx rollback`
 *   or automatically) and not released since, oldest first, space-separated, each as
 *   VERSION:CAUSE:TIME ("3:f:sxk2m0 7:i:sxk9a1"; CAUSE one letter of CAUSE_CODES, TIME seconds since
 *   1970 in base 36; entries written before causes were recorded are a bare "3"). Versions are
 *   immutable and the alias holds only the latest record, so this is the only place that list
 *   survives. The oldest entries are dropped to stay within a tag value's 256 characters.
 * All are at most 256 characters (Lambda's limit).
 */
import type { DeployMetadata, ReleaseRecord, ReleaseStatus, RollbackCause } from '../../src/driver.js';

export const DESCRIPTION_MAX = 256;

export interface VersionMeta {
  readonly deployId: string;
  readonly time: string;
  readonly commit?: string;
  /** The release strategy of the deploy that published the version (absent on older versions). */
  readonly strategy?: string;
}

export function versionDescription(deploy: DeployMetadata, strategy?: string): string {
  const st = strategy ? { st: strategy } : {};
  const full = JSON.stringify({ fnx: 1, d: deploy.id, t: deploy.time, ...(deploy.commit ? { c: deploy.commit } : {}), ...st });
  if (full.length <= DESCRIPTION_MAX) return full;
  return JSON.stringify({ fnx: 1, d: deploy.id.slice(0, 40), t: deploy.time.slice(0, 40), ...(deploy.commit ? { c: deploy.commit.slice(0, 40) } : {}), ...st });
}

export function parseVersionDescription(text: string | undefined): VersionMeta | undefined {
  if (!text?.startsWith('{')) return undefined;
  try {
    const o = JSON.parse(text) as { fnx?: number; d?: string; t?: string; c?: string; st?: string };
    if (o.fnx !== 1 || typeof o.d !== 'string' || typeof o.t !== 'string') return undefined;
    return { deployId: o.d, time: o.t, ...(o.c ? { commit: o.c } : {}), ...(typeof o.st === 'string' && o.st ? { strategy: o.st } : {}) };
  } catch {
    return undefined;
  }
}

/** Appended only: the alias Description stores a status as its index. */
const STATUSES: readonly ReleaseStatus[] = ['in-progress', 'live', 'rolled-back', 'superseded', 'unreleased'];

/** One letter per rollback cause, in the alias Description (k) and the fnx:rolled-back tag. */
const CAUSE_CODES: Readonly<Record<RollbackCause, string>> = { interrupted: 'i', aborted: 'a', error: 'e', failed: 'f', rollback: 'r' };

function causeOf(code: string | undefined): RollbackCause | undefined {
  return (Object.keys(CAUSE_CODES) as RollbackCause[]).find((c) => CAUSE_CODES[c] === code);
}

/** Steps as text: "+10" for an even linear sequence ending at 100, else "10,20,100". */
function encodeSteps(steps: readonly number[]): string {
  const first = steps[0];
  if (first !== undefined && steps.length > 2 && steps.every((s, i) => s === Math.min(100, first * (i + 1))) && steps[steps.length - 1] === 100) return `+${first}`;
  return steps.join(',');
}

function decodeSteps(text: string | undefined): number[] {
  if (!text) return [100];
  if (text.startsWith('+')) {
    const step = Number(text.slice(1));
    if (!(step > 0)) return [100];
    const out: number[] = [];
    for (let s = step; s < 100; s += step) out.push(s);
    out.push(100);
    return out;
  }
  return text.split(',').map(Number).filter((n) => Number.isFinite(n));
}

export function releaseDescription(r: ReleaseRecord): string {
  const base = {
    fnx: 1,
    d: r.deployId,
    v: r.version,
    ...(r.previous ? { p: r.previous } : {}),
    s: STATUSES.indexOf(r.status),
    st: r.strategy,
    i: r.step,
    ss: encodeSteps(r.steps),
    t: r.time,
    ...(r.commit ? { c: r.commit } : {}),
    ...(r.cause ? { k: CAUSE_CODES[r.cause] } : {}),
  };
  let text = JSON.stringify(base);
  if (r.reason) {
    const room = DESCRIPTION_MAX - text.length - 8;
    if (room > 10) text = JSON.stringify({ ...base, r: r.reason.slice(0, room) });
  }
  if (text.length > DESCRIPTION_MAX) text = JSON.stringify({ ...base, d: r.deployId.slice(0, 16), c: r.commit?.slice(0, 12) });
  return text.slice(0, DESCRIPTION_MAX);
}

export function parseReleaseDescription(text: string | undefined): ReleaseRecord | undefined {
  if (!text?.startsWith('{')) return undefined;
  try {
    const o = JSON.parse(text) as { fnx?: number; d?: string; v?: string; p?: string; s?: number; st?: string; i?: number; ss?: string; t?: string; c?: string; r?: string; k?: string };
    const cause = causeOf(o.k);
    if (o.fnx !== 1 || typeof o.v !== 'string') return undefined;
    return {
      deployId: o.d ?? '',
      version: o.v,
      ...(o.p ? { previous: o.p } : {}),
      status: STATUSES[o.s ?? 1] ?? 'live',
      strategy: o.st ?? 'all-at-once',
      step: o.i ?? 0,
      steps: decodeSteps(o.ss),
      time: o.t ?? '',
      ...(o.c ? { commit: o.c } : {}),
      ...(o.r ? { reason: o.r } : {}),
      ...(cause ? { cause } : {}),
    };
  } catch {
    return undefined;
  }
}

export const ROLLED_BACK_TAG = 'fnx:rolled-back';

/** One version in the fnx:rolled-back tag: why and when traffic left it (absent on older entries). */
export interface RolledBackEntry {
  readonly version: string;
  readonly cause?: RollbackCause;
  /** ISO time. */
  readonly time?: string;
}

const ENTRY = /^(\d+)(?::([a-z]))?(?::([0-9a-z]+))?$/;

export function parseRolledBack(text: string | undefined): RolledBackEntry[] {
  const out: RolledBackEntry[] = [];
  for (const item of (text ?? '').split(' ')) {
    const m = ENTRY.exec(item);
    if (!m?.[1]) continue;
    const cause = causeOf(m[2]);
    const seconds = m[3] ? parseInt(m[3], 36) : NaN;
    out.push({ version: m[1], ...(cause ? { cause } : {}), ...(Number.isFinite(seconds) ? { time: new Date(seconds * 1000).toISOString() } : {}) });
  }
  return out;
}

function entryText(e: RolledBackEntry): string {
  if (!e.cause) return e.version;
  const ms = e.time ? Date.parse(e.time) : NaN;
  return `${e.version}:${CAUSE_CODES[e.cause]}${Number.isFinite(ms) ? `:${Math.floor(ms / 1000).toString(36)}` : ''}`;
}

/** The tag value for `entries` (oldest first): each version once (its newest entry), keeping the newest entries that fit. */
export function rolledBackTag(entries: readonly RolledBackEntry[]): string {
  const seen = new Set<string>();
  const kept: string[] = [];
  for (const e of [...entries].reverse()) {
    if (seen.has(e.version)) continue;
    seen.add(e.version);
    kept.unshift(entryText(e));
  }
  while (kept.join(' ').length > DESCRIPTION_MAX) kept.shift();
  return kept.join(' ');
}
