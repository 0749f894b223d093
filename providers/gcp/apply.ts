/**
 * apply(): executes the plan's data. Per function: upload the zip (generateUploadUrl, then PUT),
 * then CreateFunction, or, for an update, pin the service's traffic to the serving revision by
 * name and UpdateFunction with the planned mask (allTrafficOnLatestRevision=false in it), so the
 * new revision gets no traffic; read the new revision; then invokers and Scheduler jobs. A first
 * deploy pins traffic to its first revision (the pointer). Traffic is moved by shift() only.
 *
 * A function resource whose newest revision was rolled back describes code that is not live:
 * an unchanged deploy reports that revision as `existing` (the core decides by its history), and
 * a configuration-only change builds the same code again, so apply records the new revision with
 * the rolled-back record of the old one (same cause) and reports it as `existing` too.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- resources are the SDK's JSON */
import { readFileSync } from 'node:fs';
import { type ApplyRequest, type ApplyResult, type Artifact, CloudError, findArtifact, FnxError, InterruptedError, mapBounded, type PublishedVersion, type ReleaseRecord, retry, ROLLBACK_STRATEGY } from '../../src/driver.js';
import type { GcpClients } from './clients.js';
import { functionBody } from './desired.js';
import { describeFunction, INVOKER, readService } from './inspect.js';
import type { GcpPlanDetail, PlannedFunction } from './plan.js';
import { type DeployedFunction, type DeployedService, withRecord } from './state.js';
import { pinTraffic, writeService } from './traffic.js';

async function uploadSource(c: GcpClients, zipPath: string, signal: AbortSignal): Promise<unknown> {
  const out = await c.call('GenerateUploadUrl', async (sdk) => (await sdk.functions.generateUploadUrl({ parent: c.location }))[0] as Record<string, any>);
  await c.upload(String(out.uploadUrl), readFileSync(zipPath), signal);
  return out.storageSource;
}

async function getFunction(c: GcpClients, id: string): Promise<Record<string, any>> {
  return c.call('GetFunction', async (sdk) => (await sdk.functions.getFunction({ name: `${c.location}/functions/${id}` }))[0] as Record<string, any>);
}

async function runOperation(c: GcpClients, what: string, start: (sdk: any) => Promise<any>, signal: AbortSignal): Promise<void> {
  const op = await c.call(what, async (sdk) => {
    const [operation] = await start(sdk);
    return { name: operation.name as string, done: Boolean(operation.done) };
  }, { write: true });
  await c.wait(what, op, 'functions', signal);
}

/**
 * Adds or removes invoker members so that exactly `wanted` of fnx's concern are present. The read
 * and the conditional write are retried each on their own (a fault on one does not cost the other
 * an attempt); an etag conflict (a concurrent policy change) repeats the whole read-modify-write.
 */
async function setInvokers(c: GcpClients, service: string, add: readonly string[], remove: readonly string[]): Promise<void> {
  if (!add.length && !remove.length) return;
  await retry(
    async () => {
      const policy = await c.call('GetIamPolicy', async (sdk) => (await sdk.services.getIamPolicy({ resource: service }))[0] as Record<string, any>);
      const bindings = ((policy.bindings ?? []) as { role: string; members: string[] }[]).map((b) => ({ role: b.role, members: [...b.members] }));
      let inv = bindings.find((b) => b.role === INVOKER);
      if (!inv) bindings.push((inv = { role: INVOKER, members: [] }));
      inv.members = [...new Set([...inv.members.filter((m) => !remove.includes(m)), ...add])];
      await c.call('SetIamPolicy', async (sdk) => sdk.services.setIamPolicy({ resource: service, policy: { bindings: bindings.filter((b) => b.members.length), etag: policy.etag } }), { write: true, etag: true });
    },
    { options: c.settings.backoff, retryable: (err) => err instanceof CloudError && err.kind === 'precondition' },
  );
}

