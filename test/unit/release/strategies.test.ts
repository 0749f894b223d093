import { describe, expect, it } from 'vitest';
import { canary, fn, linear, policy } from '../../fakes/manifest.js';
import { Progress } from '../../../src/release/progress.js';
import { MemoryReporter } from '../../fakes/memory-reporter.js';
import { harness, trail } from './harness.js';

describe('release strategies: every pointer write, in order', () => {
  it('canary 10% for 5m: 10% on the candidate, a 5-minute hold, then 100%', async () => {
    const h = harness([fn('api', { release: canary(10, 300) })]);
    const out = await h.release();
    expect(out).toEqual([expect.objectContaining({ function: 'api', status: 'live', version: '2', previous: '1', percent: 100 })]);
    expect(h.cloud.shifts.map((s) => ({ primary: s.primary, candidate: s.candidate, weight: s.weight, status: s.status, step: s.step }))).toEqual([
      { primary: '1', candidate: '2', weight: 0.1, status: 'in-progress', step: 0 },
      { primary: '2', candidate: undefined, weight: 0, status: 'live', step: 1 },
    ]);
    expect(h.clock.slept).toBe(300_000);
    const pointer = h.cloud.pointers.get('api');
    expect(pointer).toMatchObject({ primary: '2', weight: 0, release: { status: 'live', version: '2', previous: '1', deployId: 'dep-1', commit: 'abc123', strategy: 'canary', steps: [10, 100] } });
    expect(pointer?.candidate).toBeUndefined();
  });

  it('linear +10% every minute: nine weighted steps, one minute apart, then live', async () => {
    const h = harness([fn('api', { release: linear(10, 60) })]);
    await h.release();
    expect(trail(h.cloud)).toEqual([
      '10%:in-progress:0', '20%:in-progress:1', '30%:in-progress:2', '40%:in-progress:3', '50%:in-progress:4',
      '60%:in-progress:5', '70%:in-progress:6', '80%:in-progress:7', '90%:in-progress:8', '100%:live:9',
    ]);
    expect(h.clock.slept).toBe(9 * 60_000);
  });

  it('explicit steps [5, 20, 100] with a 30s interval', async () => {
    const h = harness([fn('api', { release: policy({ strategy: 'linear', steps: [5, 20, 100], intervalSeconds: 30 }) })]);
    await h.release();
    expect(trail(h.cloud)).toEqual(['5%:in-progress:0', '20%:in-progress:1', '100%:live:2']);
    expect(h.clock.slept).toBe(60_000);
  });

  it('all-at-once: one write making the candidate primary, no wait, gates checked before and after it', async () => {
    const h = harness([fn('api', { release: policy({ health: { alarms: ['api-5xx'] } }) })]);
    await h.release();
    expect(trail(h.cloud)).toEqual(['100%:live:0']);
    expect(h.clock.slept).toBe(0);
    expect(h.cloud.healthChecks).toHaveLength(2);
  });

  it('every write is conditional on the revision returned by the previous one', async () => {
    const h = harness([fn('api', { release: linear(25, 10) })]);
    const revisions: string[] = [];
    const shift = h.driver.shift.bind(h.driver);
    h.driver.shift = async (req) => {
      revisions.push(req.revision);
      return shift(req);
    };
    const seeded = h.cloud.pointers.get('api')?.revision;
    await h.release();
    expect(revisions[0]).toBe(seeded);
    expect(new Set(revisions).size).toBe(revisions.length);
  });

  it('gates are polled while a step is held (every 15s) and again at the end', async () => {
    const h = harness([fn('api', { release: canary(10, 60, { health: { alarms: ['a'] } }) })]);
    await h.release();
    // 1 check before the first step, 60s hold at 15s polls = 4 checks, then 1 final check after going live.
    expect(h.cloud.healthChecks).toHaveLength(6);
    expect(h.clock.sleeps).toEqual([15_000, 15_000, 15_000, 15_000]);
  });

  it('unchanged (previous === candidate): no pointer write, outcome unchanged', async () => {
    const h = harness([fn('api', { release: canary(10, 300) })]);
    const out = await h.release({ candidate: '1' });
    expect(out[0]).toMatchObject({ status: 'unchanged', version: '1' });
    expect(h.cloud.shifts).toEqual([]);
  });

  it('first deploy (no previous): nothing to shift; the release is recorded live at once', async () => {
    const h = harness([fn('api', { release: canary(10, 300, { hooks: { preTraffic: 'smoke' } }) })], {}, []);
    const out = await h.release({ candidate: '1' });
    expect(out[0]).toMatchObject({ status: 'live', version: '1' });
    expect(out[0]?.previous).toBeUndefined();
    expect(trail(h.cloud)).toEqual(['100%:live:1']);
    expect(h.clock.slept).toBe(0);
  });

  it('--no-wait: runs the preTraffic hook, sets the first step and returns in-progress', async () => {
    const h = harness([fn('api', { release: canary(10, 300, { hooks: { preTraffic: 'smoke' } }) }), fn('smoke')]);
    const out = await h.release({ wait: false });
    expect(out.find((o) => o.function === 'api')).toMatchObject({ status: 'in-progress', percent: 10 });
    expect(trail(h.cloud, 'api')).toEqual(['10%:in-progress:0']);
    expect(h.cloud.invokes.map((i) => i.function)).toEqual(['smoke']);
    expect(h.clock.slept).toBe(0);
    expect(h.cloud.pointers.get('api')).toMatchObject({ primary: '1', candidate: '2', weight: 0.1, release: { status: 'in-progress', step: 0 } });
  });

  it('--no-wait with all-at-once releases at once (nothing to wait for)', async () => {
    const h = harness([fn('api')]);
    const out = await h.release({ wait: false });
    expect(out[0]).toMatchObject({ status: 'live' });
    expect(trail(h.cloud)).toEqual(['100%:live:0']);
  });

  it('releases several functions in parallel, each on its own schedule', async () => {
    const h = harness([fn('a', { release: canary(20, 60) }), fn('b', { release: linear(50, 60) })]);
    const out = await h.release();
    expect(out.map((o) => o.status)).toEqual(['live', 'live']);
    expect(trail(h.cloud, 'a')).toEqual(['20%:in-progress:0', '100%:live:1']);
    expect(trail(h.cloud, 'b')).toEqual(['50%:in-progress:0', '100%:live:1']);
  });

  it('prints one line per step with the weights and the time left', async () => {
    const h = harness([fn('api', { release: linear(50, 120) })]);
    await h.release();
    expect(h.reporter.infos).toEqual([
      'api (aws): step 1/2: 50% on 2, 50% on 1; next step in 2m, 2m left',
      'api (aws): step 1/2 holding: 50% on 2, 50% on 1; health: no health gates configured; next step in 1m, 1m left',
      'api (aws): step 2/2: 100% on 2',
      'api (aws): 2 is live',
    ]);
    expect(h.reporter.steps).toEqual([]);
  });

  it('on a TTY a spinner counts down each hold and is closed by the next step line (no line under a spinner)', () => {
    const reporter = new MemoryReporter();
    const progress = new Progress(reporter, true);
    progress.step({ who: 'api (aws)', candidate: '2', previous: '1', percent: 10, index: 0, total: 2, holdMs: 300_000, leftMs: 300_000 });
    progress.waiting('api (aws)', 10, 300_000);
    progress.waiting('api (aws)', 10, 285_000);
    progress.step({ who: 'api (aws)', candidate: '2', previous: '1', percent: 100, index: 1, total: 2 });
    progress.ended('api (aws)', '2 is live');
    progress.finish(true);
    expect(reporter.infos).toEqual(['api (aws): step 1/2: 10% on 2, 90% on 1; next step in 5m, 5m left', 'api (aws): 2 is live']);
    expect(reporter.steps).toEqual([
      { title: 'Shifting traffic', updates: ['Shifting traffic: api (aws) 10% (5m left)', 'Shifting traffic: api (aws) 10% (4m45s left)'], result: 'ok: api (aws): step 2/2: 100% on 2' },
    ]);
  });
});
