/**
 * fnx's own bounded retry on top of the SDK's standard retry: the SDK retries throttling and 5xx
 * a few times; this wrapper also waits out ResourceConflictException (an update in progress), IAM
 * propagation delays, and gives throttling/5xx a few more rounds with exponential backoff and full
 * jitter. Preconditions, not-found and invalid input are never retried.
 */
import { backoffMs, type BackoffOptions, InterruptedError, retry } from '../../src/driver.js';
import { errorKind } from './errors.js';

export interface RetryOptions extends BackoffOptions {
  /** Total attempts when the error is IAM propagation (a role or policy Lambda does not see yet); default `attempts`. */
  readonly propagationAttempts?: number;
}

/** IAM propagation is retried for about 25-45 s (AWS documents "a few seconds"; 10 s and more is common). */
export const defaultRetry: RetryOptions = { attempts: 8, baseDelayMs: 200, maxDelayMs: 5_000, propagationAttempts: 14 };

/** Retry tuning for a local endpoint (emulator): much shorter waits. */
export const fastRetry: RetryOptions = { attempts: 10, baseDelayMs: 20, maxDelayMs: 300, propagationAttempts: 20 };

/**
 * IAM changes take seconds to reach Lambda: a new role "cannot be assumed by Lambda", and a
 * policy just written is not yet seen by Lambda's own permission checks ("The provided execution
 * role does not have permissions to call SendMessage on SQS", also for ENIs and queue mappings;
 * "Please ensure the role can perform the GetRecords ... Actions on your stream" for stream mappings).
 */
export function isRolePropagation(err: unknown): boolean {
  const message = (err as { message?: string } | undefined)?.message ?? '';
  return errorKind(err) === 'invalid' && /cannot be assumed|role.*(not|cannot).*assum|execution role does not have permissions|ensure the role can perform/i.test(message);
}

/** Throttling, an unavailable service or a network failure: worth another attempt of any call. */
export function isTransient(err: unknown): boolean {
  const kind = errorKind(err);
  return kind === 'throttled' || kind === 'unavailable';
}

/**
 * The default: transient failures, a conflict (an update in progress) and IAM propagation. A
 * create passes `isTransient` instead, where "conflict" means "already exists" and must reach the caller.
 */
export function isRetryable(err: unknown): boolean {
  return isTransient(err) || errorKind(err) === 'conflict' || isRolePropagation(err);
}

export { backoffMs };

function interrupted(cause: unknown): InterruptedError {
  return new InterruptedError('Interrupted while retrying an AWS call: nothing was changed.', { cause });
}

/**
 * Runs `call` until it succeeds, fails with a non-retryable error, or attempts run out (then the
 * last error is thrown). `retryable` may narrow what is retried (e.g. "conflict" on a create means
 * "already exists" and must reach the caller). With `signal` (read-only phases only), a retry that
 * is due once the signal aborted is not made: InterruptedError instead. `onRetry` hears about each
 * retry before its backoff (`nextAttempt` counts from 1, as `limit` does).
 */
export function withRetry<T>(
  call: () => Promise<T>,
  options: RetryOptions,
  retryable: (err: unknown) => boolean = isRetryable,
  signal?: AbortSignal,
  onRetry?: (err: unknown, nextAttempt: number, limit: number) => void,
): Promise<T> {
  return retry(call, {
    options,
    retryable,
    attemptsFor: (err) => (isRolePropagation(err) ? Math.max(options.attempts, options.propagationAttempts ?? 0) : options.attempts),
    ...(signal ? { signal } : {}),
    interrupted,
    ...(onRetry ? { onRetry } : {}),
  });
}
