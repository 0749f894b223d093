/** A clock whose sleeps return at once and advance its time: no test waits real minutes. */
import type { Clock } from '../../src/release/clock.js';
import { InterruptedError } from '../../src/errors.js';

export class FakeClock implements Clock {
  /** Every sleep requested, in ms, in order. */
  readonly sleeps: number[] = [];

  constructor(
    public time = Date.UTC(2024, 5, 1, 12, 0, 0),
    /** Called after each sleep advanced the time (e.g. to abort a controller mid-release). */
    public onSleep?: (ms: number, clock: FakeClock) => void,
  ) {}

  now(): number {
    return this.time;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw new InterruptedError();
    this.sleeps.push(ms);
    this.time += ms;
    this.onSleep?.(ms, this);
    await new Promise((resolve) => setImmediate(resolve));
    if (signal?.aborted) throw new InterruptedError();
  }

  /** Total time slept. */
  get slept(): number {
    return this.sleeps.reduce((a, b) => a + b, 0);
  }
}
