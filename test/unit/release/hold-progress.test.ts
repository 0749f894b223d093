/**
 * Off a TTY (CI), a held step is never silent: a line at each step and one every minute of hold
 * with the weights, the health checks so far and the time left. `fnx promote` announces the step
 * it continues. The fake clock makes the 5-minute holds instant.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../fakes/fake-clock.js';
import { canary, fn, linear, manifest } from '../../fakes/manifest.js';
import { promote } from './commands.js';
import { harness } from './harness.js';

describe('progress while a step holds, off a TTY', () => {
  it('a 5-minute canary prints a line every minute of the hold, with weights, health so far and time left', async () => {
    const h = harness([fn('api', { release: canary(10, 300, { health: { alarms: ['api-5xx'], errorRate: 0.01 } }) })], { health: () => ({ invocations: 40, errors: 0 }) });
    const out = await h.release();
    expect(out[0]?.status).toBe('live');
    expect(h.reporter.infos).toEqual([
      'api (aws): step 1/2: 10% on 2, 90% on 1; next step in 5m, 5m left',
      'api (aws): step 1/2 holding: 10% on 2, 90% on 1; health: 5 checks passed (last: alarm OK, error rate 0% of 40 invocations (max 1%)); next step in 4m, 4m left',
      'api (aws): step 1/2 holding: 10% on 2, 90% on 1; health: 9 checks passed (last: alarm OK, error rate 0% of 40 invocations (max 1%)); next step in 3m, 3m left',
      'api (aws): step 1/2 holding: 10% on 2, 90% on 1; health: 13 checks passed (last: alarm OK, error rate 0% of 40 invocations (max 1%)); next step in 2m, 2m left',
      'api (aws): step 1/2 holding: 10% on 2, 90% on 1; health: 17 checks passed (last: alarm OK, error rate 0% of 40 invocations (max 1%)); next step in 1m, 1m left',
      'api (aws): step 2/2: 100% on 2',
      'api (aws): 2 is live',
    ]);
    expect(h.reporter.steps).toEqual([]);
  });

  it('the time left counts the later steps of a linear release; no gates says so', async () => {
    const h = harness([fn('api', { release: linear(34, 120) })]);
    await h.release();
    expect(h.reporter.infos.filter((l) => l.includes('step 1/'))).toEqual([
      'api (aws): step 1/3: 34% on 2, 66% on 1; next step in 2m, 4m left',
      'api (aws): step 1/3 holding: 34% on 2, 66% on 1; health: no health gates configured; next step in 1m, 3m left',
    ]);
  });

  it('a step held under a minute prints only its step line', async () => {
    const h = harness([fn('api', { release: canary(10, 45) })]);
    await h.release();
    expect(h.reporter.infos).toEqual(['api (aws): step 1/2: 10% on 2, 90% on 1; next step in 45s, 45s left', 'api (aws): step 2/2: 100% on 2', 'api (aws): 2 is live']);
  });

  it('fnx promote announces the step it continues, then prints the hold lines and the next steps', async () => {
    const fns = [fn('api', { release: canary(10, 300, { health: { alarms: ['api-5xx'] } }) })];
    const h = harness(fns);
    await h.release({ wait: false });
    const r = await promote(h.cloud, manifest(fns), {}, { clock: new FakeClock(h.clock.now() + 120_000) });
    expect(r.code).toBe(0);
    expect(r.reporter.infos).toEqual([
      'api (aws): step 1/2 (continued): 10% on 2, 90% on 1; next step in 3m, 3m left',
      'api (aws): step 1/2 holding: 10% on 2, 90% on 1; health: 4 checks passed (last: alarm OK); next step in 2m, 2m left',
      'api (aws): step 1/2 holding: 10% on 2, 90% on 1; health: 8 checks passed (last: alarm OK); next step in 1m, 1m left',
      'api (aws): step 2/2: 100% on 2',
      'api (aws): 2 is live',
    ]);
  });
});
