// scm (Kudu) endpoints on each site's and slot's scm host, and the ARM deploymentStatus resource.
// Flex one-deploy: POST /api/publish → 202 with the deployment id (a JSON string); GET
// /api/deployments/{id} → Kudu DeployResult (status 0 pending, 1 building, 2 deploying, 3 failed,
// 4 success), 404 on the first poll (not yet registered) and after success was reported once (the
// app restarted). Premium: POST /api/zipdeploy?isAsync=true → 202 + Location (/api/deployments/latest),
// 202 while running, 200 with the result. Deployments need an Entra bearer token (basic publishing
// credentials are refused, as when they are disabled by policy).
import { randomUUID } from 'node:crypto';
import { ARM_AUDIENCES, type Emulator } from './emulator.js';
import { AzureError, json, obj, sha256Hex, type HttpReq, type HttpRes, webError } from './protocol.js';
import type { Route, RouteContext } from './router.js';
import type { ScmDeployment, Site, SiteInstance } from './state.js';
import { isFlex } from './web-plans.js';
import { resolveContainer } from './flex.js';
import { deploymentStorageProblem, hostStorageProblem } from './storage-access.js';
import { siteId } from './ids.js';
import { findSite, hostOf, SITE, SLOT } from './web-sites.js';

function scmError(status: number, message: string): AzureError {
  return new AzureError(status, status === 409 ? 'Conflict' : status === 401 ? 'Unauthorized' : 'BadRequest', message);
}

function scmBase(inst: SiteInstance): string {
  return `https://${hostOf(inst.scmPort)}`;
}

function deployResult(emu: Emulator, site: Site, inst: SiteInstance, d: ScmDeployment): unknown {
  const done = d.status === 3 || d.status === 4;
  return {
    id: d.id,
    status: d.status,
    status_text: d.status === 3 ? (d.failure?.message ?? 'Deployment failed.') : d.status === 4 ? '' : 'Building and deploying the package.',
    author_email: 'N/A',
    author: 'N/A',
    deployer: d.via === 'publish' ? 'OneDeploy' : 'Push-Deployer',
    message: d.via === 'publish' ? 'OneDeploy' : 'Created via a push deployment',
    progress: done ? '' : 'Deploying',
    received_time: new Date(d.receivedTime).toISOString(),
    start_time: new Date(d.receivedTime).toISOString(),
    end_time: d.endTime ? new Date(d.endTime).toISOString() : null,
    last_success_end_time: d.status === 4 && d.endTime ? new Date(d.endTime).toISOString() : null,
    complete: done,
    active: d.status === 4 && inst.package?.deploymentId === d.id,
    is_temp: false,
    is_readonly: true,
    url: `${scmBase(inst)}/api/deployments/${d.id}`,
    log_url: d.failure?.logUrl ?? `${scmBase(inst)}/api/deployments/${d.id}/log`,
    site_name: site.name,
    build_summary: { errors: d.status === 3 ? [d.failure?.message ?? 'Deployment failed.'] : [], warnings: [] },
  };
}

function latest(inst: SiteInstance): ScmDeployment | undefined {
  return [...inst.deployments.values()].sort((a, b) => b.receivedTime - a.receivedTime)[0];
}

function authorize(emu: Emulator, req: HttpReq): void {
  const h = req.headers.authorization;
  if (!h) throw scmError(401, 'Unauthorized: a bearer token is required.');
  if (/^Basic\s/i.test(h)) throw scmError(401, 'Basic authentication is disabled for this site (publishing credentials are not allowed); use an Entra ID bearer token.');
  const m = /^Bearer\s+(.+)$/i.exec(h);
  const aud = m ? emu.state.tokens.get(m[1]!.trim()) : undefined;
  if (aud === undefined || !ARM_AUDIENCES.includes(aud)) throw scmError(401, 'Unauthorized: the bearer token is invalid or not for https://management.azure.com.');
}

function startDeployment(emu: Emulator, site: Site, inst: SiteInstance, req: HttpReq, via: 'publish' | 'zipdeploy'): ScmDeployment {
  const body = req.body;
  if (body.length === 0) throw scmError(400, 'The request body is empty: send the zip package.');
  if (body.length < 4 || body.readUInt32LE(0) !== 0x04034b50 && body.readUInt32LE(0) !== 0x06054b50) {
    throw scmError(400, 'The package is not a valid zip file.');
  }
  if ([...inst.deployments.values()].some((d) => !d.applied)) {
    throw scmError(409, 'There is a deployment currently in progress. Please try again when it completes.');
  }
  const id = randomUUID();
  const i = emu.nextDeploymentFailures.findIndex((f) => (!f.app || f.app.toLowerCase() === site.name.toLowerCase()) && (!f.slot || f.slot.toLowerCase() === inst.slot.toLowerCase()));
  const f = i >= 0 ? emu.nextDeploymentFailures.splice(i, 1)[0] : undefined;
  const d: ScmDeployment = {
    id,
    status: 0,
    settleAt: emu.now() + emu.deployDelayMs,
    failure: f ? { stage: f.stage, message: f.message, logUrl: f.logUrl ?? `${scmBase(inst)}/api/deployments/${id}/log` } : undefined,
    sha256: sha256Hex(body),
    size: body.length,
    via,
    receivedTime: emu.now(),
    runtimeReadyAt: Number.POSITIVE_INFINITY,
    applied: false,
    polls: 0,
    reportedSuccess: false,
  };
  pending.set(d, body);
  inst.deployments.set(id, d);
  return d;
}

