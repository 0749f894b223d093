/**
 * A Session for tests and examples of the programmatic API: a given manifest, fake drivers over
 * a FakeCloud (or any drivers), a MemoryReporter, a FakeClock, scripted answers at the prompt.
 * Provider selection follows the real rules (src/session.ts chooseProviders); no module is mocked
 * and process.env is never read.
 */
import type { ProviderDriver } from '../../src/driver.js';
import { ExitCode, FnxError } from '../../src/errors.js';
import type { ProviderName, ResolvedManifest } from '../../src/manifest/model.js';
import { chooseProviders, functionsOn, type Session, type Target } from '../../src/session.js';
import { FakeClock } from './fake-clock.js';
import { FakeDriver, type FakeCloud, type FakeDriverOptions } from './fake-driver.js';
import { MemoryReporter } from './memory-reporter.js';

export interface FakeSessionOptions {
  readonly manifest: ResolvedManifest;
  /** The drivers, by provider; or a FakeCloud every provider's FakeDriver shares. */
  readonly drivers: Partial<Record<ProviderName, ProviderDriver>> | FakeCloud;
  readonly driverOptions?: FakeDriverOptions;
  readonly reporter?: MemoryReporter;
  readonly clock?: FakeClock;
  readonly signal?: AbortSignal;
  readonly interactive?: boolean;
  /** Answers to the prompt, in order; default: every question declined. */
  readonly answers?: readonly boolean[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export interface FakeSession extends Session {
  readonly reporter: MemoryReporter;
  /** Every question asked at the prompt. */
  readonly questions: string[];
  /** Every manifest request made (stage, vars, files). */
  readonly loads: unknown[];
}

export function fakeSession(o: FakeSessionOptions): FakeSession {
  const reporter = o.reporter ?? new MemoryReporter();
  const clock = o.clock ?? new FakeClock();
  const answers = [...(o.answers ?? [])];
  const questions: string[] = [];
  const loads: unknown[] = [];
  const driverFor = (p: ProviderName): ProviderDriver | undefined => {
    if ('pointers' in o.drivers) return new FakeDriver(o.drivers as FakeCloud, { provider: p, ...o.driverOptions });
    return (o.drivers as Partial<Record<ProviderName, ProviderDriver>>)[p];
  };
  const registry = {
    driverAvailable: (p: ProviderName) => driverFor(p) !== undefined,
    unavailableError: (names: readonly ProviderName[]) =>
      new FnxError('E_PROVIDER_UNAVAILABLE', `This session has no ${names.join(' and ')} driver.`, { exitCode: ExitCode.usage }),
  };
  return {
    reporter,
    signal: o.signal ?? new AbortController().signal,
    cwd: o.cwd ?? o.manifest.rootDir,
    env: o.env ?? {},
    interactive: Boolean(o.interactive),
    questions,
    loads,
    clock: () => clock,
    confirm: async (question) => {
      questions.push(question);
      return answers.shift() ?? false;
    },
    loadManifest: async (request) => {
      loads.push(request);
      return o.manifest;
    },
    drivers: async (manifest, selection) => {
      const { providers, skipped } = chooseProviders(manifest, selection, reporter, registry);
      const targets: Target[] = providers.map((provider) => ({ provider, driver: driverFor(provider)!, functions: functionsOn(manifest, provider, selection) }));
      return { targets, skipped };
    },
  };
}
