/**
 * The provider driver contract. The core (src/) owns it; each folder under providers/ implements
 * it and is the only place that imports that cloud's SDK. The core never sees SDK types or
 * exception classes: drivers translate cloud failures into CloudError kinds and own their
 * retries, backoff and waits on asynchronous cloud states.
 *
 * Vocabulary shared by the three clouds (see DESIGN.md's mapping table):
 *   version  — an immutable published unit of code+config: Lambda version, Azure slot content,
 *              Cloud Run revision. Identified by an opaque string.
 *   pointer  — what traffic follows: Lambda alias `live`, Azure production slot, Cloud Run
 *              service traffic. Moving it is a release; moving it back is a rollback.
 *   revision — the pointer's optimistic-concurrency token (Lambda RevisionId, ARM/Cloud Run etag).
 *              Every pointer write is conditional on the revision read before it.
 */
import type { CloudErrorKind, FnxError } from './errors.js';
import type { ProviderName, ResolvedFunction, ResolvedManifest, TriggerKind } from './manifest/model.js';
import type { ArtifactSet } from './package/artifact.js';
import type { Reporter } from './report/reporter.js';

/*
 * The sealed surface: providers/** import from src/ only this file (eslint.config.js enforces it,
 * docs/providers.md "The driver surface"). Everything a driver needs from the core is re-exported
 * here; none of these modules imports the provider registry.
 */
export type { ProviderName, TriggerKind, CloudErrorKind };
export type {
  HttpTrigger,
  ProviderConfig,
  QueueTrigger,
  ResolvedFunction,
  ResolvedLayer,
  ResolvedManifest,
  ScheduleTrigger,
  StorageTrigger,
  StreamTrigger,
  TopicTrigger,
  Trigger,
} from './manifest/model.js';
export type { Artifact, ArtifactSet } from './package/artifact.js';
export type { Reporter, Step } from './report/reporter.js';
export { CloudError, ExitCode, FnxError, FnxErrorList, InterruptedError, messageOf } from './errors.js';
export { positiveNumberFromEnv } from './env.js';
export { referenceOf } from './manifest/references.js';
export { findArtifact } from './package/artifact.js';
export { formatBytes } from './report/bytes.js';
export { GLYPH } from './report/format.js';
export { plural } from './report/plural.js';
export { WorkProgress } from './report/work-progress.js';
export { backoffMs, retry, type BackoffOptions, type RetryPolicy } from './retry.js';
export { firstError, mapBounded, type BoundedOptions } from './bounded.js';
export { sleep } from './sleep.js';

/** The environment a command runs in (the CLI passes the process's): drivers read settings only from it. */
export type Environment = Readonly<Record<string, string | undefined>>;

export type * from './events/types.js';

/** A file a provider adds to a function's artifact (an entry adapter). */
export interface GeneratedFile {
  /** Posix path inside the archive, e.g. `fnx_entry/worker.mjs`. */
  readonly path: string;
  readonly content: string;
  /**
   * The file takes the place of the function's own file at `path` in this provider's artifact
   * (a file the cloud reads its entry from, e.g. a package.json naming `main`; the hook may read
   * the original through `ownFile`). Without it, a clash with an own file is refused
   * (E_PACKAGE_RESERVED).
   */
  readonly replaces?: boolean;
}

/** What a packaging hook knows about the function it generates files for. */
export interface EntryContext {
  /** Archive path of the file that holds fn.handler. */
  readonly handlerFile: string;
  /** The resolved manifest being packaged (for the provider's config block). */
  readonly manifest: ResolvedManifest;
  /** The text of one of the function's own files at that archive path; undefined when it has none there. */
  ownFile(path: string): string | undefined;
}

/**
 * What a provider adds to packaging, without loading its SDK (providers/index.ts holds one per
 * provider). Every hook is pure: the same function gives the same files, byte for byte.
 */
