/**
 * Assertions over a whole pointer log (see PointerChange in worlds.ts) and the chaos suites'
 * settings: `npm test` runs a short seeded slice, `npm run test:chaos` (FNX_CHAOS=1) the full one.
 */
import type { PointerChange } from './worlds.js';

export const FULL = process.env.FNX_CHAOS === '1';

/** Every entry that routed traffic to a version which had not finished publishing. */
export function unpublishedRoutes(log: readonly PointerChange[]): string[] {
  return log.flatMap((p, i) => p.problems.map((m) => `#${i} ${p.target}: ${m}`));
}

/** Ids routed (share > 0) by a target's latest entry before `index`. */
function servingBefore(log: readonly PointerChange[], target: string, index: number): Set<string> {
  for (let i = index - 1; i >= 0; i--) {
    const p = log[i]!;
    if (p.target === target) return new Set(Object.entries(p.routes).filter(([, w]) => w > 0).map(([id]) => id));
  }
  return new Set();
}

export interface GateVerdict {
  target: string;
  /** The version that took a canary share during the failing release. */
  version: string;
  /** Index of the entry that moved traffic off it (the rollback). */
  rollback: number;
}

/**
 * The release whose gate failed, from the log entries after `start`: the first version that took
 * a share it did not have before and that a later entry of its target takes away again.
 */
export function gateVerdict(log: readonly PointerChange[], start: number): GateVerdict | undefined {
  for (let i = start; i < log.length; i++) {
    const p = log[i]!;
    const before = servingBefore(log, p.target, start);
    const fresh = Object.entries(p.routes).find(([id, w]) => w > 0 && !before.has(id));
    if (!fresh) continue;
    for (let j = i + 1; j < log.length; j++) {
      const q = log[j]!;
      if (q.target === p.target && !((q.routes[fresh[0]] ?? 0) > 0)) return { target: p.target, version: fresh[0], rollback: j };
    }
  }
  return undefined;
}

/** Entries after the rollback that route to the gated-out version again. */
export function routesAfterVerdict(log: readonly PointerChange[], v: GateVerdict): string[] {
  return log
    .slice(v.rollback + 1)
    .map((p, k) => ({ p, i: v.rollback + 1 + k }))
    .filter(({ p }) => p.target === v.target && (p.routes[v.version] ?? 0) > 0)
    .map(({ p, i }) => `#${i} ${p.target} routes ${p.routes[v.version]} to ${v.version}, whose gate had failed`);
}
