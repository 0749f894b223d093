// The emulator's HTTPS listeners: one for ARM + Entra ID login, and two per site or slot (its scm
// host and its default host). Each request: read, authenticate, check api-version, decide faults
// before executing, execute, record.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { makeCertificates, type EmulatorCertificates } from './certs.js';
import { FaultInjector, prng } from './faults.js';
import { AzureError, errorResponse, json, type HttpReq, type HttpRes } from './protocol.js';
import { emptyState, type AzureState, type Operation, type Site, type SiteInstance } from './state.js';
import { handleLogin, isLoginPath, loginOperation } from './auth.js';
import { API_VERSIONS, Router, styleOf, type Route } from './router.js';
import { resourceRoutes } from './resources.js';
import { storageRoutes } from './storage.js';
import { planRoutes } from './web-plans.js';
import { siteRoutes } from './web-sites.js';
import { slotRoutes } from './web-slots.js';
import { configRoutes } from './web-config.js';
import { insightsRoutes } from './insights.js';
import { accessRoutes } from './access.js';
import { eventGridRoutes } from './event-grid.js';
import { advanceDeployments, deploymentStatusRoutes, handleScm } from './scm.js';
import { handleApp } from './app-host.js';
import { blobOperation, handleBlob, LEASE_CONTAINER } from './blob.js';
import type {
  AlertStatus,
  AppHandler,
  AzureEmulatorOptions,
  CallRecord,
  CallService,
  Clock,
  DeploymentFailure,
  OperationFailure,
  FaultOptions,
  TrafficEvent,
} from './types.js';

const systemClock: Clock = { now: () => Date.now() };
const defaultAppHandler: AppHandler = () => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' });

/** Token audiences ARM and scm accept. */
export const ARM_AUDIENCES = ['https://management.azure.com', 'https://management.core.windows.net'];

export const CLIENT_ID = '22222222-2222-2222-2222-222222222222';
export const CLIENT_SECRET = 'emulator-client-secret';

interface Listener {
  server: Server;
  sockets: Set<Socket>;
  port: number;
}

export class Emulator {
  state: AzureState = emptyState();
  readonly calls: CallRecord[] = [];
  readonly traffic: TrafficEvent[] = [];
  readonly clock: Clock;
  readonly subscriptionId: string;
  readonly tenantId: string;
  readonly clientId = CLIENT_ID;
  readonly clientSecret = CLIENT_SECRET;
  readonly asyncDelayMs: number;
  readonly deployDelayMs: number;
  readonly runtimeStartDelayMs: number;
  armUrl = '';
  /** https://127.0.0.1:PORT of the blob data plane (accounts are the first path segment). */
  blobUrl = '';
  caCertPath = '';
  caPem = '';
  appHandler: AppHandler;
  nextDeploymentFailures: DeploymentFailure[] = [];
  nextOperationFailures: OperationFailure[] = [];
  /** PRNG for rampUpRules routing of default-host requests (deterministic). */
  routingRandom: () => number = prng(7);
  private readonly initialAppHandler: AppHandler;
  private readonly faults: FaultInjector;
  private readonly router: Router;
  private certs: EmulatorCertificates | undefined;
  private arm: Listener | undefined;
  private blob: Listener | undefined;
  private readonly instanceListeners = new Map<number, Listener>();

  constructor(private readonly opts: AzureEmulatorOptions) {
    this.clock = opts.clock ?? systemClock;
    this.subscriptionId = opts.subscriptionId ?? '00000000-0000-0000-0000-000000000000';
    this.tenantId = opts.tenantId ?? '11111111-1111-1111-1111-111111111111';
    this.asyncDelayMs = opts.asyncDelayMs ?? 0;
    this.deployDelayMs = opts.deployDelayMs ?? 0;
    this.runtimeStartDelayMs = opts.runtimeStartDelayMs ?? 0;
    this.initialAppHandler = opts.appHandler ?? defaultAppHandler;
    this.appHandler = this.initialAppHandler;
    this.faults = new FaultInjector(opts.faults);
    const routes: Route[] = [...resourceRoutes, ...storageRoutes, ...planRoutes, ...siteRoutes, ...slotRoutes, ...configRoutes, ...deploymentStatusRoutes, ...insightsRoutes, ...accessRoutes, ...eventGridRoutes];
    this.router = new Router(routes);
  }

