import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/errors.js';
import { previousRelease } from '../../../src/release/history.js';
import { FakeCloud } from '../../fakes/fake-driver.js';
import { canary, fn, linear, manifest } from '../../fakes/manifest.js';
import { rollback } from './commands.js';
import { harness, trail } from './harness.js';

describe('fnx rollback (from a fresh runner: only the cloud state is shared)', () => {
  it('aborts a release in progress: all traffic back on the previous version, recorded rolled back', async () => {
    const fns = [fn('api', { release: linear(10, 60) })];
    const h = harness(fns);
    await h.release({ wait: false });
    const r = await rollback(h.cloud, manifest(fns));
    expect(r.code).toBe(0);
    expect(trail(h.cloud)).toEqual(['10%:in-progress:0', '0%:rolled-back:0']);
    expect(h.cloud.pointers.get('api')).toMatchObject({ primary: '1', weight: 0, release: { status: 'rolled-back', reason: 'aborted by fnx rollback', deployId: 'dep-1' } });
    expect(h.cloud.pointers.get('api')?.candidate).toBeUndefined();
    expect(r.reporter.printed).toEqual(['api (aws): aborted release of 2, traffic on 1']);
  });

  it('moves the pointer back to the release before the live one, using only cloud history', async () => {
    const cloud = new FakeCloud();
    cloud.seed('api', ['1', '2', '3']);
    const m = manifest([fn('api')]);
    const r = await rollback(cloud, m, {}, { json: true });
    expect(r.code).toBe(0);
    expect(cloud.shifts).toEqual([expect.objectContaining({ primary: '2', weight: 0, status: 'live', version: '2' })]);
    expect(cloud.pointers.get('api')?.release).toMatchObject({ strategy: 'rollback', version: '2', previous: '3' });
    expect(r.reporter.data_).toEqual([{ ok: true, stage: 'prod', functions: [{ function: 'api', provider: 'aws', action: 'rolled-back', from: '3', to: '2' }] }]);
  });

  it('repeated rollbacks step further back instead of toggling', async () => {
    const cloud = new FakeCloud();
    cloud.seed('api', ['1', '2', '3', '4']);
    const m = manifest([fn('api')]);
    for (const expected of ['3', '2', '1']) {
      expect((await rollback(cloud, m)).code).toBe(0);
      expect(cloud.pointers.get('api')?.primary).toBe(expected);
    }
    const last = await rollback(cloud, m);
    expect(last.code).toBe(ExitCode.usage);
    expect(cloud.pointers.get('api')?.primary).toBe('1');
  });

  it('after an automatic rollback, rollback goes to the release before the live one (not to the failed one)', async () => {
    const fns = [fn('api', { release: canary(10, 60, { health: { alarms: ['x'] } }) })];
    const h = harness(fns, { health: () => ({ alarmsFiring: ['x'] }) }, ['1', '2']);
    const out = await h.release({ candidate: '3' });
    expect(out[0]?.status).toBe('rolled-back');
    const r = await rollback(h.cloud, manifest(fns));
    expect(r.code).toBe(0);
    expect(h.cloud.pointers.get('api')?.primary).toBe('1');
  });

  it('--to VERSION moves to that version', async () => {
    const cloud = new FakeCloud();
    cloud.seed('api', ['1', '2', '3']);
    const r = await rollback(cloud, manifest([fn('api')]), { to: '1' });
    expect(r.code).toBe(0);
    expect(cloud.pointers.get('api')?.primary).toBe('1');
  });

  it('--to a version that was never published: clear error (exit 2), nothing changed', async () => {
    const cloud = new FakeCloud();
    cloud.seed('api', ['1', '2']);
    const r = await rollback(cloud, manifest([fn('api')]), { to: '42' });
    expect(r.code).toBe(ExitCode.usage);
    expect(r.error?.code).toBe('E_ROLLBACK_UNKNOWN_VERSION');
    expect(cloud.shifts).toEqual([]);
    expect(cloud.pointers.get('api')?.primary).toBe('2');
  });

  it('--to a version missing from one function\'s history: refused before anything moves, available versions listed', async () => {
    const cloud = new FakeCloud();
    cloud.seed('api', ['1', '2', '3', '4']);
    cloud.seed('worker', ['1', '2']);
    const r = await rollback(cloud, manifest([fn('api'), fn('worker')]), { to: '3' });
    expect(r.code).toBe(ExitCode.usage);
    expect(r.error?.code).toBe('E_ROLLBACK_UNKNOWN_VERSION');
    expect(r.error?.message).toBe('Version "3" is not in the release history of this function. Nothing was changed.');
    expect(r.error?.hint).toBe('Versions you can roll back to: worker (aws): 2, 1.');
    expect(cloud.shifts).toEqual([]);
    expect(cloud.pointers.get('api')?.primary).toBe('4');
  });

  it('a stage that was never deployed: says so (exit 2) instead of suggesting --to', async () => {
    const cloud = new FakeCloud();
    for (const opts of [{}, { to: '1' }]) {
      const r = await rollback(cloud, manifest([fn('api')]), opts);
      expect(r.code).toBe(ExitCode.usage);
      expect(r.error?.code).toBe('E_ROLLBACK_NOT_DEPLOYED');
      expect(r.error?.message).toBe('Nothing to roll back: api (aws) is not deployed in stage prod. Nothing was changed.');
      expect(r.error?.hint).toContain('fnx deploy --stage prod');
      expect(r.error?.hint).not.toContain('--to');
    }
    expect(cloud.shifts).toEqual([]);
  });

  it('no previous release: clear error (exit 2), nothing changed', async () => {
    const cloud = new FakeCloud();
    cloud.seed('api', ['1']);
    const r = await rollback(cloud, manifest([fn('api')]));
    expect(r.code).toBe(ExitCode.usage);
    expect(r.error?.code).toBe('E_ROLLBACK_NO_PREVIOUS');
    expect(r.error?.message).toContain('api (aws) has no release before 1');
    expect(cloud.shifts).toEqual([]);
  });

  it('stage-wide: functions with no previous release are skipped with a warning; named ones must have one', async () => {
    const cloud = new FakeCloud();
    cloud.seed('api', ['1', '2']);
    cloud.seed('fresh', ['1']);
    const m = manifest([fn('api'), fn('fresh')]);
    const named = await rollback(cloud, m, { functions: ['api', 'fresh'] });
    expect(named.code).toBe(ExitCode.usage);
    expect(cloud.shifts).toEqual([]);
    const all = await rollback(cloud, m);
    expect(all.code).toBe(0);
    expect(all.reporter.warnings).toEqual(['skipped: fresh (aws) has no release before 1']);
    expect(cloud.pointers.get('api')?.primary).toBe('1');
    expect(cloud.pointers.get('fresh')?.primary).toBe('1');
  });

  it('a concurrent change between read and write: exit 4', async () => {
    const cloud = new FakeCloud();
    cloud.seed('api', ['1', '2']);
    const m = manifest([fn('api')]);
    const r = await rollback(cloud, m, {}, {
      driver: {
        failShift: () => {
          cloud.externalChange('api', '3');
          return undefined;
        },
      },
    });
    expect(r.code).toBe(ExitCode.conflict);
    expect(cloud.pointers.get('api')?.primary).toBe('3');
  });
});

