/**
 * `fnx rollback`: for each selected function, either aborts the release in progress (all traffic
 * back to the previous version, recorded rolled back), or moves the pointer back to the release
 * before the live one (or to `to`), recorded as a release with strategy "rollback". Everything is
 * read from the cloud (pointer, history, and the versions the driver can move traffic to:
 * rollbackTargets), so it works from a fresh CI runner. Every target is worked out before
 * anything moves: a selection that cannot be rolled back changes nothing. Version ids are opaque:
 * they are compared, never parsed or ordered here (the driver lists them newest first).
 */
import type { ProviderDriver, ReleaseRecord, TrafficState } from '../driver.js';
import { ExitCode, FnxError } from '../errors.js';
import type { ResolvedFunction, ResolvedManifest } from '../manifest/model.js';
import type { Reporter } from '../report/reporter.js';
import { clockFromEnv, type Clock } from './clock.js';
import { previousRelease, ROLLBACK_STRATEGY } from './history.js';
import { commandId, recordAt } from './record.js';
import type { Target as StageTarget } from '../session.js';
import { checkDriversSupport } from './strategy-support.js';

export interface RollbackRequest {
  readonly manifest: ResolvedManifest;
  readonly targets: readonly StageTarget[];
  readonly reporter: Reporter;
  readonly signal: AbortSignal;
  /** Version to move to instead of the previous release. */
  readonly to?: string;
  /** True when the user named the functions (--function): each one must be rollback-able. */
  readonly explicit: boolean;
  readonly clock?: Clock;
}

export interface RollbackResult {
  readonly function: string;
  readonly provider: string;
  /** aborted: a release in progress was stopped; rolled-back: the pointer moved back; unchanged: already there. */
  readonly action: 'aborted' | 'rolled-back' | 'unchanged';
  readonly from: string;
  readonly to: string;
}

interface Move {
  readonly t: StageTarget;
  readonly fn: ResolvedFunction;
  readonly state: TrafficState;
  readonly action: RollbackResult['action'];
  readonly to: string;
  readonly from: string;
}