  async start(): Promise<void> {
    this.certs = makeCertificates();
    this.caCertPath = this.certs.caCertPath;
    this.caPem = this.certs.caPem;
    this.arm = await this.listen(this.opts.port ?? 0, (req, res) => this.handleArm(req, res));
    this.armUrl = `https://127.0.0.1:${this.arm.port}`;
    this.blob = await this.listen(0, (req, res) => this.handleBlobRequest(req, res));
    this.blobUrl = `https://127.0.0.1:${this.blob.port}`;
  }

  now(): number {
    return this.clock.now();
  }

  // ---------- public API (see AzureEmulator in index.ts) ----------

  writeCalls(): CallRecord[] {
    return this.calls.filter((c) => c.write && !c.lease);
  }

  leaseWrites(): CallRecord[] {
    return this.calls.filter((c) => c.write && c.lease);
  }

  clearCalls(): void {
    this.calls.length = 0;
  }

  setFaults(f: FaultOptions | undefined): void {
    this.faults.set(f);
  }

  setAppHandler(h: AppHandler): void {
    this.appHandler = h;
  }

  setNextDeploymentFailure(f: DeploymentFailure): void {
    this.nextDeploymentFailures.push(f);
  }

  failNextOperation(f: OperationFailure): void {
    this.nextOperationFailures.push(f);
  }

  setAlertState(name: string, status: AlertStatus, resourceGroup?: string): void {
    const key = name.toLowerCase();
    const existing = this.state.metricAlerts.get(key);
    if (existing) {
      existing.status = status;
      return;
    }
    this.state.metricAlerts.set(key, { name, resourceGroup, status, tags: {}, properties: { description: `Alert ${name}`, severity: 2, enabled: true, scopes: [], evaluationFrequency: 'PT1M', windowSize: 'PT5M', criteria: { 'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria', allOf: [] }, actions: [] } });
  }

  addKeyVault(resourceGroup: string, name: string, secrets: string[] = [], location = 'westeurope'): void {
    this.state.keyVaults.set(name.toLowerCase(), { name, resourceGroup, location, secrets: new Set(secrets) });
  }

  addEventGridTopic(resourceGroup: string, name: string, location = 'westeurope'): void {
    this.state.eventGridTopics.set(name.toLowerCase(), { name, resourceGroup, location });
  }

  setMetric(app: string, metric: string, total: number, slot = 'production'): void {
    const a = app.toLowerCase();
    const i = this.state.metrics.findIndex((m) => m.app === a && m.slot === slot && m.metric.toLowerCase() === metric.toLowerCase());
    if (i >= 0) this.state.metrics.splice(i, 1);
    this.state.metrics.push({ app: a, slot, metric, total });
  }

  env(): Record<string, string> {
    return {
      AZURE_RESOURCE_MANAGER_ENDPOINT: this.armUrl,
      AZURE_AUTHORITY_HOST: this.armUrl,
      AZURE_TENANT_ID: this.tenantId,
      AZURE_CLIENT_ID: this.clientId,
      AZURE_CLIENT_SECRET: this.clientSecret,
      AZURE_SUBSCRIPTION_ID: this.subscriptionId,
      NODE_EXTRA_CA_CERTS: this.caCertPath,
    };
  }

  reset(): void {
    for (const [port, l] of this.instanceListeners) {
      closeListener(l);
      this.instanceListeners.delete(port);
    }
    const tokens = this.state.tokens;
    this.state = emptyState();
    // Issued tokens stay valid (credentials cache them), as Entra ID tokens do.
    this.state.tokens = tokens;
    this.calls.length = 0;
    this.traffic.length = 0;
    this.faults.set(undefined);
    this.appHandler = this.initialAppHandler;
    this.nextDeploymentFailures = [];
    this.nextOperationFailures = [];
    this.routingRandom = prng(7);
  }

  async close(): Promise<void> {
    const all = [...this.instanceListeners.values(), ...(this.arm ? [this.arm] : []), ...(this.blob ? [this.blob] : [])];
    this.instanceListeners.clear();
    await Promise.all(all.map((l) => closeListener(l)));
    this.certs?.remove();
  }

