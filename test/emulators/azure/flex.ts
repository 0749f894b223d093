// What Flex Consumption (FC1) refuses that other plans accept: the app settings and site
// properties listed in "Flex Consumption plan deprecations" (functions-app-settings.md), a site
// without functionAppConfig, a second app on the plan, slots.
import { AzureError, obj, str, webError } from './protocol.js';
import type { Emulator } from './emulator.js';
import type { Json } from './state.js';

/** App settings a Flex Consumption app refuses (replaced by functionAppConfig or not applicable). */
export const FLEX_REJECTED_SETTINGS = [
  'ENABLE_ORYX_BUILD',
  'FUNCTIONS_EXTENSION_VERSION',
  'FUNCTIONS_MAX_HTTP_CONCURRENCY',
  'FUNCTIONS_WORKER_DYNAMIC_CONCURRENCY_ENABLED',
  'FUNCTIONS_WORKER_PROCESS_COUNT',
  'FUNCTIONS_WORKER_RUNTIME',
  'FUNCTIONS_WORKER_RUNTIME_VERSION',
  'SCM_DO_BUILD_DURING_DEPLOYMENT',
  'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING',
  'WEBSITE_CONTENTOVERVNET',
  'WEBSITE_CONTENTSHARE',
  'WEBSITE_DNS_SERVER',
  'WEBSITE_MAX_DYNAMIC_APPLICATION_SCALE_OUT',
  'WEBSITE_NODE_DEFAULT_VERSION',
  'WEBSITE_RUN_FROM_PACKAGE',
  'WEBSITE_SKIP_CONTENTSHARE_VALIDATION',
  'WEBSITE_VNET_ROUTE_ALL',
];

/** siteConfig properties a Flex Consumption app refuses when set. */
export const FLEX_REJECTED_SITE_CONFIG = ['linuxFxVersion', 'alwaysOn', 'javaVersion', 'netFrameworkVersion', 'powerShellVersion', 'use32BitWorkerProcess', 'functionAppScaleLimit', 'minimumElasticInstanceCount', 'preWarmedInstanceCount'];

/** Runtime names and versions Flex Consumption offers. */
export const FLEX_RUNTIMES: Record<string, string[]> = {
  node: ['20', '22', '24'],
  python: ['3.10', '3.11', '3.12', '3.13'],
  'dotnet-isolated': ['8.0', '9.0', '10.0'],
  java: ['11', '17', '21'],
  powershell: ['7.4'],
  custom: ['1.0'],
};

export const FLEX_MEMORY_MB = [512, 2048, 4096];

export function checkFlexAppSettings(names: string[]): void {
  for (const n of names) {
    const hit = FLEX_REJECTED_SETTINGS.find((r) => r.toLowerCase() === n.toLowerCase());
    if (hit) throw webError(400, 'BadRequest', `The following app setting (Site.SiteConfig.AppSettings.${hit}) for Flex Consumption sites is invalid. Please remove or rename it before retrying.`);
  }
}

export function checkFlexSiteConfig(siteConfig: Json): void {
  for (const k of FLEX_REJECTED_SITE_CONFIG) {
    const v = siteConfig[k];
    if (v !== undefined && v !== null && v !== '' && v !== false && v !== 0) {
      throw webError(400, 'BadRequest', `The site property 'Site.SiteConfig.${k[0]!.toUpperCase()}${k.slice(1)}' is not supported for Flex Consumption sites. Please remove it before retrying.`);
    }
  }
}

