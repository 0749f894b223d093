// Entry point of the local AWS emulator: one HTTP server on 127.0.0.1 that the unmodified AWS SDK v3
// clients reach through AWS_ENDPOINT_URL. See README.md in this folder for operations and semantics.
import { Emulator } from './emulator.js';
import type { AlarmStateValue, AliasChange, AwsEmulatorOptions, CallRecord, FaultOptions, InvokeHandler, MetricCounts, RecordMetricsOptions } from './types.js';
import type { DynamoTable, EmulatorState, KinesisStream } from './state.js';
import type { SeedTableOptions } from './services/streams.js';

export type * from './types.js';
export type * from './state.js';

export interface AwsEmulator {
  /** http://127.0.0.1:PORT — the value for AWS_ENDPOINT_URL. */
  readonly url: string;
  readonly port: number;
  readonly accountId: string;
  readonly region: string;
  /** Live state of every service (read-only by convention). */
  readonly state: EmulatorState;
  /** Every answered request in arrival order (the array is kept across clearCalls/reset; it is emptied in place). */
  readonly calls: CallRecord[];
  /** Every alias change in order (kept across clearCalls; emptied by reset). */
  readonly traffic: AliasChange[];
  /** The calls with write: true (calls on the stage lease record are not among them). */
  writeCalls(): CallRecord[];
  /** The calls on fnx's stage lease records (S3 keys under fnx-lease/). */
  leaseCalls(): CallRecord[];
  /** Calls to one service, optionally one operation. */
  callsTo(service: string, operation?: string): CallRecord[];
  /** Forget recorded calls (state is kept). */
  clearCalls(): void;
  /** Replace the fault options (undefined or rate 0 = no faults). Restarts the PRNG from the seed. */
  setFaults(faults: FaultOptions | undefined): void;
  /** Create (or replace) a DynamoDB table, its stream on unless `stream: false` (fnx never creates tables). */
  seedTable(name: string, opts?: SeedTableOptions): DynamoTable;
  /** Create (or replace) an ACTIVE Kinesis data stream (fnx never creates streams). */
  seedStream(name: string, shards?: number): KinesisStream;
  /** Replace the functions' code by a handler for Invoke, function URLs and API endpoint requests (undefined: run the code again). */
  setInvokeHandler(handler: InvokeHandler | undefined): void;
  /** Set (creating if needed) a CloudWatch metric alarm's state, as DescribeAlarms reports it. */
  setAlarm(name: string, state: AlarmStateValue, reason?: string): void;
  /** Record AWS/Lambda Invocations/Errors(/Duration) datapoints for a function version. */
  recordMetrics(functionName: string, version: string, counts: MetricCounts, options?: RecordMetricsOptions): void;
  /** Environment for a child process (fnx CLI) to reach this emulator with fake credentials. */
  env(): Record<string, string>;
  /** Drop all state, recorded calls and the alias log, clear faults, restore the initial invoke handler, stop the running code. */
  reset(): void;
  close(): Promise<void>;
}

/** Start the emulator and resolve once it listens. */
export async function startAwsEmulator(opts: AwsEmulatorOptions = {}): Promise<AwsEmulator> {
  const emulator = new Emulator(opts);
  await emulator.listen(opts.port ?? 0);
  return emulator;
}
