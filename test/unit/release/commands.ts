/** Runs the promote/rollback commands against a fake cloud, as a fresh runner with no local state would. */
import type { CommandContext } from '../../../src/commands/context.js';
import { promoteCommand, type PromoteOptions } from '../../../src/commands/promote.js';
import { rollbackCommand, type RollbackOptions } from '../../../src/commands/rollback.js';
import { FnxError } from '../../../src/errors.js';
import type { ResolvedManifest } from '../../../src/manifest/model.js';
import type { CommandDeps } from '../../../src/release/command-deps.js';
import { FakeClock } from '../../fakes/fake-clock.js';
import { FakeDriver, type FakeCloud, type FakeDriverOptions } from '../../fakes/fake-driver.js';
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

function deps(m: ResolvedManifest, driver: FakeDriver, clock: FakeClock): CommandDeps {
  return { loadManifest: async () => m, loadDriver: async () => driver, clock };
}

async function run(body: (ctx: CommandContext) => Promise<void>, reporter: MemoryReporter, driver: FakeDriver): Promise<CommandRun> {
  const ctx: CommandContext = { reporter, signal: new AbortController().signal, cwd: '/fresh', env: {}, interactive: false };
  try {
    await body(ctx);
    return { code: 0, reporter, driver };
  } catch (err) {
    if (!(err instanceof FnxError)) throw err;
    return { code: err.exitCode, error: err, reporter, driver };
  }
}

export function promote(cloud: FakeCloud, m: ResolvedManifest, opts: Partial<PromoteOptions> = {}, runner: FreshRunner = {}): Promise<CommandRun> {
  const driver = new FakeDriver(cloud, runner.driver);
  const reporter = new MemoryReporter(Boolean(runner.json));
  const clock = runner.clock ?? new FakeClock();
  const o: PromoteOptions = { stage: m.stage, vars: {}, json: Boolean(runner.json), functions: [], providers: [], ...opts };
  return run((ctx) => promoteCommand(o, runner.signal ? { ...ctx, signal: runner.signal } : ctx, deps(m, driver, clock)), reporter, driver);
}

export function rollback(cloud: FakeCloud, m: ResolvedManifest, opts: Partial<RollbackOptions> = {}, runner: FreshRunner = {}): Promise<CommandRun> {
  const driver = new FakeDriver(cloud, runner.driver);
  const reporter = new MemoryReporter(Boolean(runner.json));
  const clock = runner.clock ?? new FakeClock();
  const o: RollbackOptions = { stage: m.stage, vars: {}, json: Boolean(runner.json), functions: [], providers: [], ...opts };
  return run((ctx) => rollbackCommand(o, ctx, deps(m, driver, clock)), reporter, driver);
}
