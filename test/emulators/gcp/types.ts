// Public types of the local Google Cloud emulator. Drivers and tests import these; keep them stable.

/** A fault answered instead of executing the call: UNAVAILABLE (HTTP 503) or RESOURCE_EXHAUSTED (429). */
/**
 * unavailable: 503 UNAVAILABLE; exhausted: 429 RESOURCE_EXHAUSTED; error500: 500 INTERNAL; reset: the
 * socket is destroyed without an answer; slow: the answer waits `slowMs`, then the call runs normally.
 * lost: the call runs (its effect happens), then the socket is destroyed before the answer, as when
 * the connection drops after the cloud acted: a retry meets the first attempt's effect. Only when named.
 */
export type FaultKind = 'unavailable' | 'exhausted' | 'error500' | 'reset' | 'slow' | 'lost';

/** Fault injection on API calls (never on /token, the upload PUT or /run/ probes). Decided before the effect; only `lost` lets it happen. */
export interface FaultOptions {
  /** Fraction of eligible calls that are faulted, 0..1. */
  rate: number;
  /** Kinds to choose from uniformly. Default: unavailable and exhausted. */
  kinds?: FaultKind[];
  /** Delay of a `slow` fault in ms. Default 2000. */
  slowMs?: number;
  /** Seed of the deterministic PRNG. Default 1. */
  seed?: number;
  /** Only these APIs: 'functions', 'run', 'scheduler', 'monitoring', 'secretmanager'. Default: all. */
  apis?: string[];
  /** Only these rpcs (e.g. 'UpdateService', 'GetOperation'). Default: all. */
  rpcs?: string[];
}

/** One request the emulator answered, in arrival order. */
export interface CallRecord {
  /** 'functions' | 'run' | 'scheduler' | 'monitoring' | 'secretmanager' | 'oauth' | 'upload' | 'http' (probes to /run/) | 'unknown'. */
  api: string;
  method: string;
  /** URL path without the query string. */
  path: string;
  /** RPC name as in the .proto (GetFunction, UpdateService, GetOperation, ...); 'Unknown' when not routed. */
  rpc: string;
  /** HTTP status answered. */
  status: number;
  /**
   * True for mutating rpcs (create, update, delete, setIamPolicy, the upload PUT), whatever the
   * outcome, except Secret Manager's: those are `lease`.
   */
  write: boolean;
  /** True for Secret Manager writes (Create/Update/DeleteSecret: where fnx keeps its stage lease), whatever the outcome. */
  lease?: boolean;
  time: number;
  /** google.rpc.Status code name of a failed call (e.g. 'ABORTED'). */
  error?: string;
  fault?: FaultKind;
  /** The updateMask query parameter, when present. */
  updateMask?: string;
  /**
   * API calls only: path parameters (named as in the proto template, dots as '_': name, parent,
   * function_name, service_name, job_name, secret_name), query parameters (without $alt), and `body` (parsed JSON).
   */
  input?: Record<string, unknown>;
}

export interface TrafficEntry {
  /** Short revision name (e.g. 'orders-00002-kel'). */
  revision: string;
  percent: number;
  /** True when the share comes from a LATEST entry (follows the newest revision). */
  latest?: boolean;
  tag?: string;
}

export type TrafficCause = 'create-function' | 'update-function' | 'update-service' | 'delete-function' | 'test';

/** One change of a Cloud Run service's effective split (revision names resolved). */
export interface TrafficChange {
  /** Short service name (= function id for functions). */
  service: string;
  split: TrafficEntry[];
  /** Revisions the split names that were not ready (did not exist as ready revisions) at that moment. */
  unready: string[];
  cause: TrafficCause;
  time: number;
}

/** A request to http://127.0.0.1:PORT/run/<service>/... as the revision sees it. */
export interface RevisionRequest {
  service: string;
  revision: string;
  /** Who sent it: an outside HTTP request, or a delivery of Cloud Scheduler / Eventarc (runJob, publishMessage, finalizeObject). */
  source: 'http' | 'scheduler' | 'pubsub' | 'storage';
  method: string;
  /** Path after /run/<service>, starting with '/'. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** The answer to a delivery made by a test hook. */
export interface DeliveryResult {
  service: string;
  /** The revision that answered (absent when refused before routing: 403, 404, 503). */
  revision?: string;
  status: number;
  body: string;
}

export interface RevisionResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer | object;
}

/** Decides each revision's answer to probes. Default: 200 {"ok":true,"revision":...}. */
export type RevisionHandler = (req: RevisionRequest) => RevisionResponse | Promise<RevisionResponse>;

export interface BuildContext {
  /** Function id (short name). */
  functionId: string;
  runtime: string;
  entryPoint: string;
  /** The uploaded zip. */
  source: Buffer;
  /** 'create' or 'update'. */
  kind: 'create' | 'update';
}

/** Return { error } to fail the build with that message; anything else lets it succeed. */
export type BuildHook = (ctx: BuildContext) => { error?: string } | void;

export interface GcpEmulatorOptions {
  /** Port on 127.0.0.1; 0 or absent = a free port. */
  port?: number;
  faults?: FaultOptions;
  /** Default 'fnx-test'. */
  projectId?: string;
  /** Polls of GET operations before an operation is done (the Nth poll answers done: true). Default 2. */
  operationPolls?: number;
  /**
   * Time (ms, by `clock`) after which a running operation completes on its own, whether or not anyone
   * polls it (checked lazily before every request). Default 5000.
   */
  operationMs?: number;
  revisionHandler?: RevisionHandler;
  buildHook?: BuildHook;
  /** Seed of the PRNG routing /run/ requests across the split. Default 7. */
  routingSeed?: number;
  /** Time source (ms) for timestamps, request metrics and alert times. Default: the system clock. JWT expiry uses the system clock. */
  clock?: { now(): number };
}

export type AlertState = 'OPEN' | 'CLOSED';

/** Request counts of one revision, as run.googleapis.com/request_count reports them. */
export interface RequestCounts {
  /** response_code_class '2xx'. */
  ok: number;
  /** response_code_class '5xx'. */
  errors: number;
  /** response_code_class '4xx'. Default 0. */
  clientErrors?: number;
}
