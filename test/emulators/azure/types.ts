// Public types of the local Azure emulator. Drivers and tests import these; keep them stable.

/** A fault the emulator can answer a call with instead of executing it ('hang': read, never answered, never executed; only when listed in `kinds`). */
export type FaultKind = 'throttle' | 'error500' | 'reset' | 'slow' | 'hang';

/** Which listener a call reached: ARM (management), the Entra ID token endpoint, a site's scm (Kudu) or default host, the blob data plane. */
export type CallService = 'arm' | 'login' | 'scm' | 'app' | 'blob';

/**
 * Fault injection. A faulted call is decided BEFORE the operation runs: throttle / error500 / reset
 * never change state, so a retried call is safe; `slow` delays the response, then executes normally.
 */
export interface FaultOptions {
  /** Fraction of eligible calls that are faulted, 0..1. */
  rate: number;
  /** Kinds to choose from (uniformly, with the seeded PRNG). Default: throttle, error500, reset, slow. */
  kinds?: FaultKind[];
  /** Delay of a `slow` fault in ms. Default 2000. */
  slowMs?: number;
  /** Seed of the deterministic PRNG. Default 1. */
  seed?: number;
  /** Eligible listeners. Default ['arm', 'scm'] (token requests and app traffic are never faulted unless listed). */
  services?: CallService[];
  /** Only these operations (CallRecord.operation, e.g. 'Sites_CreateOrUpdate') are eligible. Default: all. */
  operations?: string[];
  /** Retry-After (seconds) sent with a throttle fault's 429. Default 1. */
  retryAfterSeconds?: number;
}

/** Time source for long-running operations, deployments and timestamps (ms since epoch). */
export interface Clock {
  now(): number;
}

/** One request the emulator answered (faulted ones included). */
export interface CallRecord {
  service: CallService;
  method: string;
  /** Path without the query string, as sent (case kept). */
  path: string;
  /** The api-version query parameter, if any. */
  apiVersion?: string;
  /** Operation name in the REST spec's style, e.g. 'Sites_CreateOrUpdate', 'StorageAccounts_ListKeys', 'Scm_Publish'; 'Unknown' when not routed. */
  operation: string;
  /** True for mutating operations (PUT, PATCH, DELETE and mutating POSTs: listKeys, appsettings/list and polls are not writes), whatever the outcome. */
  write: boolean;
  /** HTTP status returned; 0 for a connection reset. */
  status: number;
  /** clock.now() when the request was received. */
  time: number;
  fault?: FaultKind;
  /** Error code when the call failed (ARM `error.code` or App Service `Code`). */
  errorCode?: string;
  /** A blob call on fnx's stage lease container (`fnx-lease`): writeCalls() leaves it out, leaseWrites() lists it. */
  lease?: boolean;
  /** For scm/app calls: the site and slot ('production' for the main site). */
  app?: string;
  slot?: string;
}

/** One routing change, in order. */
/** What a slot served when traffic was pointed at it: its content and the state of its deployments. */
export interface SlotContent {
  slot: string;
  /** sha256 of the active package, if any. */
  sha256?: string;
  /** 'InProgress': a deployment to the slot has not finished; else the outcome of the one that made the active package ('None': no package). */
  deployment: 'Succeeded' | 'Failed' | 'InProgress' | 'None';
}

export type TrafficEvent =
  | { kind: 'rampUpRules'; app: string; time: number; rules: { name?: string; actionHostName?: string; reroutePercentage?: number }[]; targets: SlotContent[] }
  | { kind: 'swap'; app: string; time: number; sourceSlot: string; targetSlot: string; sha256InProduction?: string; production: SlotContent }
  | { kind: 'deployment'; app: string; slot: string; time: number; deploymentId: string; sha256: string; size: number; status: 'Succeeded' | 'Failed'; via: 'publish' | 'zipdeploy' };

/** What the next deployment does instead of succeeding (setNextDeploymentFailure). */
export interface DeploymentFailure {
  /** 'build': Kudu reports status 3 (failed) and deploymentStatus BuildFailed; 'runtime': Kudu succeeds, deploymentStatus RuntimeFailed. */
  stage: 'build' | 'runtime';
  message: string;
  /** Log URL reported with the failure. Default: the deployment's log URL on the scm host. */
  logUrl?: string;
  /** Only a deployment to this app (and slot) fails. Default: the next deployment anywhere. */
  app?: string;
  slot?: string;
}

/** The next long-running operation (matching `operation`, e.g. 'WebApps_CreateOrUpdate', 'WebApps_SwapSlotWithProduction') ends Failed. */
export interface OperationFailure {
  operation?: string;
  code: string;
  message: string;
}

/** A request to a site's default host (an invocation), handed to the app handler. */
export interface AppRequest {
  app: string;
  /** Slot that serves it: 'production', or the slot a rampUpRule routed it to. */
  slot: string;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** sha256 (hex) of the package active in that slot, if any. */
  sha256?: string;
  /** The serving slot's host keys (host/default/listkeys), for handlers that check `x-functions-key` / `code`. */
  keys: { master: string; default: string };
}

export interface AppResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export type AppHandler = (req: AppRequest) => AppResponse | Promise<AppResponse>;

export type AlertStatus = 'Healthy' | 'Unhealthy';

export interface AzureEmulatorOptions {
  faults?: FaultOptions;
  /** Default '00000000-0000-0000-0000-000000000000'. */
  subscriptionId?: string;
  /** Default '11111111-1111-1111-1111-111111111111'. */
  tenantId?: string;
  /** Default: the system clock. */
  clock?: Clock;
  /** How long a long-running ARM operation (site/plan/account create, swap, RG delete) stays InProgress. Default 0 (done at the first poll). */
  asyncDelayMs?: number;
  /** How long a scm deployment stays pending/building before it settles. Default 0. */
  deployDelayMs?: number;
  /** How long deploymentStatus stays RuntimeStarting after the package is deployed. Default 0. */
  runtimeStartDelayMs?: number;
  /** Retry-After (seconds) sent on LRO 201/202 answers and on 202 polls. Default: none (the SDK then polls at its own interval). */
  lroRetryAfterSeconds?: number;
  /** Port of the ARM listener; 0 or absent = free port. */
  port?: number;
  /** Answers requests to sites' default hosts. Default: 200 'ok'. */
  appHandler?: AppHandler;
}
