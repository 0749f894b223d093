// The emulator's HTTP server: reads each request, routes it to a service by the SigV4 credential
// scope, decides faults before executing, executes, records the call.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { AwsError, type HttpReq, type HttpRes, type Routed, type ServiceHandler } from './protocol.js';
import { FaultInjector, prng } from './faults.js';
import { emptyState, type DynamoTable, type EmulatorState, type KinesisStream } from './state.js';
import type { AlarmStateValue, AliasChange, AwsEmulatorOptions, CallRecord, Clock, FaultKind, FaultOptions, InvokeHandler, MetricCounts, RecordMetricsOptions } from './types.js';
import { advanceLambda, createLambdaService } from './services/lambda.js';
import { handleFunctionUrl } from './services/lambda-extras.js';
import { createIamService } from './services/iam.js';
import { createStsService } from './services/sts.js';
import { createEventsService } from './services/events.js';
import { createSqsService } from './services/sqs.js';
import { createDynamoDbService, createKinesisService, seedStream, seedTable, type SeedTableOptions } from './services/streams.js';
import { createS3Service } from './services/s3.js';
import { createApiGatewayService, handleApiEndpoint } from './services/apigateway.js';
import { createSnsService } from './services/sns.js';
import { createCloudWatchService, setAlarmState } from './services/cloudwatch.js';
import { createLogsService } from './services/logs.js';
import { Sandboxes } from './runtime/sandboxes.js';

export const LAMBDA_MAX_REQUEST_BYTES = 69_905_067;

const WRITE_OPERATION = /^(Create|Update|Put|Delete|Publish|Add|Remove|Tag|Untag|Attach|Detach|Subscribe|Unsubscribe|Set|Import|Reimport|Enable|Disable)/;

const systemClock: Clock = { now: () => Date.now() };

export class Emulator {
  readonly state: EmulatorState = emptyState();
  readonly calls: CallRecord[] = [];
  readonly traffic: AliasChange[] = [];
  readonly clock: Clock;
  readonly asyncDelayMs: number;
  readonly iamPropagationMs: number;
  readonly accountId: string;
  readonly region: string;
  readonly maxRequestBytes: number;
  /** A test's stand-in for the functions' code; undefined = run the code (runtime/sandboxes.ts). */
  invokeHandler: InvokeHandler | undefined;
  /** PRNG for weighted alias routing (deterministic, seeded by AwsEmulatorOptions.routingSeed). */
  routingRandom: () => number;
  readonly sandboxes = new Sandboxes();
  url = '';
  port = 0;
  private readonly faults: FaultInjector;
  private readonly services: Map<string, ServiceHandler>;
  private readonly server: Server;
  private readonly sockets = new Set<import('node:net').Socket>();
  private readonly initialInvokeHandler: InvokeHandler | undefined;
  private readonly routingSeed: number;
  private readonly testStreams = new Map<string, string>();

