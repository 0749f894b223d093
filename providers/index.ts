/**
 * The provider registry: static capabilities (no SDK) and lazily loaded drivers. This is the only
 * module under providers/ that src/ imports; a driver's SDK is loaded only when a command needs
 * to talk to that cloud.
 */
import type { CapabilitiesFor, ProviderCapabilities, ProviderDriver } from '../src/driver.js';
import { ExitCode, FnxError } from '../src/errors.js';
import type { ProviderName, ResolvedManifest } from '../src/manifest/model.js';
import { awsCapabilities, awsCapabilitiesFor } from './aws/capabilities.js';
import { azureCapabilities, azureCapabilitiesFor } from './azure/capabilities.js';
import { gcpCapabilities, gcpCapabilitiesFor } from './gcp/capabilities.js';

export const capabilities: Readonly<Record<ProviderName, ProviderCapabilities>> = {
  aws: awsCapabilities,
  azure: azureCapabilities,
  gcp: gcpCapabilities,
};

const configured: Readonly<Record<ProviderName, CapabilitiesFor>> = {
  aws: awsCapabilitiesFor,
  azure: azureCapabilitiesFor,
  gcp: gcpCapabilitiesFor,
};

/** A provider's capabilities for its config block in `manifest` (Azure: by plan), without its SDK. */
export function capabilitiesFor(name: ProviderName, manifest: ResolvedManifest): ProviderCapabilities {
  return configured[name](manifest);
}

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
