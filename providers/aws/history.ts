/**
 * Release history read from AWS itself: version Descriptions carry deploy id, time, commit and
 * strategy; the alias Description carries the current release record; the fnx:rolled-back tag the
 * versions traffic was rolled back from, with cause and time. Works from a fresh directory.
 *
 * Status of a version without its own record: the alias primary is 'live', the weighted one
 * 'in-progress'; one listed in the fnx:rolled-back tag (`rolledBack`), or the version the alias
 * record says `fnx rollback` moved away from, 'rolled-back' with its cause; other older versions
 * 'superseded', newer ones not serving 'unreleased' (published by a deploy that stopped before
 * moving traffic).
 */
import { type ReleaseRecord, ROLLBACK_STRATEGY } from '../../src/driver.js';
import { parseReleaseDescription, parseVersionDescription, type RolledBackEntry } from './metadata.js';
import type { DeployedAlias, DeployedVersion } from './state.js';

export function releaseHistory(versions: readonly DeployedVersion[], alias: DeployedAlias | undefined, rolledBack: readonly RolledBackEntry[] = []): ReleaseRecord[] {
  const record = parseReleaseDescription(alias?.description);
  const primary = alias ? Number(alias.version) : undefined;
  const weighted = alias ? Object.keys(alias.weights)[0] : undefined;
  const out: ReleaseRecord[] = [];
  for (const v of [...versions].sort((a, b) => Number(b.version) - Number(a.version))) {
    if (record && record.version === v.version) {
      out.push(record);
      continue;
    }
    const meta = parseVersionDescription(v.description);
    if (!meta) continue;
    const n = Number(v.version);
    const tagged = v.version === weighted || n === primary ? undefined : rolledBack.find((e) => e.version === v.version);
    const movedAway = record?.strategy === ROLLBACK_STRATEGY && record.previous === v.version && v.version !== weighted && n !== primary;
    const status: ReleaseRecord['status'] =
      v.version === weighted
        ? 'in-progress'
        : primary === undefined
          ? 'superseded'
          : n === primary
            ? 'live'
            : tagged || movedAway
              ? 'rolled-back'
              : n < primary
                ? 'superseded'
                : 'unreleased';
    const cause = tagged?.cause ?? (movedAway ? 'rollback' : undefined);
    out.push({
      deployId: meta.deployId,
      version: v.version,
      status,
      strategy: meta.strategy ?? 'unknown',
      step: 0,
      steps: [100],
      time: tagged?.time ?? (movedAway && record ? record.time : meta.time),
      ...(meta.commit ? { commit: meta.commit } : {}),
      ...(status === 'rolled-back' && cause ? { cause } : {}),
    });
  }
  return out;
}

/**
 * Versions `fnx rollback` may move the alias to: every version the history mentions (Lambda keeps
 * every published version addressable), newest (highest number) first.
 */
export function rollbackTargetsOf(history: readonly ReleaseRecord[]): string[] {
  const out = new Set<string>();
  for (const r of history) {
    out.add(r.version);
    if (r.previous) out.add(r.previous);
  }
  return [...out].sort((a, b) => Number(b) - Number(a) || b.localeCompare(a));
}
