/**
 * The Azure SDK clients of one driver, built from the command's `env`:
 *   - credentials, environment first: a service principal (AZURE_TENANT_ID, AZURE_CLIENT_ID and
 *     AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH), workload identity
 *     (AZURE_FEDERATED_TOKEN_FILE: GitHub Actions, Kubernetes), then managed identity and `az
 *     login`; AZURE_AUTHORITY_HOST names another Entra ID authority (sovereign clouds);
 *   - the subscription from the manifest, else AZURE_SUBSCRIPTION_ID;
 *   - the ARM endpoint AZURE_RESOURCE_MANAGER_ENDPOINT (default https://management.azure.com),
 *     the variable Azure's own tools read for sovereign clouds and Azure Stack, and the token
 *     audience AZURE_RESOURCE_MANAGER_AUDIENCE (default: the public cloud's, or the sovereign
 *     cloud's of a known endpoint). ARM and the scm endpoints get tokens for that audience.
 * Every ARM call goes through call(): retries of throttling, conflicts (an operation in
 * progress) and unavailability with backoff, errors as CloudError kinds, writes counted.
 */
import { WebSiteManagementClient } from '@azure/arm-appservice';
import { ResourceManagementClient } from '@azure/arm-resources';
import { StorageManagementClient } from '@azure/arm-storage';
import { AzureCliCredential, ChainedTokenCredential, ClientCertificateCredential, ClientSecretCredential, ManagedIdentityCredential, WorkloadIdentityCredential } from '@azure/identity';
import type { TokenCredential } from '@azure/identity';
import { CloudError, ExitCode, FnxError, InterruptedError, positiveNumberFromEnv, retry, type Environment } from '../../src/driver.js';
import type { AzureProviderConfig } from './config.js';
import { errorKind, toCloudError } from './errors.js';

export const DEFAULT_ARM_ENDPOINT = 'https://management.azure.com';

export interface AzureSettings {
  readonly subscriptionId: string;
  readonly armEndpoint: string;
  /** Token scope for ARM and scm calls, e.g. https://management.azure.com/.default. */
  readonly armScope: string;
  /** A local endpoint (127.0.0.1, localhost): short polling and backoff. */
  readonly local: boolean;
  readonly credential: TokenCredential;
  readonly tried: string;
  /** How long one SDK request may go unanswered before it is abandoned (and retried as 'unavailable'). */
  readonly attemptTimeoutMs: number;
}

/** ARM answers a synchronous request well within this; long-running work is polled, one short request at a time. */
const ATTEMPT_TIMEOUT_MS = 120_000;

function credentialOf(env: Environment): { credential: TokenCredential; tried: string } {
  const authorityHost = env.AZURE_AUTHORITY_HOST;
  // A custom authority (Azure Stack, ADFS, a local one) is not in Entra ID's instance metadata.
  const authority = authorityHost ? { authorityHost, disableInstanceDiscovery: !/login\.(microsoftonline|chinacloudapi|microsoftonline\.us)/.test(authorityHost) } : {};
  const { AZURE_TENANT_ID: tenant, AZURE_CLIENT_ID: client } = env;
  if (tenant && client && env.AZURE_CLIENT_SECRET) return { credential: new ClientSecretCredential(tenant, client, env.AZURE_CLIENT_SECRET, authority), tried: 'a service principal secret (AZURE_CLIENT_SECRET)' };
  if (tenant && client && env.AZURE_CLIENT_CERTIFICATE_PATH) {
    return { credential: new ClientCertificateCredential(tenant, client, { certificatePath: env.AZURE_CLIENT_CERTIFICATE_PATH, ...(env.AZURE_CLIENT_CERTIFICATE_PASSWORD ? { certificatePassword: env.AZURE_CLIENT_CERTIFICATE_PASSWORD } : {}) }, authority), tried: 'a service principal certificate (AZURE_CLIENT_CERTIFICATE_PATH)' };
  }
  if (tenant && client && env.AZURE_FEDERATED_TOKEN_FILE) return { credential: new WorkloadIdentityCredential({ tenantId: tenant, clientId: client, tokenFilePath: env.AZURE_FEDERATED_TOKEN_FILE, ...authority }), tried: 'workload identity (AZURE_FEDERATED_TOKEN_FILE)' };
  const managed = client ? new ManagedIdentityCredential({ clientId: client }) : new ManagedIdentityCredential();
  return { credential: new ChainedTokenCredential(managed, new AzureCliCredential(tenant ? { tenantId: tenant } : {})), tried: 'environment variables (none set), managed identity and the Azure CLI (`az login`)' };
}

