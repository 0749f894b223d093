/**
 * The stage lease (src/lease) through the programmatic API, over the fake cloud's stage record:
 * one holder at a time, exit 4 for a second run before it reads or writes anything else, takeover
 * of an expired lease or of one whose process died on this machine, a lost lease stopping the
 * run, release on every way out, and `fnx remove` deleting the record.
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { promote } from '../../../src/commands/promote.js';
import { remove } from '../../../src/commands/remove.js';
import { status } from '../../../src/commands/status.js';
import { showStatus } from '../../../src/cli/output.js';
import { CloudError, ExitCode, FnxError } from '../../../src/errors.js';
import type { ProviderDriver, StageRecordStore } from '../../../src/driver.js';
import type { Target } from '../../../src/session.js';
import { freeText, heldText, parseLease, type LeaseHolder } from '../../../src/lease/record.js';
import { leaseSettings, withStageLease } from '../../../src/lease/stage-lease.js';
import { FakeCloud } from '../../fakes/fake-driver.js';
import { fakeSession } from '../../fakes/fake-session.js';
import { fn, manifest } from '../../fakes/manifest.js';
import { MemoryReporter } from '../../fakes/memory-reporter.js';

const m = manifest([fn('api')]);
const base = { stage: m.stage, vars: {} };
const other: LeaseHolder = { id: 'other-run', command: 'deploy', host: 'ci-runner-7', pid: 4242, since: '2026-12-02T09:00:00.000Z', actor: 'alice' };

function world(env: NodeJS.ProcessEnv = {}) {
  const cloud = new FakeCloud();
  cloud.seed('api', ['1']);
  const reporter = new MemoryReporter();
  const session = fakeSession({ manifest: m, drivers: cloud, reporter, env });
  return { cloud, reporter, session };
}

function plant(cloud: FakeCloud, text: string): void {
  cloud.stageRecord = { text, revision: cloud.nextRevision() };
}

async function failure(p: Promise<unknown>): Promise<FnxError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof FnxError) return err;
    throw err;
  }
  throw new Error('expected the command to fail');
}

describe('stage lease', () => {
  it('is held while the command runs and free afterwards, naming the last holder', async () => {
    const { cloud, session } = world();
    const targets = (await session.drivers(m, { providers: [] })).targets;
    let during: ReturnType<typeof parseLease> | undefined;
    await withStageLease(session, m, targets, { command: 'deploy', settings: leaseSettings({}), create: true, actor: 'bob' }, async () => {
      during = parseLease(cloud.stageRecord!.text);
    });
    expect(during?.kind).toBe('held');
    if (during?.kind === 'held') {
      expect(during.holder).toMatchObject({ command: 'deploy', host: hostname(), pid: process.pid, actor: 'bob' });
      expect(Date.parse(during.expires) - Date.now()).toBeGreaterThan(100_000);
    }
    const after = parseLease(cloud.stageRecord!.text);
    expect(after).toMatchObject({ kind: 'free', last: { command: 'deploy', actor: 'bob' } });
    expect(cloud.leaseWrites).toBe(2);
  });

  it('held by another live run: exit 4 naming it, and nothing else read or written', async () => {
    const { cloud, session } = world();
    plant(cloud, heldText(other, new Date(Date.now() + 60_000)));
    cloud.calls = 0;
    const err = await failure(promote({ ...base }, session));
    expect(err.code).toBe('E_STAGE_LOCKED');
    expect(err.exitCode).toBe(ExitCode.conflict);
    expect(err.message).toContain('concurrently');
    expect(err.message).toContain('`fnx deploy` by alice on ci-runner-7 (pid 4242)');
    expect(err.hint).toContain('expires at');
    expect(cloud.calls).toBe(0);
    expect(cloud.leaseWrites).toBe(0);
    expect(parseLease(cloud.stageRecord!.text)).toMatchObject({ kind: 'held', holder: { id: 'other-run' } });
  });

  it('two runs at once: exactly one gets the lease, the other exits 4', async () => {
    const { cloud, session } = world();
    const targets = (await session.drivers(m, { providers: [] })).targets;
    const settings = leaseSettings({});
    const order: string[] = [];
    const runA = withStageLease(session, m, targets, { command: 'deploy', settings, create: true }, async () => {
      order.push('a');
      await new Promise((r) => setTimeout(r, 20));
    });
    const runB = withStageLease(session, m, targets, { command: 'deploy', settings, create: true }, async () => {
      order.push('b');
      await new Promise((r) => setTimeout(r, 20));
    });
    const results = await Promise.allSettled([runA, runB]);
    expect(order).toHaveLength(1);
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(((rejected[0] as PromiseRejectedResult).reason as FnxError).code).toBe('E_STAGE_LOCKED');
    expect(parseLease(cloud.stageRecord!.text).kind).toBe('free');
  });

  it('an expired lease is taken over with a warning', async () => {
    const { cloud, reporter, session } = world();
    plant(cloud, heldText(other, new Date(Date.now() - 1_000)));
    await promote({ ...base }, session);
    expect(reporter.warnings.join('\n')).toMatch(/taking over the lease on orders-prod from `fnx deploy` by alice on ci-runner-7 .*expired at/);
    expect(parseLease(cloud.stageRecord!.text)).toMatchObject({ kind: 'free', last: { command: 'promote' } });
  });

  it('a lease whose process died on this machine is taken over at once', async () => {
    const { cloud, reporter, session } = world();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    plant(cloud, heldText({ ...other, host: hostname(), pid: dead }, new Date(Date.now() + 60_000)));
    await promote({ ...base }, session);
    expect(reporter.warnings.join('\n')).toContain('that process has ended on this machine without releasing it');
    expect(parseLease(cloud.stageRecord!.text)).toMatchObject({ kind: 'free', last: { command: 'promote' } });
  });

  it('a live process on this machine keeps its lease', async () => {
    const { cloud, session } = world();
    plant(cloud, heldText({ ...other, host: hostname(), pid: process.ppid }, new Date(Date.now() + 60_000)));
    expect((await failure(promote({ ...base }, session))).code).toBe('E_STAGE_LOCKED');
  });

  it('an unreadable record is taken over with a warning', async () => {
    const { cloud, reporter, session } = world();
    plant(cloud, '{"fnxLease":99}');
    await promote({ ...base }, session);
    expect(reporter.warnings.join('\n')).toContain('not one this fnx can read');
    expect(parseLease(cloud.stageRecord!.text).kind).toBe('free');
  });

  it('is released when the command fails, and the failure is what the user sees', async () => {
    const { cloud, session } = world();
    const targets = (await session.drivers(m, { providers: [] })).targets;
    const err = await failure(
      withStageLease(session, m, targets, { command: 'deploy', settings: leaseSettings({}), create: true }, async () => {
        throw new FnxError('E_SOMETHING', 'went wrong');
      }),
    );
    expect(err.code).toBe('E_SOMETHING');
    expect(parseLease(cloud.stageRecord!.text).kind).toBe('free');
  });

  it('a lease taken over while the run stalls stops the run with exit 4 (E_STAGE_LEASE_LOST)', async () => {
    const { cloud, session } = world({ FNX_LEASE_SECONDS: '1' });
    const targets = (await session.drivers(m, { providers: [] })).targets;
    let sawAbort = false;
    const err = await failure(
      withStageLease(session, m, targets, { command: 'deploy', settings: leaseSettings(session.env), create: true }, async (leased) => {
        // Another run takes the record over (as after this run's lease expired).
        plant(cloud, heldText(other, new Date(Date.now() + 60_000)));
        await new Promise<void>((resolve) => leased.signal.addEventListener('abort', () => resolve(), { once: true }));
        sawAbort = true;
      }),
    );
    expect(sawAbort).toBe(true);
    expect(err.code).toBe('E_STAGE_LEASE_LOST');
    expect(err.exitCode).toBe(ExitCode.conflict);
    // The other run's lease is left alone.
    expect(parseLease(cloud.stageRecord!.text)).toMatchObject({ kind: 'held', holder: { id: 'other-run' } });
  });

  it('renews the lease while the command runs', async () => {
    const { cloud, session } = world({ FNX_LEASE_SECONDS: '1' });
    const targets = (await session.drivers(m, { providers: [] })).targets;
    await withStageLease(session, m, targets, { command: 'deploy', settings: leaseSettings(session.env), create: true }, async () => {
      await new Promise((r) => setTimeout(r, 700));
    });
    // take + at least two renewals (every 250 ms) + free
    expect(cloud.leaseWrites).toBeGreaterThanOrEqual(4);
  });

  /** The targets with the stage record store replaced by `wrap(real)`. */
  function wrapped(targets: readonly Target[], wrap: (real: StageRecordStore) => StageRecordStore): Target[] {
    return targets.map((t) => ({ ...t, driver: { ...t.driver, stageRecord: wrap(t.driver.stageRecord) } as ProviderDriver }));
  }

  it('a renewal whose answer was lost and that was sent again keeps the lease (its own write is not another run)', async () => {
    const { cloud, session, reporter } = world({ FNX_LEASE_SECONDS: '1' });
    let writes = 0;
    // The first renewal lands, its answer is lost, and the retry meets the revision it made: precondition.
    const targets = wrapped((await session.drivers(m, { providers: [] })).targets, (real) => ({
      ...real,
      write: async (req) => {
        const rev = await real.write(req);
        return ++writes === 2 ? real.write(req) : rev;
      },
    }));
    await withStageLease(session, m, targets, { command: 'deploy', settings: leaseSettings(session.env), create: true }, async (leased) => {
      await new Promise((r) => setTimeout(r, 700));
      expect(leased.signal.aborted).toBe(false);
    });
    expect(writes).toBeGreaterThanOrEqual(4);
    expect(parseLease(cloud.stageRecord!.text).kind).toBe('free');
    expect(reporter.warnings).toEqual([]);
  });

  it('a renewal that landed but answered with an error is still released at the end', async () => {
    const { cloud, session, reporter } = world({ FNX_LEASE_SECONDS: '1' });
    let writes = 0;
    const targets = wrapped((await session.drivers(m, { providers: [] })).targets, (real) => ({
      ...real,
      write: async (req) => {
        const rev = await real.write(req);
        if (++writes === 2) throw new CloudError('aws', 'unavailable', 'connection reset after the write');
        return rev;
      },
    }));
    await withStageLease(session, m, targets, { command: 'deploy', settings: leaseSettings(session.env), create: true }, async () => {
      await new Promise((r) => setTimeout(r, 300));
    });
    expect(parseLease(cloud.stageRecord!.text).kind).toBe('free');
    expect(reporter.warnings).toEqual([]);
  });

  it('a failed release is a warning saying the lease expires by itself', async () => {
    const cloud = new FakeCloud();
    const reporter = new MemoryReporter();
    let writes = 0;
    const session = fakeSession({ manifest: m, drivers: cloud, reporter, driverOptions: { defect: (method) => (method === 'stageRecord.write' && ++writes === 2 ? new Error('connection reset') : undefined) } });
    const targets = (await session.drivers(m, { providers: [] })).targets;
    await withStageLease(session, m, targets, { command: 'deploy', settings: leaseSettings({}), create: true }, async () => undefined);
    expect(reporter.warnings.join('\n')).toContain('could not release the lease on orders-prod (connection reset); it expires by itself');
  });

  it('without create, a stage that has nowhere to hold the record goes on without a lease', async () => {
    const { cloud, session } = world();
    cloud.recordHolder = false;
    const r = await promote({ ...base }, session);
    expect(r.promoted).toEqual([]);
    expect(cloud.stageRecord).toBeUndefined();
    expect(cloud.recordHolder).toBe(false);
  });

  it('remove deletes the record once the stage is gone', async () => {
    const { cloud, session } = world();
    plant(cloud, freeText(other));
    await remove({ ...base, yes: true }, session);
    expect(cloud.stageRecord).toBeUndefined();
  });

  it('on several providers: a lease held on the second frees the first', async () => {
    const both = manifest([fn('api', { providers: ['aws', 'gcp'] })], { providers: { aws: { region: 'us-east-1', tags: {} }, gcp: { project: 'p', region: 'europe-west1', tags: {} } } });
    const aws = new FakeCloud();
    const gcp = new FakeCloud();
    plant(gcp, heldText(other, new Date(Date.now() + 60_000)));
    const { FakeDriver } = await import('../../fakes/fake-driver.js');
    const session = fakeSession({ manifest: both, drivers: { aws: new FakeDriver(aws, { provider: 'aws' }), gcp: new FakeDriver(gcp, { provider: 'gcp' }) } });
    const err = await failure(promote({ ...base }, session));
    expect(err.code).toBe('E_STAGE_LOCKED');
    expect(err.message).toContain('on gcp');
    expect(parseLease(aws.stageRecord!.text).kind).toBe('free');
  });

  it('fnx status names the run changing the stage now, and only while its lease runs', async () => {
    const { cloud, session, reporter } = world();
    plant(cloud, heldText(other, new Date('2099-01-01T00:00:00.000Z')));
    const held = await status({ ...base }, session);
    expect(held.providers[0]?.lease?.holder.id).toBe('other-run');
    showStatus(held, reporter);
    expect(reporter.printed.join('\n')).toContain('changing now: `fnx deploy` by alice on ci-runner-7 (pid 4242), since 2026-12-02T09:00:00.000Z (its lease runs until 2099-01-01T00:00:00.000Z)');
    plant(cloud, heldText(other, new Date(Date.now() - 1)));
    expect((await status({ ...base }, session)).providers[0]?.lease).toBeUndefined();
  });

  it('a bad FNX_LEASE_SECONDS is a usage error before any cloud call', async () => {
    const { cloud, session } = world({ FNX_LEASE_SECONDS: 'soon' });
    const err = await failure(promote({ ...base }, session));
    expect(err.code).toBe('E_USAGE_LEASE_SECONDS');
    expect(err.exitCode).toBe(ExitCode.usage);
    expect(cloud.leaseWrites + cloud.calls).toBe(0);
  });
});