/** Validate functionAppConfig of a Flex site. `settings` are the app settings the site will have. */
export function checkFunctionAppConfig(emu: Emulator, fac: Json | undefined, settings: Record<string, string>): void {
  if (!fac || Object.keys(fac).length === 0) {
    throw webError(400, 'BadRequest', 'FunctionAppConfig is required for Flex Consumption sites: set properties.functionAppConfig (deployment, runtime, scaleAndConcurrency).');
  }
  const runtime = obj(fac.runtime);
  const name = str(runtime.name);
  const version = str(runtime.version);
  if (!name || !version) throw webError(400, 'BadRequest', 'FunctionAppConfig.Runtime.Name and FunctionAppConfig.Runtime.Version are required for Flex Consumption sites.');
  const versions = FLEX_RUNTIMES[name.toLowerCase()];
  if (!versions) throw webError(400, 'BadRequest', `Invalid FunctionAppConfig.Runtime.Name '${name}'. Supported values are: ${Object.keys(FLEX_RUNTIMES).join(', ')}.`);
  if (!versions.includes(version)) throw webError(400, 'BadRequest', `Invalid FunctionAppConfig.Runtime.Version '${version}' for runtime '${name}'. Supported versions are: ${versions.join(', ')}.`);
  const storage = obj(obj(fac.deployment).storage);
  if (Object.keys(storage).length === 0) throw webError(400, 'BadRequest', 'FunctionAppConfig.Deployment.Storage is required for Flex Consumption sites.');
  if (str(storage.type)?.toLowerCase() !== 'blobcontainer') throw webError(400, 'BadRequest', "FunctionAppConfig.Deployment.Storage.Type must be 'blobContainer'.");
  const value = str(storage.value);
  if (!value) throw webError(400, 'BadRequest', 'FunctionAppConfig.Deployment.Storage.Value (the blob container URL) is required.');
  const container = resolveContainer(emu, value);
  if (container === 'invalid') throw webError(400, 'BadRequest', `FunctionAppConfig.Deployment.Storage.Value '${value}' is not a valid blob container URL.`);
  if (container === 'missing') throw webError(400, 'BadRequest', `The deployment storage container '${value}' does not exist or is not accessible.`);
  const auth = obj(storage.authentication);
  const authType = str(auth.type);
  const AUTH_TYPES = ['StorageAccountConnectionString', 'SystemAssignedIdentity', 'UserAssignedIdentity'];
  if (!authType || !AUTH_TYPES.some((t) => t.toLowerCase() === authType.toLowerCase())) {
    throw webError(400, 'BadRequest', `FunctionAppConfig.Deployment.Storage.Authentication.Type must be one of ${AUTH_TYPES.join(', ')}.`);
  }
  if (authType.toLowerCase() === 'storageaccountconnectionstring') {
    const settingName = str(auth.storageAccountConnectionStringName);
    if (!settingName) throw webError(400, 'BadRequest', 'FunctionAppConfig.Deployment.Storage.Authentication.StorageAccountConnectionStringName is required for StorageAccountConnectionString authentication.');
    if (settings[settingName] === undefined) throw webError(400, 'BadRequest', `The app setting '${settingName}' named by StorageAccountConnectionStringName does not exist.`);
  }
  if (authType.toLowerCase() === 'userassignedidentity' && !str(auth.userAssignedIdentityResourceId)) {
    throw webError(400, 'BadRequest', 'FunctionAppConfig.Deployment.Storage.Authentication.UserAssignedIdentityResourceId is required for UserAssignedIdentity authentication.');
  }
  const sc = fac.scaleAndConcurrency;
  if (sc === undefined) throw webError(400, 'BadRequest', 'FunctionAppConfig.ScaleAndConcurrency is required for Flex Consumption sites.');
  const s = obj(sc);
  if (!FLEX_MEMORY_MB.includes(s.instanceMemoryMB as number)) {
    throw webError(400, 'BadRequest', `Invalid FunctionAppConfig.ScaleAndConcurrency.InstanceMemoryMB '${String(s.instanceMemoryMB)}'. Supported values are ${FLEX_MEMORY_MB.join(', ')}.`);
  }
  if (s.maximumInstanceCount !== undefined) {
    const m = s.maximumInstanceCount;
    if (typeof m !== 'number' || !Number.isInteger(m) || m < 1 || m > 1000) {
      throw webError(400, 'BadRequest', `Invalid FunctionAppConfig.ScaleAndConcurrency.MaximumInstanceCount '${String(m)}'. It must be between 1 and 1000.`);
    }
  }
  if (s.alwaysReady !== undefined) {
    if (!Array.isArray(s.alwaysReady)) throw webError(400, 'BadRequest', 'FunctionAppConfig.ScaleAndConcurrency.AlwaysReady must be an array.');
    for (const e of s.alwaysReady) {
      const n = str(obj(e).name);
      const c = obj(e).instanceCount;
      if (!n || !(n === 'http' || n === 'blob' || n === 'durable' || n.startsWith('function:'))) {
        throw webError(400, 'BadRequest', `Invalid AlwaysReady name '${String(n)}'. Use 'http', 'blob', 'durable' or 'function:<name>'.`);
      }
      if (typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c > 1000) throw webError(400, 'BadRequest', `Invalid AlwaysReady instanceCount for '${n}'.`);
    }
  }
}

/**
 * Resolve a deployment storage URL to an emulated container. Accepts the account's reported blob
 * endpoint (https://127.0.0.1:<blobPort>/<account>/<container>) and https://<account>.blob.core.windows.net/<container>.
 */
export function resolveContainer(emu: Emulator, value: string): { account: string; container: string } | 'invalid' | 'missing' {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'invalid';
  }
  if (url.protocol !== 'https:') return 'invalid';
  const parts = url.pathname.split('/').filter(Boolean);
  let account: string | undefined;
  let container: string | undefined;
  const m = /^([a-z0-9]{3,24})\.blob\.core\.windows\.net$/.exec(url.hostname);
  if (m) {
    account = m[1];
    container = parts[0];
    if (parts.length !== 1) return 'invalid';
  } else if (url.host === new URL(emu.blobUrl).host && parts.length === 2) {
    account = parts[0];
    container = parts[1];
  } else return 'invalid';
  const a = emu.state.storageAccounts.get(account!);
  if (!a || !a.containers.has(container!)) return 'missing';
  return { account: account!, container: container! };
}

export { AzureError };