export function azureSettings(config: AzureProviderConfig, env: Environment): AzureSettings {
  const subscriptionId = config.subscriptionId ?? env.AZURE_SUBSCRIPTION_ID;
  if (!subscriptionId) {
    throw new FnxError('E_AZURE_SUBSCRIPTION', 'No Azure subscription: `providers.azure.subscriptionId` is not set and neither is AZURE_SUBSCRIPTION_ID.', {
      hint: 'Set AZURE_SUBSCRIPTION_ID (e.g. `export AZURE_SUBSCRIPTION_ID=$(az account show --query id -o tsv)`) or `subscriptionId:` under `providers.azure`.',
      exitCode: ExitCode.usage,
    });
  }
  const armEndpoint = (env.AZURE_RESOURCE_MANAGER_ENDPOINT ?? DEFAULT_ARM_ENDPOINT).replace(/\/+$/, '');
  if (!/^https:\/\//.test(armEndpoint)) {
    throw new FnxError('E_AZURE_ENDPOINT', `AZURE_RESOURCE_MANAGER_ENDPOINT must be an https URL (got ${armEndpoint}).`, { hint: 'Azure sends bearer tokens over https only.', exitCode: ExitCode.usage });
  }
  const local = /^https:\/\/(127\.0\.0\.1|localhost)(:|\/|$)/.test(armEndpoint);
  const audience = env.AZURE_RESOURCE_MANAGER_AUDIENCE ?? (/usgovcloudapi\.net/.test(armEndpoint) ? 'https://management.usgovcloudapi.net' : /chinacloudapi\.cn/.test(armEndpoint) ? 'https://management.chinacloudapi.cn' : 'https://management.azure.com');
  const attemptTimeoutMs = positiveNumberFromEnv(env, 'FNX_AZURE_ATTEMPT_TIMEOUT_MS', 'E_USAGE_AZURE_ATTEMPT_TIMEOUT', 'How long one Azure request may go unanswered, in milliseconds (a testing aid); unset it for the default of 120000.') ?? ATTEMPT_TIMEOUT_MS;
  return { subscriptionId, armEndpoint, armScope: `${audience.replace(/\/+$/, '').replace(/\/\.default$/, '')}/.default`, local, attemptTimeoutMs, ...credentialOf(env) };
}

export interface CallOptions {
  /** Counts as a mutating call. */
  readonly write?: boolean;
  /** Kinds that reach the caller at once (e.g. 'not-found' on a read that may miss). */
  readonly expect?: readonly string[];
}

export class AzureClients {
  readonly web: WebSiteManagementClient;
  readonly resources: ResourceManagementClient;
  readonly storage: StorageManagementClient;
  writes = 0;
  uploadedBytes = 0;
  /** Where retries of slow or failing calls are reported. */
  notice?: (message: string) => void;
  readonly poll: { readonly updateIntervalInMs: number };

  constructor(readonly settings: AzureSettings) {
    const options = {
      endpoint: settings.armEndpoint,
      credentials: { scopes: [settings.armScope] },
      retryOptions: { maxRetries: settings.local ? 1 : 3, retryDelayInMs: settings.local ? 20 : 800 },
      additionalPolicies: [{ policy: attemptTimeout(settings.attemptTimeoutMs), position: 'perRetry' as const }],
    };
    this.web = new WebSiteManagementClient(settings.credential, settings.subscriptionId, options);
    this.resources = new ResourceManagementClient(settings.credential, settings.subscriptionId, options);
    this.storage = new StorageManagementClient(settings.credential, settings.subscriptionId, options);
    this.poll = { updateIntervalInMs: settings.local ? 20 : 2000 };
  }

