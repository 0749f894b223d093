/**
 * The plan: desired (manifest + artifacts) against what inspect() read, as data apply() executes.
 * Pure. A function whose version (desiredApp) equals the one serving, or on Premium the one in
 * its slot, has nothing to do; app settings are shown by name only (their values may come from
 * `${env:}`; secrets are Key Vault references).
 */
import { referenceOf, type PlanAction, type PlanRequest, type ProviderPlan } from '../../src/driver.js';
import { azureConfig, azureFunctions, flexInstanceMemory, premiumSku } from './config.js';
import { desiredApp, scopeOf } from './desired.js';
import { deploymentContainer, premiumPlanName, storageAccountName } from './names.js';
import { recordedPackages } from './release-tags.js';
import type { AzureDeployed, AzurePlanDetail, DesiredApp } from './state.js';
import { vendoredVersion } from './vendor.js';
import { desiredSubscriptions, missingTopic, sameSubscription, type EventSubscriptionSpec } from './event-grid.js';

export function planDeploy(req: PlanRequest, subscriptionId: string, vaultSuffix: string): ProviderPlan {
  const manifest = req.manifest;
  const config = azureConfig(manifest)!;
  const deployed = req.deployed.detail as AzureDeployed;
  const scope = scopeOf(manifest, subscriptionId);
  const account = config.storageAccount ?? storageAccountName(scope);
  const actions: PlanAction[] = [];
  const act = (a: PlanAction) => actions.push(a);
  act({ id: 'resource-group', op: deployed.resourceGroup ? 'no-change' : 'create', resource: 'resource-group', name: config.resourceGroup, ...(deployed.resourceGroup ? {} : { summary: `in ${config.location}, tagged` }) });
  act({ id: 'storage-account', op: deployed.storageAccount ? 'no-change' : 'create', resource: 'storage-account', name: account, ...(deployed.storageAccount ? {} : { summary: 'StorageV2, Standard_LRS: AzureWebJobsStorage and the deployment containers (name: service+stage and a stable suffix)' }) });
  const plans: string[] = [];
  if (config.plan === 'premium') {
    const name = premiumPlanName(scope);
    plans.push(name);
    act({ id: `plan:${name}`, op: deployed.plans.includes(name) ? 'no-change' : 'create', resource: 'plan', name, ...(deployed.plans.includes(name) ? {} : { summary: `Elastic Premium ${premiumSku(config)}, shared by the stage's apps (one instance always billed)` }) });
  }
  const functions = azureFunctions(manifest);
  const selected = functions.filter((f) => !req.only || req.only.includes(f.name));
  const desired: DesiredApp[] = [];
  const changed: DesiredApp[] = [];
  for (const fn of functions) {
    if (!selected.includes(fn)) {
      const cur = deployed.apps[fn.name];
      if (cur) act({ id: `function:${fn.name}`, op: 'no-change', resource: 'function', name: cur.name, function: fn.name, summary: 'not selected (--function): left as it is' });
      continue;
    }
    const d = desiredApp(manifest, fn, req.artifacts, scope, vaultSuffix);
    desired.push(d);
    const cur = deployed.apps[fn.name];
    if (config.plan === 'flex' && !deployed.plans.includes(d.plan)) {
      plans.push(d.plan);
      act({ id: `plan:${d.plan}`, op: 'create', resource: 'plan', name: d.plan, function: fn.name, summary: 'Flex Consumption FC1 (one per app)' });
    }
    const same = cur && (cur.version === d.version || (config.plan === 'premium' && cur.slotVersion === d.version));
    const recorded = cur && config.plan === 'flex' && recordedPackages(cur.tags).some((p) => p.version === d.version);
    if (same || recorded) {
      const where = cur.version === d.version ? '' : config.plan === 'premium' ? ' (in the staging slot: the release decides)' : ' (a recorded package: the release decides whether to deploy it again)';
      act({ id: `function:${fn.name}`, op: 'no-change', resource: 'function', name: d.app, function: fn.name, summary: `version ${d.version}${where}` });
      continue;
    }
    changed.push(d);
    const changes = Object.keys(d.settings)
      .sort()
      .map((k) => {
        const ref = referenceOf(fn, `environment.${k}`);
        return fn.secrets[k] ? { field: `settings.${k}`, masked: true, change: 'changed' as const } : ref ? { field: `settings.${k}`, reference: ref, change: 'changed' as const } : { field: `settings.${k}`, to: d.settings[k] };
      });
    const memory = config.plan === 'flex' ? `, ${flexInstanceMemory(fn.memory) ?? 4096} MB instances` : '';
    act({
      id: `function:${fn.name}`,
      op: cur ? 'update' : 'create',
      resource: 'function',
      name: d.app,
      function: fn.name,
      changes: [{ field: 'version', ...(cur?.version ? { from: cur.version } : {}), to: d.version }, { field: 'runtime', to: `${d.runtime.name} ${d.runtime.version}` }, ...changes],
      summary: `${cur ? 'new version' : 'Function App'} (${d.runtime.name} ${d.runtime.version}${memory})${config.plan === 'premium' && cur ? ' into its staging slot' : ''}`,
    });
    act({ id: `code:${fn.name}`, op: cur ? 'update' : 'create', resource: 'code', name: config.plan === 'flex' ? `${d.app} (${deploymentContainer(d.app)})` : d.app, function: fn.name, summary: config.plan === 'flex' ? 'one-deploy, package recorded for rollback' : cur ? 'zip deploy to the staging slot' : 'zip deploy' });
  }
  for (const [fn, cur] of Object.entries(deployed.apps)) {
    if (!functions.some((f) => f.name === fn)) act({ id: `function:${fn}`, op: 'delete', resource: 'function', name: cur.name, function: fn, summary: 'no longer in fnx.yaml: left in place; `fnx remove` deletes it' });
  }
  const put: EventSubscriptionSpec[] = [];
  const remove: EventSubscriptionSpec[] = [];
  const current = deployed.eventSubscriptions ?? [];
  const selectedNames = new Set(desired.map((d) => d.function));
  const wanted: EventSubscriptionSpec[] = [];
  for (const d of desired) wanted.push(...desiredSubscriptions(manifest, selected.find((f) => f.name === d.function)!, { subscriptionId, rg: config.resourceGroup, account, app: d.app }));
  for (const w of wanted) {
    if (w.topic && (deployed.missingTopics ?? []).includes(w.topic)) throw missingTopic(w);
  }
  const filterText = (x: EventSubscriptionSpec) => [x.filter.includedEventTypes?.map((t) => t.replace('Microsoft.Storage.', '')).join('+'), x.filter.subjectBeginsWith && `subject begins ${x.filter.subjectBeginsWith}`, x.filter.subjectEndsWith && `ends ${x.filter.subjectEndsWith}`].filter(Boolean).join(', ') || 'all events';
  for (const w of wanted) {
    const cur = current.find((c) => c.name.toLowerCase() === w.name.toLowerCase() && c.scope.toLowerCase() === w.scope.toLowerCase());
    const resource = w.topic ? 'trigger:topic' : 'trigger:storage';
    const on = w.topic ? `topic ${w.topic}` : `storage account ${account}`;
    if (cur && sameSubscription(cur, w)) {
      act({ id: `event-subscription:${w.name}`, op: 'no-change', resource, name: w.name, function: w.function, summary: `Event Grid subscription on ${on}` });
      continue;
    }
    put.push(w);
    act({ id: `event-subscription:${w.name}`, op: cur ? 'update' : 'create', resource, name: w.name, function: w.function, changes: [{ field: 'filter', ...(cur ? { from: filterText(cur) } : {}), to: filterText(w) }, { field: 'destination', to: w.destination.split('/').slice(-3).join('/') }], summary: `Event Grid subscription on ${on}` });
  }
  for (const c of current) {
    if (!selectedNames.has(c.function) || wanted.some((w) => w.name.toLowerCase() === c.name.toLowerCase() && w.scope.toLowerCase() === c.scope.toLowerCase())) continue;
    remove.push(c);
    act({ id: `event-subscription:${c.name}`, op: 'delete', resource: c.topic ? 'trigger:topic' : 'trigger:storage', name: c.name, function: c.function, summary: `trigger no longer in fnx.yaml: Event Grid subscription on ${c.topic ? `topic ${c.topic}` : `storage account ${account}`}` });
  }
  const notes = [
    `Each function is its own Function App (${config.plan === 'flex' ? 'Flex Consumption FC1, one plan per app' : `Elastic Premium ${premiumSku(config)}, one plan for the stage, a staging slot per app`}); names carry a stable suffix derived from the subscription, resource group, service and stage, because Azure app and storage names are global.`,
    `The package holds a generated v4 entry (host.json, package.json main, @azure/functions ${vendoredVersion()} bundled by fnx); layers are merged into it.`,
  ];
  if (config.plan === 'premium') notes.push('canary and linear steps share HTTP traffic only (rampUpRules); queue, timer and Event Grid triggers of the staging slot are disabled (slot-sticky AzureWebJobs.<fn>.Disabled) until the swap.');
  if (wanted.length) notes.push(`storage and topic triggers are Event Grid functions fed by Event Grid subscriptions (on the storage account's system topic, or on the custom topic in ${config.resourceGroup}) to the production app's function; they are written after the code is deployed.`);
  if (selected.some((f) => f.deadLetter || f.logRetention !== undefined || f.architecture === 'arm64' || f.role)) notes.push('kept: deadLetter (Azure uses each queue\'s poison / dead-letter queue), logRetention, role and arm64 have no Azure equivalent in fnx and are not applied.');
  const detail: AzurePlanDetail = { resourceGroup: config.resourceGroup, location: config.location, createResourceGroup: !deployed.resourceGroup, storageAccount: account, createStorageAccount: !deployed.storageAccount, plans: plans.filter((p) => !deployed.plans.includes(p)), apps: changed, desired, subscriptions: { put, delete: remove }, deployed };
  return { provider: 'azure', target: `${config.location} (${config.resourceGroup}, ${config.plan})`, actions, notes, detail };
}