async function applyJobs(c: GcpClients, p: PlannedFunction, f: DeployedFunction, serviceAccount: string | undefined): Promise<void> {
  const uri = f.uri;
  const job = (j: { id: string; schedule: string }) => ({
    name: `${c.location}/jobs/${j.id}`,
    description: `fnx ${p.desired.id}`,
    schedule: j.schedule,
    timeZone: 'Etc/UTC',
    httpTarget: { uri, httpMethod: 'POST', ...(serviceAccount ? { oidcToken: { serviceAccountEmail: serviceAccount, audience: uri } } : {}) },
  });
  const changedUri = f.jobs.filter((j) => j.uri !== uri && !p.jobs.delete.includes(j.id) && !p.jobs.update.some((u) => u.id === j.id) && !p.jobs.create.some((u) => u.id === j.id));
  for (const j of p.jobs.create) {
    await c.call('CreateJob', async (sdk) => sdk.scheduler.createJob({ parent: c.location, job: job(j) }), { write: true });
    if (j.paused) await c.call('PauseJob', async (sdk) => sdk.scheduler.pauseJob({ name: `${c.location}/jobs/${j.id}` }), { write: true });
  }
  for (const j of [...p.jobs.update, ...changedUri.map((d) => p.desired.jobs.find((x) => x.id === d.id)!).filter(Boolean)]) {
    const before = f.jobs.find((d) => d.id === j.id);
    await c.call('UpdateJob', async (sdk) => sdk.scheduler.updateJob({ job: job(j), updateMask: { paths: ['schedule', 'time_zone', 'http_target', 'description'] } }), { write: true });
    if (before && before.paused !== j.paused) {
      await c.call(j.paused ? 'PauseJob' : 'ResumeJob', async (sdk) => (j.paused ? sdk.scheduler.pauseJob({ name: `${c.location}/jobs/${j.id}` }) : sdk.scheduler.resumeJob({ name: `${c.location}/jobs/${j.id}` })), { write: true });
    }
  }
  for (const id of p.jobs.delete) await c.call('DeleteJob', async (sdk) => sdk.scheduler.deleteJob({ name: `${c.location}/jobs/${id}` }), { write: true });
}

/** The newest history record of `revision` when it says the revision was rolled back. */
function rolledBackRecord(svc: DeployedService | undefined, revision: string | undefined): ReleaseRecord | undefined {
  const r = svc?.history.find((h) => h.version === revision || (h.strategy === ROLLBACK_STRATEGY && h.previous === revision));
  if (!r) return undefined;
  if (r.strategy === ROLLBACK_STRATEGY && r.previous === revision) return { ...r, version: revision!, status: 'rolled-back', cause: 'rollback' };
  return r.status === 'rolled-back' ? r : undefined;
}

async function applyFunction(c: GcpClients, req: ApplyRequest, p: PlannedFunction, before: DeployedFunction | undefined): Promise<PublishedVersion> {
  const { signal } = req;
  const name = `${c.location}/functions/${p.id}`;
  const serving = before?.service ? [...before.service.traffic].sort((a, b) => b.percent - a.percent)[0]?.revision : undefined;
  if (p.op !== 'no-change') {
    if (signal.aborted) throw new InterruptedError();
    const artifact = p.archive ? archiveOf(req, p) : undefined;
    const storageSource = artifact ? await uploadSource(c, artifact.path, signal) : undefined;
    const body = functionBody(name, p.desired.fields, p.desired.code, storageSource);
    if (p.op === 'create') {
      await runOperation(c, `CreateFunction ${p.id}`, (sdk) => sdk.functions.createFunction({ parent: c.location, functionId: p.id, function: body }), signal);
    } else {
      if (before?.service) await pinTraffic(c, before.service, signal);
      await runOperation(c, `UpdateFunction ${p.id}`, (sdk) => sdk.functions.updateFunction({ function: body, updateMask: { paths: [...p.mask] } }), signal);
    }
  }
  const after = p.op === 'no-change' && before ? before : await describeFunction(c, await getFunction(c, p.id), p.name, before?.jobs.map((j) => ({ name: `${c.location}/jobs/${j.id}`, schedule: j.schedule, state: j.paused ? 2 : 1, httpTarget: { uri: j.uri } })) ?? []);
  let svc = after.service;
  if (!svc || !after.revision) throw new CloudError('gcp', 'unavailable', `Function ${p.id} has no Cloud Run revision after its deploy (state ${after.state ?? 'unknown'}).`);
  if (p.op === 'create') svc = await writeService(c, svc.name, svc.etag, [{ revision: after.revision, percent: 100 }], undefined, signal);
  // Who may invoke: everyone for a public http function, the scheduler's identity for schedule jobs, Eventarc's for event triggers.
  const schedulerIdentity = p.desired.jobs.length ? (p.desired.serviceAccount ?? after.runtimeServiceAccount) : undefined;
  const eventIdentity = (after.fields.eventTrigger as { serviceAccountEmail?: string } | null)?.serviceAccountEmail;
  const want = [...(p.desired.public ? ['allUsers'] : []), ...[schedulerIdentity, eventIdentity].filter((x): x is string => Boolean(x)).map((sa) => `serviceAccount:${sa}`)];
  const add = want.filter((m) => !svc!.invokers.includes(m));
  const remove = !p.desired.public && svc.invokers.includes('allUsers') ? ['allUsers'] : [];
  if (add.length || remove.length) {
    await setInvokers(c, svc.name, add, remove);
    svc = (await readService(c, svc.name)) ?? svc;
  }
  await applyJobs(c, p, after, schedulerIdentity);

  const candidate = after.revision;
  if (!serving || p.op === 'create') return { function: p.name, candidate, revision: svc.etag };
  if (candidate === serving) return { function: p.name, previous: serving, candidate, revision: svc.etag };
  if (p.op === 'no-change') return { function: p.name, previous: serving, candidate, existing: true, revision: svc.etag };
  // A configuration-only change of code that was rolled back: the new revision inherits that record.
  const dark = !p.codeChanged ? rolledBackRecord(before?.service, before?.revision) : undefined;
  if (dark) {
    const inherited: ReleaseRecord = {
      deployId: req.deploy.id,
      version: candidate,
      previous: serving,
      status: 'rolled-back',
      strategy: dark.strategy === ROLLBACK_STRATEGY ? 'all-at-once' : dark.strategy,
      step: 0,
      steps: dark.strategy === ROLLBACK_STRATEGY ? [100] : dark.steps,
      time: req.deploy.time,
      cause: dark.cause ?? 'rollback',
      reason: `same code as ${before?.revision}${dark.reason ? `: ${dark.reason}` : ''}`,
    };
    svc = await writeService(c, svc.name, svc.etag, svc.traffic, withRecord(svc.annotations, inherited), signal);
    return { function: p.name, previous: serving, candidate, existing: true, revision: svc.etag };
  }
  return { function: p.name, previous: serving, candidate, revision: svc.etag };
}

