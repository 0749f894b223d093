// Cloud Scheduler v1 (google.cloud.scheduler.v1.CloudScheduler) jobs, REST mappings from cloudscheduler.proto.
import type { Ctx } from '../context.js';
import { GcpError, enumValue, fieldMask, invalid, json, parseBody, template, timestamp, type HttpReq, type HttpRes, type Route } from '../protocol.js';
import type { Json } from '../state.js';
import { checkParent } from './functions.js';

const JOB_ID = /^[A-Za-z0-9_-]{1,500}$/;
const JOB_PATHS = ['description', 'schedule', 'timeZone', 'httpTarget', 'httpTarget.uri', 'httpTarget.httpMethod', 'httpTarget.headers', 'httpTarget.body', 'httpTarget.oidcToken', 'httpTarget.oauthToken', 'retryConfig', 'attemptDeadline', 'pubsubTarget', 'appEngineHttpTarget'];
const CRON_FIELD = /^(\*|\d+|\d+-\d+|\*\/\d+|\d+-\d+\/\d+|[A-Za-z]{3}(-[A-Za-z]{3})?)(,(\d+|\d+-\d+|[A-Za-z]{3}))*$/;

export function schedulerRoutes(ctx: Ctx): Route[] {
  const r = (method: string, path: string, rpc: string, write: boolean, handle: Route['handle']): Route => ({ method, pattern: template(path), rpc, write, handle });
  return [
    r('GET', '/v1/{parent=projects/*/locations/*}/jobs', 'ListJobs', false, (_q, p) => listJobs(ctx, p.parent ?? '')),
    r('POST', '/v1/{parent=projects/*/locations/*}/jobs', 'CreateJob', true, (q, p) => createJob(ctx, q, p.parent ?? '')),
    r('GET', '/v1/{name=projects/*/locations/*/jobs/*}', 'GetJob', false, (_q, p) => json(getJob(ctx, p.name ?? ''))),
    r('PATCH', '/v1/{job.name=projects/*/locations/*/jobs/*}', 'UpdateJob', true, (q, p) => updateJob(ctx, q, p.job_name ?? '')),
    r('DELETE', '/v1/{name=projects/*/locations/*/jobs/*}', 'DeleteJob', true, (_q, p) => deleteJob(ctx, p.name ?? '')),
  ];
}

function getJob(ctx: Ctx, name: string): Json {
  checkParent(ctx, name.split('/').slice(0, 4).join('/'), 'cloudscheduler.jobs.get');
  const job = ctx.state.jobs.get(name);
  if (!job) throw new GcpError('NOT_FOUND', `Job not found: ${name}`);
  return job.resource;
}

function listJobs(ctx: Ctx, parent: string): HttpRes {
  checkParent(ctx, parent, 'cloudscheduler.jobs.list');
  return json({ jobs: [...ctx.state.jobs.values()].filter((j) => j.name.startsWith(`${parent}/jobs/`)).map((j) => j.resource) });
}

