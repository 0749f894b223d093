/**
 * Azure failures as CloudError kinds, in one place. ARM answers `{"error":{"code","message"}}`
 * with an HTTP status; the SDK raises RestError (statusCode, code), the scm endpoints plain HTTP.
 */
import { CloudError, FnxError, type CloudErrorKind } from '../../src/driver.js';

interface RestLike {
  readonly statusCode?: number;
  readonly code?: string;
  readonly message?: string;
  readonly name?: string;
}

export function statusKind(status: number | undefined, code = ''): CloudErrorKind {
  if (status === 404 || /NotFound/i.test(code)) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 412) return 'precondition';
  if (status === 429) return 'throttled';
  if (status === 401 || status === 403) return 'unauthorized';
  if (status !== undefined && status >= 400 && status < 500) return 'invalid';
  return 'unavailable';
}

/** The kind of any error an Azure call raised (a network failure is 'unavailable'). */
export function errorKind(err: unknown): CloudErrorKind {
  if (err instanceof CloudError) return err.kind;
  const e = err as RestLike;
  return statusKind(e?.statusCode, e?.code);
}

/** `err` as the CloudError the core sees (FnxErrors pass through). */
export function toCloudError(err: unknown, what: string): FnxError {
  if (err instanceof FnxError) return err;
  const e = err as RestLike;
  const kind = errorKind(err);
  const code = e?.code ? ` (${e.code})` : '';
  const hint =
    kind === 'unauthorized'
      ? 'The identity fnx signed in with lacks a role on the subscription or resource group: Contributor (or Website Contributor and Storage Account Contributor) is needed.'
      : kind === 'unavailable'
        ? 'Azure could not be reached or failed: run the same command again (fnx converges), and check AZURE_RESOURCE_MANAGER_ENDPOINT if it is set.'
        : undefined;
  return new CloudError('azure', kind, `${what}: ${e?.message ?? String(err)}${code}`, { ...(hint ? { hint } : {}), cause: err });
}
