/**
 * An in-memory ProviderDriver for tests (reusable by every engineer). The "cloud" is a FakeCloud
 * that several FakeDriver instances may share, so a test can play "another CI runner" by creating
 * a second driver over the same cloud with no other state. It lives entirely under test/: the core
 * knows nothing of it.
 *
 * The cloud follows one traffic model (src/driver.ts TrafficModel), chosen when it is created:
 *   weighted — every published version addressable, two at once with weights (like Lambda);
 *   slot     — production plus one slot beside it: apply deploys into the slot, a share of
 *              traffic can go to the slot, and moving everything to the slot's version swaps
 *              (like Azure Premium slots);
 *   replace  — one serving version: apply deploys over it, and moving traffic to another
 *              recorded version deploys its package again (like Azure Flex Consumption).
 *
 * It records every shift in order, enforces revision preconditions (CloudError 'precondition'),
 * refuses versions the model cannot address, keeps a release history per function (newest
 * first), counts the cloud requests and writes it answers, and lets a test decide health samples,
 * hook results and shift failures per call. Failures a test injects through those callbacks reach
 * the core as CloudErrors, as a real driver translates its cloud's errors; `defect` throws as is
 * (a bug in a driver).
 */
import type {
  ApplyRequest,
  ApplyResult,
  DeployedState,
  FunctionStatus,
  HealthRequest,
  HealthSample,
  HistoryRequest,
  InspectRequest,
  InvokeRequest,
  InvokeResult,
  PlanRequest,
  ProviderCapabilities,
  ProviderDriver,
  ProviderPlan,
  PublishedVersion,
  ReleaseRecord,
  ReleaseStatus,
  RemoveRequest,
  RemoveResult,
  ShiftRequest,
  StageRecord,
  StageRecordStore,
  TrafficModel,
  TrafficState,
} from '../../src/driver.js';
import { CloudError, FnxError, InterruptedError, messageOf } from '../../src/errors.js';
import type { ProviderName, ResolvedManifest } from '../../src/manifest/model.js';
import { findArtifact } from '../../src/package/artifact.js';

export interface FakePointer {
  /** The version serving (slot: production's; replace: the deployed one). */
  primary?: string;
  /** The version getting `weight` (slot: always the slot's version). */
  candidate?: string;
  weight: number;
  revision: string;
  release?: ReleaseRecord;
  /** slot: the version deployed in the slot beside production. */
  staged?: string;
}

/** One accepted pointer write, in the order received. */
export interface ShiftCall {
  readonly function: string;
  readonly primary: string;
  readonly candidate?: string;
  readonly weight: number;
  /** Percent of traffic on the release's version after this write (0..100). */
  readonly percent: number;
  readonly status: ReleaseStatus;
  readonly step: number;
  readonly reason?: string;
  readonly deployId: string;
  readonly version: string;
}

export interface InvokeCall {
  readonly function: string;
  readonly version?: string;
  readonly payload: unknown;
}

/** What a health/hook callback knows: the function's pointer at the time of the call. */
export interface PointerView {
  readonly function: string;
  readonly version: string;
  /** Release step index and status on the pointer (step -1 when no release is recorded). */
  readonly step: number;
  readonly status?: ReleaseStatus;
  readonly weight: number;
  readonly primary?: string;
}

export interface FakeDriverOptions {
  readonly provider?: ProviderName;
  /** Health sample for a gate check; default: no alarm firing, no invocations. */
  health?: (q: PointerView & { alarms: readonly string[]; since: string }) => Partial<HealthSample> | undefined;
  /** Result of invoking a hook function by name; default ok:true. Throwing simulates an invoke failure. */
  invoke?: (name: string, payload: unknown, view: PointerView | undefined) => InvokeResult | Promise<InvokeResult>;
  /** Return an error to make the n-th shift call (0-based, counting attempts) fail before it changes anything. */
  failShift?: (req: ShiftRequest, n: number) => Error | undefined;
  /** Called after each accepted shift (e.g. to abort a controller, or to change the pointer behind fnx's back). */
  onShift?: (call: ShiftCall, cloud: FakeCloud) => void;
  /** URLs reported by status() per function. */
  urls?: Record<string, string[]>;
  /** Version id apply publishes as the n-th version (1-based) of a function; default String(n). Ids are opaque to the core. */
  versionId?: (fn: string, n: number) => string;
  /** A bug in the driver: a value returned here is thrown as is (not translated) when `method` is called. */
  defect?: (method: string) => unknown;
  /** ProviderCapabilities.trafficHint of the fake. */
  trafficHint?: string;
}

