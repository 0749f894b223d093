/** Which drivers and functions a stage-wide command (promote, rollback) works on. */
import { deployableProviders } from '../deploy/targets.js';
import type { Environment, ProviderDriver } from '../driver.js';
import type { ProviderName, ResolvedFunction, ResolvedManifest } from '../manifest/model.js';
import { selectFunctions } from '../manifest/select.js';
import type { Reporter } from '../report/reporter.js';

export interface StageTarget {
  readonly provider: ProviderName;
  readonly driver: ProviderDriver;
  /** Manifest functions deployed to this provider, filtered by --function. */
  readonly functions: readonly ResolvedFunction[];
}

export interface TargetSelection {
  /** --function; empty = all. */
  readonly functions: readonly string[];
  /** --provider; empty = every configured provider that some function uses. */
  readonly providers: readonly string[];
}

export type DriverLoader = (name: ProviderName, manifest: ResolvedManifest, env: Environment) => Promise<ProviderDriver>;

/**
 * Loads the drivers the selection needs. Unknown function or provider names are usage errors
 * (exit 2); providers without a driver are skipped as deployableProviders says.
 */
export async function stageTargets(manifest: ResolvedManifest, sel: TargetSelection, loadDriver: DriverLoader, reporter: Reporter, env: Environment): Promise<StageTarget[]> {
  selectFunctions(manifest, sel.functions);
  const targets: StageTarget[] = [];
  for (const provider of deployableProviders(manifest, sel.providers, reporter).providers) {
    const functions = manifest.functions.filter((f) => f.providers.includes(provider) && (sel.functions.length === 0 || sel.functions.includes(f.name)));
    if (functions.length === 0) continue;
    targets.push({ provider, driver: await loadDriver(provider, manifest, env), functions });
  }
  return targets;
}
