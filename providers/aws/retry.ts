/**
 * fnx's own bounded retry on top of the SDK's standard retry: the SDK retries throttling and 5xx
 * a few times; this wrapper also waits out ResourceConflictException (an update in progress), IAM
 * propagation delays, and gives throttling/5xx a few more rounds with exponential backoff and full
 * jitter. Preconditions, not-found and invalid input are never retried.
 */
import { InterruptedError } from '../../src/errors.js';
import { errorKind } from './errors.js';

export interface RetryOptions {
  /** Total attempts including the first. */
  readonly attempts: number;
  /** First backoff in ms; doubles each attempt, capped at maxDelayMs, fully jittered. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
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
 * role does not have permissions to call SendMessage on SQS", also for ENIs and queue mappings).
 */
export function isRolePropagation(err: unknown): boolean {
  const message = (err as { message?: string } | undefined)?.message ?? '';
  return errorKind(err) === 'invalid' && /cannot be assumed|role.*(not|cannot).*assum|execution role does not have permissions/i.test(message);
}

export function isRetryable(err: unknown): boolean {
  const kind = errorKind(err);
  return kind === 'throttled' || kind === 'unavailable' || kind === 'conflict' || isRolePropagation(err);
}

export function backoffMs(attempt: number, options: RetryOptions, random: () => number = Math.random): number {
  const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  return Math.round(cap / 2 + (random() * cap) / 2);
}

/** Waits `ms`, or less when `signal` aborts first. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

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
export async function withRetry<T>(
  call: () => Promise<T>,
  options: RetryOptions,
  retryable: (err: unknown) => boolean = isRetryable,
  signal?: AbortSignal,
  onRetry?: (err: unknown, nextAttempt: number, limit: number) => void,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const limit = isRolePropagation(err) ? Math.max(options.attempts, options.propagationAttempts ?? 0) : options.attempts;
      if (attempt + 1 >= limit || !retryable(err)) throw err;
      if (signal?.aborted) throw interrupted(err);
      onRetry?.(err, attempt + 2, limit);
      await sleep(backoffMs(attempt, options), signal);
      if (signal?.aborted) throw interrupted(err);
    }
  }
}
