/**
 * The release engine's cases of the conformance suite: real releases (releaseAll), rollbacks
 * (rollbackStage) and the strategy check, run over the harness's driver from an empty stage, each
 * with the one outcome the driver's traffic model (capabilities.traffic) must give. Traffic is
 * observed only through the contract: every pointer write the engine makes is recorded as
 * "<percent on the release's version>%:<record status>", from the state shift() returns.
 * The fake clock makes every hold instant.
 */
import { beforeAll, expect } from 'vitest';
import type { DeployMetadata, ProviderDriver, ReleaseRecord, ShiftRequest, TrafficModel, TrafficState } from '../../src/driver.js';
import { ExitCode, FnxError, InterruptedError } from '../../src/errors.js';
import type { ReleasePolicy, ResolvedFunction, ResolvedManifest } from '../../src/manifest/model.js';
import { checkStrategySupported, releaseAll, rolledBackError, type ReleaseOutcome } from '../../src/release/index.js';
import { rollbackStage, type RollbackResult } from '../../src/release/rollback.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { canary, linear, policy } from '../fakes/manifest.js';
import { MemoryReporter } from '../fakes/memory-reporter.js';
import { FUNCTIONS, GATE_ALARM, HTTP_FUNCTION, type ConformanceHarness, type SuiteContext } from './harness.js';

const health = { alarms: [GATE_ALARM] };

/** A pointer write as the suite records it. */
function written(req: ShiftRequest, state: TrafficState): string {
  const v = req.release.version;
  const share = state.candidate === v ? state.weight : state.primary === v ? 1 - (state.candidate ? state.weight : 0) : 0;
  return `${Math.round(share * 100)}%:${req.release.status}`;
}

