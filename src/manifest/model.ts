/**
 * The resolved manifest: what every stage after `resolve` reads. Stage overrides are merged,
 * `${...}` variables substituted, defaults applied, paths absolute, durations in seconds and
 * percentages as numbers. Secret references stay references ({ secret: 'name' }) and are never
 * turned into values by the core. Nothing downstream reads the raw YAML.
 *
 * The raw, user-facing shape is `UserManifest` (generated from schemas/fnx.schema.json).
 */
import type { SourceLocation } from '../errors.js';

/** The registered providers' names, generated from the folders under providers/; the registry gives them at run time. */
export type { ProviderName } from './provider-names.generated.js';
import type { ProviderName } from './provider-names.generated.js';

export type TriggerKind = 'http' | 'schedule' | 'queue' | 'storage' | 'topic' | 'stream';
export const TRIGGER_KINDS: readonly TriggerKind[] = ['http', 'schedule', 'queue', 'storage', 'topic', 'stream'];

export type Architecture = 'x86_64' | 'arm64';

/** A reference to a secret held by the provider's secret store; resolved by the driver at deploy time. */
export interface SecretRef {
  readonly secret: string;
}

export interface HttpTrigger {
  readonly kind: 'http';
  /** Upper case, or 'ANY'. */
  readonly method: string;
  /** Starts with '/'; `{param}` segments allowed. */
  readonly path: string;
  readonly auth: 'none' | 'iam';
}
export interface ScheduleTrigger {
  readonly kind: 'schedule';
  /** Five-field cron (minute hour day-of-month month day-of-week), UTC. Exactly one of cron/rateSeconds. */
  readonly cron?: string;
  readonly rateSeconds?: number;
  readonly enabled: boolean;
}
export interface QueueTrigger {
  readonly kind: 'queue';
  /** Queue name (created by nobody: it must exist) or a full provider id (ARN). */
  readonly name?: string;
  readonly arn?: string;
  readonly batchSize: number;
}
export interface StorageTrigger {
  readonly kind: 'storage';
  readonly bucket: string;
  readonly events: readonly ('created' | 'deleted')[];
  readonly prefix?: string;
  readonly suffix?: string;
}
export interface TopicTrigger {
  readonly kind: 'topic';
  readonly name: string;
}
/** Records of an existing data-change stream (created by nobody: the table or stream must exist). */
export interface StreamTrigger {
  readonly kind: 'stream';
  readonly source: 'dynamodb' | 'kinesis';
  /** The table (dynamodb) or data stream (kinesis): a name or a full provider id (ARN). */
  readonly name: string;
  readonly batchSize: number;
  /** Seconds to gather records before invoking (0: none). */
  readonly batchWindow: number;
  readonly startingPosition: 'latest' | 'trimHorizon' | 'atTimestamp';
  /** ISO 8601, only with startingPosition atTimestamp. */
  readonly timestamp?: string;
  /** -1: until the records expire. */
  readonly maxRetries: number;
  /** Seconds; -1: no limit. */
  readonly maxAge: number;
  readonly bisectOnError: boolean;
  readonly parallelization: number;
  /** Event filtering patterns, as written (JSON objects). */
  readonly filter: readonly Readonly<Record<string, unknown>>[];
  /** Where the metadata of discarded batches goes: a queue or topic name or ARN. */
  readonly onFailure?: { readonly queue?: string; readonly topic?: string };
}
export type Trigger = HttpTrigger | ScheduleTrigger | QueueTrigger | StorageTrigger | TopicTrigger | StreamTrigger;

export interface HttpProbe {
  /** Absolute URL, or undefined to probe the function's own http route at `path`. */
  readonly url?: string;
  readonly path?: string;
  readonly method: string;
  readonly expect: number;
  readonly maxLatencyMs?: number;
}

export interface HealthPolicy {
  /** Provider alarm names (CloudWatch alarms on AWS). In ALARM state = unhealthy. */
  readonly alarms: readonly string[];
  /** Maximum errors/invocations ratio of the new version over an interval, 0..1. */
  readonly errorRate?: number;
  readonly http?: HttpProbe;
}