export interface PackagingHooks {
  /**
   * Files to add to `fn`'s artifact for this provider, e.g. the entry adapter that turns native
   * events into neutral ones (src/events/types.ts); [] when it needs none. A generated path must
   * not be one of the function's own files (packaging refuses that) unless the file `replaces`
   * it. Providers of one artifact that add different files get one artifact each.
   */
  entryFiles?(fn: ResolvedFunction, ctx: EntryContext): readonly GeneratedFile[];
}

/**
 * How a provider moves traffic between versions; the release engine follows it (src/release).
 *   weighted — two versions serve at once with weights, and every published version stays
 *              addressable (Lambda alias routing, Cloud Run traffic split).
 *   slot     — the candidate is deployed beside production and gets a percentage of HTTP
 *              traffic; going live swaps it into production, and swapping again rolls back.
 *              Only the version in the slot is addressable besides production (Azure Premium).
 *   replace  — no side-by-side versions: apply deploys the candidate over the serving code;
 *              rolling back redeploys a recorded package (Azure Flex Consumption).
 * What each model asks of shift() and rollbackTargets() is stated on them below.
 */
export type TrafficModel = 'weighted' | 'slot' | 'replace';

/**
 * Facts about a provider, available without loading its SDK (used by `fnx validate`). They may
 * depend on the provider's config block (Azure: the Flex plan has no slots, Premium has): a
 * driver's `capabilities` are computed by its factory from the manifest it is created for.
 */
export interface ProviderCapabilities {
  readonly name: ProviderName;
  /** 'native': layers are published separately and attached; 'merged': copied into each function zip. */
  readonly layers: 'native' | 'merged';
  readonly traffic: TrafficModel;
  /**
   * For messages about a strategy this traffic model cannot do: how to get a model that can, in
   * this provider's terms (e.g. "the premium plan has deployment slots"). Optional.
   */
  readonly trafficHint?: string;
  readonly triggers: readonly TriggerKind[];
  /**
   * Trigger kinds this provider's cloud can serve but its driver does not implement yet: kind ->
   * the native mechanism it will use (e.g. stream: 'Event Hubs trigger, Cosmos DB change feed').
   * validate refuses them on this provider, naming the providers that do implement them.
   */
  readonly plannedTriggers?: Partial<Readonly<Record<TriggerKind, string>>>;
  readonly runtimes: readonly string[];
  /**
   * 'shared': the functions' http routes are served by one API per stage, so two functions may not
   * serve the same method and path; 'own' (the default): every function has its own URL.
   */
  readonly httpRoutes?: 'shared' | 'own';
  readonly limits: ProviderLimits;
  /** Where this provider's credentials live: their secret values never appear in any output. */
  readonly credentials?: ProviderCredentials;
}

export interface ProviderCredentials {
  /** Environment variables whose values are secrets (a secret key, a token, a credentials JSON). */
  readonly secretVariables: readonly string[];
  /** Environment variables that name a credentials file (JSON) whose secret fields must not be printed. */
  readonly fileVariables?: readonly string[];
}

export interface ProviderLimits {
  readonly memoryMb: { readonly min: number; readonly max: number };
  readonly timeoutSeconds: { readonly max: number; readonly maxEventDriven?: number };
  readonly maxLayers?: number;
  /** Largest zip sent inline in an API request; larger ones go through object storage. */
  readonly directUploadBytes?: number;
  /** Largest unzipped code size, layers included. */
  readonly unzippedBytes?: number;
  /** Total bytes of environment variable names and values. */
  readonly environmentBytes?: number;
}

/**
 * A problem found by a provider's manifest rules. `path` names the place in the stage-merged
 * manifest (`['functions', 'api', 'triggers', 0, 'schedule', 'cron']`); the core turns it into
 * fnx.yaml:LINE:COL. The error's code, message and hint are shown as they are, with exit code 2.
 */
export interface ManifestProblem {
  readonly path: readonly (string | number)[];
  /** 'warning': reported, but the manifest is usable (default 'error'). */
  readonly severity?: 'error' | 'warning';
  /** Point at the key rather than the value (for a setting that should not be there). */
  readonly at?: 'key' | 'value';
  readonly error: FnxError;
}

