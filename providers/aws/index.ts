/**
 * The AWS Lambda driver. Creating it reads settings (region, profile, endpoint) but makes no call;
 * every AWS request goes through AwsClients.call (retries, error translation, write counting).
 */
import type { DeployedState, DriverFactory, Environment, HistoryRequest, ProviderDriver, ReleaseRecord, Reporter, ResolvedManifest } from '../../src/driver.js';
import { awsConfig } from './config.js';
import { applyPlan } from './apply/index.js';
import { awsCapabilitiesFor } from './capabilities.js';
import { AwsClients, awsSettings } from './clients.js';
import { checkAwsEnvironment } from './environment.js';
import { releaseHistory, rollbackTargetsOf } from './history.js';
import { accountId, aliasOf, inspectStage, listVersions, versionsOf } from './inspect.js';
import { invokeFunction, readHealth } from './observe.js';
import { readLogs } from './logs.js';
import { planDeploy } from './plan.js';
import { planRemoval, removeStage } from './remove.js';
import type { AwsDeployed } from './state.js';
import { stageStatus } from './status.js';
import { cloudName, findAlias, functionArnOf, readRolledBack, readTraffic, shiftTraffic } from './traffic.js';
import { stageRecordStore } from './stage-record.js';

async function readHistory(aws: AwsClients, req: HistoryRequest): Promise<readonly ReleaseRecord[]> {
  const name = cloudName(req.manifest, req.function);
  const versions = await aws.find('ListVersionsByFunction', () => listVersions(aws, name), { resource: name });
  const alias = await findAlias(aws, name);
  const rolledBack = await readRolledBack(aws, name, functionArnOf(alias));
  return releaseHistory(versionsOf(versions ?? []), alias ? aliasOf(alias) : undefined, rolledBack);
}

function state(detail: AwsDeployed): DeployedState {
  const code = Object.fromEntries(
    Object.entries(detail.functions).flatMap(([fn, f]) => (f.codeSize !== undefined && f.codeSha256 ? [[fn, { size: f.codeSize, sha256: Buffer.from(f.codeSha256, 'base64').toString('hex') }]] : [])),
  );
  return { provider: 'aws', functions: Object.keys(detail.functions).sort(), code, detail };
}

/**
 * The AWS driver for one manifest. `env` (the command's environment; the CLI passes the
 * process's) supplies every setting: region fallback, endpoint overrides, static keys or the
 * profile's name, local endpoint timings and test thresholds (see clients.ts).
 */
export function createDriver(manifest: ResolvedManifest, env: Environment): ProviderDriver {
  checkAwsEnvironment(awsConfig(manifest), env);
  const aws = new AwsClients(awsSettings(awsConfig(manifest), env));
  // Every entry point that reads the stage checks providers.aws.accountId first, once per driver.
  let account: Promise<string> | undefined;
  const heard = <R extends { reporter?: Reporter }>(req: R): R => {
    if (req.reporter) aws.notice ??= (message) => req.reporter?.info(message);
    return req;
  };
  const checkedAccount = (): Promise<string> =>
    (account ??= accountId(aws, manifest).catch((err: unknown) => {
      account = undefined;
      throw err;
    }));
  const checked = <R, T>(work: (req: R) => Promise<T>) => async (req: R): Promise<T> => {
    heard(req as { reporter?: Reporter });
    await checkedAccount();
    return work(req);
  };
  const record = stageRecordStore(aws, checkedAccount);
  return {
    capabilities: awsCapabilitiesFor(manifest),
    inspect: async (req) => state(await aws.interruptible(req.signal, () => inspectStage(aws, heard(req).manifest, req.concurrency, checkedAccount()))),
    plan: (req) => planDeploy(req),
    apply: (req) => applyPlan(aws, heard(req)),
    traffic: checked((req) => readTraffic(aws, req)),
    shift: checked((req) => shiftTraffic(aws, req)),
    health: checked((req) => readHealth(aws, req)),
    invoke: checked(async (req) => invokeFunction(aws, req, await checkedAccount())),
    logs: async function* (req) {
      heard(req);
      await checkedAccount();
      yield* readLogs(aws, req);
    },
    history: checked((req) => readHistory(aws, req)),
    rollbackTargets: checked(async (req) => rollbackTargetsOf(await readHistory(aws, req))),
    status: async (req) => stageStatus(await inspectStage(aws, heard(req).manifest, req.concurrency, checkedAccount()), req.manifest),
    planRemove: (req) => planRemoval(req.manifest, req.deployed.detail as AwsDeployed),
    stageRecord: { read: (req) => record.read(heard(req)), write: (req) => record.write(heard(req)), delete: (req) => record.delete(heard(req)) },
    remove: (req) => removeStage(aws, heard(req)),
  } satisfies ProviderDriver;
}

createDriver satisfies DriverFactory;