/** `driver` with every shift() reported to `after` once it returned. */
function observed(driver: ProviderDriver, after: (req: ShiftRequest, state: TrafficState) => Promise<void> | void): ProviderDriver {
  return new Proxy(driver, {
    get(target, prop) {
      if (prop === 'shift') {
        return async (req: ShiftRequest) => {
          const state = await target.shift(req);
          await after(req, state);
          return state;
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

interface Released {
  readonly outcomes: readonly ReleaseOutcome[];
  /** api's pointer writes during the release. */
  readonly writes: readonly string[];
  readonly candidate: string;
  readonly previous?: string;
  readonly applyWrites: number;
}

export function describeReleaseCases({ harness, testCase }: SuiteContext): void {
  let h: ConformanceHarness;
  let model: TrafficModel;
  let m: ResolvedManifest;
  let revision = 100;
  let sequence = 0;
  const clock = new FakeClock(Date.parse('2030-06-01T00:00:00Z'));
  const reporter = new MemoryReporter();
  const signal = () => new AbortController().signal;
  const deployMeta = (): DeployMetadata => ({ id: `r${String(++sequence).padStart(7, '0')}`, time: new Date(clock.now()).toISOString() });
  /** The manifest with `api` released by `release`. */
  const withApi = (release: ReleasePolicy, fn = HTTP_FUNCTION): ResolvedManifest => ({ ...m, functions: m.functions.map((f) => (f.name === fn ? { ...f, release } : f)) });
  const fnOf = (name: string): ResolvedFunction => m.functions.find((f) => f.name === name)!;
  const traffic = (driver: ProviderDriver = h.freshDriver()) => driver.traffic({ manifest: m, function: HTTP_FUNCTION, signal: signal() });
  /** The provider's fallback for the replace model, which can release all at once only. */
  const fallback = () => ({ fallback: { [h.driver.capabilities.name]: 'all-at-once' as const } });
  /** A policy for canary/linear cases: on replace it needs the fallback, and then is all-at-once. */
  const stepped = (p: ReleasePolicy): ReleasePolicy => (model === 'replace' ? { ...p, ...fallback() } : p);

  /**
   * One `fnx deploy` of the stage through the contract and the engine: api's code at a new
   * revision (or the same one: `sameCode`), api released by `release`. `during(writes)` runs
   * after each pointer write of api (e.g. to make the gate fire or to interrupt).
   */
  async function deploy(release: ReleasePolicy, o: { sameCode?: boolean; during?: (writes: readonly string[]) => Promise<void> | void; signal?: AbortSignal } = {}): Promise<Released> {
    const manifest = withApi(release);
    const artifacts = await h.artifacts(o.sameCode ? revision : ++revision);
    const meta = deployMeta();
    const deployed = await h.driver.inspect({ manifest, signal: signal(), reporter, concurrency: 4 });
    const plan = h.driver.plan({ manifest, artifacts, deployed, deploy: meta });
    const applied = await h.driver.apply({ manifest, artifacts, plan, deploy: meta, signal: signal(), reporter, concurrency: 4 });
    const writes: string[] = [];
    const driver = observed(h.driver, async (req, state) => {
      if (req.function.name !== HTTP_FUNCTION) return;
      writes.push(written(req, state));
      await o.during?.(writes);
    });
    const api = applied.published.find((p) => p.function === HTTP_FUNCTION)!;
    const outcomes = await releaseAll({ driver, manifest, published: applied.published, deploy: meta, reporter, signal: o.signal ?? signal(), wait: true, keepOnInterrupt: false, clock });
    return { outcomes, writes, candidate: api.candidate, ...(api.previous ? { previous: api.previous } : {}), applyWrites: applied.writes };
  }

  const apiOutcome = (r: Released) => r.outcomes.find((o) => o.function === HTTP_FUNCTION);
  /** fnx rollback --function api, from a fresh runner. */
  const rollbackApi = (to?: string): Promise<readonly RollbackResult[]> =>
    rollbackStage({ manifest: m, targets: [{ provider: h.driver.capabilities.name, driver: h.freshDriver(), functions: [fnOf(HTTP_FUNCTION)] }], reporter, signal: signal(), explicit: true, clock, ...(to ? { to } : {}) });
  /** What a release of one all-at-once step writes: replace records the serving candidate first. */
  const allAtOnce = () => (model === 'replace' ? ['100%:in-progress', '100%:live'] : ['100%:live']);

  // api's versions, oldest first, released by the cases.
  const live: string[] = [];

  beforeAll(async () => {
    h = harness();
    model = h.driver.capabilities.traffic;
    m = h.manifest();
    await h.gate(false);
  });

  testCase('release-first', 'first deploy: each function is live on its first version, recorded in one write', async () => {
    const r = await deploy(policy({ health }));
    expect(r.previous).toBeUndefined();
    expect(r.outcomes.map((o) => [o.function, o.status]).sort()).toEqual(FUNCTIONS.map((f) => [f, 'live']));
    expect(r.writes).toEqual(['100%:live']);
    expect(await traffic()).toMatchObject({ primary: r.candidate, weight: 0, release: { version: r.candidate, status: 'live' } });
    live.push(r.candidate);
  });

  testCase('release-unchanged', 'unchanged deploy: nothing published, no pointer write, zero cloud writes', async () => {
    const writesBefore = h.cloudWrites();
    const r = await deploy(policy({ health }), { sameCode: true });
    expect(r.applyWrites).toBe(0);
    expect(r.writes).toEqual([]);
    expect(r.outcomes.map((o) => o.status)).toEqual(['unchanged', 'unchanged']);
    expect(h.cloudWrites()).toBe(writesBefore);
  });

  testCase('release-all-at-once', 'all-at-once: the new version takes all traffic in one move', async () => {
    const r = await deploy(policy({ health }));
    expect(apiOutcome(r)).toMatchObject({ status: 'live', version: r.candidate, previous: live.at(-1) });
    expect(r.outcomes.find((o) => o.function === 'worker')?.status).toBe('unchanged');
    expect(r.writes).toEqual(allAtOnce());
    expect(await traffic()).toMatchObject({ primary: r.candidate, weight: 0 });
    live.push(r.candidate);
  });

  testCase('release-canary', 'canary 25%: a share, then all (replace: all at once, by its fallback)', async () => {
    const r = await deploy(stepped(canary(25, 60, { health })));
    expect(apiOutcome(r)).toMatchObject({ status: 'live', version: r.candidate, previous: live.at(-1) });
    expect(r.writes).toEqual(model === 'replace' ? allAtOnce() : ['25%:in-progress', '100%:live']);
    expect(await traffic()).toMatchObject({ primary: r.candidate, weight: 0 });
    live.push(r.candidate);
  });

  testCase('release-linear', 'linear 40%: growing shares, then all (replace: all at once, by its fallback)', async () => {
    const r = await deploy(stepped(linear(40, 60, { health })));
    expect(apiOutcome(r)).toMatchObject({ status: 'live', version: r.candidate, previous: live.at(-1) });
    expect(r.writes).toEqual(model === 'replace' ? allAtOnce() : ['40%:in-progress', '80%:in-progress', '100%:live']);
    expect(await traffic()).toMatchObject({ primary: r.candidate, weight: 0 });
    live.push(r.candidate);
  });

  testCase('rollback', 'rollback moves traffic back to the release before the live one', async () => {
    expect(live).toHaveLength(4);
    const [, , v3, v4] = live;
    expect(await rollbackApi()).toEqual([{ function: HTTP_FUNCTION, provider: h.driver.capabilities.name, action: 'rolled-back', from: v4, to: v3 }]);
    expect(await traffic()).toMatchObject({ primary: v3, weight: 0, release: { strategy: 'rollback', version: v3, previous: v4 } });
  });

  testCase('rollback-repeated', 'repeated rollbacks step further back (slot: only as far as the slot reaches), then refuse with exit 2', async () => {
    const [v1, v2, v3] = live as [string, string, string, string];
    const back = model === 'slot' ? [] : [v2, v1];
    for (const to of back) {
      expect((await rollbackApi())[0]).toMatchObject({ action: 'rolled-back', to });
      expect((await traffic()).primary).toBe(to);
    }
    const writesBefore = h.cloudWrites();
    const refused = (await rollbackApi().catch((e: unknown) => e)) as FnxError;
    expect(refused).toBeInstanceOf(FnxError);
    expect(refused.code).toBe('E_ROLLBACK_NO_PREVIOUS');
    expect(refused.exitCode).toBe(ExitCode.usage);
    expect(refused.message).toContain(model === 'slot' ? `the release before ${v3}, ${v2}, can no longer be moved back to` : `has no release before ${v1}`);
    expect(h.cloudWrites()).toBe(writesBefore);
    expect((await traffic()).primary).toBe(model === 'slot' ? v3 : v1);
  });

  testCase('rollback-to', 'rollback --to: a version the driver can move to; others are refused with exit 2 and nothing changes', async () => {
    const [v1, , , v4] = live as [string, string, string, string];
    const from = (await traffic()).primary!;
    const refusals = [`${v4}-never-published`, ...(model === 'slot' ? [v1] : [])];
    for (const to of refusals) {
      const writesBefore = h.cloudWrites();
      const err = (await rollbackApi(to).catch((e: unknown) => e)) as FnxError;
      expect(err).toBeInstanceOf(FnxError);
      expect(err.code).toBe('E_ROLLBACK_UNKNOWN_VERSION');
      expect(err.exitCode).toBe(ExitCode.usage);
      expect(err.message).toContain(to === v1 ? 'no longer deployed' : 'is not in the release history');
      expect(err.hint).toContain(v4);
      expect(h.cloudWrites()).toBe(writesBefore);
      expect((await traffic()).primary).toBe(from);
    }
    expect(await rollbackApi(v4)).toEqual([{ function: HTTP_FUNCTION, provider: h.driver.capabilities.name, action: 'rolled-back', from, to: v4 }]);
    expect(await traffic()).toMatchObject({ primary: v4, weight: 0 });
  });

  testCase(
    'failing-gate',
    'a gate failing at any step moves all traffic back to the previous version at once: outcome rolled-back (exit 3), cause failed',
    async () => {
      const previous = live[3]!;
      // After k pointer writes the alarm fires: before any traffic moved, at the share, after going live.
      const trails: Record<TrafficModel, readonly (readonly string[])[]> = {
        weighted: [['0%:rolled-back'], ['50%:in-progress', '0%:rolled-back'], ['50%:in-progress', '100%:live', '0%:rolled-back']],
        slot: [['0%:rolled-back'], ['50%:in-progress', '0%:rolled-back'], ['50%:in-progress', '100%:live', '0%:rolled-back']],
        // The candidate serves since apply: the one check is after recording it; the way back redeploys the previous version.
        replace: [['100%:in-progress', '0%:rolled-back']],
      };
      for (const [k, expected] of trails[model].entries()) {
        if (k === 0) await h.gate(true);
        const r = await deploy(stepped(canary(50, 60, { health })), { during: (writes) => (writes.length === k ? h.gate(true) : undefined) });
        await h.gate(false);
        expect(r.writes, `alarm after ${k} writes`).toEqual(expected);
        expect(apiOutcome(r)).toMatchObject({ status: 'rolled-back', version: r.candidate, previous, reason: `alarm ${GATE_ALARM} in ALARM state`, cause: 'failed', gate: { gate: 'alarm', ok: false } });
        expect(rolledBackError(r.outcomes)?.exitCode).toBe(ExitCode.rolledBack);
        const t = await traffic();
        expect(t).toMatchObject({ primary: previous, weight: 0, release: { version: r.candidate, status: 'rolled-back', cause: 'failed' } });
        expect(t.candidate).toBeUndefined();
      }
    },
    60_000,
  );

  testCase('interrupted-shift', 'Ctrl-C after the first pointer write: traffic back on the previous version, then InterruptedError (exit 130)', async () => {
    const previous = live[3]!;
    const controller = new AbortController();
    const err = (await deploy(stepped(canary(25, 60, { health })), { signal: controller.signal, during: (writes) => (writes.length === 1 ? controller.abort() : undefined) }).catch((e: unknown) => e)) as FnxError;
    expect(err).toBeInstanceOf(InterruptedError);
    expect(err.exitCode).toBe(ExitCode.interrupted);
    const t = await traffic();
    expect(t).toMatchObject({ primary: previous, weight: 0, release: { status: 'rolled-back', cause: 'interrupted' } });
    expect(t.candidate).toBeUndefined();
    const history: readonly ReleaseRecord[] = await h.freshDriver().history({ manifest: m, function: HTTP_FUNCTION, signal: signal() });
    expect(history[0]).toMatchObject({ status: 'rolled-back', cause: 'interrupted' });
  });

  testCase('unsupported-strategy', 'a strategy the traffic model cannot do is a usage error (exit 2) before any cloud call, unless release.fallback names one', async () => {
    const caps = h.driver.capabilities;
    // weighted can do every strategy; slot cannot share a function without http; replace cannot share at all.
    const unable: Record<TrafficModel, readonly string[]> = { weighted: [], slot: ['worker'], replace: ['api', 'worker'] };
    for (const fn of FUNCTIONS) {
      for (const p of [canary(25, 60), linear(40, 60)]) {
        const manifest = withApi(p, fn);
        const published = [{ function: fn, previous: 'a', candidate: 'b', revision: 'r' }];
        if (!unable[model].includes(fn)) {
          expect(() => checkStrategySupported(manifest, [caps])).not.toThrow();
          continue;
        }
        const callsBefore = h.cloudCalls();
        for (const run of [
          () => Promise.resolve().then(() => checkStrategySupported(manifest, [caps])),
          () => releaseAll({ driver: h.driver, manifest, published, deploy: deployMeta(), reporter, signal: signal(), wait: true, keepOnInterrupt: false, clock }),
          () => rollbackStage({ manifest, targets: [{ provider: caps.name, driver: h.driver, functions: [manifest.functions.find((f) => f.name === fn)!] }], reporter, signal: signal(), explicit: true, clock }),
        ]) {
          const err = (await run().catch((e: unknown) => e)) as FnxError;
          expect(err).toBeInstanceOf(FnxError);
          expect(err.code).toBe('E_RELEASE_STRATEGY_UNSUPPORTED');
          expect(err.exitCode).toBe(ExitCode.usage);
          expect(err.message).toContain(`${fn}: a ${p.strategy} release is not possible on ${caps.name}`);
          expect(err.hint).toContain(`fallback: { ${caps.name}: all-at-once }`);
        }
        expect(h.cloudCalls()).toBe(callsBefore);
        expect(() => checkStrategySupported(withApi({ ...p, ...fallback() }, fn), [caps])).not.toThrow();
      }
    }
  });
}