/**
 * A provider's rules that depend only on the manifest (no SDK, no file, no cloud call). Every
 * command that loads the manifest runs them, so they fail `fnx validate` with a position; the
 * driver applies the same rules again when it plans. Called with every resolved manifest, also
 * one whose functions do not deploy to this provider.
 */
export type ManifestRules = (manifest: ResolvedManifest) => readonly ManifestProblem[];

/**
 * One runtime a provider deploys, with the dates that matter to a user. A runtime past
 * `deprecated` still deploys (validate warns, naming the date); from `refused` on the cloud
 * rejects new deploys of it (validate fails). Dates are ISO days (YYYY-MM-DD), in UTC.
 */
export interface RuntimeSupport {
  readonly name: string;
  readonly deprecated?: string;
  readonly refused?: string;
  /** Why, in a few words ("Node.js 20 end of life"). */
  readonly reason?: string;
}

/** What `fnx init` asked for, passed to each chosen provider's snippet. */
export interface InitAnswers {
  readonly service: string;
}

export interface ProviderInit {
  /**
   * The YAML lines of this provider's entry under `providers:`, indented two spaces. Values that
   * depend on the user's account read an environment variable with a default, so the generated
   * manifest validates before anything is configured.
   */
  snippet(answers: InitAnswers): string;
  /** Chosen when `fnx init` is given no provider. */
  readonly byDefault?: boolean;
}

/**
 * A cloud, as the core sees it: everything provider-specific, available without loading the
 * cloud's SDK. A new cloud is a folder under providers/ that exports one ProviderModule, plus
 * one line in the registry (providers/index.ts). Only `load()` imports the SDK-backed driver.
 */
export interface ProviderModule {
  /** The key under `providers:` in fnx.yaml and in `--provider`. */
  readonly name: ProviderName;
  /** The product, in messages ("AWS Lambda"). */
  readonly title: string;
  /** Its config block, providers/<name>/config.schema.json, as the definition gen:types puts into schemas/fnx.schema.json. */
  readonly configSchema: { readonly $ref: string };
  readonly init: ProviderInit;
  /** The resolved config: the block under `providers.<name>` (schema-valid) with this provider's defaults applied. */
  resolveConfig(block: Readonly<Record<string, unknown>>): Record<string, unknown>;
  readonly capabilities: ProviderCapabilities;
  /** The capabilities for the config in `manifest` (Azure: by plan); absent: `capabilities` always. */
  readonly capabilitiesFor?: CapabilitiesFor;
  /** Every runtime this provider deploys; `capabilities.runtimes` lists the same names. */
  readonly runtimes: readonly RuntimeSupport[];
  /** This provider's manifest rules, run by `fnx validate` and every command that loads the manifest. */
  readonly validate: ManifestRules;
  /** What this provider adds to packaging (entry adapters); absent: nothing. */
  readonly packaging?: PackagingHooks;
  /** Imports the SDK-backed driver. Absent: this version of fnx validates and packages for the provider, but cannot deploy to it. */
  readonly load?: () => Promise<DriverFactory>;
}

/** Common to every request: cancellation and progress. */
export interface RequestContext {
  /** Aborted on Ctrl-C: start no new cloud call; let in-flight calls finish; leave no pointer on an unpublished version. */
  readonly signal: AbortSignal;
  readonly reporter: Reporter;
  /** Upper bound on concurrent work across functions (default 8). */
  readonly concurrency: number;
}

export interface InspectRequest extends RequestContext {
  readonly manifest: ResolvedManifest;
}

/** What is deployed for one service+stage, as read from the cloud. Driver-specific payload, neutral summary. */
export interface DeployedState {
  readonly provider: ProviderName;
  /** Deployed function names (manifest names) fnx owns in this stage, including ones no longer in the manifest. */
  readonly functions: readonly string[];
  /**
   * By manifest function name: the deployed code's zip, for drivers whose cloud reports it (AWS:
   * CodeSize and CodeSha256 of $LATEST). Absent: the cloud does not say, and `fnx plan` compares
   * sizes with the previous build instead.
   */
  readonly code?: Readonly<Record<string, DeployedCode>>;
  /** Driver-private details the driver's plan() reads. The core never looks inside. */
  readonly detail: unknown;
}

