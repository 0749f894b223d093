import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/errors.js';
import { FakeClock } from '../../fakes/fake-clock.js';
import { canary, fn, linear, manifest } from '../../fakes/manifest.js';
import { promote } from './commands.js';
import { harness, trail } from './harness.js';

describe('fnx promote (from a fresh runner: only the cloud state is shared)', () => {
  it('continues a --no-wait canary: holds what is left of the interval with gates, then goes live', async () => {
    const fns = [fn('api', { release: canary(10, 300, { health: { alarms: ['api-5xx'] } }) })];
    const h = harness(fns);
    await h.release({ wait: false });
    const clock = new FakeClock(h.clock.now() + 120_000);
    const r = await promote(h.cloud, manifest(fns), {}, { clock });
    expect(r.code).toBe(0);
    expect(trail(h.cloud)).toEqual(['10%:in-progress:0', '100%:live:1']);
    expect(clock.slept).toBe(180_000);
    expect(h.cloud.healthChecks.length).toBeGreaterThan(1);
    expect(r.reporter.printed).toEqual(['api (aws): 2 is live (previous: 1)']);
    expect(h.cloud.pointers.get('api')).toMatchObject({ primary: '2', weight: 0, release: { status: 'live', deployId: 'dep-1' } });
  });

  it('continues a linear release from its recorded step', async () => {
    const fns = [fn('api', { release: linear(25, 60) })];
    const h = harness(fns, {
      onShift: (call) => {
        if (call.step === 1) h.controller.abort();
      },
    });
    await h.release({ keepOnInterrupt: true }).catch(() => undefined);
    expect(trail(h.cloud)).toEqual(['25%:in-progress:0', '50%:in-progress:1']);
    const r = await promote(h.cloud, manifest(fns), {}, { clock: new FakeClock(h.clock.now() + 600_000) });
    expect(r.code).toBe(0);
    expect(trail(h.cloud)).toEqual(['25%:in-progress:0', '50%:in-progress:1', '75%:in-progress:2', '100%:live:3']);
  });

  it('--now goes to 100% at once, with no wait and no gate', async () => {
    const fns = [fn('api', { release: linear(10, 60, { health: { alarms: ['api-5xx'] } }) })];
    const h = harness(fns);
    await h.release({ wait: false });
    const checksBefore = h.cloud.healthChecks.length;
    const clock = new FakeClock(h.clock.now());
    const r = await promote(h.cloud, manifest(fns), { now: true }, { clock });
    expect(r.code).toBe(0);
    expect(trail(h.cloud)).toEqual(['10%:in-progress:0', '100%:live:9']);
    expect(clock.slept).toBe(0);
    expect(h.cloud.healthChecks).toHaveLength(checksBefore);
  });

  it('a gate failing during promotion rolls back and exits 3', async () => {
    const fns = [fn('api', { release: canary(10, 300, { health: { alarms: ['api-5xx'] } }) })];
    const h = harness(fns);
    await h.release({ wait: false });
    const r = await promote(h.cloud, manifest(fns), {}, { driver: { health: () => ({ alarmsFiring: ['api-5xx'] }) } });
    expect(r.code).toBe(ExitCode.rolledBack);
    expect(r.error?.message).toContain('api (aws): 2 rolled back to 1: alarm api-5xx in ALARM state');
    expect(trail(h.cloud)).toEqual(['10%:in-progress:0', '0%:rolled-back:0']);
    expect(h.cloud.pointers.get('api')?.primary).toBe('1');
  });

  it('nothing in progress: a clear message and exit 0, nothing written', async () => {
    const fns = [fn('api', { release: canary(10, 300) })];
    const h = harness(fns);
    const r = await promote(h.cloud, manifest(fns));
    expect(r.code).toBe(0);
    expect(r.reporter.printed).toEqual(['Nothing to promote: no release in progress in stage prod.']);
    expect(h.cloud.shifts).toEqual([]);
  });

  it('--json prints the promoted releases', async () => {
    const fns = [fn('api', { release: canary(10, 300) }), fn('worker', { release: canary(10, 300) })];
    const h = harness(fns);
    await h.release({ wait: false });
    const r = await promote(h.cloud, manifest(fns), { functions: ['worker'] }, { json: true });
    expect(r.code).toBe(0);
    expect(r.reporter.data_).toEqual([{ ok: true, stage: 'prod', promoted: [expect.objectContaining({ function: 'worker', status: 'live', version: '2', previous: '1' })] }]);
    expect(h.cloud.pointers.get('api')?.release?.status).toBe('in-progress');
  });

  it('an unknown --function is a usage error (exit 2)', async () => {
    const fns = [fn('api')];
    const h = harness(fns);
    const r = await promote(h.cloud, manifest(fns), { functions: ['nope'] });
    expect(r.code).toBe(ExitCode.usage);
    expect(r.error?.message).toBe('Unknown function: nope.');
    expect(r.error?.hint).toBe('Functions in this manifest: api.');
  });
});

describe('deploy --no-wait progress', () => {
  it('announces no next step (this command will not take it), then how to finish or abort', async () => {
    const fns = [fn('api', { release: canary(10, 300) })];
    const h = harness(fns);
    await h.release({ wait: false });
    expect(h.reporter.infos).toEqual([
      'api (aws): step 1/2: 10% on 2, 90% on 1',
      'api (aws): 10% on 2; finish with `fnx promote --stage prod` or abort with `fnx rollback --stage prod`',
    ]);
  });
});
