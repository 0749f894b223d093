/**
 * The release engine by traffic model (slot, replace) where the conformance suite does not go
 * (promote and abort on replace, the fallback note), typed gate results, and internal errors
 * reported as bugs after traffic went back.
 */
import { describe, expect, it } from 'vitest';
import { ExitCode, FnxError, InterruptedError } from '../../../src/errors.js';
import { rolledBackError } from '../../../src/release/index.js';
import { FakeCloud } from '../../fakes/fake-driver.js';
import { canary, fn, manifest } from '../../fakes/manifest.js';
import { promote, rollback } from './commands.js';
import { harness, trail } from './harness.js';

const gated = (extra = {}) => [fn('api', { release: canary(10, 60, { health: { alarms: ['api-5xx'] }, ...extra }) })];

describe('gate results are typed diagnostics', () => {
  it('a firing alarm: outcome rolled-back with cause failed and the alarm gate that failed', async () => {
    const h = harness(gated(), { health: () => ({ alarmsFiring: ['api-5xx'] }) });
    const out = await h.release();
    expect(out[0]).toMatchObject({ status: 'rolled-back', reason: 'alarm api-5xx in ALARM state', cause: 'failed', gate: { gate: 'alarm', ok: false, detail: 'alarm api-5xx in ALARM state' } });
    expect(out[0]?.gate?.unreadable).toBeUndefined();
  });

  it('a failing hook: the hook gate', async () => {
    const h = harness([fn('api', { release: canary(10, 60, { hooks: { postTraffic: 'smoke' } }) }), fn('smoke')], { invoke: () => ({ ok: false, payload: null, error: 'GET / answered 502' }) });
    const out = await h.release();
    expect(out.find((o) => o.function === 'api')).toMatchObject({ cause: 'failed', gate: { gate: 'hook', ok: false, detail: 'postTraffic hook smoke failed: GET / answered 502' } });
  });

  it('health signals that cannot be read: rolled back (exit 3), recorded as an error, and the next deploy of the same code releases it again', async () => {
    let unreadable = true;
    const h = harness(gated(), {
      health: () => {
        if (unreadable) throw new Error('CloudWatch answered 503');
        return {};
      },
    });
    const first = await h.release();
    expect(first[0]).toMatchObject({
      status: 'rolled-back',
      reason: 'health signals could not be read: CloudWatch answered 503',
      cause: 'error',
      gate: { gate: 'alarm', ok: false, unreadable: true },
    });
    expect(rolledBackError(first)?.exitCode).toBe(ExitCode.rolledBack);
    expect(h.cloud.pointers.get('api')).toMatchObject({ primary: '1', release: { status: 'rolled-back', cause: 'error' } });
    unreadable = false;
    const again = await h.release({ existing: true, deployId: 'dep-2' });
    expect(again[0]).toMatchObject({ status: 'live', version: '2' });
    expect(h.reporter.infos.some((l) => l.startsWith('api (aws): releasing 2 again: 2 was rolled back at') && l.includes('an error stopped its release: health signals could not be read'))).toBe(true);
  });
});

describe('an internal error during a release is a bug, reported after traffic went back', () => {
  it('a TypeError from the driver while the canary holds: traffic back on the previous version, then E_INTERNAL (exit 1), not a rollback outcome (exit 3)', async () => {
    const h = harness(gated(), {
      defect: (method) => (method === 'health' && h.cloud.shifts.length > 0 ? new TypeError("Cannot read properties of undefined (reading 'MetricDataResults')") : undefined),
    });
    const err = (await h.release().catch((e: unknown) => e)) as FnxError;
    expect(err).toBeInstanceOf(FnxError);
    expect(err.code).toBe('E_INTERNAL');
    expect(err.exitCode).toBe(ExitCode.failed);
    expect(err.message).toBe("Internal error while releasing 2 (api (aws)): Cannot read properties of undefined (reading 'MetricDataResults'). Traffic is on 1.");
    expect(err.hint).toContain('This is a bug in fnx');
    expect(trail(h.cloud)).toEqual(['10%:in-progress:0', '0%:rolled-back:0']);
    expect(h.cloud.pointers.get('api')).toMatchObject({ primary: '1', weight: 0, release: { status: 'rolled-back', cause: 'error', reason: expect.stringContaining('internal error: Cannot read properties') } });
  });

  it('a TypeError from a shift: the same', async () => {
    let shifts = 0;
    const h = harness(gated(), { defect: (method) => (method === 'shift' && ++shifts === 2 ? new TypeError('x is not a function') : undefined) });
    const err = (await h.release().catch((e: unknown) => e)) as FnxError;
    expect(err.code).toBe('E_INTERNAL');
    expect(err.exitCode).toBe(ExitCode.failed);
    expect(trail(h.cloud)).toEqual(['10%:in-progress:0', '0%:rolled-back:0']);
  });
});