/** A deployed function's code archive. */
export interface DeployedCode {
  /** Zip bytes. */
  readonly size: number;
  /** Hex sha256 of the zip, comparable with Artifact.sha256. */
  readonly sha256: string;
}

export interface PlanRequest {
  readonly manifest: ResolvedManifest;
  readonly artifacts: ArtifactSet;
  readonly deployed: DeployedState;
  /** Limit the plan to these functions (from --function); others are reported as no-change. */
  readonly only?: readonly string[];
  /** Deploy metadata to stamp on new versions. */
  readonly deploy: DeployMetadata;
}

export interface DeployMetadata {
  /** Unique per `fnx deploy` run. */
  readonly id: string;
  readonly time: string;
  readonly commit?: string;
  readonly actor?: string;
}

export type PlanOp = 'create' | 'update' | 'no-change' | 'delete';

/**
 * One changed field. Values that may be sensitive are never part of a plan: secret-bearing fields
 * carry `masked: true`; a field whose new value came from `${env:...}` / `${opt:...}` carries the
 * `reference` as written in fnx.yaml and `change` instead of either value (ResolvedFunction.variables);
 * a removed environment entry carries `change: 'removed'` and not the deployed value.
 */
export interface FieldChange {
  readonly field: string;
  /** The deployed value, when it may be shown. */
  readonly from?: unknown;
  /** The new value, when it may be shown. */
  readonly to?: unknown;
  readonly masked?: boolean;
  /** The manifest text the new value came from, e.g. `${env:MY_API_KEY}`. */
  readonly reference?: string;
  /** What happens to the field, when `from` or `to` is not shown. */
  readonly change?: 'added' | 'changed' | 'removed';
}

export interface PlanAction {
  /** Stable within a plan, e.g. "function:createOrder", "trigger:createOrder:http:POST /orders". */
  readonly id: string;
  readonly op: PlanOp;
  /** Neutral resource type: function, code, config, layer, version, alias, role, trigger:http, ... */
  readonly resource: string;
  /** Cloud-side name of the resource. */
  readonly name: string;
  /** Manifest function this action belongs to, if any. */
  readonly function?: string;
  readonly changes?: readonly FieldChange[];
  /** One line for humans (e.g. "upload 1.2 MB", "kept: no native equivalent, see notes"). */
  readonly summary?: string;
}

/** Data before action: printed by `fnx plan`, executed verbatim by `fnx deploy`. JSON-serialisable. */
export interface ProviderPlan {
  readonly provider: ProviderName;
  /** Region / location / project the plan targets. */
  readonly target: string;
  readonly actions: readonly PlanAction[];
  /** How settings without a native equivalent are handled on this provider. */
  readonly notes: readonly string[];
  /**
   * Driver-private data apply() executes: the desired state of every resource it writes, archive
   * references, and what was read (revisions, ARNs). JSON-serialisable; never secret values.
   */
  readonly detail: unknown;
}

export interface ApplyRequest extends RequestContext {
  /** The manifest the plan was made from. apply() takes no desired state from it: the plan's data is what it executes. */
  readonly manifest: ResolvedManifest;
  /** Where apply() reads the bytes of the archives the plan names (by type, name and sha256). */
  readonly artifacts: ArtifactSet;
  readonly plan: ProviderPlan;
  readonly deploy: DeployMetadata;
}

/**
 * Per function: the version apply published, and where traffic was before. Traffic has not moved
 * yet, except on the replace model, where a newly published candidate (not `existing`) already
 * serves when apply returns: the release engine then only gates and records it, or moves traffic
 * back to `previous`.
 */
export interface PublishedVersion {
  readonly function: string;
  /** Version serving traffic before this deploy (undefined on first deploy). */
  readonly previous?: string;
  /** Version to release. Equal to `previous` when nothing changed. */
  readonly candidate: string;
  /**
   * True when `candidate` was published by an earlier deploy (it already matches the manifest, so
   * nothing new was published) and is not the one serving: the release engine reads its history
   * and decides, by why it is not live, whether to release it again (src/release/rolled-back.ts).
   */
  readonly existing?: boolean;
  /** Pointer revision after apply; the first shift is conditional on it. */
  readonly revision: string;
}

