/**
 * Translation of AWS SDK exceptions into fnx CloudError kinds. The core branches on kinds only;
 * this is the one place that knows AWS exception names.
 */
import { CloudError, type CloudErrorKind, ExitCode, FnxError } from '../../src/driver.js';

interface SdkErrorLike {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: 'client' | 'server';
}

const BY_NAME: Readonly<Record<string, CloudErrorKind>> = {
  TooManyRequestsException: 'throttled',
  ThrottlingException: 'throttled',
  Throttling: 'throttled',
  ThrottledException: 'throttled',
  RequestLimitExceeded: 'throttled',
  SlowDown: 'throttled',
  ResourceConflictException: 'conflict',
  ConflictException: 'conflict',
  ConcurrentModificationException: 'conflict',
  ConcurrentModification: 'conflict',
  OperationAbortedException: 'conflict',
  OperationAborted: 'conflict',
  ResourceInUseException: 'conflict',
  PreconditionFailedException: 'precondition',
  PreconditionFailed: 'precondition',
  // S3: a conditional write (If-Match / If-None-Match) raced another write of the same key.
  ConditionalRequestConflict: 'precondition',
  ResourceNotFoundException: 'not-found',
  NotFoundException: 'not-found',
  NoSuchEntity: 'not-found',
  NoSuchEntityException: 'not-found',
  NoSuchBucket: 'not-found',
  NotFound: 'not-found',
  NotFoundError: 'not-found',
  'AWS.SimpleQueueService.NonExistentQueue': 'not-found',
  QueueDoesNotExist: 'not-found',
  ProvisionedConcurrencyConfigNotFoundException: 'not-found',
  AccessDenied: 'unauthorized',
  AccessDeniedException: 'unauthorized',
  AuthorizationError: 'unauthorized',
  UnrecognizedClientException: 'unauthorized',
  InvalidClientTokenId: 'unauthorized',
  InvalidSignatureException: 'unauthorized',
  SignatureDoesNotMatch: 'unauthorized',
  ExpiredToken: 'unauthorized',
  ExpiredTokenException: 'unauthorized',
  UnauthorizedException: 'unauthorized',
  LimitExceeded: 'quota',
  LimitExceededException: 'quota',
  CodeStorageExceededException: 'quota',
  ServiceQuotaExceededException: 'quota',
  TooManyBuckets: 'quota',
  InvalidParameterValueException: 'invalid',
  InvalidRequestContentException: 'invalid',
  ValidationException: 'invalid',
  ValidationError: 'invalid',
  MalformedPolicyDocument: 'invalid',
  MalformedPolicyDocumentException: 'invalid',
  BadRequestException: 'invalid',
  RequestTooLargeException: 'invalid',
  InvalidParameterException: 'invalid',
  InvalidArgument: 'invalid',
  EntityAlreadyExists: 'conflict',
  EntityAlreadyExistsException: 'conflict',
  ResourceAlreadyExistsException: 'conflict',
  BucketAlreadyOwnedByYou: 'conflict',
  ServiceException: 'unavailable',
  ServiceUnavailableException: 'unavailable',
  ServiceUnavailable: 'unavailable',
  InternalFailure: 'unavailable',
  InternalError: 'unavailable',
  InternalServerError: 'unavailable',
  InternalServerErrorException: 'unavailable',
  EC2ThrottledException: 'throttled',
};

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'TimeoutError', 'RequestTimeout']);

const HINTS: Readonly<Record<CloudErrorKind, string>> = {
  throttled: 'AWS is throttling requests: retry in a minute, or lower --concurrency.',
  conflict: 'Another operation is changing this resource: wait for it to finish and run the command again.',
  precondition: 'Another deploy changed this stage concurrently. Check `fnx status`, then run the command again.',
  'not-found': 'Check the name and region, or run `fnx deploy` first.',
  unauthorized: 'The AWS credentials in use lack a permission: check the IAM policy of the caller (AWS_PROFILE / role).',
  quota: 'An AWS service quota was reached: raise it in the Service Quotas console or delete unused resources.',
  invalid: 'AWS rejected the request: check the manifest values named in the message.',
  unavailable: 'AWS is unavailable or the network failed: run the command again (fnx converges).',
};

/** Name of an SDK error (exception class name, or Node network code). */
export function errorName(err: unknown): string {
  const e = err as SdkErrorLike | undefined;
  return e?.name && e.name !== 'Error' ? e.name : (e?.code ?? 'Error');
}

/** The CloudError kind of any SDK failure. */
export function errorKind(err: unknown): CloudErrorKind {
  if (err instanceof CloudError) return err.kind;
  const e = err as SdkErrorLike | undefined;
  const name = errorName(err);
  const byName = BY_NAME[name];
  if (byName) return byName;
  if (NETWORK_CODES.has(name) || (e?.code && NETWORK_CODES.has(e.code))) return 'unavailable';
  const status = e?.$metadata?.httpStatusCode;
  if (status === 429) return 'throttled';
  if (status === 412) return 'precondition';
  if (status === 409) return 'conflict';
  if (status === 404) return 'not-found';
  if (status === 401 || status === 403) return 'unauthorized';
  if ((status !== undefined && status >= 500) || e?.$fault === 'server') return 'unavailable';
  return 'invalid';
}