/** A failure a test injected, as a driver reports its cloud's failures: a CloudError (FnxErrors pass as they are). */
function translated(provider: string, err: unknown): FnxError {
  return err instanceof FnxError ? err : new CloudError(provider, 'unavailable', messageOf(err), { cause: err });
}

export class FakeCloud {
  /** Cloud requests answered so far (plan() makes none), and how many of them wrote. */
  calls = 0;
  writes = 0;
  /** replace: versions deployed again by a shift (rollbacks), in order. slot: swaps, in order. */
  readonly redeploys: { function: string; version: string }[] = [];
  readonly swaps: { function: string; production: string }[] = [];

  constructor(readonly traffic: TrafficModel = 'weighted') {}

  readonly pointers = new Map<string, FakePointer>();
  /** Published versions per function, oldest first. */
  readonly versions = new Map<string, string[]>();
  /** Release history per function, newest first. */
  readonly history = new Map<string, ReleaseRecord[]>();
  readonly shifts: ShiftCall[] = [];
  readonly invokes: InvokeCall[] = [];
  readonly healthChecks: { function: string; version: string; since: string }[] = [];
  /** sha256 of the code last published per function (by apply). */
  readonly code = new Map<string, string>();
  private revisionCounter = 0;
  /** The stage record (the stage lease), kept apart from `calls` and `writes`; `leaseWrites` counts its writes and deletes. */
  stageRecord: StageRecord | undefined;
  leaseWrites = 0;
  /** A test may make the stage record's holder missing (a stage never deployed: write without `create` is 'not-found'). */
  recordHolder = true;

  nextRevision(): string {
    this.revisionCounter += 1;
    return `rev-${this.revisionCounter}`;
  }

  publish(fn: string, version: string): void {
    const list = this.versions.get(fn) ?? [];
    if (!list.includes(version)) list.push(version);
    this.versions.set(fn, list);
  }

  isPublished(fn: string, version: string): boolean {
    return this.versions.get(fn)?.includes(version) ?? false;
  }

  /** Versions traffic can be moved to now, newest published first (ProviderDriver.rollbackTargets). */
  addressable(fn: string): string[] {
    const published = this.versions.get(fn) ?? [];
    const p = this.pointers.get(fn);
    if (!p?.primary) return [];
    // weighted and replace: every published version (replace: its package is recorded); slot: production's and the slot's.
    const ok = this.traffic === 'slot' ? (v: string) => v === p.primary || v === p.staged : () => true;
    return [...published].reverse().filter(ok);
  }

  /**
   * Seeds a function whose releases went live in order (`versions[last]` is live now), each
   * recorded in history as a finished release. Returns the pointer.
   */
  seed(fn: string, versions: readonly string[]): FakePointer {
    let previous: string | undefined;
    for (const [i, v] of versions.entries()) {
      this.publish(fn, v);
      this.recordHistory(fn, {
        deployId: `seed-${i + 1}`,
        version: v,
        ...(previous ? { previous } : {}),
        status: 'live',
        strategy: 'all-at-once',
        step: 0,
        steps: [100],
        time: new Date(Date.UTC(2024, 0, 1 + i)).toISOString(),
      });
      previous = v;
    }
    const history = this.history.get(fn) ?? [];
    const staged = this.traffic === 'slot' && versions.length > 1 ? versions[versions.length - 2] : undefined;
    const pointer: FakePointer = { primary: previous, weight: 0, revision: this.nextRevision(), ...(history[0] ? { release: history[0] } : {}), ...(staged ? { staged } : {}) };
    this.pointers.set(fn, pointer);
    return pointer;
  }

