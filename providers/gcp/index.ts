/**
 * The Google Cloud driver (Cloud Run functions through the Functions v2 API, traffic through
 * Cloud Run). Creating it reads settings and the credentials file named in `env` but makes no
 * call; the SDKs load on the first call (clients.ts).
 */
import type { DeployedState, DriverFactory, Environment, ProviderDriver, Reporter, ResolvedManifest } from '../../src/driver.js';
import { applyPlan, deleteFunction } from './apply.js';
import { gcpCapabilitiesFor } from './capabilities.js';
import { GcpClients, gcpSettings } from './clients.js';
import { gcpConfig } from './config.js';
import { inspectStage, readFunction } from './inspect.js';
import { invokeFunction, readHealth } from './observe.js';
import { planDeploy } from './plan.js';
import type { GcpDeployed } from './state.js';
import { planRemoval, stageStatus } from './status.js';
import { readHistory, readTraffic, rollbackTargets, shiftTraffic } from './traffic.js';
import { leaseSecretStore } from './lease-secret.js';

function state(detail: GcpDeployed): DeployedState {
  return { provider: 'gcp', functions: Object.keys(detail.functions).sort(), detail };
}

export function createDriver(manifest: ResolvedManifest, env: Environment): ProviderDriver {
  const c = new GcpClients(gcpSettings(gcpConfig(manifest), env));
  const heard = <R extends { reporter?: Reporter }>(req: R): R => {
    if (req.reporter) c.notice ??= (message) => req.reporter?.info(message);
    return req;
  };
  return {
    capabilities: gcpCapabilitiesFor(manifest),
    inspect: async (req) => state(await inspectStage(c, heard(req).manifest)),
    plan: (req) => planDeploy(req),
    apply: (req) => applyPlan(c, heard(req)),
    traffic: (req) => readTraffic(c, heard(req)),
    shift: (req) => shiftTraffic(c, req),
    health: (req) => readHealth(c, req),
    invoke: async (req) => {
      const name = typeof req.function === 'string' ? req.function : req.function.name;
      return invokeFunction(c, req, (await readFunction(c, req.manifest, name))?.uri);
    },
    history: (req) => readHistory(c, heard(req)),
    rollbackTargets: (req) => rollbackTargets(c, heard(req)),
    status: async (req) => stageStatus(await inspectStage(c, heard(req).manifest), req.manifest),
    planRemove: (req) => planRemoval(req.manifest, req.deployed.detail as GcpDeployed),
    stageRecord: leaseSecretStore(c),
    remove: async (req) => {
      const detail = heard(req).deployed.detail as GcpDeployed;
      const deleted: string[] = [];
      for (const f of Object.values(detail.functions)) {
        await deleteFunction(c, f, req.signal);
        deleted.push(f.id, ...f.jobs.map((j) => j.id));
      }
      return { deleted };
    },
  } satisfies ProviderDriver;
}

createDriver satisfies DriverFactory;
