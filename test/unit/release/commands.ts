/**
 * Runs the promote/rollback commands against a fake cloud, as a fresh runner with no local state
 * would: through the programmatic API with a fake session, then the CLI's output for the result.
 */
import { showPromote, showRollback } from '../../../src/cli/output.js';
import { promote as promoteApi, type PromoteRequest } from '../../../src/commands/promote.js';
import { rollback as rollbackApi, type RollbackRequest } from '../../../src/commands/rollback.js';
import { FnxError } from '../../../src/errors.js';
import type { ResolvedManifest } from '../../../src/manifest/model.js';
import type { Session } from '../../../src/session.js';
import { FakeClock } from '../../fakes/fake-clock.js';
import { FakeDriver, type FakeCloud, type FakeDriverOptions } from '../../fakes/fake-driver.js';
import { fakeSession } from '../../fakes/fake-session.js';
import { MemoryReporter } from '../../fakes/memory-reporter.js';

export interface CommandRun {
  /** Exit code the CLI would use: 0, or the thrown FnxError's. */
  code: number;
  error?: FnxError;
  reporter: MemoryReporter;
  driver: FakeDriver;
}

export interface FreshRunner {
  clock?: FakeClock;
  json?: boolean;
  signal?: AbortSignal;
  driver?: FakeDriverOptions;
}

function session(m: ResolvedManifest, driver: FakeDriver, reporter: MemoryReporter, clock: FakeClock | undefined, signal?: AbortSignal): Session {
  return fakeSession({ manifest: m, drivers: { aws: driver }, reporter, clock: clock ?? new FakeClock(), ...(signal ? { signal } : {}), cwd: '/fresh' });
}

async function run(body: () => Promise<void>, reporter: MemoryReporter, driver: FakeDriver): Promise<CommandRun> {
  try {
    await body();
    return { code: 0, reporter, driver };
  } catch (err) {
    if (!(err instanceof FnxError)) throw err;
    return { code: err.exitCode, error: err, reporter, driver };
  }
}

export function promote(cloud: FakeCloud, m: ResolvedManifest, opts: Partial<PromoteRequest> = {}, runner: FreshRunner = {}): Promise<CommandRun> {
  const driver = new FakeDriver(cloud, runner.driver);
  const reporter = new MemoryReporter(Boolean(runner.json));
  const request: PromoteRequest = { stage: m.stage, vars: {}, functions: [], providers: [], ...opts };
  return run(async () => showPromote(await promoteApi(request, session(m, driver, reporter, runner.clock, runner.signal)), reporter), reporter, driver);
}

export function rollback(cloud: FakeCloud, m: ResolvedManifest, opts: Partial<RollbackRequest> = {}, runner: FreshRunner = {}): Promise<CommandRun> {
  const driver = new FakeDriver(cloud, runner.driver);
  const reporter = new MemoryReporter(Boolean(runner.json));
  const request: RollbackRequest = { stage: m.stage, vars: {}, functions: [], providers: [], ...opts };
  return run(async () => showRollback(await rollbackApi(request, session(m, driver, reporter, runner.clock)), reporter), reporter, driver);
}
