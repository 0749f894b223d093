/**
 * Keeps the main thread's heap from growing with the number of archives. Writing an archive
 * allocates a few MB per thousand entries (entry records, headers, the central directory) that
 * live as long as the write and so reach the old generation; V8 collects the old generation
 * lazily, so without help the heap (and peak RSS) grows with every archive written although
 * nothing is retained. Between archives, once the used heap passes a bound, a full collection
 * runs: a run that writes few archives never pays for one.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Used heap past which packaging collects between archives. */
export const HEAP_BOUND = 96 * 1024 * 1024;

let gc: (() => void) | null | undefined;

/** Runs a full garbage collection when the used heap is above `bound` bytes (when the runtime allows it). */
export function collectAbove(bound = HEAP_BOUND): void {
  if (getHeapStatistics().used_heap_size < bound) return;
  if (gc === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
}
