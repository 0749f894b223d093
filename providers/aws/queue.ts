/** SQS rules of a queue trigger that depend only on the manifest. */
import { ExitCode, FnxError } from '../../src/driver.js';

/** Lambda reads at most 10 messages at once from a FIFO queue (a name or ARN ending in `.fifo`). */
export const FIFO_MAX_BATCH = 10;

/** Throws E_AWS_QUEUE_BATCH when `batchSize` is more than Lambda reads from the queue `queue` (name or ARN) at once. */
export function checkQueueBatch(queue: string, batchSize: number): void {
  if (queue.endsWith('.fifo') && batchSize > FIFO_MAX_BATCH) {
    throw new FnxError('E_AWS_QUEUE_BATCH', `Queue trigger on ${queue}: batchSize ${batchSize} is over ${FIFO_MAX_BATCH}, the most Lambda reads from a FIFO queue at once.`, {
      hint: `Use batchSize: ${FIFO_MAX_BATCH} or less for a .fifo queue.`,
      exitCode: ExitCode.usage,
    });
  }
}
