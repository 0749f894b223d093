/**
 * Release history in the app's resource tags (never app settings, whose change restarts the
 * app). Azure allows 50 tags per resource, values of at most 256 characters:
 *   fnx:release     the pointer's release record (compact JSON)
 *   fnx:h1..h10     earlier records, newest first
 *   fnx:rev         the pointer's revision (a counter every pointer write increments)
 *   fnx:version     the version production serves (Premium: also on the slot, for its version)
 *   fnx:pkg:<ver>   Flex: sha256 of a recorded package (blob packages/<sha256>.zip), newest 10
 */
import { ROLLBACK_STRATEGY, type ReleaseRecord, type ReleaseStatus, type RollbackCause } from '../../src/driver.js';

export const TAG = {
  service: 'fnx:service',
  stage: 'fnx:stage',
  function: 'fnx:function',
  managed: 'fnx:managed',
  version: 'fnx:version',
  release: 'fnx:release',
  revision: 'fnx:rev',
  packagePrefix: 'fnx:pkg:',
  packagedAt: 'fnx:pkgs',
} as const;

const HISTORY = 10;
const PACKAGES = 10;
const VALUE_MAX = 256;

interface Compact {
  d: string;
  v: string;
  p?: string;
  s: ReleaseStatus;
  g: string;
  i: number;
  ss: number[];
  t: string;
  c?: string;
  r?: string;
  k?: RollbackCause;
}

export function encodeRecord(r: ReleaseRecord): string {
  const c: Compact = { d: r.deployId, v: r.version, ...(r.previous ? { p: r.previous } : {}), s: r.status, g: r.strategy, i: r.step, ss: [...r.steps], t: r.time, ...(r.commit ? { c: r.commit.slice(0, 12) } : {}), ...(r.cause ? { k: r.cause } : {}) };
  let text = JSON.stringify(r.reason ? { ...c, r: r.reason } : c);
  if (text.length > VALUE_MAX && r.reason) {
    const room = VALUE_MAX - JSON.stringify({ ...c, r: '' }).length - 1;
    text = room > 8 ? JSON.stringify({ ...c, r: `${r.reason.slice(0, room - 1)}…` }) : JSON.stringify(c);
  }
  return text.length > VALUE_MAX ? JSON.stringify({ ...c, ss: [c.ss[c.ss.length - 1] ?? 100] }) : text;
}

export function decodeRecord(text: string | undefined): ReleaseRecord | undefined {
  if (!text) return undefined;
  try {
    const c = JSON.parse(text) as Compact;
    return { deployId: c.d, version: c.v, ...(c.p ? { previous: c.p } : {}), status: c.s, strategy: c.g, step: c.i, steps: c.ss, time: c.t, ...(c.c ? { commit: c.c } : {}), ...(c.r ? { reason: c.r } : {}), ...(c.k ? { cause: c.k } : {}) };
  } catch {
    return undefined;
  }
}

/** The records in `tags`, newest first. */
export function historyOf(tags: Readonly<Record<string, string>>): ReleaseRecord[] {
  const out: ReleaseRecord[] = [];
  const current = decodeRecord(tags[TAG.release]);
  if (current) out.push(current);
  for (let i = 1; i <= HISTORY; i++) {
    const r = decodeRecord(tags[`fnx:h${i}`]);
    if (r) out.push(r);
  }
  return out;
}

/**
 * `tags` with `record` as the pointer's record: an earlier release moves into the history (a
 * live one as superseded; the one `fnx rollback` moved traffic away from as rolled-back, cause
 * rollback).
 */
export function withRecord(tags: Readonly<Record<string, string>>, record: ReleaseRecord): Record<string, string> {
  const history = historyOf(tags);
  const [current, ...older] = history;
  const sameRelease = current && current.deployId === record.deployId && current.version === record.version;
  const leaving = (r: ReleaseRecord): ReleaseRecord =>
    record.strategy === ROLLBACK_STRATEGY && r.status === 'live' && r.version === record.previous ? { ...r, status: 'rolled-back', cause: 'rollback' } : r.status === 'live' || r.status === 'in-progress' ? { ...r, status: 'superseded' } : r;
  const earlier = sameRelease ? older : current ? [leaving(current), ...older] : older;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags)) if (k !== TAG.release && !/^fnx:h\d+$/.test(k)) out[k] = v;
  out[TAG.release] = encodeRecord(record);
  earlier.slice(0, HISTORY).forEach((r, i) => (out[`fnx:h${i + 1}`] = encodeRecord(r)));
  return out;
}

/** `tags` with the revision counted up. */
export function nextRevision(tags: Readonly<Record<string, string>>): Record<string, string> {
  return { ...tags, [TAG.revision]: String(Number(tags[TAG.revision] ?? '0') + 1) };
}

export function revisionOf(tags: Readonly<Record<string, string>>): string {
  return tags[TAG.revision] ?? '0';
}

/** Flex: versions with a recorded package, newest first (the order they were recorded in). */
export function recordedPackages(tags: Readonly<Record<string, string>>): Array<{ version: string; sha256: string }> {
  const order = (tags[TAG.packagedAt] ?? '').split(',').filter(Boolean);
  return order.filter((v) => tags[`${TAG.packagePrefix}${v}`]).map((v) => ({ version: v, sha256: tags[`${TAG.packagePrefix}${v}`]! }));
}

/** `tags` with the package of `version` recorded (the oldest beyond ten dropped). */
export function withPackage(tags: Readonly<Record<string, string>>, version: string, sha256: string): Record<string, string> {
  const order = [version, ...(tags[TAG.packagedAt] ?? '').split(',').filter((v) => v && v !== version)];
  const keep = order.slice(0, PACKAGES);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags)) if (!k.startsWith(TAG.packagePrefix) || keep.includes(k.slice(TAG.packagePrefix.length))) out[k] = v;
  out[`${TAG.packagePrefix}${version}`] = sha256;
  out[TAG.packagedAt] = keep.join(',');
  return out;
}