  /**
   * What driver.apply would report after publishing `version`: weighted, traffic not moved; slot,
   * deployed into the slot (a share on the slot now gets it); replace, deployed over the serving
   * version (a new revision). First deploy: the pointer is created on it.
   */
  deploy(fn: string, version: string): PublishedVersion {
    this.publish(fn, version);
    const pointer = this.pointers.get(fn);
    if (!pointer?.primary) {
      const created: FakePointer = { primary: version, weight: 0, revision: this.nextRevision() };
      this.pointers.set(fn, created);
      return { function: fn, candidate: version, revision: created.revision };
    }
    const previous = pointer.primary;
    if (this.traffic === 'slot') {
      pointer.staged = version;
      if (pointer.candidate) pointer.candidate = version;
    }
    if (this.traffic === 'replace') {
      pointer.primary = version;
      pointer.revision = this.nextRevision();
    }
    return { function: fn, previous, candidate: version, revision: pointer.revision };
  }

  /** Another actor releases `primary` at once (new revision, its own record), as a concurrent deploy would. */
  externalChange(fn: string, primary: string): void {
    this.publish(fn, primary);
    const release: ReleaseRecord = {
      deployId: `external-${primary}`,
      version: primary,
      ...(this.pointers.get(fn)?.primary ? { previous: this.pointers.get(fn)?.primary } : {}),
      status: 'live',
      strategy: 'all-at-once',
      step: 0,
      steps: [100],
      time: new Date().toISOString(),
    };
    const staged = this.pointers.get(fn)?.staged;
    this.pointers.set(fn, { primary, weight: 0, revision: this.nextRevision(), release, ...(staged ? { staged } : {}) });
    this.recordHistory(fn, release);
  }

  /** Current pointer as a view for callbacks. */
  view(fn: string, version?: string): PointerView | undefined {
    const p = this.pointers.get(fn);
    if (!p) return undefined;
    return {
      function: fn,
      version: version ?? p.candidate ?? p.primary ?? '',
      step: p.release?.step ?? -1,
      ...(p.release ? { status: p.release.status } : {}),
      weight: p.weight,
      ...(p.primary ? { primary: p.primary } : {}),
    };
  }

  /** Percent of traffic on `version` for a function right now. */
  percentOn(fn: string, version: string): number {
    const p = this.pointers.get(fn);
    if (!p) return 0;
    if (p.candidate === version) return Math.round(p.weight * 10_000) / 100;
    if (p.primary === version) return Math.round((1 - (p.candidate ? p.weight : 0)) * 10_000) / 100;
    return 0;
  }

  recordHistory(fn: string, record: ReleaseRecord): void {
    const list = (this.history.get(fn) ?? []).filter((r) => !(r.deployId === record.deployId && r.version === record.version));
    const next = record.status === 'live' ? list.map((r) => (r.status === 'live' ? { ...r, status: 'superseded' as const } : r)) : list;
    this.history.set(fn, [record, ...next]);
  }
}

/** DeployedState.detail of the fake: the deployed code's sha256 per function. */
interface FakeDeployed {
  readonly code: Readonly<Record<string, string>>;
}

export class FakeDriver implements ProviderDriver {
  readonly capabilities: ProviderCapabilities;
  private shiftAttempts = 0;

  constructor(
    readonly cloud: FakeCloud = new FakeCloud(),
    readonly options: FakeDriverOptions = {},
  ) {
    this.capabilities = {
      name: options.provider ?? 'aws',
      layers: 'native',
      traffic: cloud.traffic,
      ...(options.trafficHint ? { trafficHint: options.trafficHint } : {}),
      triggers: ['http', 'schedule', 'queue', 'storage', 'topic', 'stream'],
      runtimes: ['nodejs20', 'nodejs22', 'python3.12'],
      limits: { memoryMb: { min: 128, max: 10240 }, timeoutSeconds: { max: 900 } },
    };
  }

