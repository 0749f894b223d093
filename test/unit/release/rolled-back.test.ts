/**
 * The rolled-back rule (src/release/rolled-back.ts): a deploy whose candidate is a version
 * published earlier and not live releases it again when it was rolled back with no health verdict
 * (interrupted, aborted by `fnx rollback`, an error, never released), and otherwise stops with
 * exit 3 saying which version, when and why, unless --release-rolled-back.
 */
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/errors.js';
import { rolledBackError } from '../../../src/release/outcome.js';
import { canary, fn, manifest } from '../../fakes/manifest.js';
import { rollback } from './commands.js';
import { harness, trail } from './harness.js';

const api = () => [fn('api', { release: canary(10, 300, { health: { alarms: ['api-5xx'] } }) })];

describe('an unchanged deploy after a rollback, by why the version was rolled back', () => {
  it('rolled back by a failed gate: not released again, exit 3 with which version, when and why, and how to release it', async () => {
    let firing = true;
    const h = harness(api(), { health: () => ({ alarmsFiring: firing ? ['api-5xx'] : [] }) });
    const first = await h.release();
    expect(first[0]).toMatchObject({ status: 'rolled-back', reason: 'alarm api-5xx in ALARM state' });
    const shifts = h.cloud.shifts.length;
    firing = false;

    const again = await h.release({ existing: true, deployId: 'dep-2' });
    expect(again).toEqual([expect.objectContaining({ function: 'api', status: 'not-released', version: '2', previous: '1', percent: 0 })]);
    expect(h.cloud.shifts).toHaveLength(shifts);
    const err = rolledBackError(again, { outcomes: again }, 'prod');
    expect(err?.exitCode).toBe(ExitCode.rolledBack);
    expect(err?.code).toBe('E_RELEASE_HELD_BACK');
    expect(err?.message).toBe(
      "Not released: the manifest's code is a version that was rolled back before, and it is not live:\n" +
        '  api (aws): 2 was rolled back at 2024-06-01T12:00:00.000Z (a health gate or hook failed: alarm api-5xx in ALARM state); 1 is live',
    );
    expect(err?.hint).toBe(
      'Fix the cause and deploy the fix (changed code or configuration publishes a new version), or release version 2 as it is with `fnx deploy --stage prod --release-rolled-back`.',
    );
    expect(h.reporter.warnings).toContain('api (aws): not released: 2 was rolled back at 2024-06-01T12:00:00.000Z (a health gate or hook failed: alarm api-5xx in ALARM state)');

    const anyway = await h.release({ existing: true, releaseRolledBack: true, deployId: 'dep-3' });
    expect(anyway[0]).toMatchObject({ status: 'live', version: '2' });
    expect(h.reporter.infos).toContain('api (aws): releasing 2 again (--release-rolled-back): 2 was rolled back at 2024-06-01T12:00:00.000Z (a health gate or hook failed: alarm api-5xx in ALARM state)');
  });

  it('interrupted (Ctrl-C during the canary): the next deploy releases it again, as the hint says', async () => {
    const h = harness(api(), {
      onShift: (call) => {
        if (call.status === 'in-progress') h.controller.abort();
      },
    });
    const interrupted = await h.release().catch((e: Error) => e);
    expect(interrupted).toMatchObject({ exitCode: ExitCode.interrupted, hint: expect.stringContaining('Deploy again to release it') });
    expect(h.cloud.pointers.get('api')).toMatchObject({ primary: '1', release: { status: 'rolled-back', cause: 'interrupted' } });

    const again = await h.release({ existing: true, deployId: 'dep-2', signal: new AbortController().signal });
    expect(again[0]).toMatchObject({ status: 'live', version: '2', previous: '1' });
    expect(rolledBackError(again)).toBeUndefined();
    expect(trail(h.cloud).slice(-2)).toEqual(['10%:in-progress:0', '100%:live:1']);
    expect(h.reporter.infos).toContain('api (aws): releasing 2 again: 2 was rolled back at 2024-06-01T12:00:00.000Z (its release was interrupted)');
  });

  it('aborted by `fnx rollback` while in progress: the next deploy releases it again', async () => {
    const h = harness(api());
    await h.release({ wait: false });
    const r = await rollback(h.cloud, manifest(api()));
    expect(r.code).toBe(0);
    expect(h.cloud.pointers.get('api')?.release).toMatchObject({ status: 'rolled-back', cause: 'aborted' });
    const again = await h.release({ existing: true, deployId: 'dep-2' });
    expect(again[0]).toMatchObject({ status: 'live', version: '2' });
  });

  it('an error while shifting traffic (no health verdict): the next deploy releases it again', async () => {
    const h = harness(api(), { failShift: (req, n) => (n === 1 && req.release.status === 'live' ? new Error('socket hang up') : undefined) });
    const first = await h.release();
    expect(first[0]).toMatchObject({ status: 'rolled-back', reason: 'error during the release: socket hang up' });
    const again = await h.release({ existing: true, deployId: 'dep-2' });
    expect(again[0]).toMatchObject({ status: 'live', version: '2' });
  });

  it('moved away from by `fnx rollback` after it went live: not released again (exit 3)', async () => {
    const h = harness(api());
    await h.release();
    const r = await rollback(h.cloud, manifest(api()));
    expect(r.code).toBe(0);
    expect(h.cloud.pointers.get('api')?.primary).toBe('1');
    const again = await h.release({ existing: true, deployId: 'dep-2' });
    expect(again[0]).toMatchObject({ status: 'not-released', version: '2', reason: '`fnx rollback` moved traffic back to 1' });
    expect(rolledBackError(again)?.exitCode).toBe(ExitCode.rolledBack);
  });

  it('published but never released (the deploy stopped first): the next deploy releases it', async () => {
    const h = harness(api());
    const again = await h.release({ existing: true });
    expect(again[0]).toMatchObject({ status: 'live', version: '2' });
    expect(h.reporter.infos).toContain('api (aws): releasing 2: published by an earlier deploy, not live');
  });
});
