/** Step "load": the manifest, and the drivers of the providers this command targets. */
import { ExitCode, FnxError } from '../errors.js';
import type { ProviderDriver } from '../driver.js';
import { loadManifest } from '../manifest/index.js';
import { PROVIDER_NAMES, type ProviderName, type ResolvedManifest } from '../manifest/model.js';
import { manifestLoadOptions, type CommandContext, type ManifestOptions } from '../commands/context.js';

export interface Target {
  readonly name: ProviderName;
  readonly driver: ProviderDriver;
}

export async function loadForCommand(opts: ManifestOptions, ctx: CommandContext): Promise<ResolvedManifest> {
  return loadManifest(manifestLoadOptions(opts, ctx));
}

/** Providers configured in the manifest (and used by a function), narrowed by --provider. */
export function selectProviders(manifest: ResolvedManifest, requested: readonly string[]): ProviderName[] {
  const used = PROVIDER_NAMES.filter((p) => manifest.providers[p] && manifest.functions.some((f) => f.providers.includes(p)));
  if (!requested.length) return used;
  const bad = requested.filter((r) => !used.includes(r as ProviderName));
  if (bad.length) {
    throw new FnxError('E_USAGE_PROVIDER', `Provider${bad.length > 1 ? 's' : ''} not configured for any function: ${bad.join(', ')}.`, {
      hint: `Providers in this manifest: ${used.join(', ') || 'none'}.`,
      exitCode: ExitCode.usage,
    });
  }
  return used.filter((p) => requested.includes(p));
}

export async function loadTargets(manifest: ResolvedManifest, providers: readonly ProviderName[]): Promise<Target[]> {
  const { loadDriver } = await import('../../providers/index.js');
  const out: Target[] = [];
  for (const name of providers) out.push({ name, driver: await loadDriver(name, manifest) });
  return out;
}
