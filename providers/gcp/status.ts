/** status() and remove(): per deployed function its split, releases, triggers and URL; remove deletes only what fnx labelled. */
import type { FunctionStatus, PlanAction, ProviderPlan, ResolvedManifest } from '../../src/driver.js';
import { gcpConfig } from './config.js';
import type { DeployedFunction, GcpDeployed } from './state.js';
import { stateOf } from './traffic.js';

function triggersOf(f: DeployedFunction, manifest: ResolvedManifest): string[] {
  const t = f.fields.eventTrigger as { eventType?: string; pubsubTopic?: string; eventFilters?: { attribute: string; value: string }[] } | null;
  const out: string[] = [];
  if (t?.pubsubTopic) out.push(`pubsub ${t.pubsubTopic.split('/').pop()}`);
  else if (t?.eventType) out.push(`storage ${t.eventFilters?.find((x) => x.attribute === 'bucket')?.value ?? ''} ${t.eventType.split('.').pop()}`);
  else {
    // The routes live in fnx's entry (one URL per function): as the manifest declares them.
    const routes = manifest.functions.find((fn) => fn.name === f.name)?.triggers.flatMap((t) => (t.kind === 'http' ? [`http ${t.method} ${t.path}`] : [])) ?? [];
    out.push(...(routes.length ? routes : ['http']));
  }
  for (const j of f.jobs) out.push(`schedule ${j.schedule}${j.paused ? ' (paused)' : ''}`);
  return out;
}

export function stageStatus(deployed: GcpDeployed, manifest: ResolvedManifest): FunctionStatus[] {
  return Object.values(deployed.functions)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((f) => ({
      function: f.name,
      traffic: stateOf(f.name, f.service),
      // The newest record of each revision (a rollback adds one for the revision it moved to).
      releases: (f.service?.history ?? []).filter((r, i, all) => all.findIndex((x) => x.version === r.version) === i).slice(0, 5),
      triggers: triggersOf(f, manifest),
      urls: f.uri ? [f.uri] : [],
    }));
}

export function planRemoval(manifest: ResolvedManifest, deployed: GcpDeployed): ProviderPlan {
  const config = gcpConfig(manifest);
  const actions: PlanAction[] = [];
  for (const f of Object.values(deployed.functions)) {
    for (const j of f.jobs) actions.push({ id: `trigger:${f.name}:schedule:${j.id}`, op: 'delete', resource: 'trigger:schedule', name: j.id, function: f.name });
    actions.push({ id: `function:${f.name}`, op: 'delete', resource: 'function', name: f.id, function: f.name, summary: 'with its Cloud Run service and revisions' });
  }
  return { provider: 'gcp', target: `${config?.project ?? deployed.project}/${config?.region ?? deployed.region}`, actions, notes: ['Only functions labelled fnx-service/fnx-stage for this stage and the Scheduler jobs fnx named for them are deleted; topics, buckets and secrets are not fnx\'s.'], detail: deployed };
}
