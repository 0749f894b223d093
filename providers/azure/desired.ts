/**
 * The desired Azure state of one function, from the manifest and its artifact (no cloud call):
 * app and plan names, the version id, app settings. The version is an opaque id hashed from
 * the package and everything deployed with it (runtime, memory, scale, settings), so a
 * no-change deploy finds the same id. Secrets are Key Vault references; values from
 * `${env:}` are the settings' values but never appear in the plan (plan.ts).
 */
import { createHash } from 'node:crypto';
import { findArtifact, type ArtifactSet, type ResolvedFunction, type ResolvedManifest } from '../../src/driver.js';
import { bindingsOf } from './entry.js';
import { azureConfig, flexInstanceMemory, type AzureProviderConfig } from './config.js';
import { appName, flexPlanName, premiumPlanName, type NameScope } from './names.js';
import { azureRuntime } from './runtimes.js';
import { keyVaultReference } from './secrets.js';
import type { DesiredApp } from './state.js';

export function scopeOf(manifest: ResolvedManifest, subscriptionId: string): NameScope {
  const config = azureConfig(manifest)!;
  return { subscriptionId, resourceGroup: config.resourceGroup, service: manifest.service, stage: manifest.stage };
}

/** The slot setting that keeps a registered function from running (slot-sticky on Premium). */
export const disabledSetting = (binding: string) => `AzureWebJobs.${binding}.Disabled`;

export function desiredApp(manifest: ResolvedManifest, fn: ResolvedFunction, artifacts: ArtifactSet, scope: NameScope, vaultSuffix: string): DesiredApp {
  const config = azureConfig(manifest) as AzureProviderConfig;
  const app = appName(scope, fn.name);
  const artifact = findArtifact(artifacts, 'function', fn.name, 'azure');
  if (!artifact) throw new Error(`no azure artifact for function ${fn.name}`);
  const runtime = azureRuntime(fn.runtime)!;
  const bindings = bindingsOf(fn, manifest);
  const settings: Record<string, string> = { ...fn.environment };
  for (const [name, ref] of Object.entries(fn.secrets)) settings[name] = keyVaultReference(config.keyVault ?? '', ref.secret, vaultSuffix);
  if (config.serviceBus) settings.FNX_SERVICE_BUS__fullyQualifiedNamespace = `${config.serviceBus}.servicebus.windows.net`;
  const desired = {
    function: fn.name,
    app,
    plan: config.plan === 'flex' ? flexPlanName(app) : premiumPlanName(scope),
    artifactSha256: artifact.sha256,
    runtime,
    instanceMemoryMb: flexInstanceMemory(fn.memory) ?? 4096,
    ...(fn.concurrency.max !== undefined ? { maxInstances: fn.concurrency.max } : {}),
    ...(fn.concurrency.warm !== undefined ? { warm: fn.concurrency.warm } : {}),
    settings,
    nonHttp: bindings.filter((b) => b.kind !== 'http').map((b) => b.name),
    http: bindings.some((b) => b.kind === 'http'),
  };
  const version = `v${createHash('sha256').update(JSON.stringify({ ...desired, plan: config.plan })).digest('hex').slice(0, 12)}`;
  return { ...desired, version };
}
