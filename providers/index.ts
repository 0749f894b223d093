/**
 * The provider registry: static capabilities and manifest rules (no SDK), and lazily loaded
 * drivers. This is the only module under providers/ that the core imports (through src/registry.ts);
 * a driver's SDK is loaded only when a command needs to talk to that cloud.
 */
import { ExitCode, FnxError, type DriverFactory, type Environment, type ManifestRules, type PackagingHooks, type ProviderCapabilities, type ProviderDriver, type ProviderName, type ResolvedManifest } from '../src/driver.js';
import { awsCapabilities } from './aws/capabilities.js';
import { awsPackaging } from './aws/entry.js';
import { validateAws } from './aws/validate.js';
import { azureCapabilities } from './azure/capabilities.js';
import { gcpCapabilities } from './gcp/capabilities.js';

export const capabilities: Readonly<Record<ProviderName, ProviderCapabilities>> = {
  aws: awsCapabilities,
  azure: azureCapabilities,
  gcp: gcpCapabilities,
};

/** Each provider's own manifest rules, run whenever the manifest is loaded (see ManifestRules). */
export const manifestRules: Readonly<Record<ProviderName, ManifestRules>> = {
  aws: validateAws,
  azure: () => [],
  gcp: () => [],
};

/** What each provider adds to packaging (entry adapters); loaded without any SDK. */
export const packagingHooks: Readonly<Partial<Record<ProviderName, PackagingHooks>>> = {
  aws: awsPackaging,
};

type DriverModule = { createDriver: DriverFactory };

const loaders: Readonly<Record<ProviderName, (() => Promise<DriverModule>) | undefined>> = {
  aws: () => import('./aws/index.js'),
  azure: undefined,
  gcp: undefined,
};

/** Providers this version of fnx has a driver for, in canonical order (the others validate and package, but cannot deploy yet). */
export const DEPLOYABLE_PROVIDERS: readonly ProviderName[] = (Object.keys(loaders) as ProviderName[]).filter((p) => loaders[p] !== undefined);

export function driverAvailable(name: ProviderName): boolean {
  return loaders[name] !== undefined;
}

/**
 * The usage error (exit 2) for a provider without a driver. The hint depends on whether the
 * manifest already deploys something to a provider that has one.
 */
export function unavailableError(names: readonly ProviderName[], manifest: ResolvedManifest): FnxError {
  const list = names.join(' and ');
  const usable = DEPLOYABLE_PROVIDERS.filter((p) => manifest.providers[p] && manifest.functions.some((f) => f.providers.includes(p)));
  const only = DEPLOYABLE_PROVIDERS.join(', ');
  return new FnxError('E_PROVIDER_UNAVAILABLE', `This version of fnx has no ${list} driver yet: it deploys to ${only} only.`, {
    hint: usable.length
      ? `Leave out --provider to work on the ${usable.join(', ')} part (fnx says what it skipped), or pass \`--provider ${usable.join(',')}\`.`
      : `To deploy now, add \`aws: { region: us-east-1 }\` under \`providers:\` in fnx.yaml (and aws to any function's \`providers:\` list). \`fnx validate\` and \`fnx package\` already work for ${list}.`,
    exitCode: ExitCode.usage,
  });
}

/** Loads the driver for `name`, reading its settings from `env` (the command's environment). Throws a usage error for providers whose driver is not built yet. */
export async function loadDriver(name: ProviderName, manifest: ResolvedManifest, env: Environment): Promise<ProviderDriver> {
  const load = loaders[name];
  if (!load) throw unavailableError([name], manifest);
  return (await load()).createDriver(manifest, env);
}
