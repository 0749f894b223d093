/**
 * plan(): pure comparison of the desired functions (desired.ts) with what inspect() read. Each
 * function's update carries the exact updateMask apply sends (only the managed fields that
 * changed, plus serviceConfig.allTrafficOnLatestRevision so the new revision gets no traffic).
 */
import { type FieldChange, formatBytes, findArtifact, type PlanAction, type PlanOp, type PlanRequest, type ProviderPlan, referenceOf, type ResolvedManifest } from '../../src/driver.js';
import { gcpConfig } from './config.js';
import { changedFields, desiredFunction, type DesiredFunction, type DesiredJob } from './desired.js';
import { gcpFunctions } from './validate.js';
import { functionId } from './names.js';
import type { DeployedFunction, GcpDeployed } from './state.js';

export const TRAFFIC_MASK = 'serviceConfig.allTrafficOnLatestRevision';

export interface PlannedJobs {
  readonly create: readonly DesiredJob[];
  readonly update: readonly DesiredJob[];
  readonly delete: readonly string[];
}

export interface PlannedFunction {
  readonly name: string;
  readonly id: string;
  readonly op: 'create' | 'update' | 'no-change';
  /** updateMask paths of an update (TRAFFIC_MASK included); [] otherwise. */
  readonly mask: readonly string[];
  readonly codeChanged: boolean;
  /** The archive apply uploads when the code changed (sha256 of the function's gcp artifact). */
  readonly archive?: { readonly sha256: string };
  readonly desired: DesiredFunction;
  readonly jobs: PlannedJobs;
  /** allUsers must be added to (true) or removed from (false) the invokers; undefined: as it is. */
  readonly publicAccess?: boolean;
}

export interface GcpPlanDetail {
  readonly project: string;
  readonly region: string;
  readonly deployed: GcpDeployed;
  readonly functions: Readonly<Record<string, PlannedFunction>>;
  /** Deployed functions no longer in the manifest (deleted by apply). */
  readonly orphans: readonly string[];
}

function act(id: string, op: PlanOp, resource: string, name: string, fn?: string, changes?: FieldChange[], summary?: string): PlanAction {
  return { id, op, resource, name, ...(fn ? { function: fn } : {}), ...(changes && changes.length ? { changes } : {}), ...(summary ? { summary } : {}) };
}

/** Field changes for humans: secrets by name only, variable-fed values by their reference, environment per key. */
function changesOf(fields: readonly string[], desired: DesiredFunction, deployed: DeployedFunction | undefined, variables: Readonly<Record<string, string>>): FieldChange[] {
  const out: FieldChange[] = [];
  for (const f of fields) {
    const to = desired.fields[f];
    const from = deployed?.fields[f];
    if (f === 'serviceConfig.environmentVariables') {
      const a = (from ?? {}) as Record<string, string>;
      const b = (to ?? {}) as Record<string, string>;
      for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
        if (a[k] === b[k]) continue;
        const field = `environment.${k}`;
        const reference = referenceOf({ variables }, field);
        if (b[k] === undefined) out.push({ field, change: 'removed' });
        else if (reference !== undefined) out.push({ field, reference, change: a[k] === undefined ? 'added' : 'changed' });
        else out.push({ field, ...(a[k] !== undefined ? { from: a[k] } : {}), to: b[k] });
      }
      continue;
    }
    if (f === 'serviceConfig.secretEnvironmentVariables') {
      out.push({ field: 'secrets', masked: true, change: from === undefined ? 'added' : 'changed' });
      continue;
    }
    out.push({ field: f, ...(from !== undefined && from !== null ? { from } : {}), ...(to !== undefined && to !== null ? { to } : {}) });
  }
  return out;
}

function jobsPlan(desired: DesiredFunction, deployed: DeployedFunction | undefined): PlannedJobs {
  const have = new Map((deployed?.jobs ?? []).map((j) => [j.id, j]));
  const create: DesiredJob[] = [];
  const update: DesiredJob[] = [];
  for (const j of desired.jobs) {
    const d = have.get(j.id);
    if (!d) create.push(j);
    else if (d.schedule !== j.schedule || d.paused !== j.paused || (deployed?.uri !== undefined && d.uri !== deployed.uri)) update.push(j);
  }
  const wanted = new Set(desired.jobs.map((j) => j.id));
  return { create, update, delete: [...have.keys()].filter((id) => !wanted.has(id)) };
}

export function planFunction(desired: DesiredFunction, deployed: DeployedFunction | undefined): PlannedFunction {
  const jobs = jobsPlan(desired, deployed);
  const isPublic = deployed?.service?.invokers.includes('allUsers') ?? false;
  const publicAccess = desired.public !== isPublic || !deployed ? (desired.public ? true : deployed ? false : undefined) : undefined;
  if (!deployed) return { name: desired.name, id: desired.id, op: 'create', mask: [], codeChanged: true, desired, jobs, ...(publicAccess !== undefined ? { publicAccess } : {}) };
  // A FAILED function (its last build failed) describes what was asked, not what runs: build it all again.
  const failed = deployed.state === '2' || deployed.state === 'FAILED';
  const codeChanged = failed || deployed.code !== desired.code;
  const fields = failed ? Object.keys(desired.fields) : changedFields(desired.fields, deployed.fields);
  const mask = [...(codeChanged ? ['buildConfig.source'] : []), ...fields, ...(codeChanged && !fields.includes('labels') ? ['labels'] : [])];
  const op = mask.length ? 'update' : 'no-change';
  return { name: desired.name, id: desired.id, op, mask: op === 'update' ? [...mask, TRAFFIC_MASK] : [], codeChanged, desired, jobs, ...(publicAccess !== undefined ? { publicAccess } : {}) };
}

