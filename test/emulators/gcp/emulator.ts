// The emulator's HTTP server: routes each request by its REST path, checks the bearer, decides
// faults before executing, executes, records the call. Also the token endpoint, the upload PUT
// and the /run/<service>/ probes routed across the traffic split.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Auth } from './auth.js';
import { FaultInjector, prng } from './faults.js';
import { GcpError, json, template, timestamp, type HttpReq, type HttpRes, type Route, type RpcStatus } from './protocol.js';
import { emptyState, type GcpState, type Json, type OperationRecord, type ServiceRecord, type TrafficTarget } from './state.js';
import type { AlertState, BuildHook, CallRecord, DeliveryResult, FaultOptions, GcpEmulatorOptions, RequestCounts, RevisionHandler, TrafficCause, TrafficChange, TrafficEntry } from './types.js';
import { functionRoutes, handleUpload } from './services/functions.js';
import { runRoutes } from './services/run.js';
import { schedulerRoutes } from './services/scheduler.js';
import { monitoringRoutes } from './services/monitoring.js';
import { secretManagerRoutes } from './services/secretmanager.js';
import { resolveSplit, sameSplit } from './services/run-model.js';
import { finalizeObject, probe, publishMessage, runJob, type InvokeHost } from './services/invoke.js';

interface ApiRoute extends Route {
  api: string;
}

const defaultRevisionHandler: RevisionHandler = (req) => ({ status: 200, body: { ok: true, revision: req.revision } });

export class Emulator implements InvokeHost {
  readonly state: GcpState = emptyState();
  readonly calls: CallRecord[] = [];
  readonly traffic: TrafficChange[] = [];
  readonly projectId: string;
  readonly projectNumber = '123456789012';
  readonly operationPolls: number;
  readonly operationMs: number;
  readonly keyFilePath: string;
  buildHook: BuildHook | undefined;
  revisionHandler: RevisionHandler;
  url = '';
  port = 0;
  auth!: Auth;
  private readonly keyDir: string;
  private readonly faults: FaultInjector;
  private readonly routes: ApiRoute[];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly opts: GcpEmulatorOptions;
  private counter = 0;
  private letters: () => number = prng(11);
  private routing: () => number;
  private readonly lastSplit = new Map<string, TrafficEntry[]>();
  private operationFailures: { api: 'functions' | 'run' | undefined; error: GcpError }[] = [];

