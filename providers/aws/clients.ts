/**
 * SDK clients and the one call path every AWS request takes: bounded retry (retry.ts), error
 * translation (errors.ts), and counting of mutating calls and uploaded bytes (ApplyResult).
 *
 * Everything is read from the command's `env`, never from process.env. Region: the manifest's
 * providers.aws.region wins; AWS_REGION is the fallback when the manifest has none. Endpoint
 * overrides (AWS_ENDPOINT_URL[_<SERVICE>], unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true) and
 * static keys (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN; ignored when a profile
 * is named, as the SDK does) are passed to the clients explicitly. A profile (providers.aws.profile
 * or AWS_PROFILE) is passed by name; the SDK resolves it, SSO and instance roles from the AWS
 * config files.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ApiGatewayV2Client as APIGatewayClient } from '@aws-sdk/client-apigatewayv2';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { type Environment, positiveNumberFromEnv } from '../../src/driver.js';
import type { AwsProviderConfig } from './config.js';
import { errorKind, isForeignResponse, translateError, type CredentialSource } from './errors.js';
import { defaultRetry, fastRetry, isRetryable, withRetry, type RetryOptions } from './retry.js';

const WRITE_PREFIXES = ['Create', 'Update', 'Put', 'Delete', 'Publish', 'Tag', 'Untag', 'Add', 'Remove', 'Subscribe', 'Unsubscribe', 'Attach', 'Detach'];

export function isWriteOperation(operation: string): boolean {
  return WRITE_PREFIXES.some((p) => operation.startsWith(p));
}

/** Delays (seconds, as the SDK waiters take them) for waitUntil* calls. */
export interface WaiterTiming {
  readonly minDelay: number;
  readonly maxDelay: number;
  readonly maxWaitTime: number;
}

export interface AwsSettings {
  readonly region: string;
  readonly profile?: string;
  /** The profile credentials come from, and where it is named (the SDK reads AWS_PROFILE itself), for error messages. */
  readonly credentials: CredentialSource;
  /** True when AWS_ENDPOINT_URL points the SDK elsewhere (an emulator): shorter waits, path-style S3. */
  readonly localEndpoint: boolean;
  /** The endpoint override in effect, as `VARIABLE=url`, for error hints. */
  readonly endpoint?: string;
  readonly retry: RetryOptions;
  readonly waiter: WaiterTiming;
  /** Artifacts larger than this go through S3 (Lambda's direct upload limit, lowered only for tests). */
  readonly directUploadBytes: number;
  /** Endpoint overrides per client (AwsClients' keys), from AWS_ENDPOINT_URL[_<SERVICE>]. */
  readonly endpoints: Readonly<Partial<Record<ClientKey, string>>>;
  /** Static keys from the environment, when no profile is named. */
  readonly staticCredentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
}

/** The SDK clients fnx uses, and the suffix of their AWS_ENDPOINT_URL_<SERVICE> variable (the SDK's service id). */
const SERVICE_IDS = {
  lambda: 'LAMBDA',
  iam: 'IAM',
  sts: 'STS',
  events: 'EVENTBRIDGE',
  s3: 'S3',
  sns: 'SNS',
  apigw: 'APIGATEWAYV2',
  cloudwatch: 'CLOUDWATCH',
  logs: 'CLOUDWATCH_LOGS',
  dynamodb: 'DYNAMODB',
  kinesis: 'KINESIS',
} as const;
type ClientKey = keyof typeof SERVICE_IDS;

function endpointOverrides(env: Environment): Partial<Record<ClientKey, string>> {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true') return {};
  const out: Partial<Record<ClientKey, string>> = {};
  for (const [key, id] of Object.entries(SERVICE_IDS) as [ClientKey, string][]) {
    const url = env[`AWS_ENDPOINT_URL_${id}`] || env.AWS_ENDPOINT_URL;
    if (url) out[key] = url;
  }
  return out;
}

const DIRECT_UPLOAD_BYTES = 50 * 1024 * 1024;

