/**
 * The session: everything a command gets from outside itself (output, cancellation, working
 * directory, environment, time, the terminal, the manifest and the drivers), in one injected
 * object. The CLI builds the real one with createSession; tests and programmatic callers pass
 * their own (fake drivers, a memory reporter, a fake clock) without mocking modules.
 */
import type { ProviderDriver } from './driver.js';
import type { LoadOptions } from './manifest/index.js';
import type { ProviderName, ResolvedFunction, ResolvedManifest } from './manifest/model.js';
import { selectFunctions, selectProviders } from './manifest/select.js';
import { clockFromEnv, type Clock } from './release/clock.js';
import { formatWarning } from './report/format.js';
import type { Reporter } from './report/reporter.js';

/** Options shared by the commands that read a manifest. */
export interface ManifestOptions {
  /** Path of the manifest; default `fnx.yaml` in cwd. */
  readonly config?: string;
  readonly stage: string;
  /** `--var name=value`, for `${opt:name}`. */
  readonly vars: Readonly<Record<string, string>>;
}

/** How a command asks for its manifest. `files`: also check handler files and layer folders (commands that package code). */
export interface ManifestRequest extends ManifestOptions {
  readonly files?: boolean;
}

/** Which part of the stage a cloud command works on. */
export interface DriverSelection {
  /** --provider; empty = every configured provider that some function uses. */
  readonly providers: readonly string[];
  /** --function; empty = all. */
  readonly functions?: readonly string[];
}

/** One provider a command works on, with its driver. */
export interface Target {
  readonly provider: ProviderName;
  readonly driver: ProviderDriver;
  /** Manifest functions deployed to this provider, narrowed by the selection's functions. */
  readonly functions: readonly ResolvedFunction[];
}

export interface Targets {
  readonly targets: readonly Target[];
  /** Providers the manifest uses that were left out because this version has no driver for them. */
  readonly skipped: readonly ProviderName[];
}

export interface Session {
  readonly reporter: Reporter;
  /** Aborted on the first Ctrl-C / SIGTERM. */
  readonly signal: AbortSignal;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** True when prompts may be shown (stdin and stderr are TTYs and not CI). */
  readonly interactive: boolean;
  /** The release engine's time. Throws a usage error for a bad FNX_TIME_SCALE; commands that release call it before their first cloud call. */
  clock(): Clock;
  /** Asks a yes/no question on the terminal; only called when `interactive`. Resolves false when declined or interrupted. */
  confirm(question: string): Promise<boolean>;
  /** The resolved manifest for a stage; manifest warnings go to the reporter. Throws the manifest's errors (exit 2). */
  loadManifest(request: ManifestRequest): Promise<ResolvedManifest>;
  /**
   * The providers a cloud command works on, with their drivers. Unknown function or provider
   * names are usage errors (exit 2) raised before any driver loads. Without --provider, providers
   * that have no driver yet are skipped with a warning; naming one, or a manifest that uses no
   * provider with a driver, is a usage error.
   */
  drivers(manifest: ResolvedManifest, selection: DriverSelection): Promise<Targets>;
}

/** What a session needs from outside: the process's output, cancellation, cwd, environment and terminal. */
export interface SessionInit {
  readonly reporter: Reporter;
  readonly signal: AbortSignal;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly interactive: boolean;
  /** Default: a question on stdin/stderr. */
  readonly confirm?: (question: string, signal: AbortSignal) => Promise<boolean>;
  /** Default: the system clock, scaled by FNX_TIME_SCALE. */
  readonly clock?: Clock;
}

/** The load options loadManifest takes for a request in this session. */
export function manifestLoadOptions(request: ManifestRequest, session: Pick<Session, 'cwd' | 'env' | 'reporter'>): LoadOptions {
  return {
    files: Boolean(request.files),
    cwd: session.cwd,
    ...(request.config ? { config: request.config } : {}),
    stage: request.stage,
    vars: request.vars,
    env: session.env,
    onWarning: (w) => session.reporter.warn(formatWarning(w, session.cwd)),
    onInputValues: (values) => session.reporter.mask?.(values),
  };
}

/** The real session: the manifest from disk, drivers from the provider registry (both loaded lazily). */
export function createSession(init: SessionInit): Session {
  return {
    reporter: init.reporter,
    signal: init.signal,
    cwd: init.cwd,
    env: init.env,
    interactive: init.interactive,
    clock: () => init.clock ?? clockFromEnv(init.env),
    confirm: async (question) => {
      if (init.confirm) return init.confirm(question, init.signal);
      const { confirm } = await import('./deploy/confirm.js');
      return confirm(question, init.signal);
    },
    async loadManifest(request) {
      const { loadManifest } = await import('./manifest/index.js');
      return loadManifest(manifestLoadOptions(request, init));
    },
    async drivers(manifest, selection) {
      const registry = await import('./registry.js');
      const { providers, skipped } = chooseProviders(manifest, selection, init.reporter, registry);
      const targets: Target[] = [];
      for (const provider of providers) {
        targets.push({ provider, driver: await registry.loadDriver(provider, manifest, init.env), functions: functionsOn(manifest, provider, selection) });
      }
      return { targets, skipped };
    },
  };
}

interface Registry {
  driverAvailable(name: ProviderName): boolean;
  unavailableError(names: readonly ProviderName[], manifest: ResolvedManifest): Error;
}

/** The providers a selection names that have a driver, and those skipped (see Session.drivers). */
export function chooseProviders(manifest: ResolvedManifest, selection: DriverSelection, reporter: Reporter, registry: Registry): { providers: ProviderName[]; skipped: ProviderName[] } {
  selectFunctions(manifest, selection.functions ?? []);
  const selected = selectProviders(manifest, selection.providers);
  const skipped = selected.filter((p) => !registry.driverAvailable(p));
  const providers = selected.filter((p) => registry.driverAvailable(p));
  if (skipped.length && (selection.providers.length || !providers.length)) throw registry.unavailableError(skipped, manifest);
  if (skipped.length) {
    reporter.warn(`skipping ${skipped.join(' and ')}: this version of fnx has no driver for ${skipped.length > 1 ? 'them' : 'it'} yet, so this command covers only ${providers.join(', ')}.`);
  }
  return { providers, skipped };
}

/** Manifest functions deployed to `provider`, narrowed by the selection's functions. */
export function functionsOn(manifest: ResolvedManifest, provider: ProviderName, selection: DriverSelection): ResolvedFunction[] {
  const only = selection.functions ?? [];
  return manifest.functions.filter((f) => f.providers.includes(provider) && (only.length === 0 || only.includes(f.name)));
}
