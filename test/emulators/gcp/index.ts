// Entry point of the local Google Cloud emulator: one HTTP server on 127.0.0.1 that the unmodified
// @google-cloud/* clients reach with { fallback: true, protocol: 'http', apiEndpoint: '127.0.0.1', port }.
// See README.md in this folder for operations and semantics.
import { Emulator } from './emulator.js';
import type { AlertState, BuildHook, CallRecord, DeliveryResult, FaultOptions, GcpEmulatorOptions, RequestCounts, RevisionHandler, TrafficChange, TrafficEntry } from './types.js';
import type { GcpState } from './state.js';
import type { RpcStatus } from './protocol.js';

export type * from './types.js';
export type * from './state.js';

export interface GcpEmulator {
  /** http://127.0.0.1:PORT — the value of FNX_GCP_ENDPOINT. */
  readonly url: string;
  readonly port: number;
  readonly projectId: string;
  /** Path of the service-account key JSON (token_uri = url + '/token'). */
  readonly keyFilePath: string;
  /** Live state (read-only by convention). */
  readonly state: GcpState;
  /** Every answered request in arrival order (emptied in place by clearCalls/reset). */
  readonly calls: CallRecord[];
  /** Every change of a service's effective split, in order (emptied in place by reset). */
  readonly traffic: TrafficChange[];
  /** Calls with `write`: what a deploy changed (Secret Manager writes, where fnx keeps its stage lease, are not among them). */
  writeCalls(): CallRecord[];
  /** Calls with `lease`: Secret Manager Create/Update/DeleteSecret, whatever the outcome. */
  leaseWrites(): CallRecord[];
  callsTo(api: string, rpc?: string): CallRecord[];
  clearCalls(): void;
  trafficOf(service: string): TrafficChange[];
  /** The effective split of a service now (LATEST resolved). */
  currentSplit(service: string): TrafficEntry[];
  /** Replace the fault options (undefined or rate 0 = none). Restarts the PRNG from the seed. */
  setFaults(faults: FaultOptions | undefined): void;
  /** Decide each revision's answer to /run/<service>/ requests. */
  setRevisionHandler(handler: RevisionHandler): void;
  /** Decide builds: return { error } to fail one. */
  setBuildHook(hook: BuildHook | undefined): void;
  /** Fail the next build (of that function, if given) with this message. */
  failNextBuild(message: string, functionId?: string): void;
  /**
   * The next operation to complete (of that API, if given) ends with this error instead of its effect:
   * no revision, no traffic change; the resource is released. Default INTERNAL "... Please try again."
   */
  failNextOperation(api?: 'functions' | 'run', status?: RpcStatus, message?: string): void;
  /** Complete every running operation now (as if polled to the end). */
  finishOperations(): void;
  /** A valid access token, for a static auth client in tests. */
  accessToken(): string;
  /** Open or close an alert of the alert policy with this display name (created if needed). */
  setAlert(displayName: string, state: AlertState): void;
  /** Add run.googleapis.com/request_count points for a revision. */
  recordRequests(service: string, revision: string, counts: RequestCounts, time?: number): void;
  /**
   * Fire a Cloud Scheduler job now (id or full name): its httpTarget request, with the X-CloudScheduler
   * headers and an ID token for oidcToken.serviceAccountEmail, goes through the split; a private
   * service answers 403 unless that service account has roles/run.invoker.
   */
  runJob(job: string): Promise<DeliveryResult>;
  /** Publish to a topic (id or projects/P/topics/T): a messagePublished CloudEvent to each function triggered by it. */
  publishMessage(topic: string, data: string | Buffer, attributes?: Record<string, string>): Promise<DeliveryResult[]>;
  /** An object finalized in `bucket`: a storage.object.v1.finalized CloudEvent to each function filtering on it. */
  finalizeObject(bucket: string, object: string, options?: { size?: number; contentType?: string }): Promise<DeliveryResult[]>;
  /** FNX_GCP_ENDPOINT, GOOGLE_APPLICATION_CREDENTIALS, GOOGLE_CLOUD_PROJECT for a child process. */
  env(): Record<string, string>;
  /** Options for a @google-cloud/* client constructor reaching this emulator. */
  clientOptions(): { fallback: true; protocol: 'http'; apiEndpoint: string; port: number; keyFilename: string; projectId: string };
  /** Drop all state, calls, traffic log, faults and hooks (the key and port stay). */
  reset(): void;
  close(): Promise<void>;
}

/** Start the emulator and resolve once it listens. */
export async function startGcpEmulator(opts: GcpEmulatorOptions = {}): Promise<GcpEmulator> {
  const emulator = new Emulator(opts);
  await emulator.listen(opts.port ?? 0);
  return emulator;
}

export type { AlertState, BuildHook, RequestCounts, RevisionHandler };