export interface ApplyResult {
  readonly provider: ProviderName;
  readonly published: readonly PublishedVersion[];
  /** Number of mutating cloud calls made (0 when nothing changed). */
  readonly writes: number;
  readonly uploadedBytes: number;
  /** Optional: public URLs per function (http triggers), for the deploy summary. */
  readonly urls?: Readonly<Record<string, readonly string[]>>;
}

/** Where a function's traffic goes right now. */
export interface TrafficState {
  readonly function: string;
  /** Version getting (1 - weight) of traffic; undefined if the pointer does not exist. */
  readonly primary?: string;
  /** Version getting `weight` of traffic during a shift. */
  readonly candidate?: string;
  /** 0..1 */
  readonly weight: number;
  readonly revision: string;
  /** The release in progress or last finished, as recorded on the pointer. */
  readonly release?: ReleaseRecord;
}

/**
 * One pointer write: `primary` keeps (1 - weight) of the traffic, `candidate` gets `weight`. The
 * release engine asks each traffic model only for what it can do:
 *   weighted — any published versions, any weight.
 *   slot     — a weight (0 < weight < 1) only with primary = production and candidate = the
 *              slot's version (HTTP share, e.g. Azure rampUpRules). With weight 0, `primary` gets
 *              everything: production's version clears the share; the slot's version swaps it
 *              into production (promote), which puts production's version in the slot (so the
 *              next such request with that version swaps back: rollback).
 *   replace  — weight 0 only. `primary` already serving: only the release record is written;
 *              another version: its recorded package is deployed again (rollback).
 * A version the model cannot address is CloudError 'not-found'; a weight it cannot do, 'invalid'.
 */
export interface ShiftRequest {
  readonly function: ResolvedFunction;
  readonly manifest: ResolvedManifest;
  /** Version that keeps (1 - weight). */
  readonly primary: string;
  /** Version that gets `weight`; omit (or weight 0) to send everything to primary. */
  readonly candidate?: string;
  readonly weight: number;
  /** Must equal the pointer's current revision, else CloudError 'precondition'. */
  readonly revision: string;
  /** Recorded on the pointer so any runner can continue or abort the release. */
  readonly release: ReleaseRecord;
  readonly signal: AbortSignal;
}

/** 'unreleased': published, but no traffic ever moved to it (the deploy stopped before its release). */
export type ReleaseStatus = 'in-progress' | 'live' | 'rolled-back' | 'superseded' | 'unreleased';

/**
 * Why traffic left a version (ReleaseRecord.cause of a 'rolled-back' record). Drivers store it
 * with the record and report it in history(); the core decides what a deploy does next.
 *   interrupted — Ctrl-C / SIGTERM during the release (deploy or promote)
 *   aborted     — `fnx rollback` stopped the release while it was in progress
 *   error       — an error while shifting traffic, not a health verdict
 *   failed      — a health gate or a release hook failed
 *   rollback    — `fnx rollback` moved traffic away after the version went live
 */
export type RollbackCause = 'interrupted' | 'aborted' | 'error' | 'failed' | 'rollback';

/** ReleaseRecord.strategy of a pointer move made by `fnx rollback` (not a release). */
export const ROLLBACK_STRATEGY = 'rollback';

export interface ReleaseRecord {
  readonly deployId: string;
  readonly version: string;
  readonly previous?: string;
  readonly status: ReleaseStatus;
  readonly strategy: string;
  /** Index into the policy's steps reached so far. */
  readonly step: number;
  readonly steps: readonly number[];
  readonly time: string;
  readonly commit?: string;
  readonly reason?: string;
  /** Status 'rolled-back': why (absent: not recorded). */
  readonly cause?: RollbackCause;
}

export interface HealthRequest {
  readonly function: ResolvedFunction;
  readonly manifest: ResolvedManifest;
  readonly version: string;
  readonly alarms: readonly string[];
  /** ISO time; metrics from then until now. */
  readonly since: string;
}

