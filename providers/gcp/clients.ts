/**
 * Google Cloud clients and every call fnx makes through them. Settings come from the command's
 * environment only: the project from the manifest (else GOOGLE_CLOUD_PROJECT), credentials by
 * Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud's ADC file, workload
 * identity, the metadata server), and FNX_GCP_ENDPOINT (`http://127.0.0.1:PORT`), fnx's own
 * override that points every API at one endpoint (how the emulator is reached). The SDKs are
 * imported when the first call needs them, always with the REST fallback (never gRPC).
 *
 * The generated clients retry nothing for the methods fnx uses (non-idempotent): `call` retries
 * UNAVAILABLE and RESOURCE_EXHAUSTED with backoff, waits out an operation in progress (ABORTED /
 * FAILED_PRECONDITION), counts writes, and turns failures into CloudErrors. APIs without an SDK
 * here (Monitoring, Secret Manager) are plain REST through `restJson`, inside `call` like the
 * rest. Long-running operations are polled here and fail with the operation's own error message.
 */
import { createSign } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudError, type CloudErrorKind, type Environment, ExitCode, FnxError, InterruptedError, messageOf, retry, sleep } from '../../src/driver.js';

export interface GcpSettings {
  readonly project: string;
  readonly region: string;
  /** FNX_GCP_ENDPOINT parsed. */
  readonly endpoint?: { readonly url: string; readonly protocol: 'http' | 'https'; readonly host: string; readonly port: number };
  /** The service-account key JSON GOOGLE_APPLICATION_CREDENTIALS names, when it does. */
  readonly credentials?: Record<string, unknown>;
  /** What the credential chain looks at, for the error when none is found. */
  readonly tried: readonly string[];
  readonly pollMs: number;
  readonly backoff: { readonly attempts: number; readonly baseDelayMs: number; readonly maxDelayMs: number };
}

function usage(code: string, message: string, hint: string): FnxError {
  return new FnxError(code, message, { hint, exitCode: ExitCode.usage });
}

/** Reads the settings for `config` from `env`; throws a usage error for a broken override or key file. Makes no call. */
export function gcpSettings(config: { project?: string; region: string } | undefined, env: Environment): GcpSettings {
  const project = config?.project || env.GOOGLE_CLOUD_PROJECT || env.CLOUDSDK_CORE_PROJECT;
  if (!project) throw usage('E_GCP_PROJECT', 'No Google Cloud project: providers.gcp.project is empty and GOOGLE_CLOUD_PROJECT is not set.', 'Set `project:` under providers.gcp in fnx.yaml, or export GOOGLE_CLOUD_PROJECT.');
  let endpoint: GcpSettings['endpoint'];
  const raw = env.FNX_GCP_ENDPOINT;
  if (raw) {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      throw usage('E_GCP_ENDPOINT', `FNX_GCP_ENDPOINT is not a URL: ${raw}`, 'Set it to the endpoint every Google API call goes to, e.g. http://127.0.0.1:8085, or unset it.');
    }
    const protocol = u.protocol === 'https:' ? 'https' : 'http';
    endpoint = { url: `${u.protocol}//${u.host}`, protocol, host: u.hostname, port: Number(u.port || (protocol === 'https' ? 443 : 80)) };
  }
  const tried: string[] = [];
  let credentials: Record<string, unknown> | undefined;
  const file = env.GOOGLE_APPLICATION_CREDENTIALS;
  if (file) {
    if (!existsSync(file)) throw usage('E_GCP_CREDENTIALS', `GOOGLE_APPLICATION_CREDENTIALS names ${file}, which does not exist.`, 'Point it at a service-account key or workload identity federation JSON file, or unset it to use gcloud\'s application default credentials.');
    try {
      credentials = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch {
      throw usage('E_GCP_CREDENTIALS', `GOOGLE_APPLICATION_CREDENTIALS names ${file}, which is not a JSON credentials file.`, 'Use the JSON file Google Cloud gave you (service-account key or workload identity federation configuration).');
    }
    tried.push(`GOOGLE_APPLICATION_CREDENTIALS (${file})`);
  } else {
    tried.push('GOOGLE_APPLICATION_CREDENTIALS (not set)');
  }
  const home = env.CLOUDSDK_CONFIG ?? (env.HOME ? join(env.HOME, '.config', 'gcloud') : env.APPDATA ? join(env.APPDATA, 'gcloud') : undefined);
  if (home) tried.push(`gcloud application default credentials (${join(home, 'application_default_credentials.json')})`);
  tried.push('the metadata server (on Google Cloud)');
  const local = endpoint !== undefined;
  const pollMs = Number(env.FNX_GCP_POLL_MS ?? (local ? 20 : 2000));
  return {
    project,
    region: config?.region ?? '',
    ...(endpoint ? { endpoint } : {}),
    ...(credentials ? { credentials } : {}),
    tried,
    pollMs: Number.isFinite(pollMs) && pollMs >= 0 ? pollMs : 2000,
    backoff: local ? { attempts: 10, baseDelayMs: 20, maxDelayMs: 300 } : { attempts: 8, baseDelayMs: 500, maxDelayMs: 10_000 },
  };
}

