/**
 * The stage lease: at most one run changes a service+stage at a time, whichever machine it runs
 * on. deploy, promote, rollback and remove hold it on every provider they change, from before
 * their first read of what is deployed until they end; a second run finds it held and exits 4
 * (E_STAGE_LOCKED) having changed nothing. The lease lives in the cloud, in each provider's
 * StageRecordStore (src/driver.ts), and every write of it is conditional on the revision read
 * before, so of two runs racing for a free lease exactly one gets it.
 *
 * A held lease expires `FNX_LEASE_SECONDS` (default 120) after its last renewal; the holder renews
 * it every quarter of that. A run that died without releasing it therefore blocks the stage for
 * at most that long; one that died on this machine (same host name, its process gone) is taken
 * over at once. A holder that finds at renewal that its lease was taken over (it stalled for
 * longer than the lease lasts) stops starting cloud calls, as on Ctrl-C, and ends with exit 4
 * (E_STAGE_LEASE_LOST).
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { ProviderName, ResolvedManifest } from '../manifest/model.js';
import type { StageRecordStore } from '../driver.js';
import { CloudError, ExitCode, FnxError, InterruptedError, messageOf } from '../errors.js';
import { positiveNumberFromEnv } from '../env.js';
import type { Session, Target } from '../session.js';
import { freeText, heldText, parseLease, type LeaseHolder } from './record.js';

export interface LeaseSettings {
  readonly ttlMs: number;
}

const DEFAULT_TTL_SECONDS = 120;

/** FNX_LEASE_SECONDS, checked before the first cloud call (exit 2 for a bad value). */
export function leaseSettings(env: NodeJS.ProcessEnv): LeaseSettings {
  const seconds = positiveNumberFromEnv(env, 'FNX_LEASE_SECONDS', 'E_USAGE_LEASE_SECONDS', `Set it to how many seconds a stage lease lasts without renewal (default ${DEFAULT_TTL_SECONDS}), or unset it.`);
  return { ttlMs: (seconds ?? DEFAULT_TTL_SECONDS) * 1000 };
}

export interface LeaseOptions {
  /** The command holding the lease, in messages ("deploy"). */
  readonly command: string;
  readonly settings: LeaseSettings;
  readonly actor?: string;
  readonly commit?: string;
  /** `fnx remove`: the stage is gone when `run` returns, so the record is deleted instead of freed. */
  readonly deleteAfter?: boolean;
  /**
   * deploy: create what holds the record when it is missing (StageRecordStore.write `create`).
   * Other commands change only a deployed stage: where there is nothing to hold the record, that
   * provider has no stage to change, and the command goes on without a lease there.
   */
  readonly create: boolean;
}

interface Held {
  readonly provider: ProviderName;
  readonly store: StageRecordStore;
  revision: string;
}

/**
 * Runs `run` holding the stage lease on every target, with a session whose signal also aborts
 * when a lease is lost. The lease is released (or, with `deleteAfter`, deleted) however `run` ends.
 */
