/**
 * Status and removal of a stage. Remove deletes only what carries fnx's tags for this service
 * and stage: the Function Apps (with their slots), their Flex plans, the stage's Premium plan
 * and storage account; the resource group is deleted only if fnx created it and it is empty.
 */
import type { FunctionStatus, InspectRequest, ProviderPlan, RemoveRequest, RemoveResult, ResolvedFunction, ResolvedManifest, Trigger } from '../../src/driver.js';
import type { Binding } from './bindings.js';
import type { AzureClients } from './clients.js';
import { azureConfig } from './config.js';
import { bindingsOf } from './entry.js';
import { scopeOf } from './desired.js';
import { flexPlanName, premiumPlanName, storageAccountName } from './names.js';
import { historyOf, revisionOf, TAG } from './release-tags.js';
import type { AzureDeployed } from './state.js';
import { deleteSubscription } from './event-grid.js';

export function stageStatus(deployed: AzureDeployed, manifest: ResolvedManifest): FunctionStatus[] {
  return Object.values(deployed.apps)
    .sort((a, b) => (a.function < b.function ? -1 : 1))
    .map((app) => {
      const fn = manifest.functions.find((f) => f.name === app.function);
      const triggers = fn ? fn.triggers.map((t, i) => triggerText(t, bindingsOf(fn, manifest)[i]!)) : [];
      const release = historyOf(app.tags)[0];
      const candidate = app.weight > 0 ? app.slotVersion : undefined;
      return {
        function: app.function,
        traffic: { function: app.function, ...(app.version ? { primary: app.version } : {}), ...(candidate ? { candidate } : {}), weight: candidate ? app.weight : 0, revision: revisionOf(app.tags), ...(release ? { release } : {}) },
        releases: historyOf(app.tags),
        triggers,
        urls: fn ? httpUrls(fn, app.hosts) : [],
      };
    });
}

/** A trigger as `fnx status` shows it, in Azure's terms. */
function triggerText(t: Trigger, b: Binding): string {
  switch (b.kind) {
    case 'http':
      return `http ${t.kind === 'http' ? `${t.method} ${t.path}` : b.route}`;
    case 'timer':
      return `schedule ${b.schedule} (NCRONTAB)`;
    case 'storageQueue':
      return `queue ${b.queueName} (Storage queue)`;
    case 'serviceBusQueue':
      return `queue ${b.queueName} (Service Bus)`;
    case 'storageEvents':
      return `storage ${b.container} (Event Grid)`;
    case 'topicEvents':
      return `topic ${b.topicName} (Event Grid)`;
  }
}

/** The function's HTTP URLs: each route on each of the app's host names. */
export function httpUrls(fn: ResolvedFunction, hosts: readonly string[]): string[] {
  return fn.triggers.flatMap((t) => (t.kind === 'http' ? hosts.map((h) => `https://${h}${t.path}`) : []));
}

export function planRemoval(manifest: ResolvedManifest, deployed: AzureDeployed, subscriptionId: string): ProviderPlan {
  const config = azureConfig(manifest)!;
  const scope = scopeOf(manifest, subscriptionId);
  const actions: ProviderPlan['actions'][number][] = [];
  for (const s of deployed.eventSubscriptions ?? []) actions.push({ id: `event-subscription:${s.name}`, op: 'delete', resource: s.topic ? 'trigger:topic' : 'trigger:storage', name: s.name, function: s.function, summary: `Event Grid subscription on ${s.topic ? `topic ${s.topic}` : 'the storage account'}` });
  for (const app of Object.values(deployed.apps)) {
    actions.push({ id: `function:${app.function}`, op: 'delete', resource: 'function', name: app.name, function: app.function, summary: config.plan === 'premium' ? 'Function App and its staging slot' : 'Function App' });
    if (config.plan === 'flex') actions.push({ id: `plan:${app.function}`, op: 'delete', resource: 'plan', name: flexPlanName(app.name), function: app.function });
  }
  if (config.plan === 'premium' && deployed.plans.includes(premiumPlanName(scope))) actions.push({ id: 'plan', op: 'delete', resource: 'plan', name: premiumPlanName(scope) });
  if (deployed.storageAccount && !config.storageAccount) actions.push({ id: 'storage-account', op: 'delete', resource: 'storage-account', name: deployed.storageAccount.name, summary: 'with the recorded packages' });
  return { provider: 'azure', target: `${config.location} (${config.resourceGroup})`, actions, notes: ['Only resources tagged fnx:service/fnx:stage for this stage are deleted; the resource group stays.'], detail: deployed };
}

export async function removeStage(az: AzureClients, req: RemoveRequest): Promise<RemoveResult> {
  const config = azureConfig(req.manifest)!;
  const rg = config.resourceGroup;
  const deployed = req.deployed.detail as AzureDeployed;
  const scope = scopeOf(req.manifest, az.settings.subscriptionId);
  const deleted: string[] = [];
  const owned = (tags: Record<string, string> | undefined) => tags?.[TAG.service] === req.manifest.service && tags?.[TAG.stage] === req.manifest.stage;
  for (const s of deployed.eventSubscriptions ?? []) {
    await deleteSubscription(az, s);
    deleted.push(s.name);
  }
  for (const app of Object.values(deployed.apps)) {
    if (!owned(app.tags)) continue;
    await az.call(`delete function app ${app.name}`, () => az.web.webApps.delete(rg, app.name, { deleteEmptyServerFarm: false }), { write: true });
    deleted.push(app.name);
    if (config.plan === 'flex') {
      const plan = await az.find(`read plan ${flexPlanName(app.name)}`, () => az.web.appServicePlans.get(rg, flexPlanName(app.name)));
      if (plan && owned(plan.tags)) {
        await az.call(`delete plan ${plan.name}`, () => az.web.appServicePlans.delete(rg, flexPlanName(app.name)), { write: true });
        deleted.push(flexPlanName(app.name));
      }
    }
  }
  if (config.plan === 'premium') {
    const name = premiumPlanName(scope);
    const plan = await az.find(`read plan ${name}`, () => az.web.appServicePlans.get(rg, name));
    if (plan && owned(plan.tags)) {
      await az.call(`delete plan ${name}`, () => az.web.appServicePlans.delete(rg, name), { write: true });
      deleted.push(name);
    }
  }
  const accountName = storageAccountName(scope);
  if (!config.storageAccount) {
    const account = await az.find(`read storage account ${accountName}`, () => az.storage.storageAccounts.getProperties(rg, accountName));
    if (account && owned(account.tags)) {
      await az.call(`delete storage account ${accountName}`, () => az.storage.storageAccounts.delete(rg, accountName), { write: true });
      deleted.push(accountName);
    }
  }
  return { deleted };
}

export type { InspectRequest };
