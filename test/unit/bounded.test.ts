import { describe, expect, it } from 'vitest';
import { CloudError, InterruptedError, mapBounded } from '../../src/driver.js';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('mapBounded: independent work across functions', () => {
  it('runs at most `limit` at once and returns the results in input order', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapBounded([5, 1, 4, 2, 3], { limit: 2 }, async (n, i) => {
      running++;
      peak = Math.max(peak, running);
      for (let k = 0; k < n; k++) await tick();
      running--;
      return `${i}:${n}`;
    });
    expect(out).toEqual(['0:5', '1:1', '2:4', '3:2', '4:3']);
    expect(peak).toBe(2);
  });

  it('starts nothing after a failure, lets the work in flight finish, then rejects', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const run = mapBounded([0, 1, 2, 3, 4], { limit: 2 }, async (n) => {
      started.push(n);
      if (n === 0) throw new Error('boom');
      for (let k = 0; k < 3; k++) await tick();
      finished.push(n);
    });
    await expect(run).rejects.toThrow('boom');
    expect(started).toEqual([0, 1]);
    expect(finished).toEqual([1]);
  });

  it('rejects with a concurrent-change precondition before other failures (exit 4 wins)', async () => {
    const run = mapBounded([0, 1], { limit: 2 }, async (n) => {
      if (n === 0) throw new Error('plain failure');
      await tick();
      throw new CloudError('aws', 'precondition', 'changed by another run');
    });
    await expect(run).rejects.toMatchObject({ kind: 'precondition' });
  });

  it('starts nothing once the signal aborts and rejects with the interruption', async () => {
    const ctl = new AbortController();
    const started: number[] = [];
    const run = mapBounded([0, 1, 2], { limit: 1, signal: ctl.signal }, async (n) => {
      started.push(n);
      ctl.abort();
    });
    await expect(run).rejects.toBeInstanceOf(InterruptedError);
    expect(started).toEqual([0]);
    const custom = mapBounded([0], { limit: 1, signal: ctl.signal, interrupted: () => new InterruptedError('stopped before Azure changed') }, async () => 1);
    await expect(custom).rejects.toThrow('stopped before Azure changed');
  });

  it('treats a limit below 1 as 1 and an empty list as nothing to do', async () => {
    let running = 0;
    let peak = 0;
    await mapBounded([1, 2, 3], { limit: 0 }, async () => {
      peak = Math.max(peak, ++running);
      await tick();
      running--;
    });
    expect(peak).toBe(1);
    expect(await mapBounded([], { limit: 4 }, async () => 1)).toEqual([]);
  });
});