/** Reads the settings from the manifest's aws block and the environment. */
export function awsSettings(config: AwsProviderConfig | undefined, env: Environment): AwsSettings {
  const region = config?.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const localEndpoint = Boolean(env.AWS_ENDPOINT_URL || env.AWS_ENDPOINT_URL_LAMBDA);
  const endpoint = env.AWS_ENDPOINT_URL ? `AWS_ENDPOINT_URL=${env.AWS_ENDPOINT_URL}` : env.AWS_ENDPOINT_URL_LAMBDA ? `AWS_ENDPOINT_URL_LAMBDA=${env.AWS_ENDPOINT_URL_LAMBDA}` : undefined;
  const delayMs = positiveNumberFromEnv(env, 'FNX_AWS_WAITER_DELAY_MS', 'E_USAGE_AWS_WAITER_DELAY', 'The minimum delay of the AWS waiters in milliseconds, e.g. 1000; unset it for the default.') ?? (localEndpoint ? 50 : 1000);
  const direct = positiveNumberFromEnv(env, 'FNX_AWS_DIRECT_UPLOAD_BYTES', 'E_USAGE_AWS_DIRECT_UPLOAD', 'A size in bytes below Lambda\'s 50 MB direct-upload limit (a testing aid); unset it for the default.');
  const profile = config?.profile || env.AWS_PROFILE || undefined;
  const keys = !profile && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) } : undefined;
  return {
    region,
    ...(profile ? { profile } : {}),
    credentials: config?.profile ? { profile: config.profile, profileFrom: 'providers.aws.profile' } : env.AWS_PROFILE ? { profile: env.AWS_PROFILE, profileFrom: 'AWS_PROFILE' } : {},
    localEndpoint,
    ...(endpoint ? { endpoint } : {}),
    retry: localEndpoint ? fastRetry : defaultRetry,
    waiter: { minDelay: delayMs / 1000, maxDelay: Math.max(delayMs / 1000, localEndpoint ? 0.5 : 10), maxWaitTime: localEndpoint ? 120 : 900 },
    directUploadBytes: direct ?? DIRECT_UPLOAD_BYTES,
    endpoints: endpointOverrides(env),
    ...(keys ? { staticCredentials: keys } : {}),
  };
}

export interface CallOptions {
  /** Resource named in error messages. */
  readonly resource?: string;
  /** Narrows which failures are retried (default: throttled, unavailable, conflict, IAM propagation). */
  readonly retryable?: (err: unknown) => boolean;
  /** A write of fnx's own bookkeeping (the stage lease), not of the stage: left out of `writes`. */
  readonly uncounted?: boolean;
}

/** The abort signal of the read-only work in progress (see AwsClients.interruptible). */
const readOnlyScope = new AsyncLocalStorage<AbortSignal>();

/** Clients (created on first use) plus the counting, retrying call path. */
export class AwsClients {
  writes = 0;
  uploadedBytes = 0;
  /**
   * Receives one progress line, the first time a call is retried because AWS is unreachable,
   * unavailable or throttling (the driver connects it to the command's reporter).
   */
  notice?: (message: string) => void;
  private retryNoticed = false;
  private readonly cache = new Map<string, unknown>();

  constructor(readonly settings: AwsSettings) {}

  private client<T>(key: ClientKey, make: (config: Record<string, unknown>) => T): T {
    let c = this.cache.get(key) as T | undefined;
    if (!c) {
      const endpoint = this.settings.endpoints[key];
      c = make({
        region: this.settings.region,
        maxAttempts: 4,
        ...(this.settings.profile ? { profile: this.settings.profile } : {}),
        ...(this.settings.staticCredentials ? { credentials: this.settings.staticCredentials } : {}),
        ...(endpoint ? { endpoint } : {}),
      });
      this.cache.set(key, c);
    }
    return c;
  }