export function isCredentialsError(err: unknown): boolean {
  const name = errorName(err);
  const message = (err as SdkErrorLike | undefined)?.message ?? '';
  return name === 'CredentialsProviderError' || /could not load credentials|credential is missing|Unable to locate credentials/i.test(message);
}

/** Where the credentials were to come from: a named profile, or the SDK's default chain. */
export interface CredentialSource {
  readonly profile?: string;
  /** `AWS_PROFILE` or `providers.aws.profile`. */
  readonly profileFrom?: string;
}

export function credentialsError(cause?: unknown, source: CredentialSource = {}): FnxError {
  if (source.profile) {
    const setting = source.profileFrom === 'AWS_PROFILE' ? `AWS_PROFILE=${source.profile}` : `providers.aws.profile \`${source.profile}\``;
    return new FnxError('E_AWS_CREDENTIALS', `The AWS profile named by ${setting} gave no credentials: fnx could not authenticate to AWS.`, {
      hint: `Log in again if the profile uses SSO (\`aws sso login --profile ${source.profile}\`), check it with \`aws sts get-caller-identity --profile ${source.profile}\`, or use another profile.`,
      exitCode: ExitCode.failed,
      cause,
    });
  }
  return new FnxError('E_AWS_CREDENTIALS', 'No AWS credentials found: fnx could not authenticate to AWS.', {
    hint: 'Set AWS_PROFILE (after `aws configure` or `aws sso login`), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run in an environment with an IAM role.',
    exitCode: ExitCode.failed,
    cause,
  });
}

interface ResponseLike {
  $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
}

/**
 * True when what answered was not an AWS service: the SDK could not read the response at all, or
 * it was a web page (AWS APIs never answer text/html).
 */
export function isForeignResponse(err: unknown): boolean {
  const message = (err as SdkErrorLike | undefined)?.message ?? '';
  const type = (err as ResponseLike | undefined)?.$response?.headers?.['content-type'] ?? '';
  return (/Deserialization error/i.test(message) || /^text\/html/i.test(type)) && !BY_NAME[errorName(err)];
}

function foreignResponse(err: unknown, operation: string, endpoint: string | undefined): FnxError {
  const response = (err as ResponseLike).$response;
  const status = response?.statusCode ?? (err as SdkErrorLike).$metadata?.httpStatusCode;
  const type = response?.headers?.['content-type'];
  const answer = [status !== undefined ? `HTTP ${status}` : undefined, type ? type.split(';')[0] : undefined].filter(Boolean).join(', ');
  const what = `answered ${operation}${answer ? ` with ${answer}` : ''}, which is not an AWS response`;
  return new FnxError('E_AWS_NOT_AWS', endpoint ? `The server at ${endpoint} is not an AWS endpoint: it ${what}.` : `Something other than AWS ${what}.`, {
    hint: endpoint
      ? `Point ${endpoint.split('=')[0]} at an AWS-compatible endpoint (such as an emulator's URL, e.g. http://127.0.0.1:4566), or unset it to use AWS itself.`
      : 'A proxy or captive portal may be answering instead of AWS: check HTTPS_PROXY and the network, then run the command again.',
    exitCode: ExitCode.failed,
    cause: err,
    details: { operation },
  });
}

/**
 * Wraps any SDK failure into an FnxError: credentials problems into E_AWS_CREDENTIALS (naming the
 * profile in use), a response that is not AWS's into E_AWS_NOT_AWS, everything else into a
 * CloudError naming the operation and the resource. `endpoint` (an endpoint override such as
 * `AWS_ENDPOINT_URL=...`) is named when the endpoint did not answer or is not AWS.
 */
export function translateError(err: unknown, operation: string, resource?: string, endpoint?: string, credentials: CredentialSource = {}): FnxError {
  if (err instanceof FnxError) return err;
  if (isCredentialsError(err)) return credentialsError(err, credentials);
  if (isForeignResponse(err)) return foreignResponse(err, operation, endpoint);
  const kind = errorKind(err);
  const message = ((err as SdkErrorLike | undefined)?.message ?? String(err)).replace(/\s+/g, ' ').trim();
  const where = resource ? ` (${resource})` : '';
  return new CloudError('aws', kind, `AWS ${operation}${where} failed: ${errorName(err)}: ${message}`, {
    hint: kind === 'unavailable' && endpoint ? `Nothing usable answered at ${endpoint} (set in the environment): start the service there, or unset the variable to use AWS itself; then run the command again.` : HINTS[kind],
    cause: err,
    details: { operation, ...(resource ? { resource } : {}), awsError: errorName(err) },
  });
}