export interface HealthSample {
  readonly alarmsFiring: readonly string[];
  /** Requested alarms the provider does not know (a typo or another region): the gate cannot pass. */
  readonly alarmsMissing?: readonly string[];
  readonly invocations: number;
  readonly errors: number;
}

export interface InvokeRequest {
  readonly function: ResolvedFunction | string;
  readonly manifest: ResolvedManifest;
  /** Version to invoke; undefined = the pointer. */
  readonly version?: string;
  readonly payload: unknown;
  /**
   * A neutral event of one trigger kind (src/events/types.ts). When set, the driver sends the
   * native event its entry adapter turns into exactly this value, and `payload` is ignored.
   */
  readonly event?: { readonly kind: TriggerKind; readonly value: unknown };
}

export interface InvokeResult {
  readonly ok: boolean;
  readonly payload: unknown;
  readonly error?: string;
  /** The version that ran (Lambda's ExecutedVersion), when the cloud says. */
  readonly version?: string;
  /** The last lines the invocation logged, oldest first, when the cloud returns them. */
  readonly logTail?: readonly string[];
}

export interface LogsRequest {
  readonly function: string;
  readonly manifest: ResolvedManifest;
  /** ISO time: lines logged from then on. */
  readonly since: string;
  /** Only lines containing this text (case-sensitive). */
  readonly filter?: string;
  /** Only lines of this version. */
  readonly version?: string;
  /**
   * Keep going: after the lines up to now, poll for new ones until `signal` aborts, then end the
   * iteration without an error (the core decides the exit code).
   */
  readonly follow: boolean;
  readonly signal: AbortSignal;
  readonly reporter?: Reporter;
}

/** One line a function logged. */
export interface LogLine {
  /** ISO time the cloud recorded it at. */
  readonly time: string;
  /** The version that wrote it, when the cloud says. */
  readonly version?: string;
  /** The invocation (request) it belongs to, when the cloud says. */
  readonly requestId?: string;
  /** The text, without its trailing newline. */
  readonly message: string;
}

export interface HistoryRequest {
  readonly manifest: ResolvedManifest;
  readonly function: string;
  readonly signal: AbortSignal;
  /** Where a driver may report slow progress (e.g. retrying an unreachable endpoint). */
  readonly reporter?: Reporter;
}

export interface FunctionStatus {
  readonly function: string;
  readonly traffic: TrafficState;
  readonly releases: readonly ReleaseRecord[];
  readonly triggers: readonly string[];
  readonly urls: readonly string[];
  /**
   * Triggers the manifest declares for this function that are not deployed (same wording as
   * `triggers`): a deploy failed before creating them, or has not run since they were added.
   */
  readonly notDeployed?: readonly string[];
}

export interface RemoveRequest extends RequestContext {
  readonly manifest: ResolvedManifest;
  readonly deployed: DeployedState;
}

export interface RemoveResult {
  readonly deleted: readonly string[];
}

/**
 * One small text record per service+stage, kept in the cloud and written only on a condition: the
 * stage lease (src/lease) lives in it, so two runs on different machines never change one stage at
 * once. The core owns the text (JSON); the driver stores it where its cloud offers a conditional
 * write (an object or a resource with an etag) and maps a failed condition to CloudError
 * 'precondition'. Reading and writing it must not need anything the stage's first deploy creates
 * later: the store creates what it needs to hold the record.
 */
export interface StageRecordStore {
  /** The record, or undefined when there is none. */
  read(req: StageRecordRequest): Promise<StageRecord | undefined>;
  /**
   * Stores `text` only if the record is still at `revision` (undefined: only if there is no record)
   * and returns the new revision. A failed condition is CloudError 'precondition'. With `create`,
   * the store first creates what holds its records when that is missing (a bucket, a storage
   * account: what the stage's first deploy needs anyway); without it, a missing holder is
   * CloudError 'not-found' and nothing is created (a command on a stage never deployed).
   */
  write(req: StageRecordRequest & { readonly text: string; readonly revision: string | undefined; readonly create?: boolean }): Promise<string>;
  /** Deletes the record if it is still at `revision` (after `fnx remove` deleted the stage); a missing record or holder is no error. */
  delete(req: StageRecordRequest & { readonly revision: string }): Promise<void>;
}

