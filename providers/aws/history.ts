/**
 * Release history read from AWS itself: version Descriptions carry deploy id, time and commit; the
 * alias Description carries the current release record. Works from a fresh directory.
 *
 * Status of a version without its own record: the alias primary is 'live', the weighted one
 * 'in-progress'; one listed in the function's fnx:rolled-back tag (`rolledBack`) 'rolled-back';
 * other older versions 'superseded', newer ones not serving 'rolled-back' (rolled back, or
 * published by a deploy that never released it).
 */
import type { ReleaseRecord } from '../../src/driver.js';
import { parseReleaseDescription, parseVersionDescription } from './metadata.js';
import type { DeployedAlias, DeployedVersion } from './state.js';

export function releaseHistory(versions: readonly DeployedVersion[], alias: DeployedAlias | undefined, rolledBack: readonly string[] = []): ReleaseRecord[] {
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
    const status: ReleaseRecord['status'] =
      v.version === weighted
        ? 'in-progress'
        : primary === undefined
          ? 'superseded'
          : n === primary
            ? 'live'
            : n < primary && !rolledBack.includes(v.version)
              ? 'superseded'
              : 'rolled-back';
    out.push({
      deployId: meta.deployId,
      version: v.version,
      status,
      strategy: 'unknown',
      step: 0,
      steps: [100],
      time: meta.time,
      ...(meta.commit ? { commit: meta.commit } : {}),
    });
  }
  return out;
}
