/**
 * An in-memory ProviderDriver for tests (reusable by every engineer). The "cloud" is a FakeCloud
 * that several FakeDriver instances may share, so a test can play "another CI runner" by creating
 * a second driver over the same cloud with no other state.
 *
 * It records every shift in order, enforces revision preconditions (CloudError 'precondition'),
 * refuses unpublished versions, keeps a release history per function (newest first), and lets a
 * test decide health samples, hook results and shift failures per call.
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
  TrafficState,
} from '../../src/driver.js';
import { CloudError, InterruptedError } from '../../src/errors.js';
import type { ProviderName } from '../../src/manifest/model.js';
import { findArtifact } from '../../src/package/artifact.js';

export interface FakePointer {
  primary?: string;
  candidate?: string;
  weight: number;
  revision: string;
  release?: ReleaseRecord;
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
}

export class FakeCloud {
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
    const pointer: FakePointer = { primary: previous, weight: 0, revision: this.nextRevision(), ...(history[0] ? { release: history[0] } : {}) };
    this.pointers.set(fn, pointer);
    return pointer;
  }

  /** What driver.apply would report after publishing `version` (traffic not moved). */
  deploy(fn: string, version: string): PublishedVersion {
    this.publish(fn, version);
    const pointer = this.pointers.get(fn);
    if (!pointer?.primary) {
      const created: FakePointer = { primary: version, weight: 0, revision: this.nextRevision() };
      this.pointers.set(fn, created);
      return { function: fn, candidate: version, revision: created.revision };
    }
    return { function: fn, previous: pointer.primary, candidate: version, revision: pointer.revision };
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
    this.pointers.set(fn, { primary, weight: 0, revision: this.nextRevision(), release });
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
      traffic: 'weighted',
      triggers: ['http', 'schedule', 'queue', 'storage', 'topic'],
      runtimes: ['nodejs20', 'nodejs22', 'python3.12'],
      limits: { memoryMb: { min: 128, max: 10240 }, timeoutSeconds: { max: 900 } },
    };
  }

  async inspect(req: InspectRequest): Promise<DeployedState> {
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
   * Publishes the next numeric version of every function the plan creates or updates (first
   * deploy: creates the pointer on it); no-change functions report their live version. An aborted
   * signal throws InterruptedError before any write.
   */
  async apply(req: ApplyRequest): Promise<ApplyResult> {
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
      const next = String((this.cloud.versions.get(fn)?.length ?? 0) + 1);
      published.push(this.cloud.deploy(fn, next));
    }
    const writes = published.filter((p) => p.candidate !== p.previous).length;
    return { provider: this.capabilities.name, published, writes, uploadedBytes };
  }

  async traffic(req: HistoryRequest): Promise<TrafficState> {
    const p = this.cloud.pointers.get(req.function);
    if (!p) return { function: req.function, weight: 0, revision: '' };
    return {
      function: req.function,
      ...(p.primary ? { primary: p.primary } : {}),
      ...(p.candidate ? { candidate: p.candidate } : {}),
      weight: p.weight,
      revision: p.revision,
      ...(p.release ? { release: p.release } : {}),
    };
  }

  async shift(req: ShiftRequest): Promise<TrafficState> {
    const n = this.shiftAttempts++;
    if (req.signal.aborted) throw new InterruptedError();
    const fn = req.function.name;
    const injected = this.options.failShift?.(req, n);
    if (injected) throw injected;
    const p = this.cloud.pointers.get(fn);
    if (!p) throw new CloudError(this.capabilities.name, 'not-found', `pointer of ${fn} does not exist`);
    if (p.revision !== req.revision) {
      throw new CloudError(this.capabilities.name, 'precondition', `revision ${req.revision} is stale (now ${p.revision})`);
    }
    for (const v of [req.primary, ...(req.candidate && req.weight > 0 ? [req.candidate] : [])]) {
      if (!this.cloud.isPublished(fn, v)) throw new CloudError(this.capabilities.name, 'not-found', `version ${v} of ${fn} is not published`);
    }
    if (req.weight < 0 || req.weight > 1) throw new CloudError(this.capabilities.name, 'invalid', `weight ${req.weight} out of range`);
    const weighted = req.candidate !== undefined && req.weight > 0 && req.candidate !== req.primary;
    const next: FakePointer = {
      primary: req.primary,
      ...(weighted ? { candidate: req.candidate } : {}),
      weight: weighted ? req.weight : 0,
      revision: this.cloud.nextRevision(),
      release: req.release,
    };
    this.cloud.pointers.set(fn, next);
    this.cloud.recordHistory(fn, req.release);
    const call: ShiftCall = {
      function: fn,
      primary: req.primary,
      ...(weighted ? { candidate: req.candidate } : {}),
      weight: next.weight,
      percent: this.cloud.percentOn(fn, req.release.version),
      status: req.release.status,
      step: req.release.step,
      ...(req.release.reason ? { reason: req.release.reason } : {}),
      deployId: req.release.deployId,
      version: req.release.version,
    };
    this.cloud.shifts.push(call);
    const state = await this.traffic({ manifest: req.manifest, function: fn, signal: req.signal });
    this.options.onShift?.(call, this.cloud);
    return state;
  }

  async health(req: HealthRequest): Promise<HealthSample> {
    this.cloud.healthChecks.push({ function: req.function.name, version: req.version, since: req.since });
    const view = this.cloud.view(req.function.name, req.version) ?? { function: req.function.name, version: req.version, step: -1, weight: 0 };
    const s = this.options.health?.({ ...view, alarms: req.alarms, since: req.since }) ?? {};
    return { alarmsFiring: s.alarmsFiring ?? [], invocations: s.invocations ?? 0, errors: s.errors ?? 0 };
  }

  async invoke(req: InvokeRequest): Promise<InvokeResult> {
    const name = typeof req.function === 'string' ? req.function : req.function.name;
    this.cloud.invokes.push({ function: name, ...(req.version ? { version: req.version } : {}), payload: req.payload });
    const payload = req.payload as { function?: string } | undefined;
    const view = payload?.function ? this.cloud.view(payload.function) : undefined;
    return (await this.options.invoke?.(name, req.payload, view)) ?? { ok: true, payload: null };
  }

  async history(req: HistoryRequest): Promise<readonly ReleaseRecord[]> {
    return this.cloud.history.get(req.function) ?? [];
  }

  async status(req: InspectRequest): Promise<readonly FunctionStatus[]> {
    const out: FunctionStatus[] = [];
    for (const f of req.manifest.functions) {
      if (!this.cloud.pointers.has(f.name)) continue;
      out.push({
        function: f.name,
        traffic: await this.traffic({ manifest: req.manifest, function: f.name, signal: req.signal }),
        releases: this.cloud.history.get(f.name) ?? [],
        triggers: f.triggers.map((t) => t.kind),
        urls: this.options.urls?.[f.name] ?? [],
      });
    }
    return out;
  }

  planRemove(req: { manifest: import('../../src/manifest/model.js').ResolvedManifest; deployed: DeployedState }): ProviderPlan {
    return {
      provider: this.capabilities.name,
      target: 'fake',
      actions: req.deployed.functions.map((f) => ({ id: `function:${f}`, op: 'delete' as const, resource: 'function', name: f, function: f })),
      notes: [],
      detail: null,
    };
  }

  async remove(req: RemoveRequest): Promise<RemoveResult> {
    for (const f of req.deployed.functions) {
      this.cloud.pointers.delete(f);
      this.cloud.versions.delete(f);
      this.cloud.history.delete(f);
      this.cloud.code.delete(f);
    }
    return { deleted: [...req.deployed.functions] };
  }
}