describe('replace model (no side-by-side versions)', () => {
  const api = (release = canary(10, 60, { health: { alarms: ['api-5xx'] }, fallback: { aws: 'all-at-once' } })) => [fn('api', { release })];

  it('a canary with release.fallback is released all at once, saying so; the candidate is recorded in progress, then live', async () => {
    const h = harness(api(), {}, ['1'], 'replace');
    const out = await h.release();
    expect(out[0]).toMatchObject({ status: 'live', version: '2', previous: '1' });
    expect(trail(h.cloud)).toEqual(['100%:in-progress:0', '100%:live:0']);
    expect(h.cloud.pointers.get('api')?.release).toMatchObject({ strategy: 'all-at-once', steps: [100] });
    expect(h.reporter.infos).toContain(
      'api (aws): canary is not possible on aws (it replaces the serving code with each release, so two versions never share traffic (traffic model "replace")): released all-at-once (release.fallback)',
    );
  });

  it('without the fallback: a usage error (exit 2) before any cloud call', async () => {
    const h = harness(api(canary(10, 60)), {}, ['1'], 'replace');
    const calls = h.cloud.calls;
    const err = (await h.release().catch((e: unknown) => e)) as FnxError;
    expect(err.code).toBe('E_RELEASE_STRATEGY_UNSUPPORTED');
    expect(err.exitCode).toBe(ExitCode.usage);
    expect(err.message).toBe('api: a canary release is not possible on aws: it replaces the serving code with each release, so two versions never share traffic (traffic model "replace").');
    expect(err.hint).toBe('Use `strategy: all-at-once` for api, or let fnx release it all at once on aws only: add `fallback: { aws: all-at-once }` to its release.');
    expect(h.cloud.calls).toBe(calls);
  });

  it('fnx promote and fnx rollback refuse the same manifest (exit 2) before any cloud call', async () => {
    const cloud = new FakeCloud('replace');
    cloud.seed('api', ['1', '2']);
    const calls = cloud.calls;
    for (const run of [promote, rollback]) {
      const r = await run(cloud, manifest(api(canary(10, 60))));
      expect(r.code).toBe(ExitCode.usage);
      expect(r.error?.code).toBe('E_RELEASE_STRATEGY_UNSUPPORTED');
    }
    expect(cloud.calls).toBe(calls);
  });

  it('a failed gate redeploys the previous version', async () => {
    const h = harness(api(), { health: () => ({ alarmsFiring: ['api-5xx'] }) }, ['1'], 'replace');
    const out = await h.release();
    expect(out[0]).toMatchObject({ status: 'rolled-back', cause: 'failed' });
    expect(h.cloud.redeploys).toEqual([{ function: 'api', version: '1' }]);
    expect(h.cloud.pointers.get('api')?.primary).toBe('1');
  });

  it('Ctrl-C with --keep-on-interrupt leaves the candidate serving, in progress: fnx promote finishes it from a fresh runner', async () => {
    const h = harness(api(), { onShift: () => h.controller.abort() }, ['1'], 'replace');
    const err = (await h.release({ keepOnInterrupt: true }).catch((e: unknown) => e)) as FnxError;
    expect(err).toBeInstanceOf(InterruptedError);
    expect(err.message).toBe('Interrupted: api (aws) left at 100% on 2 (release still in progress).');
    expect(h.cloud.pointers.get('api')).toMatchObject({ primary: '2', release: { status: 'in-progress', version: '2', previous: '1' } });
    const r = await promote(h.cloud, manifest(api()));
    expect(r.code).toBe(0);
    expect(r.reporter.printed).toEqual(['api (aws): 2 is live (previous: 1)']);
    expect(h.cloud.pointers.get('api')).toMatchObject({ primary: '2', release: { status: 'live' } });
  });

  it('Ctrl-C with --keep-on-interrupt, then fnx rollback: the release is aborted by redeploying the previous version', async () => {
    const h = harness(api(), { onShift: () => h.controller.abort() }, ['1'], 'replace');
    await h.release({ keepOnInterrupt: true }).catch(() => undefined);
    const r = await rollback(h.cloud, manifest(api()));
    expect(r.code).toBe(0);
    expect(r.reporter.printed).toEqual(['api (aws): aborted release of 2, traffic on 1']);
    expect(h.cloud.redeploys).toEqual([{ function: 'api', version: '1' }]);
    expect(h.cloud.pointers.get('api')).toMatchObject({ primary: '1', release: { status: 'rolled-back', cause: 'aborted' } });
  });
});