export async function withStageLease<T>(session: Session, manifest: ResolvedManifest, targets: readonly Target[], options: LeaseOptions, run: (session: Session) => Promise<T>): Promise<T> {
  const holder: LeaseHolder = {
    id: randomBytes(8).toString('hex'),
    command: options.command,
    host: hostname(),
    pid: process.pid,
    since: new Date().toISOString(),
    ...(options.actor ? { actor: options.actor } : {}),
    ...(options.commit ? { commit: options.commit } : {}),
  };
  const held: Held[] = [];
  const lost = new AbortController();
  let lostOn: ProviderName | undefined;
  const ordered = [...targets].sort((a, b) => a.provider.localeCompare(b.provider));
  try {
    for (const t of ordered) {
      const revision = await acquire(t.provider, t.driver.stageRecord, manifest, holder, options, session);
      if (revision !== undefined) held.push({ provider: t.provider, store: t.driver.stageRecord, revision });
    }
  } catch (err) {
    await releaseAll(held, manifest, holder, session, false);
    throw err;
  }
  const renew = async () => {
    for (const h of held) {
      if (lost.signal.aborted) return;
      try {
        h.revision = await h.store.write({ manifest, signal: session.signal, text: heldText(holder, new Date(Date.now() + options.settings.ttlMs)), revision: h.revision });
      } catch (err) {
        if (err instanceof CloudError && err.kind === 'precondition') {
          const own = await readOwn(h.store, manifest, holder, session.signal).catch(() => 'unknown' as const);
          if (own === 'unknown') continue;
          if (own.kind === 'held') h.revision = own.revision;
          else {
            lostOn = h.provider;
            lost.abort();
          }
        }
        // Anything else: try again at the next renewal; the lease lasts four renewals.
      }
    }
  };
  let renewing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    renewing = renewing.then(renew);
  }, Math.max(250, options.settings.ttlMs / 4));
  timer.unref();
  const signal = AbortSignal.any([session.signal, lost.signal]);
  const stop = async (removed: boolean) => {
    clearInterval(timer);
    await renewing;
    await releaseAll(
      held.filter((h) => h.provider !== lostOn),
      manifest,
      holder,
      session,
      removed,
    );
  };
  let result: T;
  try {
    result = await run({ ...session, signal });
  } catch (err) {
    await stop(false);
    if (lostOn && !session.signal.aborted && (err instanceof InterruptedError || !(err instanceof FnxError))) throw leaseLost(manifest, lostOn, err);
    throw err;
  }
  await stop(options.deleteAfter === true);
  if (lostOn) throw leaseLost(manifest, lostOn, undefined);
  return result;
}

/**
 * Takes the lease on one provider: the revision written; undefined when, without `create`, there
 * is nothing to hold it (no stage there). E_STAGE_LOCKED (exit 4) when another run holds it.
 */
async function acquire(provider: ProviderName, store: StageRecordStore, manifest: ResolvedManifest, holder: LeaseHolder, options: LeaseOptions, session: Session): Promise<string | undefined> {
  const req = { manifest, signal: session.signal, reporter: session.reporter };
  for (let attempt = 0; ; attempt++) {
    const current = await store.read(req);
    const state = current ? parseLease(current.text) : undefined;
    if (state?.kind === 'held' && state.holder.id !== holder.id) {
      const expired = Date.parse(state.expires) <= Date.now();
      const dead = !expired && diedHere(state.holder);
      if (!expired && !dead) throw locked(manifest, provider, state.holder, state.expires);
      session.reporter.warn(
        `${provider}: taking over the lease on ${stageName(manifest)} from ${describeHolder(state.holder)}: ${
          dead ? 'that process has ended on this machine without releasing it' : `it expired at ${state.expires} (that run stopped renewing it)`
        }.`,
      );
    } else if (state?.kind === 'unreadable') {
      session.reporter.warn(`${provider}: the lease record of ${stageName(manifest)} is not one this fnx can read (written by a newer fnx, or damaged): taking it over.`);
    }
    try {
      return await store.write({ ...req, text: heldText(holder, new Date(Date.now() + options.settings.ttlMs)), revision: current?.revision, create: options.create });
    } catch (err) {
      if (!options.create && !current && err instanceof CloudError && err.kind === 'not-found') return undefined;
      // Another run wrote the record between the read and the write: read again, it holds it now.
      if (!(err instanceof CloudError && err.kind === 'precondition') || attempt >= 2) throw err;
    }
  }
}