/** gRPC status codes as the REST fallback reports them. */
const CODE: Record<number, string> = { 3: 'INVALID_ARGUMENT', 5: 'NOT_FOUND', 6: 'ALREADY_EXISTS', 7: 'PERMISSION_DENIED', 8: 'RESOURCE_EXHAUSTED', 9: 'FAILED_PRECONDITION', 10: 'ABORTED', 13: 'INTERNAL', 14: 'UNAVAILABLE', 16: 'UNAUTHENTICATED' };

export function statusOf(err: unknown): string {
  const e = err as { code?: unknown; status?: unknown; message?: string } | undefined;
  if (typeof e?.code === 'number' && CODE[e.code]) return CODE[e.code]!;
  if (typeof e?.status === 'string') return e.status;
  if (typeof e?.code === 'string') return e.code;
  if (/ECONNREFUSED|ECONNRESET|ETIMEDOUT|fetch failed|socket hang up/i.test(messageOf(err))) return 'UNAVAILABLE';
  return 'UNKNOWN';
}

const KIND: Record<string, CloudErrorKind> = {
  INVALID_ARGUMENT: 'invalid',
  NOT_FOUND: 'not-found',
  ALREADY_EXISTS: 'conflict',
  PERMISSION_DENIED: 'unauthorized',
  UNAUTHENTICATED: 'unauthorized',
  RESOURCE_EXHAUSTED: 'throttled',
  FAILED_PRECONDITION: 'conflict',
  ABORTED: 'conflict',
  UNAVAILABLE: 'unavailable',
};

/** The statuses that mean a `conditional` call's condition failed. */
const CONDITION_FAILED = new Set(['FAILED_PRECONDITION', 'ABORTED', 'ALREADY_EXISTS']);

/**
 * Whether fnx calls again: UNAVAILABLE and RESOURCE_EXHAUSTED always; ABORTED and
 * FAILED_PRECONDITION when they say an operation is in progress on the resource (waited out), but
 * never an etag mismatch (`etag` calls: a concurrent change) nor a failed condition of a
 * `conditional` call.
 */
export function retryable(err: unknown, opts: Pick<CallOptions, 'etag' | 'conditional'> = {}): boolean {
  const s = statusOf(err);
  if (s === 'UNAVAILABLE' || s === 'RESOURCE_EXHAUSTED') return true;
  if (opts.conditional && CONDITION_FAILED.has(s)) return false;
  if ((s === 'ABORTED' && !opts.etag) || s === 'FAILED_PRECONDITION') return /in progress|being updated|try again|concurrent/i.test(messageOf(err));
  return false;
}

export function isNotFound(err: unknown): boolean {
  return statusOf(err) === 'NOT_FOUND' || (err instanceof CloudError && err.kind === 'not-found');
}