/** Package bytes of deployments not yet applied. */
const pending = new WeakMap<ScmDeployment, Buffer>();

/** Settle deployments whose time has come: switch the content, record traffic. Called on every request. */
export function advanceDeployments(emu: Emulator): void {
  const now = emu.now();
  for (const site of emu.state.sites.values()) {
    for (const inst of [site.production, ...site.slots.values()]) {
      for (const d of inst.deployments.values()) {
        if (d.applied) continue;
        if (now < d.settleAt) {
          d.status = now < d.settleAt - emu.deployDelayMs / 2 ? 1 : 2;
          continue;
        }
        d.applied = true;
        d.endTime = now;
        const bytes = pending.get(d) ?? Buffer.alloc(0);
        pending.delete(d);
        const logUrl = `${scmBase(inst)}/api/deployments/${d.id}/log`;
        if (isFlex(emu.state.plans.get(site.planKey)) && !d.failure) {
          const problem = deploymentStorageProblem(emu, site, inst);
          const c = resolveContainer(emu, String(obj(obj(site.functionAppConfig?.deployment).storage).value ?? ''));
          if (problem) d.failure = { stage: 'build', message: problem, logUrl };
          else if (typeof c === 'object') emu.state.storageAccounts.get(c.account)!.containers.get(c.container)!.blobs.set('released-package.zip', { data: bytes, contentType: 'application/zip', metadata: {}, etag: `"0x${Date.now().toString(16).toUpperCase()}"`, lastModified: now });
        }
        if (!d.failure) {
          const problem = hostStorageProblem(emu, inst);
          if (problem) d.failure = { stage: 'runtime', message: problem, logUrl };
        }
        if (d.failure?.stage === 'build') {
          d.status = 3;
        } else {
          d.status = 4;
          d.runtimeReadyAt = now + emu.runtimeStartDelayMs;
          inst.package = { sha256: d.sha256, bytes, deploymentId: d.id, runtimeFailure: d.failure?.stage === 'runtime' ? d.failure.message : undefined };
        }
        emu.traffic.push({ kind: 'deployment', app: site.name, slot: inst.slot, time: now, deploymentId: d.id, sha256: d.sha256, size: d.size, status: d.failure ? 'Failed' : 'Succeeded', via: d.via });
      }
    }
  }
}

export function handleScm(emu: Emulator, site: Site, inst: SiteInstance, req: HttpReq): HttpRes {
  authorize(emu, req);
  const p = req.path.toLowerCase().replace(/\/+$/, '');
  const flex = isFlex(emu.state.plans.get(site.planKey));
  if (req.method === 'POST' && p === '/api/publish') {
    const d = startDeployment(emu, site, inst, req, 'publish');
    return json(202, d.id, { location: `${scmBase(inst)}/api/deployments/${d.id}` });
  }
  if (req.method === 'POST' && p === '/api/zipdeploy') {
    if (flex) throw scmError(400, 'Zip deploy is not supported on Flex Consumption apps; use one deploy (POST /api/publish).');
    const d = startDeployment(emu, site, inst, req, 'zipdeploy');
    if (req.query.get('isAsync')?.toLowerCase() !== 'true') {
      d.settleAt = emu.now();
      advanceDeployments(emu);
      return json(d.status === 4 ? 200 : 400, deployResult(emu, site, inst, d));
    }
    return { status: 202, headers: { location: `${scmBase(inst)}/api/deployments/latest?deployer=Push-Deployer&time=${encodeURIComponent(new Date(emu.now()).toISOString())}`, 'retry-after': '0' } };
  }
  if (req.method === 'GET' && p === '/api/deployments') {
    return json(200, [...inst.deployments.values()].sort((a, b) => b.receivedTime - a.receivedTime).map((d) => deployResult(emu, site, inst, d)));
  }
  if (req.method === 'GET' && p === '/api/deployments/latest') {
    const d = latest(inst);
    if (!d) throw scmError(404, 'No deployment found.');
    return json(d.applied ? 200 : 202, deployResult(emu, site, inst, d));
  }
  const m = /^\/api\/deployments\/([^/]+)(\/log)?$/.exec(p);
  if (req.method === 'GET' && m) {
    const d = [...inst.deployments.values()].find((x) => x.id.toLowerCase() === m[1]);
    if (!d) throw scmError(404, `Deployment '${m[1]}' not found.`);
    if (m[2]) return json(200, [{ log_time: new Date(d.receivedTime).toISOString(), id: randomUUID(), message: d.failure?.message ?? 'Deployment successful.', type: d.status === 3 ? 2 : 0 }]);
    d.polls++;
    if (d.via === 'publish' && (d.polls === 1 || d.reportedSuccess)) throw scmError(404, `Deployment '${d.id}' not found.`);
    if (d.status === 4) d.reportedSuccess = true;
    return json(200, deployResult(emu, site, inst, d));
  }
  throw scmError(404, `No route for ${req.method} ${req.path} on the scm host.`);
}