  /** The stage record in the fake cloud, with revision preconditions; `defect` may throw on 'stageRecord.read' / '.write' / '.delete'. */
  readonly stageRecord: StageRecordStore = {
    read: async () => {
      this.bug('stageRecord.read');
      return this.cloud.stageRecord;
    },
    write: async (req) => {
      this.bug('stageRecord.write');
      const cur = this.cloud.stageRecord;
      if (!this.cloud.recordHolder) {
        if (!req.create) throw this.fail('not-found', 'no stage record store');
        this.cloud.recordHolder = true;
      }
      if (cur?.revision !== req.revision) throw this.fail('precondition', `stage record revision ${req.revision ?? '(none)'} is stale (now ${cur?.revision ?? '(none)'})`);
      this.cloud.leaseWrites += 1;
      this.cloud.stageRecord = { text: req.text, revision: this.cloud.nextRevision() };
      return this.cloud.stageRecord.revision;
    },
    delete: async (req) => {
      this.bug('stageRecord.delete');
      const cur = this.cloud.stageRecord;
      if (!cur) return;
      if (cur.revision !== req.revision) throw this.fail('precondition', `stage record revision ${req.revision} is stale (now ${cur.revision})`);
      this.cloud.leaseWrites += 1;
      this.cloud.stageRecord = undefined;
    },
  };

  private bug(method: string): void {
    const bug = this.options.defect?.(method);
    if (bug !== undefined) throw bug;
  }

  /** One cloud request: counted; `defect` may throw instead. */
  private request(method: string): void {
    const bug = this.options.defect?.(method);
    if (bug !== undefined) throw bug;
    this.cloud.calls += 1;
  }

  private fail(kind: 'not-found' | 'invalid' | 'precondition', message: string): CloudError {
    return new CloudError(this.capabilities.name, kind, message);
  }

  async inspect(req: InspectRequest): Promise<DeployedState> {
    this.request('inspect');
    const names = req.manifest.functions.map((f) => f.name).filter((n) => this.cloud.pointers.has(n));
    const code: Record<string, string> = {};
    for (const n of names) {
      const sha = this.cloud.code.get(n);
      if (sha) code[n] = sha;
    }
    return { provider: this.capabilities.name, functions: names, detail: { code } satisfies FakeDeployed };
  }

  /** create when not deployed; no-change when the artifact's sha256 equals the deployed code's (or outside `only`); else update. */
  plan(req: PlanRequest): ProviderPlan {
    const deployedCode = (req.deployed.detail as FakeDeployed | null)?.code ?? {};
    const op = (fn: string) => {
      if (!req.deployed.functions.includes(fn)) return 'create' as const;
      const sha = findArtifact(req.artifacts, 'function', fn, this.capabilities.name)?.sha256;
      return (req.only && !req.only.includes(fn)) || (sha !== undefined && sha === deployedCode[fn]) ? ('no-change' as const) : ('update' as const);
    };
    return {
      provider: this.capabilities.name,
      target: 'fake',
      actions: req.manifest.functions.map((f) => ({ id: `function:${f.name}`, op: op(f.name), resource: 'function', name: f.name, function: f.name })),
      notes: [],
      detail: null,
    };
  }

