/**
 * The driver conformance suite: one sequence of cases, run against every ProviderDriver (the fake
 * in each traffic model, and AWS against its emulator), through the contract only (no
 * cloud-specific look-ups). A harness supplies the service, its artifacts and the drivers; the
 * cases share one stage and run in order, each asserting one definite outcome for the driver's
 * traffic model (capabilities.traffic):
 *   the contract — empty stage -> first deploy -> unchanged deploy -> plan limited -> new code ->
 *     canary shift -> stale shift -> unpublished version -> promote -> fresh runner -> observe ->
 *     status -> interrupted apply -> remove (release-cases.ts then starts from an empty stage);
 *   the release engine over the driver (release-cases.ts) — first release, unchanged (zero
 *     writes), all-at-once, canary, linear, rollback, repeated rollbacks, rollback --to, a failing
 *     gate at each step, an interrupted shift, a strategy the model cannot do.
 *
 * A case a driver is known to break is listed in `knownDefects` with the defect; it then runs as
 * `it.fails`, so the suite passes while the defect stays visible (and turns red once fixed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployMetadata, ProviderPlan, PublishedVersion, ReleaseRecord, RequestContext, TrafficState } from '../../src/driver.js';
import { CloudError, InterruptedError } from '../../src/errors.js';
import type { ResolvedFunction, ResolvedManifest } from '../../src/manifest/model.js';
import type { ArtifactSet } from '../../src/package/artifact.js';
import { MemoryReporter } from '../fakes/memory-reporter.js';
import { FUNCTIONS, HTTP_FUNCTION, type ConformanceCase, type ConformanceHarness, type SuiteContext } from './harness.js';
import { describeReleaseCases } from './release-cases.js';

export type { ConformanceCase, ConformanceHarness } from './harness.js';

export interface ConformanceOptions {
  /** Cases this driver is known to fail, with the defect (file, call, expected vs actual). */
  readonly knownDefects?: Partial<Record<ConformanceCase, string>>;
}

export function describeDriverConformance(name: string, makeHarness: () => Promise<ConformanceHarness>, options: ConformanceOptions = {}): void {
  const testCase: SuiteContext['testCase'] = (id, title, body, timeoutMs) => {
    const defect = options.knownDefects?.[id];
    if (defect) it.fails(`${title} [known defect: ${defect}]`, body, timeoutMs);
    else it(title, body, timeoutMs);
  };

  describe(`driver conformance: ${name}`, () => {
    let h: ConformanceHarness;
    beforeAll(async () => {
      h = await makeHarness();
    });
    afterAll(async () => {
      await h?.cleanup();
    });
    const suite: SuiteContext = { harness: () => h, testCase };
    describe('the driver contract', () => describeContractCases(suite));
    describe('the release engine over the driver', () => describeReleaseCases(suite));
  });
}