  get lambda(): LambdaClient {
    return this.client('lambda', (c) => new LambdaClient(c));
  }
  get iam(): IAMClient {
    return this.client('iam', (c) => new IAMClient(c));
  }
  get sts(): STSClient {
    return this.client('sts', (c) => new STSClient(c));
  }
  get events(): EventBridgeClient {
    return this.client('events', (c) => new EventBridgeClient(c));
  }
  get s3(): S3Client {
    return this.client('s3', (c) => new S3Client({ ...c, ...(this.settings.localEndpoint ? { forcePathStyle: true } : {}) }));
  }
  get sns(): SNSClient {
    return this.client('sns', (c) => new SNSClient(c));
  }
  get apigw(): APIGatewayClient {
    return this.client('apigw', (c) => new APIGatewayClient(c));
  }
  /** CloudWatch is loaded on first use (only release health checks need it). */
  async cloudwatch(): Promise<CloudWatchClient> {
    const { CloudWatchClient: Client } = await import('@aws-sdk/client-cloudwatch');
    return this.client('cloudwatch', (c) => new Client(c));
  }
  /** DynamoDB is loaded on first use (only stream triggers on tables need it). */
  async dynamodb(): Promise<DynamoDBClient> {
    const { DynamoDBClient: Client } = await import('@aws-sdk/client-dynamodb');
    return this.client('dynamodb', (c) => new Client(c));
  }
  /**
   * Kinesis is loaded on first use (only stream triggers on data streams need it). Its client
   * defaults to HTTP/2 (for SubscribeToShard, which fnx never calls); fnx's describe calls go over
   * HTTP/1.1 like every other client's, so endpoint overrides behave the same.
   */
  async kinesis(): Promise<KinesisClient> {
    const [{ KinesisClient: Client }, { NodeHttpHandler }] = await Promise.all([import('@aws-sdk/client-kinesis'), import('@smithy/node-http-handler')]);
    return this.client('kinesis', (c) => new Client({ ...c, requestHandler: new NodeHttpHandler() }));
  }
  get logs(): CloudWatchLogsClient {
    return this.client('logs', (c) => new CloudWatchLogsClient(c));
  }

  /**
   * Runs one AWS operation with retries; translates failures into FnxError/CloudError and counts
   * mutating operations (every attempt of a write counts: that is what the cloud saw).
   */
  async call<T>(operation: string, send: () => Promise<T>, options: CallOptions = {}): Promise<T> {
    const write = isWriteOperation(operation) && !options.uncounted;
    try {
      return await withRetry(
        () => {
          if (write) this.writes += 1;
          return send();
        },
        this.settings.retry,
        // A server that is not AWS at an endpoint override will not become AWS on a retry.
        (err) => !(this.settings.endpoint && isForeignResponse(err)) && (options.retryable ?? isRetryable)(err),
        readOnlyScope.getStore(),
        (err, next, limit) => this.noticeRetry(err, next, limit),
      );
    } catch (err) {
      throw translateError(err, operation, options.resource, this.settings.endpoint, this.settings.credentials);
    }
  }

  private noticeRetry(err: unknown, next: number, limit: number): void {
    const kind = errorKind(err);
    if (this.retryNoticed || !this.notice || (kind !== 'unavailable' && kind !== 'throttled')) return;
    this.retryNoticed = true;
    const what = kind === 'throttled' ? 'throttled by AWS' : this.settings.endpoint ? `endpoint ${this.settings.endpoint} unreachable or unavailable` : 'endpoint unreachable or unavailable';
    this.notice(`aws: ${what}, retrying (attempt ${next}/${limit})...`);
  }

  /**
   * Runs read-only work (inspect) whose calls stop retrying once `signal` aborts, so Ctrl-C while
   * AWS is unreachable ends at once (InterruptedError). Writes and traffic moves never use this:
   * their retries must finish.
   */
  interruptible<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    return readOnlyScope.run(signal, work);
  }

  /** Like call(), but resolves undefined when the resource does not exist. */
  async find<T>(operation: string, send: () => Promise<T>, options: CallOptions = {}): Promise<T | undefined> {
    try {
      return await this.call(operation, send, options);
    } catch (err) {
      if ((err as { kind?: string }).kind === 'not-found') return undefined;
      throw err;
    }
  }

  destroy(): void {
    for (const c of this.cache.values()) (c as { destroy?: () => void }).destroy?.();
    this.cache.clear();
  }
}