  // ---------- helpers for handlers ----------

  /** Start listeners for a new site or slot; returns the ports its host names report. */
  async openInstanceHosts(app: string, slot: string): Promise<{ scmPort: number; appPort: number }> {
    const scm = await this.listen(0, (req, res) => this.handleInstance('scm', app, slot, req, res));
    const appL = await this.listen(0, (req, res) => this.handleInstance('app', app, slot, req, res));
    this.instanceListeners.set(scm.port, scm);
    this.instanceListeners.set(appL.port, appL);
    return { scmPort: scm.port, appPort: appL.port };
  }

  closeInstanceHosts(inst: SiteInstance): void {
    for (const port of [inst.scmPort, inst.appPort]) {
      const l = this.instanceListeners.get(port);
      if (l) {
        void closeListener(l);
        this.instanceListeners.delete(port);
      }
    }
  }

  /**
   * Register a long-running operation. Returns the headers of the 201/202 answer: Azure-AsyncOperation
   * (status document) and Location (202 until done, then 200 with `result` or 204).
   */
  startOperation(namespace: string, location: string, apiVersion: string, op: Omit<Operation, 'id' | 'status' | 'settleAt'>, delayMs = this.asyncDelayMs): Record<string, string> {
    const id = randomUUID();
    const i = this.nextOperationFailures.findIndex((f) => !f.operation || f.operation === op.name);
    const failWith = i >= 0 ? this.nextOperationFailures.splice(i, 1)[0] : undefined;
    this.state.operations.set(id, { id, status: 'InProgress', settleAt: this.now() + delayMs, ...op, ...(failWith ? { failWith: { code: failWith.code, message: failWith.message } } : {}) });
    const loc = location.toLowerCase().replace(/\s+/g, '');
    const base = `${this.armUrl}/subscriptions/${this.subscriptionId}/providers/${namespace}/locations/${loc}`;
    return {
      'azure-asyncoperation': `${base}/operations/${id}?api-version=${apiVersion}`,
      location: `${base}/operationResults/${id}?api-version=${apiVersion}`,
      ...this.retryAfter(),
    };
  }

  /** The Retry-After header of LRO answers, if configured. */
  retryAfter(): Record<string, string> {
    return this.opts.lroRetryAfterSeconds === undefined ? {} : { 'retry-after': String(this.opts.lroRetryAfterSeconds) };
  }

  /** Settle everything whose time has come. Called before every request. */
  tick(): void {
    const now = this.now();
    for (const op of this.state.operations.values()) {
      if (op.status === 'InProgress' && now >= op.settleAt) {
        if (op.failWith) {
          op.rollback?.();
          op.status = 'Failed';
          op.error = op.failWith;
          continue;
        }
        const err = op.complete?.();
        if (err) {
          op.status = 'Failed';
          op.error = err;
        } else op.status = 'Succeeded';
      }
    }
    advanceDeployments(this);
  }

  /** The site (production) or slot, or a Microsoft.Web 404. */
  instance(site: Site, slot: string | undefined): SiteInstance {
    if (slot === undefined || slot.toLowerCase() === 'production') return site.production;
    const inst = site.slots.get(slot.toLowerCase());
    if (!inst) throw new AzureError(404, 'NotFound', `The Resource 'Microsoft.Web/sites/${site.name}/slots/${slot}' under resource group '${site.resourceGroup}' was not found.`, 'web');
    return inst;
  }

  /** 409 while an operation on this instance is in progress. */
  assertNotBusy(inst: SiteInstance, site: Site): void {
    const now = this.now();
    if (inst.busyUntil > now) {
      throw new AzureError(409, 'Conflict', `Cannot modify this site '${site.name}${inst.slot === 'production' ? '' : '/' + inst.slot}' because another operation is in progress. Details: Id: ${randomUUID()}, OperationName: Update, CreatedTime: ${new Date(now).toISOString()}`, 'web');
    }
  }

  // ---------- request handling ----------