function describeContractCases({ harness, testCase }: SuiteContext): void {
  let h: ConformanceHarness;
  let m: ResolvedManifest;
  const reporter = new MemoryReporter();
  const ctx = (): RequestContext => ({ signal: new AbortController().signal, reporter, concurrency: 4 });
  let clock = Date.parse('2030-01-01T00:00:00Z');
  const deployMeta = (id: string): DeployMetadata => ({ id, time: new Date((clock += 60_000)).toISOString() });
  const fnOf = (fn: string): ResolvedFunction => m.functions.find((f) => f.name === fn)!;
  const byFunction = (published: readonly PublishedVersion[], fn: string) => published.find((p) => p.function === fn)!;
  const traffic = (fn: string, driver = h.driver): Promise<TrafficState> => driver.traffic({ manifest: m, function: fn, signal: ctx().signal });
  const model = () => h.driver.capabilities.traffic;
  const record = (deploy: DeployMetadata, over: Partial<ReleaseRecord> & Pick<ReleaseRecord, 'version' | 'status'>): ReleaseRecord => ({
    deployId: deploy.id,
    strategy: 'canary',
    step: 0,
    steps: [25, 100],
    time: deploy.time,
    ...over,
  });
  const opsOf = (plan: ProviderPlan, fn: string) => plan.actions.filter((a) => a.function === fn).map((a) => a.op);

  /** inspect + plan, checking that plan() is pure: synchronous, repeatable, serialisable, no cloud call. */
  async function inspectAndPlan(artifacts: ArtifactSet, deploy: DeployMetadata, driver = h.driver): Promise<ProviderPlan> {
    const deployed = await driver.inspect({ ...ctx(), manifest: m });
    const callsBefore = h.cloudCalls();
    const plan = driver.plan({ manifest: m, artifacts, deployed, deploy });
    expect(plan).not.toBeInstanceOf(Promise);
    expect(driver.plan({ manifest: m, artifacts, deployed, deploy })).toEqual(plan);
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
    expect(h.cloudCalls()).toBe(callsBefore);
    return plan;
  }

  async function apply(artifacts: ArtifactSet, plan: ProviderPlan, deploy: DeployMetadata, signal = ctx().signal) {
    return h.driver.apply({ ...ctx(), signal, manifest: m, artifacts, plan, deploy });
  }

  // Versions published by the cases, read by later cases.
  const first: Record<string, string> = {};
  let previous = '';
  let candidate = '';
  let releaseDeploy: DeployMetadata;
  let canaryState: TrafficState;

  beforeAll(() => {
    h = harness();
    m = h.manifest();
  });

  testCase('empty-stage', 'an empty stage has no functions; the plan only creates, and is pure', async () => {
    const deployed = await h.driver.inspect({ ...ctx(), manifest: m });
    expect(deployed.functions).toEqual([]);
    const plan = await inspectAndPlan(await h.artifacts(1), deployMeta('a0000001'));
    expect(plan.actions.length).toBeGreaterThan(0);
    expect(new Set(plan.actions.map((a) => a.op))).toEqual(new Set(['create']));
    for (const fn of FUNCTIONS) expect(opsOf(plan, fn).length, `actions for ${fn}`).toBeGreaterThan(0);
  });

  testCase('first-apply', 'apply creates every function and points traffic at the first version', async () => {
    const artifacts = await h.artifacts(1);
    const deploy = deployMeta('a0000001');
    const result = await apply(artifacts, await inspectAndPlan(artifacts, deploy), deploy);
    expect(result.writes).toBeGreaterThan(0);
    expect(result.uploadedBytes).toBeGreaterThan(0);
    expect(result.published.map((p) => p.function).sort()).toEqual([...FUNCTIONS]);
    for (const p of result.published) {
      expect(p.previous).toBeUndefined();
      expect(p.candidate).toEqual(expect.any(String));
      first[p.function] = p.candidate;
    }
    expect((await h.driver.inspect({ ...ctx(), manifest: m })).functions).toEqual([...FUNCTIONS]);
    for (const fn of FUNCTIONS) {
      const t = await traffic(fn);
      expect(t.primary).toBe(first[fn]);
      expect(t.weight).toBe(0);
      expect(t.revision).toBe(byFunction(result.published, fn).revision);
      // Record the first release as the release engine does, so history has two releases later.
      const live = await h.driver.shift({ function: fnOf(fn), manifest: m, primary: first[fn]!, weight: 0, revision: t.revision, release: record(deploy, { version: first[fn]!, status: 'live', strategy: 'all-at-once', steps: [100] }), signal: ctx().signal });
      expect(live).toMatchObject({ primary: first[fn], weight: 0 });
    }
  });

  testCase('unchanged', 'an unchanged deploy plans no change and writes nothing', async () => {
    const artifacts = await h.artifacts(1);
    const deploy = deployMeta('a0000002');
    const plan = await inspectAndPlan(artifacts, deploy);
    expect(plan.actions.filter((a) => a.op !== 'no-change')).toEqual([]);
    const writesBefore = h.cloudWrites();
    const result = await apply(artifacts, plan, deploy);
    expect(result.writes).toBe(0);
    expect(result.uploadedBytes).toBe(0);
    expect(h.cloudWrites()).toBe(writesBefore);
    for (const fn of FUNCTIONS) expect(byFunction(result.published, fn)).toMatchObject({ previous: first[fn], candidate: first[fn] });
  });

  testCase('plan-only', 'a plan limited to other functions reports the changed one as no-change', async () => {
    const deployed = await h.driver.inspect({ ...ctx(), manifest: m });
    const plan = h.driver.plan({ manifest: m, artifacts: await h.artifacts(2), deployed, deploy: deployMeta('a0000009'), only: ['worker'] });
    expect(opsOf(plan, HTTP_FUNCTION).length).toBeGreaterThan(0);
    expect(plan.actions.filter((a) => a.op !== 'no-change')).toEqual([]);
  });

  testCase('changed-code', 'new code plans an update and publishes a new version; only the replace model serves it at once', async () => {
    const artifacts = await h.artifacts(2);
    releaseDeploy = deployMeta('a0000003');
    const plan = await inspectAndPlan(artifacts, releaseDeploy);
    expect(opsOf(plan, HTTP_FUNCTION)).toContain('update');
    expect(opsOf(plan, 'worker').filter((op) => op !== 'no-change')).toEqual([]);
    const result = await apply(artifacts, plan, releaseDeploy);
    expect(result.writes).toBeGreaterThan(0);
    const api = byFunction(result.published, HTTP_FUNCTION);
    expect(api.previous).toBe(first[HTTP_FUNCTION]);
    expect(api.candidate).not.toBe(api.previous);
    previous = api.previous!;
    candidate = api.candidate;
    expect(byFunction(result.published, 'worker')).toMatchObject({ previous: first.worker, candidate: first.worker });
    const t = await traffic(HTTP_FUNCTION);
    // weighted: published beside the live version; slot: deployed into the slot; replace: deployed over it.
    expect(t.primary).toBe(model() === 'replace' ? candidate : previous);
    expect(t.candidate).toBeUndefined();
    expect(t.revision).toBe(api.revision);
  });

  testCase('canary-shift', 'shift sends a weight to the candidate and returns a new revision (replace: refused as invalid)', async () => {
    const before = await traffic(HTTP_FUNCTION);
    const shifting = h.driver.shift({
      function: fnOf(HTTP_FUNCTION),
      manifest: m,
      primary: previous,
      candidate,
      weight: 0.25,
      revision: before.revision,
      release: record(releaseDeploy, { version: candidate, previous, status: 'in-progress' }),
      signal: ctx().signal,
    });
    if (model() === 'replace') {
      await expect(shifting).rejects.toMatchObject({ kind: 'invalid' });
      canaryState = await traffic(HTTP_FUNCTION);
      expect(canaryState).toEqual(before);
      return;
    }
    const shifted = await shifting;
    canaryState = await traffic(HTTP_FUNCTION);
    for (const t of [shifted, canaryState]) {
      expect(t).toMatchObject({ function: HTTP_FUNCTION, primary: previous, candidate, weight: 0.25 });
      expect(t.revision).not.toBe(before.revision);
    }
    expect(canaryState.revision).toBe(shifted.revision);
  });

  testCase('stale-shift', 'shift with a stale revision is a precondition error and changes nothing', async () => {
    const stale = h.driver.shift({
      function: fnOf(HTTP_FUNCTION),
      manifest: m,
      primary: candidate,
      weight: 0,
      revision: `${canaryState.revision}-stale`,
      release: record(releaseDeploy, { version: candidate, previous, status: 'live', step: 1 }),
      signal: ctx().signal,
    });
    await expect(stale).rejects.toBeInstanceOf(CloudError);
    await expect(stale).rejects.toMatchObject({ kind: 'precondition' });
    expect(await traffic(HTTP_FUNCTION)).toEqual(canaryState);
  });

  testCase('unpublished-shift', 'shift to a version that was never published is refused and changes nothing', async () => {
    const never = `${candidate}-${previous}-never-published`;
    const requests = [
      { primary: never, weight: 0 },
      ...(model() === 'replace' ? [] : [{ primary: previous, candidate: never, weight: 0.5 }]),
    ];
    for (const r of requests) {
      const refused = h.driver.shift({
        function: fnOf(HTTP_FUNCTION),
        manifest: m,
        ...r,
        revision: canaryState.revision,
        release: record(releaseDeploy, { version: never, previous, status: 'in-progress' }),
        signal: ctx().signal,
      });
      await expect(refused).rejects.toBeInstanceOf(CloudError);
      await expect(refused).rejects.toMatchObject({ kind: expect.stringMatching(/^(not-found|invalid)$/) });
      expect(await traffic(HTTP_FUNCTION)).toEqual(canaryState);
    }
  });

  testCase('promote', 'shift to 100% leaves the candidate as the only version (slot: a swap; replace: it already serves)', async () => {
    const done = await h.driver.shift({
      function: fnOf(HTTP_FUNCTION),
      manifest: m,
      primary: candidate,
      weight: 0,
      revision: canaryState.revision,
      release: record(releaseDeploy, { version: candidate, previous, status: 'live', step: 1 }),
      signal: ctx().signal,
    });
    for (const t of [done, await traffic(HTTP_FUNCTION)]) {
      expect(t).toMatchObject({ primary: candidate, weight: 0 });
      expect(t.candidate).toBeUndefined();
    }
  });

  testCase('fresh-runner', 'a fresh driver reads the release record, the history newest first, and the versions it can move back to', async () => {
    const fresh = h.freshDriver();
    const t = await traffic(HTTP_FUNCTION, fresh);
    expect(t.primary).toBe(candidate);
    expect(t.release).toMatchObject({ deployId: releaseDeploy.id, version: candidate, status: 'live' });
    const history = await fresh.history({ manifest: m, function: HTTP_FUNCTION, signal: ctx().signal });
    expect(history.map((r) => [r.version, r.status])).toEqual([
      [candidate, 'live'],
      [previous, 'superseded'],
    ]);
    expect(history.map((r) => r.deployId)).toEqual([releaseDeploy.id, 'a0000001']);
    const times = history.map((r) => Date.parse(r.time));
    expect(times.every((time) => !Number.isNaN(time))).toBe(true);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // Every model can move back to the version the live one replaced (slot: it is in the slot now).
    expect(await fresh.rollbackTargets({ manifest: m, function: HTTP_FUNCTION, signal: ctx().signal })).toEqual([candidate, previous]);
  });

  testCase('observe', 'health() samples a version and invoke() calls the function', async () => {
    const sample = await h.driver.health({ function: fnOf(HTTP_FUNCTION), manifest: m, version: candidate, alarms: [], since: new Date(Date.now() - 60_000).toISOString() });
    expect(sample).toEqual({ alarmsFiring: [], invocations: expect.any(Number), errors: expect.any(Number) });
    const invoked = await h.driver.invoke({ function: HTTP_FUNCTION, manifest: m, payload: { conformance: true } });
    expect(invoked.ok).toBe(true);
  });

  testCase('status', 'status() lists every function with its traffic, and urls for the http one', async () => {
    const status = await h.freshDriver().status({ ...ctx(), manifest: m });
    expect(status.map((s) => s.function).sort()).toEqual([...FUNCTIONS]);
    const api = status.find((s) => s.function === HTTP_FUNCTION)!;
    expect(api.traffic).toMatchObject({ primary: candidate, weight: 0 });
    expect(api.urls.length).toBeGreaterThan(0);
    for (const url of api.urls) expect(() => new URL(url)).not.toThrow();
    expect(status.find((s) => s.function === 'worker')!.traffic.primary).toBe(first.worker);
  });

  testCase('interrupt', 'apply with an aborted signal throws InterruptedError, writes nothing and leaves traffic alone', async () => {
    const artifacts = await h.artifacts(3);
    const deploy = deployMeta('a0000004');
    const plan = await inspectAndPlan(artifacts, deploy);
    expect(opsOf(plan, HTTP_FUNCTION)).toContain('update');
    const before = await Promise.all(FUNCTIONS.map((fn) => traffic(fn)));
    const writesBefore = h.cloudWrites();
    const aborted = new AbortController();
    aborted.abort();
    await expect(apply(artifacts, plan, deploy, aborted.signal)).rejects.toBeInstanceOf(InterruptedError);
    expect(h.cloudWrites()).toBe(writesBefore);
    expect(await Promise.all(FUNCTIONS.map((fn) => traffic(fn)))).toEqual(before);
    const again = await inspectAndPlan(artifacts, deploy, h.freshDriver());
    expect(opsOf(again, HTTP_FUNCTION)).toContain('update');
  });

  testCase('remove', "planRemove lists the stage's resources; remove deletes them", async () => {
    const deployed = await h.driver.inspect({ ...ctx(), manifest: m });
    const plan = h.driver.planRemove({ manifest: m, deployed });
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
    expect(new Set(plan.actions.map((a) => a.op))).toEqual(new Set(['delete']));
    for (const fn of FUNCTIONS) expect(opsOf(plan, fn).length, `delete actions for ${fn}`).toBeGreaterThan(0);
    const removed = await h.driver.remove({ ...ctx(), manifest: m, deployed });
    expect(removed.deleted.length).toBeGreaterThan(0);
    expect((await h.freshDriver().inspect({ ...ctx(), manifest: m })).functions).toEqual([]);
    expect((await traffic(HTTP_FUNCTION, h.freshDriver())).primary).toBeUndefined();
  });
}
