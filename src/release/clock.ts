/** Time as the release engine sees it; tests pass a fake clock so no test waits real minutes. */
import { positiveNumberFromEnv } from '../env.js';
import { sleep } from '../sleep.js';

export interface Clock {
  now(): number;
  /** Resolves after ms, or rejects with InterruptedError when signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep,
};

/**
 * The system clock with every wait multiplied by `scale` (0.001: a 5-minute canary waits 300 ms).
 * `now()` stays the wall clock so metric windows (`since`) and recorded times remain real.
 */
export function scaledClock(scale: number, base: Clock = systemClock): Clock {
  return { now: () => base.now(), sleep: (ms, signal) => base.sleep(ms * scale, signal) };
}

/**
 * The clock for a process: FNX_TIME_SCALE (a positive number, testing aid) scales every release
 * wait. Commands that release call it before their first cloud call (a bad value: exit 2).
 */
export function clockFromEnv(env: NodeJS.ProcessEnv = process.env): Clock {
  const scale = positiveNumberFromEnv(
    env,
    'FNX_TIME_SCALE',
    'E_USAGE_TIME_SCALE',
    'FNX_TIME_SCALE is a testing aid, e.g. FNX_TIME_SCALE=0.001 makes a 5m canary wait 300ms. Unset it for real releases.',
  );
  return scale === undefined || scale === 1 ? systemClock : scaledClock(scale);
}