export interface ReleasePolicy {
  readonly strategy: 'all-at-once' | 'canary' | 'linear';
  /** Cumulative percentages of traffic on the new version, ending with 100. all-at-once: [100]. */
  readonly steps: readonly number[];
  /** Seconds to wait (and watch the health gates) after each step but the last. */
  readonly intervalSeconds: number;
  readonly health: HealthPolicy;
  readonly hooks: { readonly preTraffic?: string; readonly postTraffic?: string };
  /**
   * Per provider: the strategy used where that provider's traffic model cannot do `strategy`
   * (src/release/strategy-support.ts); absent: such a strategy is an error.
   */
  readonly fallback?: Readonly<Partial<Record<ProviderName, 'all-at-once'>>>;
}

/** `package.budget`: most bytes of the function's zip, unzipped and zipped, and where it is set. */
export interface PackageBudget {
  readonly unzipped?: number;
  readonly zipped?: number;
  readonly location?: SourceLocation;
}

export interface ResolvedFunction {
  /** Key in the manifest's `functions` map. */
  readonly name: string;
  /** `src/orders.create`: path (relative to rootDir, no extension) + exported symbol. */
  readonly handler: string;
  /** Neutral runtime name (nodejs20, nodejs22, python3.12, ...); drivers map it. */
  readonly runtime: string;
  /** MB. */
  readonly memory: number;
  /** Seconds. */
  readonly timeout: number;
  readonly architecture: Architecture;
  readonly environment: Readonly<Record<string, string>>;
  readonly secrets: Readonly<Record<string, SecretRef>>;
  /** Names of entries in ResolvedManifest.layers, in attach order. */
  readonly layers: readonly string[];
  /**
   * Globs relative to rootDir, and how Node dependencies are packaged: `strategy` 'trace' (the
   * default for Node: the files the handler reaches, plus `include`, which then defaults to []),
   * 'all' (`trace: false`: every included file and production dependency; always for Python) or
   * 'bundle' (`bundle: esbuild`). `external`: packages kept as files when bundling and not an
   * error when missing.
   */
  readonly package: {
    readonly include: readonly string[];
    readonly exclude: readonly string[];
    readonly strategy: 'all' | 'trace' | 'bundle';
    readonly external: readonly string[];
    readonly budget?: PackageBudget;
  };
  /** Providers this function is deployed to (a subset of the configured ones). */
  readonly providers: readonly ProviderName[];
  readonly triggers: readonly Trigger[];
  readonly release: ReleasePolicy;
  readonly concurrency: { readonly max?: number; readonly warm?: number };
  readonly deadLetter?: { readonly queue?: string; readonly topic?: string };
  readonly tracing: boolean;
  /** Days. */
  readonly logRetention?: number;
  readonly tags: Readonly<Record<string, string>>;
  readonly network?: { readonly subnets: readonly string[]; readonly securityGroups: readonly string[] };
  /** An existing execution role/identity to use instead of the one fnx generates. */
  readonly role?: string;
  /**
   * 'native': the handler gets each provider's own events and no entry adapter is generated.
   * Absent or 'neutral': the neutral events of src/events/types.ts.
   */
  readonly events?: 'neutral' | 'native';
  /** Where the function is declared, for errors raised later (packaging, deploy). */
  readonly location?: SourceLocation;
  /**
   * Settings whose value came from `${env:...}` or `${opt:...}` (also through `${self:...}`), by
   * field (`memory`, `environment.API_KEY`, `tags.team`, `triggers.0.queue.name`), each with the
   * text as written in fnx.yaml. Output shows these references, never the values (references.ts).
   */
  readonly variables?: Readonly<Record<string, string>>;
}

export interface ResolvedLayer {
  readonly name: string;
  /** 'dir': a folder whose contents are the layer; 'package': production deps of a package.json. */
  readonly kind: 'dir' | 'package';
  /** Absolute path of the folder, or of the package.json. */
  readonly path: string;
  readonly location?: SourceLocation;
}

/**
 * One provider's resolved block under `providers:` (its config.schema.json with the module's
 * `resolveConfig` defaults). Only the provider knows its keys (providers/<name>/config.ts).
 */
export interface ProviderConfig {
  readonly tags: Readonly<Record<string, string>>;
  readonly [key: string]: unknown;
}
export type ProviderConfigs = Readonly<Partial<Record<ProviderName, ProviderConfig>>>;

export interface ResolvedManifest {
  /** Absolute path of fnx.yaml. */
  readonly file: string;
  /** Directory containing the manifest; every relative path is relative to it. */
  readonly rootDir: string;
  readonly service: string;
  readonly stage: string;
  readonly providers: ProviderConfigs;
  readonly layers: Readonly<Record<string, ResolvedLayer>>;
  /** Sorted by name. */
  readonly functions: readonly ResolvedFunction[];
}
