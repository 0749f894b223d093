/** Step "load": the manifest, and the drivers of the providers this command targets. */
import { driverAvailable, loadDriver, unavailableError } from '../registry.js';
import type { Environment, ProviderDriver } from '../driver.js';
import { loadManifest } from '../manifest/index.js';
import type { ProviderName, ResolvedManifest } from '../manifest/model.js';
import { selectProviders } from '../manifest/select.js';
import type { Reporter } from '../report/reporter.js';
import { manifestLoadOptions, type CommandContext, type ManifestOptions } from '../commands/context.js';

export interface Target {
  readonly name: ProviderName;
  readonly driver: ProviderDriver;
}

export interface ProviderSelection {
  /** Providers to work on: used by the manifest, narrowed by --provider, with a driver. */
  readonly providers: readonly ProviderName[];
  /** Providers the manifest uses that were left out because this version has no driver for them. */
  readonly skipped: readonly ProviderName[];
}

/** `files`: also check the handler files and layer folders (for the commands that package code). */
export async function loadForCommand(opts: ManifestOptions, ctx: CommandContext, files = false): Promise<ResolvedManifest> {
  return loadManifest(manifestLoadOptions(opts, ctx, files));
}

/**
 * The providers a cloud command (plan, deploy, status, remove, promote, rollback) works on. Without
 * --provider, providers that have no driver yet are skipped with a warning saying so; naming one
 * with --provider, or a manifest that uses no provider with a driver, is a usage error (exit 2)
 * raised before any cloud call.
 */
export function deployableProviders(manifest: ResolvedManifest, requested: readonly string[], reporter: Reporter): ProviderSelection {
  const selected = selectProviders(manifest, requested);
  const skipped = selected.filter((p) => !driverAvailable(p));
  const providers = selected.filter((p) => driverAvailable(p));
  if (skipped.length && (requested.length || !providers.length)) throw unavailableError(skipped, manifest);
  if (skipped.length) {
    reporter.warn(`skipping ${skipped.join(' and ')}: this version of fnx has no driver for ${skipped.length > 1 ? 'them' : 'it'} yet, so this command covers only ${providers.join(', ')}.`);
  }
  return { providers, skipped };
}

/** Loads the drivers of `providers`; `env` is the command's environment, the only one a driver reads. */
export async function loadTargets(manifest: ResolvedManifest, providers: readonly ProviderName[], env: Environment): Promise<Target[]> {
  const out: Target[] = [];
  for (const name of providers) out.push({ name, driver: await loadDriver(name, manifest, env) });
  return out;
}