  private async listen(port: number, handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Promise<Listener> {
    const certs = this.certs!;
    const sockets = new Set<Socket>();
    const server = createServer({ key: certs.keyPem, cert: certs.certPem }, (req, res) => {
      handler(req, res).catch((err: unknown) => {
        process.stderr.write(`azure emulator: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"error":{"code":"InternalServerError","message":"emulator internal error"}}');
      });
    });
    server.keepAliveTimeout = 5000;
    server.on('connection', (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return { server, sockets, port: (server.address() as AddressInfo).port };
  }

  private async readReq(req: IncomingMessage): Promise<HttpReq> {
    // Not new URL(req.url): a path starting with '//' (the SDK's '/{+scope}' with a scope that starts
    // with '/') would be read as a host. ARM accepts the doubled slash.
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const pathname = '/' + (q >= 0 ? rawUrl.slice(0, q) : rawUrl).replace(/^\/+/, '');
    const url = { pathname, searchParams: new URLSearchParams(q >= 0 ? rawUrl.slice(q + 1) : '') };
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return {
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      segments: url.pathname.split('/').filter(Boolean).map(safeDecode),
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks),
    };
  }

  private record(c: Omit<CallRecord, 'time'> & { time?: number }): void {
    this.calls.push({ time: this.now(), ...c });
  }

  /** Decide and apply a fault: 'done' when the fault answered (or reset) the call, 'slow' when the call goes on after a stall. */
  private async fault(service: CallService, operation: string, res: ServerResponse, base: Omit<CallRecord, 'status' | 'time'>, time: number): Promise<'done' | 'slow' | undefined> {
    const kind = this.faults.decide(service, operation);
    if (!kind) return undefined;
    if (kind === 'slow') {
      await new Promise((r) => setTimeout(r, this.faults.slowMs));
      return 'slow';
    }
    if (kind === 'hang') {
      // Left unanswered: the client gives up (its socket closes) or the emulator closes.
      this.record({ ...base, status: 0, fault: kind, time });
      return 'done';
    }
    if (kind === 'reset') {
      this.record({ ...base, status: 0, fault: kind, time });
      // The request's socket, not res.socket: a response still queued behind another on a kept-alive
      // socket has no socket yet, and the call would hang unanswered instead of being reset.
      res.req.socket.destroy();
      return 'done';
    }
    const out =
      kind === 'throttle'
        ? errorResponse(new AzureError(429, 'TooManyRequests', 'The request is being throttled as the limit has been reached for operation type - Write_ObservationWindow_00:01:00. For more information, see - https://aka.ms/srpthrottlinglimits', 'arm', { 'retry-after': String(this.faults.retryAfterSeconds) }))
        : errorResponse(new AzureError(500, 'InternalServerError', 'Encountered internal server error. Diagnostic information: timestamp, subscription id, tracking id, request correlation id.'));
    this.record({ ...base, status: out.status, fault: kind, errorCode: kind === 'throttle' ? 'TooManyRequests' : 'InternalServerError', time });
    send(res, out);
    return 'done';
  }

  private async handleArm(raw: IncomingMessage, res: ServerResponse): Promise<void> {
    const time = this.now();
    const req = await this.readReq(raw);
    const apiVersion = req.query.get('api-version') ?? undefined;
    if (isLoginPath(req.segments)) {
      const operation = loginOperation(req.segments);
      const base = { service: 'login' as const, method: req.method, path: req.path, operation, write: false };
      if ((await this.fault('login', operation, res, base, time)) === 'done') return;
      let out: HttpRes;
      try {
        out = handleLogin({ url: this.armUrl, tenantId: this.tenantId, clientId: this.clientId, clientSecret: this.clientSecret, tokens: this.state.tokens, now: () => this.now() }, req);
      } catch (e) {
        out = e instanceof AzureError ? errorResponse(e) : json(500, { error: 'server_error' });
      }
      this.record({ ...base, status: out.status, time });
      send(res, out);
      return;
    }
    this.tick();
    const matches = this.router.match(req.segments);
    const hit = matches.find((m) => m.route.method === req.method);
    const operation = hit?.route.operation ?? pollOperationName(req) ?? 'Unknown';
    const write = hit?.route.write ?? false;
    const base: Omit<CallRecord, 'status' | 'time'> = { service: 'arm', method: req.method, path: req.path, apiVersion, operation, write };
    let out: HttpRes;
    try {
      this.authenticate(req);
      if (apiVersion === undefined) throw new AzureError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
      const faulted = await this.fault('arm', operation, res, base, time);
      if (faulted === 'done') return;
      if (faulted === 'slow') {
        base.fault = 'slow';
        this.tick();
      }
      out = await this.dispatch(req, apiVersion, hit, matches.length > 0);
    } catch (e) {
      if (!(e instanceof AzureError)) throw e;
      out = errorResponse(e);
      this.record({ ...base, status: out.status, errorCode: e.code, time });
      send(res, out);
      return;
    }
    this.record({ ...base, status: out.status, time });
    send(res, out);
  }

  private authenticate(req: HttpReq): void {
    const h = req.headers.authorization;
    if (!h) throw new AzureError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.", 'arm', { 'www-authenticate': `Bearer authorization_uri="${this.armUrl}/${this.tenantId}", error="invalid_token", error_description="The authentication failed because of missing 'Authorization' header."` });
    const m = /^Bearer\s+(.+)$/i.exec(h);
    const aud = m ? this.state.tokens.get(m[1]!.trim()) : undefined;
    if (aud === undefined) throw new AzureError(401, 'InvalidAuthenticationToken', 'The access token is invalid.');
    if (!ARM_AUDIENCES.includes(aud)) {
      throw new AzureError(401, 'InvalidAuthenticationTokenAudience', `The access token has been obtained for wrong audience or resource '${aud}'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.`);
    }
  }

  private async dispatch(req: HttpReq, apiVersion: string, hit: ReturnType<Router['match']>[number] | undefined, pathKnown: boolean): Promise<HttpRes> {
    const poll = this.pollResponse(req);
    if (poll) return poll;
    if (!hit) {
      if (pathKnown) throw new AzureError(405, 'MethodNotAllowed', `The requested resource does not support http method '${req.method}'.`);
      throw new AzureError(404, 'InvalidResourceType', `The resource type could not be found for path '${req.path}'.`);
    }
    const { route, params } = hit;
    if (params.sub !== undefined && params.sub.toLowerCase() !== this.subscriptionId.toLowerCase()) {
      throw new AzureError(404, 'SubscriptionNotFound', `The subscription '${params.sub}' could not be found.`);
    }
    const versions = API_VERSIONS[route.provider];
    if (!versions.includes(apiVersion)) {
      if (route.provider === 'Microsoft.Resources') {
        throw new AzureError(400, 'InvalidApiVersionParameter', `The api-version '${apiVersion}' is invalid. The supported versions are '${versions.join(',')}'.`);
      }
      const type = route.template.split('/').filter((p) => !p.startsWith('{')).slice(-1)[0] ?? '';
      throw new AzureError(400, 'NoRegisteredProviderFound', `No registered resource provider found for location 'westeurope' and API version '${apiVersion}' for type '${type}'. The supported api-versions are '${versions.join(', ')}'.`);
    }
    if (params.rg !== undefined && route.provider !== 'Microsoft.Resources') {
      const rg = this.state.resourceGroups.get(params.rg.toLowerCase());
      if (!rg) throw new AzureError(404, 'ResourceGroupNotFound', `Resource group '${params.rg}' could not be found.`);
    }
    try {
      return await route.handle({ emu: this, req, params, apiVersion, operation: route.operation });
    } catch (e) {
      if (e instanceof AzureError && e.style !== styleOf(route.provider) && route.provider === 'Microsoft.Web') {
        throw new AzureError(e.status, e.code, e.message, 'web', e.headers);
      }
      throw e;
    }
  }

  /** GET of an operation status URL handed out by startOperation. */
  private pollResponse(req: HttpReq): HttpRes | undefined {
    const s = req.segments.map((x) => x.toLowerCase());
    if (req.method !== 'GET' || s.length !== 8 || s[0] !== 'subscriptions' || s[2] !== 'providers' || s[4] !== 'locations') return undefined;
    if (s[6] !== 'operations' && s[6] !== 'operationresults') return undefined;
    const op = this.state.operations.get(req.segments[7]!);
    if (!op) throw new AzureError(404, 'OperationNotFound', `The operation '${req.segments[7]}' could not be found.`);
    if (s[6] === 'operations') {
      return json(200, { id: req.path, name: op.id, status: op.status, ...(op.error ? { error: op.error } : {}) }, op.status === 'InProgress' ? this.retryAfter() : {});
    }
    if (op.status === 'InProgress') return json(202, undefined, { location: `${this.armUrl}${req.path}?api-version=${req.query.get('api-version') ?? ''}`, ...this.retryAfter() });
    if (op.status === 'Failed') return errorResponse(new AzureError(400, op.error?.code ?? 'Failed', op.error?.message ?? 'The operation failed.'));
    const result = op.result?.();
    return result === undefined ? { status: 200, headers: {} } : json(200, result);
  }

  private async handleBlobRequest(raw: IncomingMessage, res: ServerResponse): Promise<void> {
    const time = this.now();
    const req = await this.readReq(raw);
    const operation = blobOperation(req);
    const base: Omit<CallRecord, 'status' | 'time'> = { service: 'blob', method: req.method, path: req.path, operation, write: req.method === 'PUT' || req.method === 'DELETE', ...(req.segments[1] === LEASE_CONTAINER ? { lease: true } : {}) };
    const faulted = await this.fault('blob', operation, res, base, time);
    if (faulted === 'done') return;
    if (faulted === 'slow') base.fault = 'slow';
    const out = handleBlob(this, req);
    this.record({ ...base, status: out.status, errorCode: out.headers?.['x-ms-error-code'], time });
    send(res, out);
  }

  private async handleInstance(service: 'scm' | 'app', app: string, slot: string, raw: IncomingMessage, res: ServerResponse): Promise<void> {
    const time = this.now();
    const req = await this.readReq(raw);
    this.tick();
    const site = this.state.sites.get(app.toLowerCase());
    const operation = service === 'scm' ? scmOperationName(req) : 'App_Request';
    const write = service === 'scm' && req.method === 'POST';
    const base: Omit<CallRecord, 'status' | 'time'> = { service, method: req.method, path: req.path, operation, write, app, slot };
    let out: HttpRes;
    try {
      if (!site) throw new AzureError(404, 'NotFound', 'Site not found.');
      const inst = this.instance(site, slot);
      const faulted = await this.fault(service, operation, res, base, time);
      if (faulted === 'done') return;
      if (faulted === 'slow') {
        base.fault = 'slow';
        this.tick();
      }
      out = service === 'scm' ? handleScm(this, site, inst, req) : await handleApp(this, site, inst, req);
    } catch (e) {
      if (!(e instanceof AzureError)) throw e;
      out = service === 'scm' ? { status: e.status, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ Message: e.message }) } : errorResponse(e);
      this.record({ ...base, status: out.status, errorCode: e.code, time });
      send(res, out);
      return;
    }
    this.record({ ...base, status: out.status, time });
    send(res, out);
  }
}

function pollOperationName(req: HttpReq): string | undefined {
  const s = req.segments.map((x) => x.toLowerCase());
  if (s.length === 8 && s[4] === 'locations' && (s[6] === 'operations' || s[6] === 'operationresults')) return s[6] === 'operations' ? 'AsyncOperation_Get' : 'OperationResult_Get';
  return undefined;
}

function scmOperationName(req: HttpReq): string {
  const p = req.path.toLowerCase();
  if (p === '/api/publish') return 'Scm_Publish';
  if (p === '/api/zipdeploy') return 'Scm_ZipDeploy';
  if (p.startsWith('/api/deployments')) return 'Scm_GetDeployment';
  return 'Scm_Unknown';
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function send(res: ServerResponse, out: HttpRes): void {
  const headers: Record<string, string> = { 'x-ms-request-id': randomUUID(), ...(out.headers ?? {}) };
  res.writeHead(out.status, headers);
  res.end(out.body ?? '');
}

function closeListener(l: Listener): Promise<void> {
  return new Promise<void>((resolve) => {
    l.server.close(() => resolve());
    for (const s of l.sockets) s.destroy();
  });
}
