import { describe, expect, it } from 'vitest';
import { CloudError, ExitCode, FnxError, InterruptedError } from '../../../src/errors.js';
import { clockFromEnv, scaledClock } from '../../../src/release/index.js';
import { FakeClock } from '../../fakes/fake-clock.js';
import { canary, fn, linear } from '../../fakes/manifest.js';
import { harness, trail } from './harness.js';

describe('errors during a release', () => {
  it('a shift failing at step 2 rolls back to the previous version', async () => {
    const h = harness([fn('api', { release: linear(25, 60) })], {
      failShift: (req) => (req.release.step === 1 && req.release.status === 'in-progress' ? new CloudError('aws', 'unavailable', 'Lambda answered 503') : undefined),
    });
    const out = await h.release();
    expect(out[0]).toMatchObject({ status: 'rolled-back', reason: 'error during the release: Lambda answered 503' });
    expect(trail(h.cloud)).toEqual(['25%:in-progress:0', '0%:rolled-back:0']);
    expect(h.cloud.pointers.get('api')).toMatchObject({ primary: '1', weight: 0 });
  });

  it('a concurrent change to the pointer stops the release with exit 4 and fnx does not touch the pointer again', async () => {
    const h = harness([fn('api', { release: linear(25, 60) })], {
      onShift: (call, cloud) => {
        if (call.step === 0) cloud.externalChange('api', '9');
      },
    });
    const err = await h.release().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudError);
    expect((err as CloudError).kind).toBe('precondition');
    expect((err as CloudError).exitCode).toBe(ExitCode.conflict);
    expect((err as CloudError).message).toContain('changed by another deploy or rollback');
    expect(trail(h.cloud)).toEqual(['25%:in-progress:0']);
    expect(h.cloud.pointers.get('api')?.primary).toBe('9');
  });

  it('a gate failure after someone else moved the pointer is a conflict, not a rollback over their change', async () => {
    let checks = 0;
    const h = harness([fn('api', { release: canary(10, 60, { health: { alarms: ['x'] } }) })], {
      // healthy before the first step, firing once traffic is on the candidate
      health: () => (++checks > 1 ? { alarmsFiring: ['x'] } : {}),
      onShift: (call, cloud) => {
        if (call.step === 0) cloud.externalChange('api', '9');
      },
    });
    const err = await h.release().catch((e: unknown) => e);
    expect((err as FnxError).exitCode).toBe(ExitCode.conflict);
    expect(h.cloud.pointers.get('api')?.primary).toBe('9');
  });

  it('a failing automatic rollback is reported with a hint to run fnx rollback (exit 1)', async () => {
    const h = harness([fn('api', { release: canary(10, 60, { health: { alarms: ['x'] } }) })], {
      health: () => ({ alarmsFiring: ['x'] }),
      failShift: (req) => (req.release.status === 'rolled-back' ? new CloudError('aws', 'unavailable', 'Lambda answered 503') : undefined),
    });
    const err = (await h.release().catch((e: unknown) => e)) as FnxError;
    expect(err.code).toBe('E_RELEASE_ROLLBACK_FAILED');
    expect(err.exitCode).toBe(ExitCode.failed);
    expect(err.hint).toContain('fnx rollback --stage prod --function api');
  });
});

describe('Ctrl-C during a release', () => {
  it('interrupted while holding a step: rolls back, then exits 130', async () => {
    const h = harness([fn('api', { release: linear(25, 60) })]);
    h.clock.onSleep = (_ms, clock) => {
      if (clock.slept >= 75_000) h.controller.abort();
    };
    const err = (await h.release().catch((e: unknown) => e)) as FnxError;
    expect(err).toBeInstanceOf(InterruptedError);
    expect(err.exitCode).toBe(ExitCode.interrupted);
    expect(err.message).toBe('Interrupted: api (aws) rolled back to 1.');
    expect(trail(h.cloud)).toEqual(['25%:in-progress:0', '50%:in-progress:1', '0%:rolled-back:1']);
    expect(h.cloud.pointers.get('api')).toMatchObject({ primary: '1', weight: 0, release: { status: 'rolled-back', reason: 'interrupted' } });
  });

  it('interrupted during a shift: the in-flight shift completes, then traffic goes back', async () => {
    const h = harness([fn('api', { release: linear(25, 60) })], {
      onShift: (call) => {
        if (call.step === 1) h.controller.abort();
      },
    });
    const err = (await h.release().catch((e: unknown) => e)) as FnxError;
    expect(err.exitCode).toBe(ExitCode.interrupted);
    expect(trail(h.cloud)).toEqual(['25%:in-progress:0', '50%:in-progress:1', '0%:rolled-back:1']);
  });

  it('with keepOnInterrupt the weights stay and the release stays in progress for promote/rollback', async () => {
    const h = harness([fn('api', { release: linear(25, 60) })], {
      onShift: (call) => {
        if (call.step === 1) h.controller.abort();
      },
    });
    const err = (await h.release({ keepOnInterrupt: true }).catch((e: unknown) => e)) as FnxError;
    expect(err.exitCode).toBe(ExitCode.interrupted);
    expect(err.message).toBe('Interrupted: api (aws) left at 50% on 2 (release still in progress).');
    expect(err.hint).toContain('fnx promote --stage prod');
    expect(trail(h.cloud)).toEqual(['25%:in-progress:0', '50%:in-progress:1']);
    expect(h.cloud.pointers.get('api')).toMatchObject({ primary: '1', candidate: '2', weight: 0.5, release: { status: 'in-progress', step: 1 } });
  });

  it('interrupted before any traffic moved (during the preTraffic hook): nothing is written', async () => {
    const h = harness([fn('api', { release: canary(10, 60, { hooks: { preTraffic: 'smoke' } }) })], {
      invoke: () => {
        h.controller.abort();
        return { ok: true, payload: null };
      },
    });
    const err = (await h.release().catch((e: unknown) => e)) as FnxError;
    expect(err.exitCode).toBe(ExitCode.interrupted);
    expect(h.cloud.shifts).toEqual([]);
  });
});

describe('clock scaling (FNX_TIME_SCALE, a testing aid)', () => {
  it('multiplies every wait and keeps the wall clock', async () => {
    const base = new FakeClock();
    const clock = scaledClock(0.001, base);
    await clock.sleep(300_000);
    expect(base.sleeps).toEqual([300]);
    expect(clock.now()).toBe(base.now());
  });

  it('is off unless FNX_TIME_SCALE is set, and rejects a bad value with exit 2', () => {
    expect(() => clockFromEnv({})).not.toThrow();
    const err = (() => {
      try {
        clockFromEnv({ FNX_TIME_SCALE: 'fast' });
      } catch (e) {
        return e as FnxError;
      }
      return undefined;
    })();
    expect(err?.code).toBe('E_USAGE_TIME_SCALE');
    expect(err?.exitCode).toBe(ExitCode.usage);
  });
});
