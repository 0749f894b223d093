// Public types of the local AWS emulator. Drivers and tests import these; keep them stable.

/** A fault the emulator can answer a call with instead of executing it. */
export type FaultKind = 'throttle' | 'error500' | 'reset' | 'slow';

/**
 * Fault injection. A faulted call is decided BEFORE the operation runs: throttle / error500 / reset
 * never change state, so a retried call is safe; `slow` delays the response, then executes normally.
 */
export interface FaultOptions {
  /** Fraction of eligible calls that are faulted, 0..1. */
  rate: number;
  /** Kinds to choose from (uniformly, with the seeded PRNG). Default: all four. */
  kinds?: FaultKind[];
  /** Delay of a `slow` fault in ms. Default 2000. */
  slowMs?: number;
  /** Seed of the deterministic PRNG. Default 1. */
  seed?: number;
  /** Retry-After (seconds) on a Lambda throttle fault's 429 (Lambda's `retryAfterSeconds` header member). Default: none. */
  retryAfterSeconds?: number;
  /** Only calls to these services (signing names, e.g. 'lambda', 'iam') are eligible. Default: all. */
  services?: string[];
  /** Only these operations (e.g. 'UpdateAlias') are eligible. Default: all. */
  operations?: string[];
}

/** Time source for asynchronous state transitions, metrics and timestamps (ms since epoch). */
export interface Clock {
  now(): number;
}

/** One request the emulator answered (faulted ones included). */
export interface CallRecord {
  /** Signing name of the service: lambda, iam, sts, events, sqs, s3, apigateway, sns, monitoring, logs; 'http' for API endpoint traffic. */
  service: string;
  /** API operation name, e.g. 'UpdateAlias', 'PutBucketNotificationConfiguration'. 'Unknown' when not routed. */
  operation: string;
  /**
   * True for mutating operations (Create*, Update*, Put*, Delete*, Publish*, Tag*, ...), whatever
   * the outcome, except those on fnx's stage lease record (`lease`): they change no deployed thing.
   */
  write: boolean;
  /** Set for calls on an S3 object under `fnx-lease/` (the stage lease record), reads and writes alike. */
  lease?: true;
  /** HTTP status returned; 0 for a connection reset. */
  status: number;
  /** clock.now() when the request was received. */
  time: number;
  /** Set when the call was answered by fault injection. */
  fault?: FaultKind;
  /** Error code when the call failed (e.g. 'ResourceConflictException'). */
  errorCode?: string;
  /**
   * The decoded request: path/query parameters and body fields merged (JSON or query form).
   * Binary blobs (Lambda ZipFile, Invoke payload, S3 object bodies) are replaced by '<N bytes>'.
   */
  input: Record<string, unknown>;
}

/**
 * One change of an alias (CreateAlias, UpdateAlias, DeleteAlias that succeeded), in order: the
 * versions it names and, for each, its state and whether the version existed when the change was
 * made. The log is kept across clearCalls and emptied by reset.
 */
export interface AliasChange {
  function: string;
  alias: string;
  operation: 'CreateAlias' | 'UpdateAlias' | 'DeleteAlias';
  /** Primary version ('' after DeleteAlias). */
  version: string;
  /** AdditionalVersionWeights after the change ({} for none). */
  weights: Record<string, number>;
  /** State of every version named (primary and weighted) at the time of the change; 'missing' if it did not exist. */
  states: Record<string, 'Pending' | 'Active' | 'Failed' | 'missing' | '$LATEST'>;
  time: number;
}

/** Result of the invoke handler; a thrown error becomes a function error (X-Amz-Function-Error: Unhandled). */
export type InvokeHandler = (functionName: string, version: string, payload: unknown, context: InvokeContext) => unknown;

export interface InvokeContext {
  /** The qualifier the caller used ('$LATEST', a version number or an alias name). */
  qualifier: string;
  /** How the function was reached. */
  source: 'invoke' | 'http';
}

export interface MetricCounts {
  invocations: number;
  errors: number;
  /** Average duration in ms of these invocations (Duration metric). Optional. */
  durationMs?: number;
}

export interface RecordMetricsOptions {
  /** Alias the invocations went through; recorded as Resource=fn:alias + ExecutedVersion=version. */
  alias?: string;
  /** Timestamp (ms); default clock.now(). */
  time?: number;
}

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface AwsEmulatorOptions {
  /** Port on 127.0.0.1; 0 or absent = a free port. */
  port?: number;
  faults?: FaultOptions;
  /** Default: the system clock. */
  clock?: Clock;
  /** Time for asynchronous transitions (Pending->Active, InProgress->Successful, Creating->Enabled, ...). Default 200 ms. */
  asyncDelayMs?: number;
  /**
   * IAM eventual consistency: for this long after CreateRole (or UpdateAssumeRolePolicy) Lambda
   * cannot assume the role (CreateFunction / UpdateFunctionConfiguration answer "The role defined
   * for the function cannot be assumed by Lambda."), as on AWS for several seconds. Default 0.
   */
  iamPropagationMs?: number;
  /** Account id for ARNs and STS. Default '000000000000'. */
  accountId?: string;
  /** Region for ARNs. Default 'us-east-1'. */
  region?: string;
  /** Maximum request body size in bytes. Default 69,905,067 (Lambda's limit). */
  maxRequestBytes?: number;
  /**
   * A stand-in for every function's code (see AwsEmulator.setInvokeHandler). Absent: Invoke,
   * function URLs and API routes run the version's own Node or Python code from its zip.
   */
  invokeHandler?: InvokeHandler;
  /** Seed of the PRNG that picks an alias's additional version by its weight. Default 7. */
  routingSeed?: number;
}
