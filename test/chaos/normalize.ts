/**
 * An emulator's state as plain data without what differs between two runs that did the same
 * thing: generated ids, etags, times, ports, random revision suffixes, operations in flight.
 * Two equal normalized states = the same end state (functions, versions, pointers, triggers, roles).
 */
import { createHash } from 'node:crypto';

/** Keys whose values are generated or clock-derived, never chosen by the deploy. */
const VOLATILE_KEY =
  /^(time|createTime|updateTime|lastModified|lastModifiedTime|lastTransitionTime|receivedTime|endTime|startTime|settleAt|runtimeReadyAt|stateReadyAt|updateReadyAt|busyUntil|createdTime|creationTime|etag|uid|revisionId|generation|observedGeneration|polls|pollsLeft|reportedSuccess|id|deploymentId|requestId|scmPort|appPort|port|hostKeys|masterKey|principalId|keys|sasToken|token|counter|updatedTime|lastUpdated)$/;

/** Top-level state members that record activity rather than what is deployed. */
const ACTIVITY_KEY = /^(operations|tokens|metrics|requests|uploads|calls|traffic|deliveries)$/;

const VOLATILE_TEXT: [RegExp, string][] = [
  [/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z?/g, '<time>'],
  [/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>'],
  [/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>'],
  [/-\d{5}-[a-z]{3}\b/g, '-<n>-<sfx>'],
  [/AccountKey=[^;"]+/g, 'AccountKey=<key>'],
  // A release record's deploy id (Azure's fnx:release tag, GCP's fnx.dev/releases annotation).
  [/"(d|deployId)":"[0-9a-f]+"/g, '"$1":"<deploy>"'],
];

function text(s: string): string {
  return VOLATILE_TEXT.reduce((acc, [re, to]) => acc.replace(re, to), s);
}

export function normalize(value: unknown, depth = 0): unknown {
  if (value instanceof Map) return normalize(Object.fromEntries([...value.entries()].map(([k, v]) => [text(String(k)), v])), depth);
  if (value instanceof Set) return normalize([...value], depth);
  if (Buffer.isBuffer(value)) return `<${createHash('sha256').update(value).digest('hex').slice(0, 16)}>`;
  if (typeof value === 'string') return text(value);
  if (Array.isArray(value)) {
    const items = value.map((v) => normalize(v, depth + 1));
    return items.map((i) => JSON.stringify(i)).sort().map((j) => JSON.parse(j) as unknown);
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      if (VOLATILE_KEY.test(k) || (depth === 0 && ACTIVITY_KEY.test(k))) continue;
      const v = (value as Record<string, unknown>)[k];
      if (typeof v === 'function' || v === undefined) continue;
      out[text(k)] = normalize(v, depth + 1);
    }
    return out;
  }
  return value;
}