/** Frees (or deletes) each held lease; a failure is a warning naming when the lease expires by itself. */
async function releaseAll(held: readonly Held[], manifest: ResolvedManifest, holder: LeaseHolder, session: Session, remove: boolean): Promise<void> {
  // Released also after Ctrl-C: a fresh signal, so the store's calls are made.
  const signal = new AbortController().signal;
  await Promise.all(
    held.map(async (h) => {
      try {
        let revision = h.revision;
        for (let attempt = 0; ; attempt++) {
          try {
            if (remove) await h.store.delete({ manifest, signal, revision });
            else await h.store.write({ manifest, signal, text: freeText(holder), revision });
            return;
          } catch (err) {
            if (!(err instanceof CloudError && err.kind === 'precondition') || attempt >= 2) throw err;
            // Our renewal or this release landed with its answer lost: release what is there if it is still ours.
            const own = await readOwn(h.store, manifest, holder, signal);
            if (own.kind !== 'held') return;
            revision = own.revision;
          }
        }
      } catch (err) {
        session.reporter.warn(`${h.provider}: could not release the lease on ${stageName(manifest)} (${messageOf(err)}); it expires by itself within FNX_LEASE_SECONDS (default ${DEFAULT_TTL_SECONDS} s).`);
      }
    }),
  );
}

/**
 * After a failed condition on a record this run wrote: whether it still holds it. A write whose
 * answer was lost and that the driver sent again meets its own first attempt's revision, so a
 * record naming this run as holder is ours at its current revision. 'other': another run holds
 * it, or it was freed or deleted (by this run's own release that landed, or by a takeover).
 */
async function readOwn(store: StageRecordStore, manifest: ResolvedManifest, holder: LeaseHolder, signal: AbortSignal): Promise<{ kind: 'held'; revision: string } | { kind: 'other' }> {
  const current = await store.read({ manifest, signal });
  const state = current ? parseLease(current.text) : undefined;
  return current && state?.kind === 'held' && state.holder.id === holder.id ? { kind: 'held', revision: current.revision } : { kind: 'other' };
}

/** The run holding the stage's lease on one provider now (for `fnx status`); undefined when free, expired or unreadable. */
export async function currentHolder(store: StageRecordStore, manifest: ResolvedManifest, signal: AbortSignal): Promise<{ holder: LeaseHolder; expires: string } | undefined> {
  const current = await store.read({ manifest, signal });
  const state = current ? parseLease(current.text) : undefined;
  if (state?.kind !== 'held' || Date.parse(state.expires) <= Date.now()) return undefined;
  return { holder: state.holder, expires: state.expires };
}

/** A holder in messages: the command, who, where, which commit, since when. */
export function describeHolder(h: LeaseHolder): string {
  const who = [h.actor ? `by ${h.actor}` : undefined, `on ${h.host} (pid ${h.pid})`, h.commit ? `at commit ${h.commit.slice(0, 12)}` : undefined].filter(Boolean).join(' ');
  return `\`fnx ${h.command}\` ${who}, since ${h.since}`;
}

/** The holder ran on this machine and its process is gone (a crash or kill -9). */
function diedHere(h: LeaseHolder): boolean {
  if (h.host !== hostname() || h.pid === process.pid) return false;
  try {
    process.kill(h.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function stageName(m: ResolvedManifest): string {
  return `${m.service}-${m.stage}`;
}

function locked(m: ResolvedManifest, provider: ProviderName, h: LeaseHolder, expires: string): FnxError {
  return new FnxError('E_STAGE_LOCKED', `Another run is changing ${stageName(m)} on ${provider} concurrently: ${describeHolder(h)}. Nothing was changed by this run.`, {
    hint: `Wait for that run to end, then run the command again (\`fnx status --stage ${m.stage}\` shows what it did). If it has died, its lease expires at ${expires}, once it is no longer renewed.`,
    exitCode: ExitCode.conflict,
    details: { provider, holder: h, expires },
  });
}

function leaseLost(m: ResolvedManifest, provider: ProviderName, cause: unknown): FnxError {
  return new FnxError('E_STAGE_LEASE_LOST', `This run lost its lease on ${stageName(m)} on ${provider}: it stopped renewing it for longer than the lease lasts, and another run took it over concurrently. This run started no further cloud call.`, {
    hint: `Check \`fnx status --stage ${m.stage}\`, then run the command again once the other run has ended. Raise FNX_LEASE_SECONDS if this machine stalls for long.`,
    exitCode: ExitCode.conflict,
    ...(cause === undefined ? {} : { cause }),
  });
}