// ---------- ARM: sites/{name}[/slots/{slot}]/deploymentStatus ----------

function statusOf(emu: Emulator, inst: SiteInstance, d: ScmDeployment): { status: string; done: boolean } {
  if (!d.applied) return { status: 'BuildInProgress', done: false };
  if (d.failure?.stage === 'build') return { status: 'BuildFailed', done: true };
  if (emu.now() < d.runtimeReadyAt) return { status: 'RuntimeStarting', done: false };
  if (d.failure?.stage === 'runtime') return { status: 'RuntimeFailed', done: true };
  return { status: 'RuntimeSuccessful', done: true };
}

function statusBody(emu: Emulator, site: Site, inst: SiteInstance, d: ScmDeployment): unknown {
  const { status, done } = statusOf(emu, inst, d);
  const failed = status === 'BuildFailed' || status === 'RuntimeFailed';
  return {
    id: `${siteId(emu, site.resourceGroup, site.name, inst.slot)}/deploymentStatus/${d.id}`,
    name: d.id,
    type: 'Microsoft.Web/sites/deploymentStatus',
    properties: {
      deploymentId: d.id,
      status,
      numberOfInstancesInProgress: done ? 0 : 1,
      numberOfInstancesSuccessful: status === 'RuntimeSuccessful' ? 1 : 0,
      numberOfInstancesFailed: failed ? 1 : 0,
      failedInstancesLogs: failed ? [d.failure!.logUrl] : [],
      errors: failed ? [{ extendedCode: status, messageTemplate: d.failure!.message, parameters: [], innerErrors: [], details: [], target: site.name, code: status, message: d.failure!.message }] : [],
    },
  };
}

function getStatus(ctx: RouteContext, slot: string | undefined): HttpRes {
  const site = findSite(ctx);
  const inst = ctx.emu.instance(site, slot);
  const d = [...inst.deployments.values()].find((x) => x.id.toLowerCase() === ctx.params.id!.toLowerCase());
  if (!d) throw webError(404, 'NotFound', `Deployment status '${ctx.params.id}' was not found for site '${site.name}'.`);
  const { done } = statusOf(ctx.emu, inst, d);
  const headers: Record<string, string> = done ? {} : { location: `${ctx.emu.armUrl}${ctx.req.path}?api-version=${ctx.apiVersion}` };
  return json(done ? 200 : 202, statusBody(ctx.emu, site, inst, d), headers);
}

function listStatus(ctx: RouteContext, slot: string | undefined): HttpRes {
  const site = findSite(ctx);
  const inst = ctx.emu.instance(site, slot);
  const list = [...inst.deployments.values()].sort((a, b) => b.receivedTime - a.receivedTime);
  return json(200, { value: list.map((d) => statusBody(ctx.emu, site, inst, d)) });
}

export const deploymentStatusRoutes: Route[] = [
  { method: 'GET', template: `${SITE}/deploymentStatus`, operation: 'WebApps_ListProductionSiteDeploymentStatuses', write: false, provider: 'Microsoft.Web', handle: (ctx) => listStatus(ctx, undefined) },
  { method: 'GET', template: `${SITE}/deploymentStatus/{id}`, operation: 'WebApps_GetProductionSiteDeploymentStatus', write: false, provider: 'Microsoft.Web', handle: (ctx) => getStatus(ctx, undefined) },
  { method: 'GET', template: `${SLOT}/deploymentStatus`, operation: 'WebApps_ListSlotSiteDeploymentStatusesSlot', write: false, provider: 'Microsoft.Web', handle: (ctx) => listStatus(ctx, ctx.params.slot) },
  { method: 'GET', template: `${SLOT}/deploymentStatus/{id}`, operation: 'WebApps_GetSlotSiteDeploymentStatusSlot', write: false, provider: 'Microsoft.Web', handle: (ctx) => getStatus(ctx, ctx.params.slot) },
];
