/**
 * Bounded retry with exponential backoff and full jitter, for drivers: which failures are retried
 * and how many attempts an error gets are the driver's decision (its cloud's error kinds).
 */
import { InterruptedError } from './errors.js';
import { sleep } from './sleep.js';

export interface BackoffOptions {
  /** Total attempts including the first. */
  readonly attempts: number;
  /** First backoff in ms; doubles each attempt, capped at maxDelayMs, fully jittered. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export interface RetryPolicy<E = unknown> {
  readonly options: BackoffOptions;
  /** Whether a failure may be retried at all. */
  readonly retryable: (err: E) => boolean;
  /** Total attempts for this failure (default options.attempts). */
  readonly attemptsFor?: (err: E) => number;
  /** A retry that is due once this aborted is not made: `interrupted(err)` is thrown instead. */
  readonly signal?: AbortSignal;
  readonly interrupted?: (cause: unknown) => Error;
  /** Hears about each retry before its backoff (`nextAttempt` counts from 1, as `limit` does). */
  readonly onRetry?: (err: E, nextAttempt: number, limit: number) => void;
}

/** Backoff before retry number `attempt` (0-based): half the capped exponential delay, plus up to as much again at random. */
export function backoffMs(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  return Math.round(cap / 2 + (random() * cap) / 2);
}

/** Runs `call` until it succeeds, fails with a non-retryable error, or attempts run out (then the last error is thrown). */
export async function retry<T>(call: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  const interrupted = policy.interrupted ?? ((cause: unknown) => new InterruptedError(undefined, { cause }));
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const limit = policy.attemptsFor?.(err) ?? policy.options.attempts;
      if (attempt + 1 >= limit || !policy.retryable(err)) throw err;
      if (policy.signal?.aborted) throw interrupted(err);
      policy.onRetry?.(err, attempt + 2, limit);
      try {
        await sleep(backoffMs(attempt, policy.options), policy.signal);
      } catch {
        throw interrupted(err);
      }
    }
  }
}