export interface StageRecordRequest {
  readonly manifest: ResolvedManifest;
  readonly signal: AbortSignal;
  readonly reporter?: Reporter;
}

export interface StageRecord {
  readonly text: string;
  /** Opaque token of this state of the record (an etag, an object generation). */
  readonly revision: string;
}

export interface ProviderDriver {
  readonly capabilities: ProviderCapabilities;

  /** Read-only. Finds every resource fnx owns for manifest.service + manifest.stage (by tags). */
  inspect(req: InspectRequest): Promise<DeployedState>;

  /** Pure: desired (manifest + artifacts) vs deployed -> actions. Makes no cloud call. */
  plan(req: PlanRequest): ProviderPlan;

  /**
   * Executes exactly the plan's actions with the plan's data (not re-deriving it from the
   * manifest): uploads code, writes configuration, layers, roles and triggers, publishes versions. Does NOT move traffic (the pointer is only created on first
   * deploy, pointing at the first published version), except on the replace model, which has no
   * other way to publish (see PublishedVersion). slot: a new version goes to the slot beside
   * production. Idempotent: safe to re-run after a crash.
   */
  apply(req: ApplyRequest): Promise<ApplyResult>;

  /** Reads the pointer of one function. */
  traffic(req: HistoryRequest): Promise<TrafficState>;

  /** Sets the pointer's weights conditionally on `revision`; returns the new state. */
  shift(req: ShiftRequest): Promise<TrafficState>;

  /** Health signals of one version since a time: firing alarms and error counts. */
  health(req: HealthRequest): Promise<HealthSample>;

  /** Invokes a function synchronously (release hooks). */
  invoke(req: InvokeRequest): Promise<InvokeResult>;

  /**
   * Optional ability: the function's log lines since a time, oldest first (`fnx logs`). A driver
   * without it makes `fnx logs` fail with exit 2 naming the provider.
   */
  logs?(req: LogsRequest): AsyncIterable<LogLine>;

  /**
   * The stage's conditional record (the stage lease, src/lease). Every driver that writes has one:
   * deploy, promote, rollback and remove hold the lease on every provider they change.
   */
  readonly stageRecord: StageRecordStore;

  /** Release history of one function, newest first, read from the cloud (not local files). */
  history(req: HistoryRequest): Promise<readonly ReleaseRecord[]>;

  /**
   * Versions of one function that traffic can be moved to with shift(weight 0) right now, the
   * serving one included, newest first (empty: not deployed). `fnx rollback --to` accepts only
   * these, and `fnx rollback` moves to the release before the live one only when it is one of
   * them. weighted: every version the history mentions; slot: production's version and the
   * slot's; replace: every version whose package is recorded. Ids are opaque: the core never
   * parses or orders them.
   */
  rollbackTargets(req: HistoryRequest): Promise<readonly string[]>;

  /** Status of every deployed function of the stage. */
  status(req: InspectRequest): Promise<readonly FunctionStatus[]>;

  /** Plan of what remove() would delete: everything fnx tagged for this stage, nothing else. */
  planRemove(req: { manifest: ResolvedManifest; deployed: DeployedState }): ProviderPlan;

  /** Deletes what planRemove listed. */
  remove(req: RemoveRequest): Promise<RemoveResult>;
}

/**
 * Loaded lazily by providers/index.ts; creating a driver may read credentials but makes no call.
 * `env` is the command's environment: a driver reads settings, credentials and endpoint overrides
 * from it, never from process.env. The driver's `capabilities` are those of the manifest's config
 * block for this provider.
 */
export type DriverFactory = (manifest: ResolvedManifest, env: Environment) => ProviderDriver;

/** A provider's capabilities for one manifest's config block, without the SDK (see ProviderCapabilities). */
export type CapabilitiesFor = (manifest: ResolvedManifest) => ProviderCapabilities;
