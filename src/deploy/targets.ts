/** Step "load": the manifest, and the drivers of the providers this command targets. */
import type { ProviderDriver } from '../driver.js';
import { loadManifest } from '../manifest/index.js';
import type { ProviderName, ResolvedManifest } from '../manifest/model.js';
import { manifestLoadOptions, type CommandContext, type ManifestOptions } from '../commands/context.js';

export interface Target {
  readonly name: ProviderName;
  readonly driver: ProviderDriver;
}

/** `files`: also check the handler files and layer folders (for the commands that package code). */
export async function loadForCommand(opts: ManifestOptions, ctx: CommandContext, files = false): Promise<ResolvedManifest> {
  return loadManifest(manifestLoadOptions(opts, ctx, files));
}

export async function loadTargets(manifest: ResolvedManifest, providers: readonly ProviderName[]): Promise<Target[]> {
  const { loadDriver } = await import('../../providers/index.js');
  const out: Target[] = [];
  for (const name of providers) out.push({ name, driver: await loadDriver(name, manifest) });
  return out;
}
