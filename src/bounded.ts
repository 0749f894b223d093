/** The one bounded pool of fnx's drivers: independent work across functions, at most `limit` at once. */
import { FnxError, InterruptedError } from './errors.js';

export interface BoundedOptions {
  /** Most items in flight at once (at least 1). */
  readonly limit: number;
  /** Once aborted no further item starts; the ones in flight finish. */
  readonly signal?: AbortSignal;
  /** The error for an item not started because `signal` aborted (default: InterruptedError). */
  readonly interrupted?: () => Error;
}

/** The most useful of several failures: a concurrent-change precondition first (exit 4), then fnx's own verdicts, then the first. */
export function firstError(errors: readonly unknown[]): unknown {
  return errors.find((e) => (e as { kind?: string }).kind === 'precondition') ?? errors.find((e) => e instanceof FnxError && !(e instanceof InterruptedError)) ?? errors[0];
}

/**
 * `work` for every item, in input order, at most `limit` at once. After the first failure (or an
 * abort) no further item starts and the ones in flight finish; then it rejects with `firstError`
 * of the failures. Otherwise it resolves with the results in input order.
 */
export async function mapBounded<T, R>(items: readonly T[], options: BoundedOptions, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  const errors: unknown[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length && !errors.length) {
      if (options.signal?.aborted) {
        errors.push(options.interrupted?.() ?? new InterruptedError());
        return;
      }
      const i = next++;
      try {
        results[i] = await work(items[i]!, i);
      } catch (err) {
        errors.push(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(Math.floor(options.limit) || 1, items.length)) }, worker));
  if (errors.length) throw firstError(errors);
  return results;
}
