/** Which drivers and functions a stage-wide command (promote, rollback) works on. */
import type { ProviderDriver } from '../driver.js';
import { ExitCode, FnxError } from '../errors.js';
import { PROVIDER_NAMES, type ProviderName, type ResolvedFunction, type ResolvedManifest } from '../manifest/model.js';
import { selectFunctions } from '../manifest/select.js';

export interface StageTarget {
  readonly provider: ProviderName;
  readonly driver: ProviderDriver;
  /** Manifest functions deployed to this provider, filtered by --function. */
  readonly functions: readonly ResolvedFunction[];
}

export interface TargetSelection {
  /** --function; empty = all. */
  readonly functions: readonly string[];
  /** --provider; empty = every configured provider. */
  readonly providers: readonly string[];
}

export type DriverLoader = (name: ProviderName, manifest: ResolvedManifest) => Promise<ProviderDriver>;

/** Loads the drivers the selection needs. Unknown function or provider names are usage errors (exit 2). */
export async function stageTargets(manifest: ResolvedManifest, sel: TargetSelection, loadDriver: DriverLoader): Promise<StageTarget[]> {
  selectFunctions(manifest, sel.functions);
  const configured = PROVIDER_NAMES.filter((p) => manifest.providers[p] !== undefined);
  const unknownProviders = sel.providers.filter((p) => !configured.includes(p as ProviderName));
  if (unknownProviders.length > 0) {
    throw new FnxError('E_USAGE_PROVIDER', `Provider ${unknownProviders.map((p) => `"${p}"`).join(', ')} is not configured in ${manifest.file}`, {
      hint: `Configured providers: ${configured.join(', ') || 'none'}.`,
      exitCode: ExitCode.usage,
    });
  }
  const targets: StageTarget[] = [];
  for (const provider of configured) {
    if (sel.providers.length > 0 && !sel.providers.includes(provider)) continue;
    const functions = manifest.functions.filter((f) => f.providers.includes(provider) && (sel.functions.length === 0 || sel.functions.includes(f.name)));
    if (functions.length === 0) continue;
    targets.push({ provider, driver: await loadDriver(provider, manifest), functions });
  }
  return targets;
}