  constructor(opts: AwsEmulatorOptions) {
    this.clock = opts.clock ?? systemClock;
    this.asyncDelayMs = opts.asyncDelayMs ?? 200;
    this.iamPropagationMs = opts.iamPropagationMs ?? 0;
    this.accountId = opts.accountId ?? '000000000000';
    this.region = opts.region ?? 'us-east-1';
    this.maxRequestBytes = opts.maxRequestBytes ?? LAMBDA_MAX_REQUEST_BYTES;
    this.initialInvokeHandler = opts.invokeHandler;
    this.invokeHandler = this.initialInvokeHandler;
    this.routingSeed = opts.routingSeed ?? 7;
    this.routingRandom = prng(this.routingSeed);
    this.faults = new FaultInjector(opts.faults);
    const services = [
      createLambdaService(this),
      createIamService(this),
      createStsService(this),
      createEventsService(this),
      createSqsService(this),
      createS3Service(this),
      createApiGatewayService(this),
      createSnsService(this),
      createCloudWatchService(this),
      createLogsService(this),
      createDynamoDbService(this),
      createKinesisService(this),
    ];
    this.services = new Map(services.map((s) => [s.name, s]));
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        process.stderr.write(`aws emulator: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"message":"emulator internal error"}');
      });
    });
    this.server.keepAliveTimeout = 5000;
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${this.port}`;
  }

  now(): number {
    return this.clock.now();
  }

  /** Apply the lazy asynchronous transitions whose time has come. Called before every operation. */
  tick(): void {
    advanceLambda(this);
  }

  arn(service: string, resource: string, region = this.region): string {
    return `arn:aws:${service}:${region}:${this.accountId}:${resource}`;
  }

  // ---------- public API (see AwsEmulator in index.ts) ----------

  writeCalls(): CallRecord[] {
    return this.calls.filter((c) => c.write);
  }

  leaseCalls(): CallRecord[] {
    return this.calls.filter((c) => c.lease);
  }

  callsTo(service: string, operation?: string): CallRecord[] {
    return this.calls.filter((c) => c.service === service && (operation === undefined || c.operation === operation));
  }

  clearCalls(): void {
    this.calls.length = 0;
  }

  setFaults(faults: FaultOptions | undefined): void {
    this.faults.set(faults);
  }

  seedTable(name: string, opts?: SeedTableOptions): DynamoTable {
    return seedTable(this, name, opts);
  }

  seedStream(name: string, shards?: number): KinesisStream {
    return seedStream(this, name, shards);
  }

  setInvokeHandler(handler: InvokeHandler | undefined): void {
    this.invokeHandler = handler;
  }

  /** Environment the functions' code gets to reach this emulator (fake credentials). */
  codeEnv(): Record<string, string> {
    return { AWS_ENDPOINT_URL: this.url, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_SESSION_TOKEN: 'test' };
  }

  /** The log stream of a test invoke handler's runs of one version (one environment per version). */
  testHandlerStream(functionName: string, version: string): string {
    const key = `${functionName}:${version}`;
    let s = this.testStreams.get(key);
    if (!s) {
      const d = new Date(this.now());
      const ymd = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`;
      s = `${ymd}/[${version}]${randomUUID().replace(/-/g, '')}`;
      this.testStreams.set(key, s);
    }
    return s;
  }

  setAlarm(name: string, state: AlarmStateValue, reason?: string): void {
    setAlarmState(this, name, state, reason ?? `Set by test to ${state}`);
  }

  recordMetrics(functionName: string, version: string, counts: MetricCounts, options: RecordMetricsOptions = {}): void {
    this.state.cloudwatch.metrics.push({
      functionName,
      resource: options.alias ?? version,
      executedVersion: version,
      time: options.time ?? this.now(),
      invocations: counts.invocations,
      errors: counts.errors,
      durationMs: counts.durationMs,
    });
  }

  env(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL: this.url,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: this.region,
    };
  }

  reset(): void {
    const fresh = emptyState();
    for (const key of Object.keys(fresh) as (keyof EmulatorState)[]) {
      (this.state as unknown as Record<string, unknown>)[key] = fresh[key];
    }
    this.calls.length = 0;
    this.traffic.length = 0;
    this.faults.set(undefined);
    this.invokeHandler = this.initialInvokeHandler;
    this.routingRandom = prng(this.routingSeed);
    this.testStreams.clear();
    this.sandboxes.close();
  }

  async close(): Promise<void> {
    this.sandboxes.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
  }

  // ---------- request handling ----------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const time = this.now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const service = serviceOf(req, url);
    const limit = service === 'lambda' ? this.maxRequestBytes : Number.POSITIVE_INFINITY;
    const { body, tooLarge } = await readBody(req, limit);
    const httpReq: HttpReq = {
      method: (req.method ?? 'GET').toUpperCase(),
      rawPath: url.pathname,
      segments: url.pathname.split('/').filter(Boolean).map(safeDecode),
      query: url.searchParams,
      headers: req.headers,
      body,
      tooLarge,
    };

    if (!service) {
      if (url.pathname.startsWith('/_apigw/') || url.pathname.startsWith('/_url/')) {
        this.tick();
        const out = url.pathname.startsWith('/_url/') ? await handleFunctionUrl(this, httpReq) : await handleApiEndpoint(this, httpReq);
        this.record({ service: 'http', operation: 'Invoke', write: false, status: out.status, time, input: { method: httpReq.method, path: url.pathname } });
        send(res, out);
        return;
      }
      const out: HttpRes = { status: 403, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'Missing Authentication Token' }) };
      this.record({ service: 'unknown', operation: 'Unknown', write: false, status: 403, time, input: { path: url.pathname }, errorCode: 'MissingAuthenticationToken' });
      send(res, out);
      return;
    }

    const handler = this.services.get(service);
    if (!handler) {
      const out: HttpRes = { status: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: `Service ${service} is not emulated` }) };
      this.record({ service, operation: 'Unknown', write: false, status: 400, time, input: {}, errorCode: 'UnknownService' });
      send(res, out);
      return;
    }

    let routed: Routed;
    try {
      routed = handler.route(httpReq);
    } catch (err) {
      const e = toAwsError(err);
      const out = handler.error(e, 'Unknown');
      this.record({ service, operation: 'Unknown', write: false, status: out.status, time, input: {}, errorCode: e.code });
      send(res, out);
      return;
    }

    const lease = routed.lease === true;
    const write = !lease && WRITE_OPERATION.test(routed.operation);
    const base = { service, operation: routed.operation, write, ...(lease ? { lease: true as const } : {}), time, input: sanitize(routed.input) };
    const fault: FaultKind | undefined = this.faults.decide(service, routed.operation);
    if (fault === 'reset') {
      this.record({ ...base, status: 0, fault });
      req.socket.destroy();
      return;
    }
    if (fault === 'throttle' || fault === 'error500') {
      const e = fault === 'throttle' ? handler.throttleError() : handler.internalError();
      const out = handler.error(e, routed.operation);
      const retryAfter = this.faults.retryAfterSeconds;
      if (fault === 'throttle' && service === 'lambda' && retryAfter !== undefined) out.headers = { ...out.headers, 'retry-after': String(retryAfter) };
      this.record({ ...base, status: out.status, fault, errorCode: e.code });
      send(res, out);
      return;
    }
    if (fault === 'slow') await new Promise((r) => setTimeout(r, this.faults.slowMs));

    let out: HttpRes;
    let errorCode: string | undefined;
    try {
      this.tick();
      out = await routed.execute();
    } catch (err) {
      const e = toAwsError(err);
      errorCode = e.code;
      out = handler.error(e, routed.operation);
    }
    this.record({ ...base, status: out.status, ...(fault ? { fault } : {}), ...(errorCode ? { errorCode } : {}) });
    send(res, out);
  }

  private record(call: CallRecord): void {
    this.calls.push(call);
  }
}

/** The service signing name from the SigV4 Authorization header (or presigned X-Amz-Credential). */
export function serviceOf(req: IncomingMessage, url: URL): string | undefined {
  const auth = String(req.headers.authorization ?? '');
  const m = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(auth);
  if (m) return m[1];
  const cred = url.searchParams.get('X-Amz-Credential');
  const q = cred ? /^[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request$/.exec(cred) : null;
  return q?.[1];
}

function toAwsError(err: unknown): AwsError {
  if (err instanceof AwsError) return err;
  process.stderr.write(`aws emulator: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return new AwsError('InternalFailure', err instanceof Error ? err.message : String(err), 500);
}

async function readBody(req: IncomingMessage, limit: number): Promise<{ body: Buffer; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      tooLarge = true;
      chunks.length = 0;
    }
    if (!tooLarge) chunks.push(chunk);
  }
  return { body: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), tooLarge };
}

function send(res: ServerResponse, out: HttpRes): void {
  const body = out.body === undefined ? '' : out.body;
  const headers: Record<string, string | number> = { ...(out.headers ?? {}) };
  if (!headers['x-amzn-requestid']) headers['x-amzn-requestid'] = randomUUID();
  if (headers['content-length'] === undefined || Buffer.byteLength(body) > 0) headers['content-length'] = Buffer.byteLength(body);
  res.writeHead(out.status, headers);
  res.end(body);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Replace blobs in a recorded input so call records stay small. */
function sanitize(input: Record<string, unknown>): Record<string, unknown> {
  const walk = (v: unknown, key: string): unknown => {
    if (Buffer.isBuffer(v)) return `<${v.length} bytes>`;
    if (typeof v === 'string' && (key === 'ZipFile' || v.length > 8192)) return `<${v.length} chars>`;
    if (Array.isArray(v)) return v.map((e) => walk(e, key));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, walk(e, k)]));
    return v;
  };
  return walk(input, '') as Record<string, unknown>;
}