  constructor(opts: GcpEmulatorOptions) {
    this.opts = opts;
    this.projectId = opts.projectId ?? 'fnx-test';
    this.operationPolls = Math.max(1, opts.operationPolls ?? 2);
    this.operationMs = Math.max(0, opts.operationMs ?? 5000);
    this.buildHook = opts.buildHook;
    this.revisionHandler = opts.revisionHandler ?? defaultRevisionHandler;
    this.routing = prng(opts.routingSeed ?? 7);
    this.faults = new FaultInjector(opts.faults);
    this.keyDir = mkdtempSync(join(tmpdir(), 'fnx-gcp-emu-'));
    this.keyFilePath = join(this.keyDir, 'service-account.json');
    const tag = (api: string, routes: Route[]): ApiRoute[] => routes.map((r) => ({ ...r, api }));
    this.routes = [
      ...tag('functions', functionRoutes(this)),
      ...tag('run', runRoutes(this)),
      ...tag('scheduler', schedulerRoutes(this)),
      ...tag('monitoring', monitoringRoutes(this)),
      ...tag('secretmanager', secretManagerRoutes(this)),
      { api: 'operations', method: 'GET', pattern: template('/v2/{name=projects/*/locations/*/operations/*}'), rpc: 'GetOperation', write: false, handle: (_q, p) => this.getOperation(p.name ?? '') },
      // WaitOperation may answer before the operation is done: here it counts as one poll.
      { api: 'operations', method: 'POST', pattern: template('/v2/{name=projects/*/locations/*/operations/*}:wait'), rpc: 'WaitOperation', write: false, handle: (_q, p) => this.getOperation(p.name ?? '') },
    ];
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        process.stderr.write(`gcp emulator: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(new GcpError('INTERNAL', 'emulator internal error').toBody());
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
    this.auth = new Auth(this.projectId, `${this.url}/token`);
    writeFileSync(this.keyFilePath, JSON.stringify(this.auth.key, null, 2), { mode: 0o600 });
  }

  // ---------- Ctx ----------

  now(): number {
    return this.opts.clock ? this.opts.clock.now() : Date.now();
  }

  id(): string {
    this.counter += 1;
    const hex = (this.counter * 2654435761 + 0x9e3779b9).toString(16).padStart(12, '0').slice(-12);
    return `e0${String(this.counter).padStart(6, '0')}-0000-4000-8000-${hex}`;
  }

  suffix(): string {
    const a = 'abcdefghijklmnopqrstuvwxyz';
    return [0, 1, 2].map(() => a[Math.floor(this.letters() * 26)] ?? 'a').join('');
  }

  startOperation(op: Omit<OperationRecord, 'pollsLeft' | 'done' | 'dueAt'>): OperationRecord {
    const rec: OperationRecord = { ...op, pollsLeft: this.operationPolls, done: false, dueAt: this.now() + this.operationMs };
    this.state.operations.set(rec.name, rec);
    return rec;
  }

  setTraffic(service: ServiceRecord, traffic: TrafficTarget[], cause: TrafficCause): void {
    service.traffic = traffic.map((t) => ({ ...t }));
    this.noteTraffic(service, cause);
  }

  noteTraffic(service: ServiceRecord, cause: TrafficCause): void {
    const split = resolveSplit(service);
    if (sameSplit(this.lastSplit.get(service.name), split)) return;
    this.lastSplit.set(service.name, split);
    const unready = split.filter((e) => !this.state.revisions.has(`${service.name}/revisions/${e.revision}`)).map((e) => e.revision);
    this.traffic.push({ service: service.name.split('/').pop() ?? '', split, unready, cause, time: this.now() });
  }

  // ---------- public API (see GcpEmulator in index.ts) ----------

  writeCalls(): CallRecord[] {
    return this.calls.filter((c) => c.write);
  }

  leaseWrites(): CallRecord[] {
    return this.calls.filter((c) => c.lease);
  }

  callsTo(api: string, rpc?: string): CallRecord[] {
    return this.calls.filter((c) => c.api === api && (rpc === undefined || c.rpc === rpc));
  }

  clearCalls(): void {
    this.calls.length = 0;
  }

  trafficOf(service: string): TrafficChange[] {
    return this.traffic.filter((t) => t.service === service);
  }

  currentSplit(service: string): TrafficEntry[] {
    const svc = [...this.state.services.values()].find((s) => s.name.endsWith(`/services/${service}`));
    return svc ? resolveSplit(svc) : [];
  }

  setFaults(faults: FaultOptions | undefined): void {
    this.faults.set(faults);
  }

  setRevisionHandler(handler: RevisionHandler): void {
    this.revisionHandler = handler;
  }

  setBuildHook(hook: BuildHook | undefined): void {
    this.buildHook = hook;
  }

  failNextBuild(message: string, functionId?: string): void {
    const previous = this.buildHook;
    let used = false;
    this.buildHook = (ctx) => {
      if (!used && (functionId === undefined || ctx.functionId === functionId)) {
        used = true;
        this.buildHook = previous;
        return { error: message };
      }
      return previous?.(ctx);
    };
  }

  finishOperations(): void {
    for (const op of this.state.operations.values()) if (!op.done) this.complete(op);
  }

  accessToken(): string {
    return this.auth.issue();
  }

  setAlert(displayName: string, state: AlertState): void {
    let p = [...this.state.alertPolicies.values()].find((x) => x.displayName === displayName);
    if (!p) {
      const name = `projects/${this.projectId}/alertPolicies/${String(1000 + this.state.alertPolicies.size)}`;
      p = { name, displayName, state: 'CLOSED' };
      this.state.alertPolicies.set(name, p);
    }
    if (state === 'OPEN' && p.state !== 'OPEN') {
      p.openTime = this.now();
      p.closeTime = undefined;
    }
    if (state === 'CLOSED' && p.state === 'OPEN') p.closeTime = this.now();
    p.state = state;
  }

  recordRequests(service: string, revision: string, counts: RequestCounts, time = this.now()): void {
    const add = (codeClass: '2xx' | '4xx' | '5xx', count: number): void => {
      if (count > 0) this.state.requests.push({ service, revision, time, codeClass, count });
    };
    add('2xx', counts.ok);
    add('5xx', counts.errors);
    add('4xx', counts.clientErrors ?? 0);
  }

  env(): Record<string, string> {
    return { FNX_GCP_ENDPOINT: this.url, GOOGLE_APPLICATION_CREDENTIALS: this.keyFilePath, GOOGLE_CLOUD_PROJECT: this.projectId };
  }

  clientOptions(): { fallback: true; protocol: 'http'; apiEndpoint: string; port: number; keyFilename: string; projectId: string } {
    return { fallback: true, protocol: 'http', apiEndpoint: '127.0.0.1', port: this.port, keyFilename: this.keyFilePath, projectId: this.projectId };
  }

  reset(): void {
    const fresh = emptyState();
    for (const key of Object.keys(fresh) as (keyof GcpState)[]) (this.state as unknown as Record<string, unknown>)[key] = fresh[key];
    this.calls.length = 0;
    this.traffic.length = 0;
    this.lastSplit.clear();
    this.faults.set(undefined);
    this.buildHook = this.opts.buildHook;
    this.revisionHandler = this.opts.revisionHandler ?? defaultRevisionHandler;
    this.routing = prng(this.opts.routingSeed ?? 7);
    this.operationFailures = [];
    this.letters = prng(11);
    this.counter = 0;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
    rmSync(this.keyDir, { recursive: true, force: true });
  }

  // ---------- operations ----------

  failNextOperation(api?: 'functions' | 'run', status: RpcStatus = 'INTERNAL', message = 'An internal error occurred while processing the operation. Please try again.'): void {
    this.operationFailures.push({ api, error: new GcpError(status, message) });
  }

  /** Completes, oldest due first, every running operation whose time has come by the clock. */
  settleOperations(): void {
    const now = this.now();
    const due = [...this.state.operations.values()].filter((op) => !op.done && op.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt);
    for (const op of due) this.complete(op);
  }

  private complete(op: OperationRecord): void {
    op.done = true;
    const i = this.operationFailures.findIndex((f) => f.api === undefined || f.api === op.api);
    if (i >= 0) {
      const [failure] = this.operationFailures.splice(i, 1);
      op.error = failure?.error.toOperationError();
      op.abandon?.();
      if (op.api === 'functions') op.metadata = { ...op.metadata, endTime: timestamp(this.now()) };
      return;
    }
    try {
      op.response = op.finish();
    } catch (err) {
      if (!(err instanceof GcpError)) throw err;
      op.error = err.toOperationError();
    }
    if (op.api === 'functions') op.metadata = { ...op.metadata, endTime: timestamp(this.now()), stages: [{ name: 2, state: 3 }, { name: 3, state: op.error ? 1 : 3 }] };
    else if (op.response) op.metadata = op.response;
  }

  private getOperation(name: string): HttpRes {
    const op = this.state.operations.get(name);
    if (!op) throw new GcpError('NOT_FOUND', `Operation '${name}' not found`);
    if (!op.done) {
      op.pollsLeft -= 1;
      if (op.pollsLeft <= 0) this.complete(op);
    }
    const out: Json = { name: op.name, metadata: op.metadata, done: op.done };
    if (op.error) out.error = op.error;
    else if (op.response) out.response = op.response;
    return json(out);
  }

  // ---------- request handling ----------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const time = this.now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = await readBody(req);
    const method = (req.method ?? 'GET').toUpperCase();
    const httpReq: HttpReq = { method, path: url.pathname, query: url.searchParams, headers: req.headers, body };
    const base = { method, path: url.pathname, time };
    this.settleOperations();

    if (url.pathname === '/token' && method === 'POST') {
      const out = this.auth.tokenEndpoint(httpReq);
      this.calls.push({ ...base, api: 'oauth', rpc: 'Token', status: out.status, write: false });
      return send(res, out);
    }
    if (url.pathname.startsWith('/upload/')) {
      const out = handleUpload(this, httpReq);
      this.calls.push({ ...base, api: 'upload', rpc: 'Upload', status: out.status, write: true });
      return send(res, out);
    }
    if (url.pathname.startsWith('/run/')) {
      const out = await probe(this, httpReq);
      this.calls.push({ ...base, api: 'http', rpc: 'Invoke', status: out.status, write: false });
      return send(res, out);
    }

    let route: ApiRoute | undefined;
    let params: Record<string, string> = {};
    let methodMismatch = false;
    for (const r of this.routes) {
      const m = r.pattern.exec(url.pathname);
      if (!m) continue;
      if (r.method !== method) {
        methodMismatch = true;
        continue;
      }
      route = r;
      params = Object.fromEntries(Object.entries(m.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)]));
      break;
    }
    if (!route) {
      const e = methodMismatch ? new GcpError('UNIMPLEMENTED', `Method ${method} is not allowed on ${url.pathname}`) : new GcpError('NOT_FOUND', `The emulator has no API at ${method} ${url.pathname}`);
      this.calls.push({ ...base, api: 'unknown', rpc: 'Unknown', status: methodMismatch ? 405 : 404, write: false, error: e.status });
      return send(res, { status: methodMismatch ? 405 : 404, headers: { 'content-type': 'application/json' }, body: e.toBody() });
    }
    const api = route.api === 'operations' ? (this.state.operations.get(params.name ?? '')?.api ?? 'functions') : route.api;
    const mask = url.searchParams.get('updateMask');
    const record = { ...base, api, rpc: route.rpc, write: route.write, ...(route.lease ? { lease: true } : {}), ...(mask !== null ? { updateMask: mask } : {}), input: inputOf(params, url.searchParams, body) };
    let out: HttpRes;
    try {
      this.auth.check(httpReq);
    } catch (err) {
      const e = err as GcpError;
      this.calls.push({ ...record, status: e.httpStatus, error: e.status });
      return send(res, errorRes(e));
    }
    const fault = this.faults.decide(api, route.rpc);
    if (fault === 'reset') {
      this.calls.push({ ...record, status: 0, fault });
      req.socket.destroy();
      return;
    }
    if (fault === 'slow') await new Promise((r) => setTimeout(r, this.faults.slowMs));
    if (fault === 'error500') {
      const e = new GcpError('INTERNAL', 'Internal error encountered.');
      this.calls.push({ ...record, status: e.httpStatus, error: e.status, fault });
      return send(res, errorRes(e));
    }
    if (fault === 'unavailable' || fault === 'exhausted') {
      const e = fault === 'unavailable' ? new GcpError('UNAVAILABLE', 'The service is currently unavailable.') : new GcpError('RESOURCE_EXHAUSTED', `Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per region' of service '${api}.googleapis.com'.`);
      this.calls.push({ ...record, status: e.httpStatus, error: e.status, fault });
      return send(res, errorRes(e));
    }
    try {
      out = await route.handle(httpReq, params);
      this.calls.push({ ...record, status: out.status, ...(fault ? { fault } : {}) });
      if (fault === 'lost') {
        req.socket.destroy();
        return;
      }
    } catch (err) {
      if (!(err instanceof GcpError)) throw err;
      this.calls.push({ ...record, status: err.httpStatus, error: err.status });
      out = errorRes(err);
    }
    send(res, out);
  }

