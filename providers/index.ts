/**
 * The provider registry: static capabilities and manifest rules (no SDK), and lazily loaded
 * drivers. This is the only module under providers/ that src/ imports; a driver's SDK is loaded
 * only when a command needs to talk to that cloud.
 */
import type { ManifestRules, ProviderCapabilities, ProviderDriver } from '../src/driver.js';
import { ExitCode, FnxError } from '../src/errors.js';
import type { ProviderName, ResolvedManifest } from '../src/manifest/model.js';
import { awsCapabilities } from './aws/capabilities.js';
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

type DriverModule = { createDriver(manifest: ResolvedManifest): ProviderDriver };

const loaders: Readonly<Record<ProviderName, (() => Promise<DriverModule>) | undefined>> = {
  aws: () => import('./aws/index.js'),
  azure: undefined,
  gcp: undefined,
};

/** Loads the driver for `name`. Throws a usage error for providers whose driver is not built yet. */
export async function loadDriver(name: ProviderName, manifest: ResolvedManifest): Promise<ProviderDriver> {
  const load = loaders[name];
  if (!load) {
    throw new FnxError('E_PROVIDER_UNAVAILABLE', `The ${name} driver is not available yet in this version of fnx.`, {
      hint: `Deploy to the providers that are available, e.g. \`--provider aws\`, or remove "${name}" from the function's providers list.`,
      exitCode: ExitCode.usage,
    });
  }
  return (await load()).createDriver(manifest);
}