export interface CallOptions {
  /** A mutating call (counted in `writes`). */
  readonly write?: boolean;
  /** ABORTED means the etag precondition failed (a Run service update): CloudError 'precondition', never retried. */
  readonly etag?: boolean;
  /**
   * A write conditional on an etag or on the resource's absence (fnx's stage lease record):
   * FAILED_PRECONDITION (stale etag), ABORTED and ALREADY_EXISTS are CloudError 'precondition',
   * never retried. Such a call is not `write`: it changes no resource of the stage.
   */
  readonly conditional?: boolean;
  readonly signal?: AbortSignal;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the generated clients are typed by the SDKs, loaded lazily */
export type AnyClient = any;

interface Sdk {
  functions: AnyClient;
  services: AnyClient;
  revisions: AnyClient;
  scheduler: AnyClient;
}

export class GcpClients {
  writes = 0;
  uploadedBytes = 0;
  /** Hears about slow progress (a retry, a wait on an operation in progress). */
  notice?: (message: string) => void;
  private sdk?: Promise<Sdk>;
  private readonly idTokens = new Map<string, { token: string; until: number }>();

  constructor(readonly settings: GcpSettings) {}

  get location(): string {
    return `projects/${this.settings.project}/locations/${this.settings.region}`;
  }

  /**
   * Client options: REST fallback, the endpoint override, and an auth client made from the
   * credentials file `env` names (else Application Default Credentials as the library finds them).
   */
  private async options(): Promise<AnyClient> {
    const s = this.settings;
    const { GoogleAuth, JWT, ExternalAccountClient, UserRefreshClient } = await import('google-auth-library');
    const json = s.credentials as Record<string, any> | undefined;
    let authClient: AnyClient;
    if (json?.type === 'service_account') {
      authClient = new JWT();
      authClient.fromJSON(json);
    } else if (json?.type === 'external_account') {
      authClient = ExternalAccountClient.fromJSON(json as AnyClient);
    } else if (json?.type === 'authorized_user') {
      authClient = new UserRefreshClient({ clientId: json.client_id, clientSecret: json.client_secret, refreshToken: json.refresh_token });
    }
    return {
      fallback: true,
      projectId: s.project,
      auth: new GoogleAuth({ projectId: s.project, scopes: undefined, ...(authClient ? { authClient } : {}) }),
      ...(s.endpoint ? { protocol: s.endpoint.protocol, apiEndpoint: s.endpoint.host, port: s.endpoint.port } : {}),
    };
  }

  /** The clients, created on first use (the SDK import alone takes a noticeable fraction of a second). */
  clients(): Promise<Sdk> {
    this.sdk ??= (async () => {
      const [functions, run, scheduler] = await Promise.all([import('@google-cloud/functions'), import('@google-cloud/run'), import('@google-cloud/scheduler')]);
      const o = await this.options();
      return {
        functions: new functions.v2.FunctionServiceClient(o),
        services: new run.v2.ServicesClient(o),
        revisions: new run.v2.RevisionsClient(o),
        scheduler: new scheduler.v1.CloudSchedulerClient(o),
      };
    })();
    return this.sdk;
  }

  /** Authorization headers for plain REST calls (Monitoring, probes), from the same credentials. */
  async authHeaders(url?: string): Promise<Record<string, string>> {
    const { functions } = await this.clients();
    const h: unknown = await functions.auth.getRequestHeaders(url);
    const out: Record<string, string> = {};
    if (h && typeof (h as Headers).forEach === 'function') (h as Headers).forEach((v, k) => (out[k] = v));
    else Object.assign(out, h as Record<string, string>);
    return out;
  }