export async function rollbackStage(req: RollbackRequest): Promise<readonly RollbackResult[]> {
  const clock = req.clock ?? clockFromEnv();
  checkDriversSupport(req.manifest, req.targets.map((t) => ({ driver: t.driver, functions: t.functions.map((f) => f.name) })));
  const moves: Move[] = [];
  const undeployed: string[] = [];
  const problems: string[] = [];
  const unknownTo: string[] = [];
  /** --to names a version of the history that the driver can no longer move traffic to (slot: not in the slot). */
  const gone: string[] = [];
  for (const t of req.targets) {
    for (const fn of t.functions) {
      const who = `${fn.name} (${t.provider})`;
      const read = { manifest: req.manifest, function: fn.name, signal: req.signal, reporter: req.reporter };
      const state = await t.driver.traffic(read);
      if (!state.primary) {
        undeployed.push(who);
        continue;
      }
      const r = state.release;
      if (r && inProgress(r, state) && !req.to) {
        moves.push({ t, fn, state, action: 'aborted', from: r.version, to: r.previous ?? state.primary });
        continue;
      }
      const targets = await t.driver.rollbackTargets(read);
      if (req.to && !targets.includes(req.to)) {
        const history = await t.driver.history(read);
        (history.some((h) => h.version === req.to || h.previous === req.to) ? gone : unknownTo).push(`${who}: ${targets.join(', ') || 'none'}`);
        continue;
      }
      if (r && inProgress(r, state)) {
        moves.push({ t, fn, state, action: 'aborted', from: r.version, to: req.to ?? r.previous ?? state.primary });
        continue;
      }
      const target = req.to ?? rollbackTarget(r, await t.driver.history(read), state.primary);
      if (!target) {
        problems.push(`${who} has no release before ${state.primary}`);
        continue;
      }
      if (!targets.includes(target)) {
        problems.push(`${who}: the release before ${state.primary}, ${target}, can no longer be moved back to (versions ${t.provider} can move traffic to: ${targets.join(', ') || 'none'})`);
        continue;
      }
      moves.push({ t, fn, state, action: target === state.primary ? 'unchanged' : 'rolled-back', from: state.primary, to: target });
    }
  }
  if (unknownTo.length > 0 || gone.length > 0) {
    const which = (n: number) => (n === 1 ? 'this function' : 'these functions');
    const message =
      unknownTo.length > 0
        ? `Version "${req.to}" is not in the release history of ${which(unknownTo.length)}. Nothing was changed.`
        : `Version "${req.to}" is in the release history of ${which(gone.length)} but is no longer deployed where traffic can be moved back to it. Nothing was changed.`;
    throw new FnxError('E_ROLLBACK_UNKNOWN_VERSION', message, {
      hint: `Versions you can roll back to: ${[...unknownTo, ...gone].join('; ')}.`,
      exitCode: ExitCode.usage,
    });
  }
  if (undeployed.length > 0 && (req.explicit || moves.length + problems.length === 0)) {
    throw new FnxError('E_ROLLBACK_NOT_DEPLOYED', `Nothing to roll back: ${undeployed.join(', ')} ${undeployed.length === 1 ? 'is' : 'are'} not deployed in stage ${req.manifest.stage}. Nothing was changed.`, {
      hint: `Deploy first: \`fnx deploy --stage ${req.manifest.stage}\`; rollback moves traffic between versions that were deployed.`,
      exitCode: ExitCode.usage,
    });
  }
  if (problems.length > 0 && (req.explicit || moves.length === 0)) {
    throw new FnxError('E_ROLLBACK_NO_PREVIOUS', `Nothing to roll back: ${problems.join('; ')}. Nothing was changed.`, {
      hint: 'Rollback needs an earlier release of the function: deploy at least twice, or pass --to <version>.',
      exitCode: ExitCode.usage,
    });
  }
  for (const p of [...undeployed.map((w) => `${w} is not deployed in stage ${req.manifest.stage}`), ...problems]) req.reporter.warn(`skipped: ${p}`);

  const results: RollbackResult[] = [];
  for (const m of moves) {
    const base = { function: m.fn.name, provider: m.t.provider, from: m.from, to: m.to };
    if (m.action === 'unchanged') {
      results.push({ ...base, action: 'unchanged' });
      continue;
    }
    await moveBack(req, m, clock.now());
    results.push({ ...base, action: m.action });
  }
  return results;
}

async function moveBack(req: RollbackRequest, m: Move, at: number): Promise<void> {
  const r = m.state.release;
  const record: ReleaseRecord =
    m.action === 'aborted' && r
      ? recordAt(r, 'rolled-back', r.step, at, 'aborted by fnx rollback', 'aborted')
      : recordAt({ deployId: commandId('rollback', at), version: m.to, previous: m.from, strategy: ROLLBACK_STRATEGY, steps: [100] }, 'live', 0, at, `rolled back from ${m.from}`);
  const driver: ProviderDriver = m.t.driver;
  await driver.shift({ function: m.fn, manifest: req.manifest, primary: m.to, weight: 0, revision: m.state.revision, release: record, signal: req.signal });
}

/** The pointer records a release in progress whose version gets traffic (weighted or slot: a share; replace: all of it). */
function inProgress(r: ReleaseRecord, state: TrafficState): boolean {
  if (r.status !== 'in-progress' || r.previous === undefined || r.previous === r.version) return false;
  return state.candidate === r.version || state.primary === r.version;
}

/**
 * The release before the live one: the version the live release replaced, as recorded on the
 * pointer; when the live version got there by `fnx rollback` (or the pointer has no record), the
 * history decides (see previousRelease).
 */
export function rollbackTarget(r: ReleaseRecord | undefined, history: readonly ReleaseRecord[], current: string): string | undefined {
  if (r && r.version === current && r.status === 'live' && r.strategy !== ROLLBACK_STRATEGY && r.previous && r.previous !== current) return r.previous;
  return previousRelease(history, current);
}