  // ---------- /run/ URLs and deliveries (services/invoke.ts) ----------

  route(): number {
    return this.routing();
  }

  runJob(job: string): Promise<DeliveryResult> {
    return runJob(this, job);
  }

  publishMessage(topic: string, data: string | Buffer, attributes: Record<string, string> = {}): Promise<DeliveryResult[]> {
    return publishMessage(this, topic, data, attributes);
  }

  finalizeObject(bucket: string, object: string, options: { size?: number; contentType?: string } = {}): Promise<DeliveryResult[]> {
    return finalizeObject(this, bucket, object, options);
  }
}

/** Path parameters, query parameters (without $alt / $prettyPrint) and the JSON body of an API call. */
function inputOf(params: Record<string, string>, query: URLSearchParams, body: Buffer): Record<string, unknown> {
  const out: Record<string, unknown> = { ...params };
  for (const [k, v] of query) if (!k.startsWith('$')) out[k] = v;
  if (body.length > 0) {
    try {
      out.body = JSON.parse(body.toString('utf8')) as unknown;
    } catch {
      out.body = `<${body.length} bytes>`;
    }
  }
  return out;
}

function errorRes(e: GcpError): HttpRes {
  return { status: e.httpStatus, headers: { 'content-type': 'application/json; charset=UTF-8' }, body: e.toBody() };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, out: HttpRes): void {
  const body = out.body ?? '';
  res.writeHead(out.status, { ...(out.headers ?? {}), 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
