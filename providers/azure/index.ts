/**
 * The Azure Functions driver. Creating it reads settings (subscription, ARM endpoint,
 * credentials) from `env` but makes no call; every ARM request goes through AzureClients.call.
 */
import type { DeployedState, DriverFactory, Environment, ProviderDriver, Reporter, ResolvedManifest } from '../../src/driver.js';
import { applyPlan } from './apply.js';
import { azureCapabilitiesFor } from './capabilities.js';
import { AzureClients, azureSettings } from './clients.js';
import { azureConfig } from './config.js';
import { inspectStage } from './inspect.js';
import { invokeFunction, readHealth } from './observe.js';
import { planDeploy } from './plan.js';
import { planRemoval, removeStage, stageStatus } from './remove.js';
import { vaultSuffix } from './secrets.js';
import type { AzureDeployed } from './state.js';
import { readHistory, readTraffic, rollbackTargets, shiftTraffic } from './traffic.js';
import { leaseBlobStore } from './lease-blob.js';

function state(detail: AzureDeployed): DeployedState {
  return { provider: 'azure', functions: Object.keys(detail.apps).sort(), detail };
}

export function createDriver(manifest: ResolvedManifest, env: Environment): ProviderDriver {
  const az = new AzureClients(azureSettings(azureConfig(manifest)!, env));
  const suffix = vaultSuffix(az.settings.armEndpoint);
  const heard = <R extends { reporter?: Reporter }>(req: R): R => {
    if (req.reporter) az.notice ??= (message) => req.reporter?.info(message);
    return req;
  };
  return {
    capabilities: azureCapabilitiesFor(manifest),
    inspect: async (req) => state(await inspectStage(az, heard(req).manifest, req.concurrency)),
    plan: (req) => planDeploy(req, az.settings.subscriptionId, suffix),
    apply: (req) => applyPlan(az, heard(req)),
    traffic: (req) => readTraffic(az, heard(req)),
    shift: (req) => shiftTraffic(az, req),
    health: (req) => readHealth(az, req),
    invoke: (req) => invokeFunction(az, req),
    history: (req) => readHistory(az, heard(req)),
    rollbackTargets: (req) => rollbackTargets(az, heard(req)),
    status: async (req) => stageStatus(await inspectStage(az, heard(req).manifest, req.concurrency), req.manifest),
    planRemove: (req) => planRemoval(req.manifest, req.deployed.detail as AzureDeployed, az.settings.subscriptionId),
    stageRecord: leaseBlobStore(az, heard),
    remove: (req) => removeStage(az, heard(req)),
  } satisfies ProviderDriver;
}

createDriver satisfies DriverFactory;