  /**
   * Authorization for calling a function's URL: a Google-signed ID token with `audience` (the URL),
   * which is what a private Cloud Run service admits (an OAuth access token gets 403). A
   * service-account key signs a jwt-bearer assertion with target_audience and posts it to the key's
   * token_uri; other credentials (gcloud login, metadata server, workload identity) go through
   * google-auth-library's ID token client. Cached per audience for the run (tokens last an hour).
   */
  async idTokenHeaders(audience: string): Promise<Record<string, string>> {
    const cached = this.idTokens.get(audience);
    if (cached && cached.until > Date.now()) return { authorization: `Bearer ${cached.token}` };
    const token = await this.fetchIdToken(audience);
    this.idTokens.set(audience, { token, until: Date.now() + 45 * 60_000 });
    return { authorization: `Bearer ${token}` };
  }

  private async fetchIdToken(audience: string): Promise<string> {
    const key = this.settings.credentials as Record<string, unknown> | undefined;
    if (key?.type === 'service_account' && typeof key.private_key === 'string' && typeof key.client_email === 'string') {
      const tokenUri = typeof key.token_uri === 'string' ? key.token_uri : 'https://oauth2.googleapis.com/token';
      const now = Math.floor(Date.now() / 1000);
      const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const unsigned = `${b64({ alg: 'RS256', typ: 'JWT', ...(typeof key.private_key_id === 'string' ? { kid: key.private_key_id } : {}) })}.${b64({ iss: key.client_email, aud: tokenUri, iat: now, exp: now + 3600, target_audience: audience })}`;
      const signature = createSign('RSA-SHA256').update(unsigned).sign(key.private_key, 'base64url');
      const res = await fetch(tokenUri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: `${unsigned}.${signature}` }),
      });
      const body = (await res.json().catch(() => ({}))) as { id_token?: string; error?: string; error_description?: string };
      if (!res.ok || !body.id_token) throw new Error(`Could not mint an ID token for ${audience}: ${body.error_description ?? body.error ?? `HTTP ${res.status}`}`);
      return body.id_token;
    }
    const { functions } = await this.clients();
    const client: AnyClient = await functions.auth.getIdTokenClient(audience);
    return String(await client.idTokenProvider.fetchIdToken(audience));
  }

  /** Base URL of a REST API (`monitoring`): the endpoint override, else Google's host. */
  restBase(api: string): string {
    return this.settings.endpoint?.url ?? `https://${api}.googleapis.com`;
  }

  /**
   * One plain REST request with the driver's credentials (meant to run inside `call`): the JSON
   * answer, or an error carrying the answer's google.rpc status, which `call` retries and translates.
   */
  async restJson<T>(url: URL, init: { method?: string; body?: unknown } = {}): Promise<T> {
    const headers: Record<string, string> = { ...(await this.authHeaders(url.origin)), ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) };
    const res = await fetch(url, { method: init.method ?? 'GET', headers, ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }) });
    const body = (await res.json().catch(() => ({}))) as { error?: { message?: string; status?: string } } & T;
    if (!res.ok) {
      const status = body.error?.status ?? (res.status === 429 ? 'RESOURCE_EXHAUSTED' : res.status >= 500 ? 'UNAVAILABLE' : res.status === 404 ? 'NOT_FOUND' : 'INVALID_ARGUMENT');
      throw Object.assign(new Error(body.error?.message ?? `${url.host} answered ${res.status}`), { status });
    }
    return body;
  }

  /** One API call with fnx's retries; failures become CloudErrors naming `what`. */
  async call<T>(what: string, fn: (sdk: Sdk) => Promise<T>, opts: CallOptions = {}): Promise<T> {
    const sdk = await this.clients();
    const interrupted = (cause: unknown) => new InterruptedError(`Interrupted while retrying ${what}.`, { cause });
    try {
      return await retry(
        async () => {
          const out = await fn(sdk);
          if (opts.write) this.writes += 1;
          return out;
        },
        {
          options: this.settings.backoff,
          retryable: (err) => retryable(err, opts),
          attemptsFor: (err) => (['ABORTED', 'FAILED_PRECONDITION'].includes(statusOf(err)) ? this.settings.backoff.attempts * 3 : this.settings.backoff.attempts),
          ...(opts.signal ? { signal: opts.signal } : {}),
          interrupted,
          onRetry: (err, next, limit) => this.notice?.(`${what}: ${statusOf(err)}, retrying (${next}/${limit})`),
        },
      );
    } catch (err) {
      throw this.translate(what, err, opts);
    }
  }

  /** A CloudError (or the credentials error) for a failed call. */
  translate(what: string, err: unknown, opts: CallOptions = {}): FnxError {
    if (err instanceof FnxError) return err;
    const message = messageOf(err);
    if (/Could not load the default credentials|Unable to detect a Project Id|invalid_grant|Could not refresh access token/i.test(message)) {
      return new FnxError('E_GCP_CREDENTIALS', `No usable Google Cloud credentials for ${what}: ${message}`, {
        hint: `fnx looked at ${this.settings.tried.join(', ')}. Run \`gcloud auth application-default login\`, or set GOOGLE_APPLICATION_CREDENTIALS to a key file (in CI: workload identity federation).`,
        exitCode: ExitCode.failed,
        cause: err,
      });
    }
    const s = statusOf(err);
    if (s === 'UNAUTHENTICATED') {
      return new FnxError('E_GCP_CREDENTIALS', `Google Cloud did not accept the credentials for ${what}: ${message.replace(/^\d+ [A-Z_]+: /, '')}`, {
        hint: `fnx used the first of: ${this.settings.tried.join(', ')}. Check that the key or login is current (\`gcloud auth application-default login\`) and belongs to project ${this.settings.project}.`,
        exitCode: ExitCode.failed,
        cause: err,
      });
    }
    const kind: CloudErrorKind = (s === 'ABORTED' && opts.etag) || (opts.conditional && CONDITION_FAILED.has(s)) ? 'precondition' : (KIND[s] ?? 'unavailable');
    return new CloudError('gcp', kind, `${what} failed: ${s}: ${message.replace(/^\d+ [A-Z_]+: /, '')}`, { cause: err });
  }

  /** Polls the long-running operation `name` (of the Functions or Run API) until done; returns its response or throws its error. */
  async wait(what: string, op: { name?: string; done?: boolean; error?: { code?: number; message?: string } | null; response?: unknown }, api: 'functions' | 'run', signal?: AbortSignal): Promise<unknown> {
    let current = op;
    while (!current.done) {
      await sleep(this.settings.pollMs, signal).catch((cause: unknown) => {
        throw new InterruptedError(`Interrupted while waiting for ${what}; it goes on in Google Cloud.`, { cause });
      });
      current = await this.call(`${what} (operation)`, async (sdk) => {
        const client = api === 'functions' ? sdk.functions : sdk.services;
        const [o] = await client.operationsClient.getOperation({ name: current.name });
        return o as typeof op;
      });
    }
    if (current.error && current.error.code) {
      throw new CloudError('gcp', current.error.code === 3 ? 'invalid' : 'unavailable', `${what} failed: ${current.error.message ?? `operation error ${current.error.code}`}`);
    }
    return decodeAny(current.response);
  }

  /** PUTs a zip to a signed upload URL (no Authorization header: the URL is the credential). */
  async upload(url: string, zip: Buffer, signal?: AbortSignal): Promise<void> {
    await this.call('upload of the function source', async () => {
      const res = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/zip' }, body: new Uint8Array(zip), ...(signal ? { signal } : {}) });
      if (!res.ok) {
        const text = await res.text();
        throw Object.assign(new Error(`upload answered ${res.status}: ${text.slice(0, 300)}`), { code: res.status >= 500 ? 14 : res.status === 429 ? 8 : 3 });
      }
    }, { write: true });
    this.uploadedBytes += zip.length;
  }
}

/** An operation's `response` (a google.protobuf.Any: value bytes, or a JSON object with @type) as plain JSON when it can be read. */
function decodeAny(response: unknown): unknown {
  if (!response || typeof response !== 'object') return response;
  const r = response as { value?: unknown };
  if (r.value instanceof Uint8Array || Buffer.isBuffer(r.value)) return undefined;
  return response;
}