  /**
   * Publishes the next version of every function the plan creates or updates, the model's way
   * (FakeCloud.deploy; first deploy: creates the pointer on it); no-change functions report their
   * live version. An aborted signal throws InterruptedError before any write.
   */
  async apply(req: ApplyRequest): Promise<ApplyResult> {
    this.request('apply');
    if (req.signal.aborted) throw new InterruptedError();
    let uploadedBytes = 0;
    const published: PublishedVersion[] = [];
    for (const a of req.plan.actions) {
      const fn = a.function;
      if (!fn || a.op === 'delete') continue;
      const pointer = this.cloud.pointers.get(fn);
      if (a.op === 'no-change' && pointer?.primary) {
        published.push({ function: fn, previous: pointer.primary, candidate: pointer.primary, revision: pointer.revision });
        continue;
      }
      const artifact = findArtifact(req.artifacts, 'function', fn, this.capabilities.name);
      if (artifact) {
        this.cloud.code.set(fn, artifact.sha256);
        uploadedBytes += artifact.size;
      }
      const n = (this.cloud.versions.get(fn)?.length ?? 0) + 1;
      published.push(this.cloud.deploy(fn, this.options.versionId?.(fn, n) ?? String(n)));
    }
    const writes = published.filter((p) => p.candidate !== p.previous).length;
    this.cloud.writes += writes;
    return { provider: this.capabilities.name, published, writes, uploadedBytes };
  }

  async traffic(req: HistoryRequest): Promise<TrafficState> {
    this.request('traffic');
    return this.pointerState(req.function);
  }

  private pointerState(fn: string): TrafficState {
    const p = this.cloud.pointers.get(fn);
    if (!p) return { function: fn, weight: 0, revision: '' };
    return {
      function: fn,
      ...(p.primary ? { primary: p.primary } : {}),
      ...(p.candidate ? { candidate: p.candidate } : {}),
      weight: p.weight,
      revision: p.revision,
      ...(p.release ? { release: p.release } : {}),
    };
  }

  async shift(req: ShiftRequest): Promise<TrafficState> {
    this.request('shift');
    const n = this.shiftAttempts++;
    if (req.signal.aborted) throw new InterruptedError();
    const fn = req.function.name;
    const injected = this.options.failShift?.(req, n);
    if (injected) throw translated(this.capabilities.name, injected);
    const p = this.cloud.pointers.get(fn);
    if (!p) throw this.fail('not-found', `pointer of ${fn} does not exist`);
    if (p.revision !== req.revision) throw this.fail('precondition', `revision ${req.revision} is stale (now ${p.revision})`);
    if (req.weight < 0 || req.weight > 1) throw this.fail('invalid', `weight ${req.weight} out of range`);
    const split = req.candidate !== undefined && req.weight > 0 && req.candidate !== req.primary;
    const moved = this.move(fn, p, req, split);
    const next: FakePointer = { ...moved, revision: this.cloud.nextRevision(), release: req.release };
    this.cloud.pointers.set(fn, next);
    this.cloud.writes += 1;
    this.cloud.recordHistory(fn, req.release);
    const call: ShiftCall = {
      function: fn,
      primary: next.primary ?? req.primary,
      ...(next.candidate ? { candidate: next.candidate } : {}),
      weight: next.weight,
      percent: this.cloud.percentOn(fn, req.release.version),
      status: req.release.status,
      step: req.release.step,
      ...(req.release.reason ? { reason: req.release.reason } : {}),
      deployId: req.release.deployId,
      version: req.release.version,
    };
    this.cloud.shifts.push(call);
    const state = this.pointerState(fn);
    this.options.onShift?.(call, this.cloud);
    return state;
  }

