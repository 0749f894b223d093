import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/errors.js';
import { rolledBackError } from '../../../src/release/index.js';
import type { PointerView } from '../../fakes/fake-driver.js';
import { canary, fn, linear } from '../../fakes/manifest.js';
import { harness, trail } from './harness.js';

/** True when the pointer is at step `k` of a release whose last index is `last` (k === last: after going live). */
function atStep(v: PointerView, k: number, last: number): boolean {
  return v.step === k && (k === last ? v.status === 'live' : v.status === 'in-progress');
}

const linearTrail = ['25%:in-progress:0', '50%:in-progress:1', '75%:in-progress:2', '100%:live:3'];

describe('health gates and hooks: any failure rolls back to the previous version', () => {
  for (const k of [0, 1, 2, 3]) {
    it(`an alarm firing at linear step ${k + 1}/4 rolls back (outcome rolled-back, exit 3)`, async () => {
      const h = harness([fn('api', { release: linear(25, 60, { health: { alarms: ['api-5xx'] } }) })], {
        health: (v) => (atStep(v, k, 3) ? { alarmsFiring: ['api-5xx'] } : {}),
      });
      const out = await h.release();
      expect(out[0]).toMatchObject({ status: 'rolled-back', version: '2', previous: '1', reason: 'alarm api-5xx in ALARM state' });
      expect(trail(h.cloud)).toEqual([...linearTrail.slice(0, k + 1), `0%:rolled-back:${k}`]);
      expect(h.cloud.pointers.get('api')).toMatchObject({ primary: '1', weight: 0, release: { status: 'rolled-back', reason: 'alarm api-5xx in ALARM state' } });
      expect(h.cloud.pointers.get('api')?.candidate).toBeUndefined();
      expect(rolledBackError(out)?.exitCode).toBe(ExitCode.rolledBack);
    });
  }

  it('an alarm not in the policy is ignored', async () => {
    const h = harness([fn('api', { release: canary(10, 60, { health: { alarms: ['api-5xx'] } }) })], {
      health: () => ({ alarmsFiring: ['someone-elses-alarm'] }),
    });
    const out = await h.release();
    expect(out[0]?.status).toBe('live');
    expect(rolledBackError(out)).toBeUndefined();
  });

  for (const k of [0, 1]) {
    it(`an error rate above the threshold at canary step ${k + 1}/2 rolls back`, async () => {
      const h = harness([fn('api', { release: canary(10, 60, { health: { alarms: [], errorRate: 0.01 } }) })], {
        health: (v) => (atStep(v, k, 1) ? { invocations: 40, errors: 5 } : { invocations: 1000, errors: 10 }),
      });
      const out = await h.release();
      expect(out[0]?.status).toBe('rolled-back');
      expect(out[0]?.reason).toBe('error rate 12.5% (5 errors / 40 invocations) above 1%');
      expect(trail(h.cloud)).toEqual([...['10%:in-progress:0', '100%:live:1'].slice(0, k + 1), `0%:rolled-back:${k}`]);
    });
  }

  it('the error rate is read for the candidate version since its step began', async () => {
    const h = harness([fn('api', { release: canary(10, 30, { health: { alarms: [], errorRate: 0.05 } }) })]);
    const start = h.clock.now();
    await h.release();
    expect(h.cloud.healthChecks.every((c) => c.version === '2')).toBe(true);
    expect(h.cloud.healthChecks[0]?.since).toBe(new Date(start).toISOString());
    // After going live (30s later) the window restarts.
    expect(h.cloud.healthChecks.at(-1)?.since).toBe(new Date(start + 30_000).toISOString());
  });

  it('no invocations means no evidence of errors: the error-rate gate passes', async () => {
    const h = harness([fn('api', { release: canary(10, 30, { health: { alarms: [], errorRate: 0.01 } }) })]);
    expect((await h.release())[0]?.status).toBe('live');
  });

  describe('HTTP probe against a local server', () => {
    let server: Server;
    let base: string;
    let respond: (path: string) => { status: number; delayMs?: number } = () => ({ status: 200 });
    const seen: string[] = [];
    beforeAll(async () => {
      server = createServer((req, res) => {
        seen.push(`${req.method} ${req.url}`);
        const r = respond(req.url ?? '/');
        setTimeout(() => {
          res.statusCode = r.status;
          res.end('ok');
        }, r.delayMs ?? 0);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    for (const k of [0, 1, 2, 3]) {
      it(`a probe answering 500 at linear step ${k + 1}/4 rolls back`, async () => {
        const h = harness([
          fn('api', {
            triggers: [{ kind: 'http', method: 'GET', path: '/orders', auth: 'none' }],
            release: linear(25, 30, { health: { alarms: [], http: { path: '/orders/health', method: 'GET', expect: 200 } } }),
          }),
        ], { urls: { api: [`${base}/orders`] } });
        respond = () => (h.cloud.view('api') && atStep(h.cloud.view('api') as PointerView, k, 3) ? { status: 500 } : { status: 200 });
        seen.length = 0;
        const out = await h.release();
        expect(out[0]?.status).toBe('rolled-back');
        expect(out[0]?.reason).toBe(`HTTP probe GET ${base}/orders/health returned 500, expected 200`);
        expect(trail(h.cloud)).toEqual([...linearTrail.slice(0, k + 1), `0%:rolled-back:${k}`]);
        expect(seen.every((s) => s === 'GET /orders/health')).toBe(true);
      });
    }

    it('a healthy probe at an absolute url lets the release finish', async () => {
      respond = () => ({ status: 204 });
      seen.length = 0;
      const h = harness([fn('api', { release: canary(10, 30, { health: { alarms: [], http: { url: `${base}/ping`, method: 'HEAD', expect: 204 } } }) })]);
      const out = await h.release();
      expect(out[0]?.status).toBe('live');
      // before the first step, twice during the 30s hold, once after going live
      expect(seen).toEqual(['HEAD /ping', 'HEAD /ping', 'HEAD /ping', 'HEAD /ping']);
    });

    it('a probe slower than maxLatency rolls back', async () => {
      respond = () => ({ status: 200, delayMs: 400 });
      const h = harness([fn('api', { release: canary(10, 30, { health: { alarms: [], http: { url: `${base}/slow`, method: 'GET', expect: 200, maxLatencyMs: 50 } } }) })]);
      const out = await h.release();
      expect(out[0]?.status).toBe('rolled-back');
      expect(out[0]?.reason).toMatch(new RegExp(`^HTTP probe GET ${base}/slow (took \\d+ms, above 50ms|timed out after 1000ms)$`));
    });

    it('a probe to a closed port rolls back with the connection error', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const h = harness([fn('api', { release: canary(10, 30, { health: { alarms: [], http: { url: `http://127.0.0.1:${port}/x`, method: 'GET', expect: 200 } } }) })]);
      const out = await h.release();
      expect(out[0]?.status).toBe('rolled-back');
      expect(out[0]?.reason).toContain('ECONNREFUSED');
    });
  });

  it('a function with no http URL and a path-only probe fails the gate clearly', async () => {
    const h = harness([fn('api', { release: canary(10, 30, { health: { alarms: [], http: { path: '/health', method: 'GET', expect: 200 } } }) })]);
    const out = await h.release();
    expect(out[0]?.status).toBe('rolled-back');
    expect(out[0]?.reason).toContain('has no http URL to probe');
  });

  it('preTraffic hook receives the release context; failing it moves no traffic and records the rollback', async () => {
    const h = harness([fn('api', { release: canary(10, 60, { hooks: { preTraffic: 'smoke' } }) }), fn('smoke')], {
      invoke: (name) => (name === 'smoke' ? { ok: false, payload: null, error: 'assertion failed: GET /orders -> 502' } : { ok: true, payload: null }),
    });
    const out = await h.release();
    const api = out.find((o) => o.function === 'api');
    expect(api).toMatchObject({ status: 'rolled-back', reason: 'preTraffic hook smoke failed: assertion failed: GET /orders -> 502' });
    expect(trail(h.cloud, 'api')).toEqual(['0%:rolled-back:0']);
    expect(h.cloud.shifts.find((s) => s.function === 'api')).toMatchObject({ primary: '1', weight: 0 });
    expect(h.cloud.invokes[0]?.payload).toMatchObject({ hook: 'preTraffic', deployId: 'dep-1', function: 'api', version: '2', previous: '1', step: -1, stage: 'prod' });
  });

  it('a failing postTraffic hook rolls back after going live', async () => {
    const h = harness([fn('api', { release: canary(10, 60, { hooks: { postTraffic: 'smoke' } }) }), fn('smoke')], {
      invoke: () => ({ ok: false, payload: null }),
    });
    const out = await h.release();
    expect(out.find((o) => o.function === 'api')).toMatchObject({ status: 'rolled-back', reason: 'postTraffic hook smoke failed' });
    expect(trail(h.cloud, 'api')).toEqual(['10%:in-progress:0', '100%:live:1', '0%:rolled-back:1']);
    expect(h.cloud.invokes[0]?.payload).toMatchObject({ hook: 'postTraffic', step: 1 });
  });

  it('a hook that cannot be invoked fails the release', async () => {
    const h = harness([fn('api', { release: canary(10, 60, { hooks: { preTraffic: 'smoke' } }) }), fn('smoke')], {
      invoke: () => {
        throw new Error('function smoke not found');
      },
    });
    const out = await h.release();
    expect(out.find((o) => o.function === 'api')).toMatchObject({ status: 'rolled-back', reason: 'preTraffic hook smoke could not be invoked: function smoke not found' });
  });

  it('passing hooks run once each, before and after the traffic moves', async () => {
    const h = harness([fn('api', { release: canary(10, 60, { hooks: { preTraffic: 'pre', postTraffic: 'post' } }) }), fn('pre'), fn('post')]);
    const out = await h.release();
    expect(out.find((o) => o.function === 'api')?.status).toBe('live');
    expect(h.cloud.invokes.filter((i) => (i.payload as { function: string }).function === 'api').map((i) => i.function)).toEqual(['pre', 'post']);
  });

  it('one function rolling back does not stop the others', async () => {
    const h = harness([fn('a', { release: canary(10, 60, { health: { alarms: ['a-5xx'] } }) }), fn('b', { release: canary(10, 60) })], {
      health: (v) => (v.function === 'a' ? { alarmsFiring: ['a-5xx'] } : {}),
    });
    const out = await h.release();
    expect(out.map((o) => [o.function, o.status])).toEqual([['a', 'rolled-back'], ['b', 'live']]);
    const err = rolledBackError(out);
    expect(err?.exitCode).toBe(3);
    expect(err?.message).toContain('a (aws): 2 rolled back to 1: alarm a-5xx in ALARM state');
    expect(h.reporter.warnings).toContain('a (aws): rolled back to 1: alarm a-5xx in ALARM state');
  });
});