function validateJob(job: Json): void {
  const ht = job.httpTarget as Json | undefined;
  if (ht?.httpMethod !== undefined) ht.httpMethod = enumValue(ht.httpMethod, ['HTTP_METHOD_UNSPECIFIED', 'POST', 'GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);
  const schedule = job.schedule;
  if (typeof schedule !== 'string' || schedule.trim().split(/\s+/).length !== 5 || !schedule.trim().split(/\s+/).every((f) => CRON_FIELD.test(f))) {
    throw invalid(`Schedule has an invalid format: '${String(schedule)}' (unix-cron, five fields)`, 'job.schedule');
  }
  if (job.timeZone !== undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: String(job.timeZone) });
    } catch {
      throw invalid(`Invalid time zone '${String(job.timeZone)}'`, 'job.time_zone');
    }
  }
  const targets = ['httpTarget', 'pubsubTarget', 'appEngineHttpTarget'].filter((k) => job[k] !== undefined);
  if (targets.length !== 1) throw invalid('A job needs exactly one target', 'job.target');
  const t = job.httpTarget as Json | undefined;
  if (!t) throw invalid('Only httpTarget jobs are emulated', 'job.target');
  let url: URL;
  try {
    url = new URL(String(t.uri ?? ''));
  } catch {
    throw invalid(`httpTarget.uri must be an absolute http(s) URL, got '${String(t.uri)}'`, 'job.http_target.uri');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid('httpTarget.uri must be http or https', 'job.http_target.uri');
  if (t.httpMethod !== undefined && ![1, 2, 3, 4, 5, 6, 7].includes(t.httpMethod as number)) throw invalid(`Invalid httpMethod ${String(t.httpMethod)}`, 'job.http_target.http_method');
  if (t.oidcToken !== undefined && t.oauthToken !== undefined) throw invalid('Only one of oidcToken and oauthToken may be set', 'job.http_target');
  const oidc = t.oidcToken as Json | undefined;
  if (oidc && (typeof oidc.serviceAccountEmail !== 'string' || !/^[^@\s]+@[^@\s]+\.iam\.gserviceaccount\.com$/.test(oidc.serviceAccountEmail))) {
    throw invalid(`oidcToken.serviceAccountEmail must be a service account email, got '${String(oidc.serviceAccountEmail)}'`, 'job.http_target.oidc_token.service_account_email');
  }
  if (job.attemptDeadline !== undefined) {
    const m = /^(\d+(?:\.\d+)?)s$/.exec(String(job.attemptDeadline));
    const s = m ? Number(m[1]) : NaN;
    if (!(s >= 15 && s <= 1800)) throw invalid('attemptDeadline must be between 15s and 30m for HTTP targets', 'job.attempt_deadline');
  }
}

function output(ctx: Ctx, name: string, job: Json): Json {
  const out = structuredClone(job);
  for (const k of ['state', 'userUpdateTime', 'scheduleTime', 'lastAttemptTime', 'status']) delete out[k];
  out.name = name;
  out.state = 1;
  out.userUpdateTime = timestamp(ctx.now());
  out.scheduleTime = timestamp(ctx.now() + 60_000);
  if (out.timeZone === undefined) out.timeZone = 'Etc/UTC';
  if (out.attemptDeadline === undefined) out.attemptDeadline = '180s';
  const t = out.httpTarget as Json;
  if (t.httpMethod === undefined) t.httpMethod = 1;
  return out;
}

function createJob(ctx: Ctx, req: HttpReq, parent: string): HttpRes {
  checkParent(ctx, parent, 'cloudscheduler.jobs.create');
  const job = parseBody(req);
  const name = String(job.name ?? '');
  if (!name.startsWith(`${parent}/jobs/`) || !JOB_ID.test(name.slice(parent.length + 6))) throw invalid(`job.name must be ${parent}/jobs/JOB_ID, got '${name}'`, 'job.name');
  if (ctx.state.jobs.has(name)) throw new GcpError('ALREADY_EXISTS', `Job ${name} already exists.`);
  validateJob(job);
  const resource = output(ctx, name, job);
  ctx.state.jobs.set(name, { name, resource });
  return json(resource);
}

function updateJob(ctx: Ctx, req: HttpReq, name: string): HttpRes {
  const current = getJob(ctx, name);
  const body = parseBody(req);
  const mask = fieldMask(req.query);
  let next: Json;
  if (!mask || mask.length === 0) next = { ...body };
  else {
    next = structuredClone(current);
    for (const p of mask) {
      if (!JOB_PATHS.includes(p)) throw invalid(`Invalid update mask path '${p}'`, 'update_mask');
      const keys = p.split('.');
      let d = next;
      let s: Json | undefined = body;
      for (const k of keys.slice(0, -1)) {
        d[k] = (d[k] as Json | undefined) ?? {};
        d = d[k] as Json;
        s = s?.[k] as Json | undefined;
      }
      const last = keys[keys.length - 1] as string;
      if (s?.[last] === undefined) delete d[last];
      else d[last] = structuredClone(s[last]);
    }
  }
  validateJob(next);
  const resource = output(ctx, name, next);
  ctx.state.jobs.set(name, { name, resource });
  return json(resource);
}

function deleteJob(ctx: Ctx, name: string): HttpRes {
  getJob(ctx, name);
  ctx.state.jobs.delete(name);
  return json({});
}