  /** The pointer after `req`, the model's way (see FakeCloud); throws what the model cannot do. */
  private move(fn: string, p: FakePointer, req: ShiftRequest, split: boolean): Omit<FakePointer, 'revision'> {
    const staged = p.staged ? { staged: p.staged } : {};
    switch (this.cloud.traffic) {
      case 'weighted':
        for (const v of [req.primary, ...(split ? [req.candidate as string] : [])]) {
          if (!this.cloud.isPublished(fn, v)) throw this.fail('not-found', `version ${v} of ${fn} is not published`);
        }
        return { primary: req.primary, ...(split ? { candidate: req.candidate, weight: req.weight } : { weight: 0 }) };
      case 'slot':
        if (split) {
          if (req.primary !== p.primary || req.candidate !== p.staged) throw this.fail('not-found', `${req.candidate} is not the version in the slot beside production (${p.primary}) of ${fn}`);
          if (req.weight >= 1) throw this.fail('invalid', `a slot takes a share below 100%, not ${req.weight}`);
          return { primary: p.primary, candidate: p.staged, weight: req.weight, ...staged };
        }
        if (req.primary === p.primary) return { primary: p.primary, weight: 0, ...staged };
        if (req.primary === p.staged) {
          this.cloud.swaps.push({ function: fn, production: p.staged });
          return { primary: p.staged, weight: 0, ...(p.primary ? { staged: p.primary } : {}) };
        }
        throw this.fail('not-found', `version ${req.primary} of ${fn} is neither in production nor in the slot`);
      case 'replace':
        if (split) throw this.fail('invalid', `${fn} cannot split traffic: each version replaces the serving one`);
        if (req.primary !== p.primary) {
          if (!this.cloud.isPublished(fn, req.primary)) throw this.fail('not-found', `no package of version ${req.primary} of ${fn} is recorded`);
          this.cloud.redeploys.push({ function: fn, version: req.primary });
        }
        return { primary: req.primary, weight: 0 };
    }
  }

  async health(req: HealthRequest): Promise<HealthSample> {
    this.request('health');
    this.cloud.healthChecks.push({ function: req.function.name, version: req.version, since: req.since });
    const view = this.cloud.view(req.function.name, req.version) ?? { function: req.function.name, version: req.version, step: -1, weight: 0 };
    let s: Partial<HealthSample> | undefined;
    try {
      s = this.options.health?.({ ...view, alarms: req.alarms, since: req.since });
    } catch (err) {
      throw translated(this.capabilities.name, err);
    }
    return { alarmsFiring: s?.alarmsFiring ?? [], invocations: s?.invocations ?? 0, errors: s?.errors ?? 0 };
  }

  async invoke(req: InvokeRequest): Promise<InvokeResult> {
    this.request('invoke');
    const name = typeof req.function === 'string' ? req.function : req.function.name;
    this.cloud.invokes.push({ function: name, ...(req.version ? { version: req.version } : {}), payload: req.payload });
    const payload = req.payload as { function?: string } | undefined;
    const view = payload?.function ? this.cloud.view(payload.function) : undefined;
    try {
      return (await this.options.invoke?.(name, req.payload, view)) ?? { ok: true, payload: null };
    } catch (err) {
      throw translated(this.capabilities.name, err);
    }
  }

  async history(req: HistoryRequest): Promise<readonly ReleaseRecord[]> {
    this.request('history');
    return this.cloud.history.get(req.function) ?? [];
  }

  async rollbackTargets(req: HistoryRequest): Promise<readonly string[]> {
    this.request('rollbackTargets');
    return this.cloud.addressable(req.function);
  }

  async status(req: InspectRequest): Promise<readonly FunctionStatus[]> {
    this.request('status');
    const out: FunctionStatus[] = [];
    for (const f of req.manifest.functions) {
      if (!this.cloud.pointers.has(f.name)) continue;
      out.push({
        function: f.name,
        traffic: this.pointerState(f.name),
        releases: this.cloud.history.get(f.name) ?? [],
        triggers: f.triggers.map((t) => t.kind),
        urls: this.options.urls?.[f.name] ?? [],
      });
    }
    return out;
  }

  planRemove(req: { manifest: ResolvedManifest; deployed: DeployedState }): ProviderPlan {
    return {
      provider: this.capabilities.name,
      target: 'fake',
      actions: req.deployed.functions.map((f) => ({ id: `function:${f}`, op: 'delete' as const, resource: 'function', name: f, function: f })),
      notes: [],
      detail: null,
    };
  }

  async remove(req: RemoveRequest): Promise<RemoveResult> {
    this.request('remove');
    for (const f of req.deployed.functions) {
      this.cloud.pointers.delete(f);
      this.cloud.versions.delete(f);
      this.cloud.history.delete(f);
      this.cloud.code.delete(f);
      this.cloud.writes += 1;
    }
    return { deleted: [...req.deployed.functions] };
  }
}