  get backoff() {
    return this.settings.local ? { attempts: 12, baseDelayMs: 20, maxDelayMs: 300 } : { attempts: 8, baseDelayMs: 500, maxDelayMs: 10_000 };
  }

  /** Runs one Azure call with fnx's retries; `what` names it in errors. */
  async call<T>(what: string, fn: () => Promise<T>, o: CallOptions = {}): Promise<T> {
    try {
      return await retry(async () => {
        const out = await fn();
        if (o.write) this.writes += 1;
        return out;
      }, {
        options: this.backoff,
        retryable: (err) => {
          // fnx's own verdicts (a refused credential, a usage error) are final; only the cloud's answers are retried.
          if (isCredentialError(err) || (err instanceof FnxError && !(err instanceof CloudError))) return false;
          const kind = errorKind(err);
          return !o.expect?.includes(kind) && (kind === 'throttled' || kind === 'conflict' || kind === 'unavailable');
        },
        onRetry: (err, next, limit) => this.notice?.(`azure: ${what}: ${errorKind(err)}, retrying (${next}/${limit})`),
      });
    } catch (err) {
      if (err instanceof InterruptedError) throw err;
      if (isCredentialError(err)) throw this.credentialError(err);
      throw toCloudError(err, what);
    }
  }

  /** Runs a read that may find nothing: undefined for 'not-found'. */
  async find<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await this.call(what, fn, { expect: ['not-found'] });
    } catch (err) {
      if (errorKind(err) === 'not-found') return undefined;
      throw err;
    }
  }

  private credentialError(err: unknown): FnxError {
    return new FnxError('E_AZURE_CREDENTIALS', `No Azure credentials worked: fnx tried ${this.settings.tried}. ${(err as Error).message?.split('\n')[0] ?? ''}`.trim(), {
      hint: 'Sign in with `az login`, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (a service principal), or use workload identity in CI (azure/login with OIDC).',
      exitCode: ExitCode.failed,
    });
  }

  /** A bearer token for ARM (also accepted by the scm endpoints) or another scope. */
  async token(scope = this.settings.armScope): Promise<string> {
    try {
      const t = await this.settings.credential.getToken(scope);
      if (!t) throw new Error('no token');
      return t.token;
    } catch (err) {
      throw this.credentialError(err);
    }
  }

  /** An HTTPS request to a data-plane host (scm, blob) with a bearer token; not retried here. */
  async fetch(url: string, init: { method: string; body?: Buffer; headers?: Record<string, string>; scope?: string }): Promise<Response> {
    const headers = { authorization: `Bearer ${await this.token(init.scope)}`, ...(init.headers ?? {}) };
    try {
      return await fetch(url, { method: init.method, headers, ...(init.body ? { body: new Uint8Array(init.body) } : {}) });
    } catch (err) {
      throw toCloudError(err, `${init.method} ${url.replace(/\?.*$/, '')}`);
    }
  }
}

function isCredentialError(err: unknown): boolean {
  const name = (err as { name?: string })?.name ?? '';
  return ['CredentialUnavailableError', 'AuthenticationError', 'AggregateAuthenticationError', 'AuthenticationRequiredError'].includes(name) || /\bAADSTS\d+/.test((err as { message?: string })?.message ?? '');
}

interface TimedRequest {
  timeout: number;
}

/**
 * A pipeline policy: every SDK request that sets no timeout of its own is abandoned after `ms`
 * without an answer (the SDK sets none, so a connection that never answers would hang the run).
 * The abandoned attempt fails with code ETIMEDOUT and no status: kind 'unavailable', retried.
 */
function attemptTimeout(ms: number) {
  const timed = new WeakSet<TimedRequest>();
  return {
    name: 'fnxAttemptTimeout',
    async sendRequest<Req extends TimedRequest, Res>(request: Req, next: (request: Req) => Promise<Res>): Promise<Res> {
      if (!(request.timeout > 0)) {
        request.timeout = ms;
        timed.add(request);
      }
      try {
        return await next(request);
      } catch (err) {
        if (!timed.has(request) || (err as { name?: string }).name !== 'AbortError') throw err;
        throw Object.assign(new Error(`no answer within ${ms / 1000} s`), { code: 'ETIMEDOUT', cause: err });
      }
    },
  };
}