describe('slot model', () => {
  it('a canary shares HTTP traffic with the slot, then swaps it into production; the swapped-out version stays in the slot', async () => {
    const h = harness([fn('api', { triggers: [{ kind: 'http', method: 'GET', path: '/', auth: 'none' }], release: canary(10, 60) })], {}, ['1'], 'slot');
    const out = await h.release();
    expect(out[0]).toMatchObject({ status: 'live', version: '2' });
    expect(trail(h.cloud)).toEqual(['10%:in-progress:0', '100%:live:1']);
    expect(h.cloud.swaps).toEqual([{ function: 'api', production: '2' }]);
    expect(h.cloud.pointers.get('api')).toMatchObject({ primary: '2', staged: '1', weight: 0 });
  });

  it('a canary of a function without an http trigger is a usage error (exit 2) naming why', async () => {
    const h = harness([fn('worker', { release: canary(10, 60) })], {}, ['1'], 'slot');
    const err = (await h.release().catch((e: unknown) => e)) as FnxError;
    expect(err.code).toBe('E_RELEASE_STRATEGY_UNSUPPORTED');
    expect(err.exitCode).toBe(ExitCode.usage);
    expect(err.message).toContain('the share of traffic a slot takes is of HTTP requests, and worker has no http trigger');
    expect(h.cloud.shifts).toEqual([]);
  });

  it('fnx rollback --to a version no longer in the slot: refused (exit 2) with the versions it can move to', async () => {
    const cloud = new FakeCloud('slot');
    cloud.seed('api', ['1', '2', '3']);
    const r = await rollback(cloud, manifest([fn('api')]), { to: '1' });
    expect(r.code).toBe(ExitCode.usage);
    expect(r.error?.code).toBe('E_ROLLBACK_UNKNOWN_VERSION');
    expect(r.error?.message).toBe('Version "1" is in the release history of this function but is no longer deployed where traffic can be moved back to it. Nothing was changed.');
    expect(r.error?.hint).toBe('Versions you can roll back to: api (aws): 3, 2.');
    expect(cloud.shifts).toEqual([]);
  });
});

describe('version ids are opaque', () => {
  it('rollback --to lists the versions in the order the driver gives (newest first), never sorted or parsed', async () => {
    const cloud = new FakeCloud();
    cloud.seed('api', ['b7f3', 'zz-1', 'a0c9']);
    const r = await rollback(cloud, manifest([fn('api')]), { to: 'nope' });
    expect(r.code).toBe(ExitCode.usage);
    expect(r.error?.hint).toBe('Versions you can roll back to: api (aws): a0c9, zz-1, b7f3.');
    const back = await rollback(cloud, manifest([fn('api')]));
    expect(back.code).toBe(0);
    expect(cloud.pointers.get('api')?.primary).toBe('zz-1');
  });
});