/** The code change as the sha256 prefixes of the deployed and the new archive (the fnx-code label). */
function codeChange(from: string | undefined, to: string): FieldChange {
  const short = (sha: string) => `sha256 ${sha.slice(0, 12)}`;
  return from ? { field: 'code', from: short(from), to: short(to) } : { field: 'code', change: 'changed' };
}

export function planDeploy(req: PlanRequest): ProviderPlan {
  const { manifest } = req;
  const deployed = req.deployed.detail as GcpDeployed;
  const config = gcpConfig(manifest)!;
  const target = `${config.project}/${config.region}`;
  const actions: PlanAction[] = [];
  const functions: Record<string, PlannedFunction> = {};
  const fns = gcpFunctions(manifest);
  for (const fn of fns) {
    const d = deployed.functions[fn.name];
    if (req.only && !req.only.includes(fn.name)) {
      actions.push(act(`function:${fn.name}`, d ? 'no-change' : 'create', 'function', functionId(manifest, fn.name), fn.name, undefined, d ? 'not selected' : undefined));
      continue;
    }
    const desired = desiredFunction(manifest, fn, req.artifacts, { project: config.project, ...(config.serviceAccount ? { serviceAccount: config.serviceAccount } : {}), ...(config.ingress ? { ingress: config.ingress } : {}) });
    const artifact = findArtifact(req.artifacts, 'function', fn.name, 'gcp');
    const planned = planFunction(desired, d);
    const p = planned.codeChanged && artifact ? { ...planned, archive: { sha256: artifact.sha256 } } : planned;
    functions[fn.name] = p;
    const upload = p.codeChanged && artifact ? `upload ${formatBytes(artifact.size)}, build a new revision` : p.op === 'update' ? 'new revision (configuration)' : undefined;
    const changes = p.op === 'update' && d ? changesOf(changedFields(desired.fields, d.fields), desired, d, fn.variables ?? {}) : undefined;
    actions.push(act(`function:${fn.name}`, p.op, 'function', p.id, fn.name, p.codeChanged && p.op === 'update' ? [codeChange(d?.code, desired.code), ...(changes ?? [])] : changes, upload));
    for (const j of p.jobs.create) actions.push(act(`trigger:${fn.name}:schedule:${j.id}`, 'create', 'trigger:schedule', j.id, fn.name, undefined, `Cloud Scheduler job "${j.schedule}" (UTC)${j.paused ? ', paused' : ''}`));
    for (const j of p.jobs.update) actions.push(act(`trigger:${fn.name}:schedule:${j.id}`, 'update', 'trigger:schedule', j.id, fn.name, undefined, `Cloud Scheduler job "${j.schedule}" (UTC)${j.paused ? ', paused' : ''}`));
    for (const id of p.jobs.delete) actions.push(act(`trigger:${fn.name}:schedule:${id}`, 'delete', 'trigger:schedule', id, fn.name));
    if (p.publicAccess !== undefined) actions.push(act(`trigger:${fn.name}:http`, p.publicAccess ? 'create' : 'delete', 'trigger:http', p.id, fn.name, undefined, p.publicAccess ? 'public URL: roles/run.invoker for allUsers' : 'URL no longer public (auth: iam)'));
  }
  const orphans = req.only ? [] : Object.keys(deployed.functions).filter((n) => !fns.some((f) => f.name === n));
  for (const n of orphans) {
    const d = deployed.functions[n]!;
    actions.push(act(`function:${n}`, 'delete', 'function', d.id, n, undefined, 'no longer in fnx.yaml'));
    for (const j of d.jobs) actions.push(act(`trigger:${n}:schedule:${j.id}`, 'delete', 'trigger:schedule', j.id, n));
  }
  return { provider: 'gcp', target, actions, notes: planNotes(manifest), detail: { project: config.project, region: config.region, deployed, functions, orphans } satisfies GcpPlanDetail };
}

function planNotes(manifest: ResolvedManifest): string[] {
  const fns = gcpFunctions(manifest);
  const notes: string[] = [];
  if (fns.some((f) => f.release.steps.length > 1)) notes.push('canary and linear releases split Cloud Run traffic between two revisions: Pub/Sub, Storage (Eventarc) and Cloud Scheduler deliveries follow the same split as HTTP requests.');
  if (fns.some((f) => f.layers.length)) notes.push('layers are merged into each function\'s source archive (Cloud Run functions has no layers).');
  if (fns.some((f) => Object.keys(f.secrets).length)) notes.push('secrets: each ${secret:name} is the Secret Manager secret `name` (`/` as `_`), version latest, in this project; the runtime service account needs roles/secretmanager.secretAccessor. Values are never read by fnx.');
  if (fns.some((f) => f.triggers.some((t) => t.kind === 'queue'))) notes.push('queue triggers are Pub/Sub topics delivered by Eventarc, one message per invocation (batchSize does not apply); a message the handler lists as failed is delivered again.');
  if (fns.some((f) => f.triggers.some((t) => t.kind === 'storage' && (t.prefix || t.suffix)))) notes.push('storage prefix/suffix: Eventarc filters on the bucket only; fnx\'s entry acknowledges other objects without calling the handler.');
  if (fns.some((f) => f.triggers.some((t) => t.kind === 'schedule'))) notes.push('schedule triggers are Cloud Scheduler jobs (UTC) calling the function URL with an OIDC token of the runtime service account, which fnx allows to invoke it.');
  if (fns.some((f) => f.logRetention !== undefined)) notes.push('logRetention does not apply: Google Cloud keeps logs per log bucket (set the _Default bucket\'s retention), not per function.');
  if (fns.some((f) => f.tracing)) notes.push('tracing: Cloud Run sends request traces to Cloud Trace on its own; nothing to deploy.');
  return notes;
}