describe('previousRelease', () => {
  const rec = (version: string, status: 'live' | 'superseded' | 'rolled-back', extra: { previous?: string; strategy?: string } = {}) => ({
    deployId: `d-${version}`,
    version,
    status,
    strategy: extra.strategy ?? 'canary',
    step: 0,
    steps: [100],
    time: '2024-01-01T00:00:00.000Z',
    ...(extra.previous ? { previous: extra.previous } : {}),
  });

  it('a version re-released after being rolled back is a valid target again', () => {
    const history = [rec('4', 'live'), rec('3', 'superseded'), rec('3', 'rolled-back'), rec('2', 'superseded')];
    expect(previousRelease(history, '4')).toBe('3');
  });

  it('skips the failed release and versions rolled back from', () => {
    expect(previousRelease([rec('3', 'rolled-back'), rec('2', 'live'), rec('1', 'superseded')], '2')).toBe('1');
    expect(previousRelease([rec('2', 'live', { strategy: 'rollback', previous: '3' }), rec('3', 'superseded'), rec('2', 'superseded'), rec('1', 'superseded')], '2')).toBe('1');
  });
});

describe('rollbackTarget with a history derived from published versions (as the AWS driver reports it)', () => {
  const derived = (version: string, status: 'live' | 'superseded' | 'rolled-back') => ({
    deployId: `d-${version}`, version, status, strategy: 'unknown', step: 0, steps: [100], time: '2024-01-01T00:00:00.000Z',
  });

  it('after rolling back to 1 and releasing 5, rollback returns to 1, not to the versions rolled back from', async () => {
    const { rollbackTarget } = await import('../../../src/release/rollback.js');
    const pointer = { deployId: 'd-5', version: '5', previous: '1', status: 'live' as const, strategy: 'canary', step: 1, steps: [10, 100], time: '2024-01-02T00:00:00.000Z' };
    const history = [pointer, derived('4', 'superseded'), derived('3', 'superseded'), derived('2', 'superseded'), derived('1', 'superseded')];
    expect(rollbackTarget(pointer, history, '5')).toBe('1');
  });

  it('after an automatic rollback the pointer record names the failed version; the walk skips it', async () => {
    const { rollbackTarget } = await import('../../../src/release/rollback.js');
    const pointer = { deployId: 'd-3', version: '3', previous: '2', status: 'rolled-back' as const, strategy: 'canary', step: 0, steps: [10, 100], time: '2024-01-02T00:00:00.000Z' };
    expect(rollbackTarget(pointer, [pointer, derived('2', 'live'), derived('1', 'superseded')], '2')).toBe('1');
  });
});