async function deleteFunction(c: GcpClients, d: DeployedFunction, signal: AbortSignal): Promise<void> {
  for (const j of d.jobs) await c.call('DeleteJob', async (sdk) => sdk.scheduler.deleteJob({ name: `${c.location}/jobs/${j.id}` }), { write: true });
  await runOperation(c, `DeleteFunction ${d.id}`, (sdk) => sdk.functions.deleteFunction({ name: `${c.location}/functions/${d.id}` }), signal);
}

/** The artifact the plan names for `p`, checked by sha256 (an archive rebuilt since the plan is refused). */
function archiveOf(req: ApplyRequest, p: PlannedFunction): Artifact {
  const a = findArtifact(req.artifacts, 'function', p.name, 'gcp');
  if (!a || a.sha256 !== p.archive?.sha256) {
    throw new FnxError('E_GCP_ARTIFACT', `the Google Cloud function artifact for "${p.name}" is not the one the plan was made with`, {
      hint: 'Run `fnx deploy` again: it packages and plans anew. This is a bug if it persists.',
    });
  }
  return a;
}

export async function applyPlan(c: GcpClients, req: ApplyRequest): Promise<ApplyResult> {
  const detail = req.plan.detail as GcpPlanDetail;
  // Every archive is checked before the first write.
  for (const p of Object.values(detail.functions)) if (p.archive && p.op !== 'no-change') archiveOf(req, p);
  const startWrites = c.writes;
  const startBytes = c.uploadedBytes;
  const urls: Record<string, string[]> = {};
  // Functions are independent: their builds run side by side, at most `concurrency` at once.
  const published = await mapBounded(Object.values(detail.functions), { limit: req.concurrency, signal: req.signal }, async (p) => {
    const version = await applyFunction(c, req, p, detail.deployed.functions[p.name]);
    if (p.desired.public) {
      const f = await readFunctionUri(c, p, detail.deployed.functions[p.name]?.uri);
      if (f) urls[p.name] = [f];
    }
    return version;
  });
  for (const n of detail.orphans) {
    const d = detail.deployed.functions[n];
    if (d) await deleteFunction(c, d, req.signal);
  }
  return { provider: 'gcp', published, writes: c.writes - startWrites, uploadedBytes: c.uploadedBytes - startBytes, ...(Object.keys(urls).length ? { urls } : {}) };
}

async function readFunctionUri(c: GcpClients, p: PlannedFunction, known: string | undefined): Promise<string | undefined> {
  if (known) return known;
  const f = await getFunction(c, p.id);
  return (f.serviceConfig?.uri ?? f.url) as string | undefined;
}

export { deleteFunction };
