/** Reads what fnx owns for a service+stage in its resource group (by tags). Read-only. */
import { mapBounded, type ResolvedManifest } from '../../src/driver.js';
import type { AzureClients } from './clients.js';
import { azureConfig, azureFunctions } from './config.js';
import { bindingsOf } from './entry.js';
import { listSubscriptions, listTopics, storageScope, type EventSubscriptionSpec } from './event-grid.js';
import { scopeOf } from './desired.js';
import { premiumPlanName, STAGING_SLOT, storageAccountName } from './names.js';
import { readSite, readWeight } from './ops.js';
import { TAG } from './release-tags.js';
import type { AzureDeployed, DeployedApp } from './state.js';

/** Reads per site run at most `concurrency` at once. */
export async function inspectStage(az: AzureClients, manifest: ResolvedManifest, concurrency: number): Promise<AzureDeployed> {
  const config = azureConfig(manifest)!;
  const rg = config.resourceGroup;
  const scope = scopeOf(manifest, az.settings.subscriptionId);
  const group = await az.find(`read resource group ${rg}`, () => az.resources.resourceGroups.get(rg));
  const topics = [...new Set(azureFunctions(manifest).flatMap((f) => bindingsOf(f, manifest).flatMap((b) => (b.kind === 'topicEvents' ? [b.topicName] : []))))].sort();
  if (!group) return { plans: [], apps: {}, eventSubscriptions: [], missingTopics: topics };
  const accountName = config.storageAccount ?? storageAccountName(scope);
  const account = await az.find(`read storage account ${accountName}`, () => az.storage.storageAccounts.getProperties(rg, accountName));
  const plans: string[] = [];
  if (config.plan === 'premium') {
    const name = premiumPlanName(scope);
    if (await az.find(`read plan ${name}`, () => az.web.appServicePlans.get(rg, name))) plans.push(name);
  }
  const sites = await az.call(`list the resources of ${rg}`, async () => {
    const out: { name: string; tags: Record<string, string> }[] = [];
    for await (const r of az.resources.resources.listByResourceGroup(rg)) {
      const tags = r.tags ?? {};
      if (r.type?.toLowerCase() === 'microsoft.web/sites' && r.name && tags[TAG.service] === manifest.service && tags[TAG.stage] === manifest.stage && tags[TAG.function]) out.push({ name: r.name, tags });
    }
    return out;
  });
  const apps: Record<string, DeployedApp> = {};
  // Sites are read side by side, at most `concurrency` at once; `apps` keeps the listing's order.
  const read = await mapBounded(sites, { limit: concurrency }, async (s) => {
    const site = await readSite(az, rg, s.name);
    if (!site) return undefined;
    const premium = config.plan === 'premium';
    const slot = premium ? await readSite(az, rg, s.name, STAGING_SLOT) : undefined;
    const weight = premium ? await readWeight(az, rg, s.name) : 0;
    return { name: s.name, site, slot, weight };
  });
  for (const r of read) {
    if (!r) continue;
    const { site, slot } = r;
    const fn = site.tags[TAG.function]!;
    if (config.plan === 'flex' && site.planId) plans.push(site.planId.split('/').pop()!);
    apps[fn] = {
      function: fn,
      name: r.name,
      tags: site.tags,
      ...(site.tags[TAG.version] ? { version: site.tags[TAG.version] } : {}),
      ...(slot?.tags[TAG.version] ? { slotVersion: slot.tags[TAG.version] } : {}),
      weight: r.weight,
      hosts: site.hosts,
    };
  }
  const eventSubscriptions: EventSubscriptionSpec[] = [];
  const missingTopics: string[] = [];
  const sub = az.settings.subscriptionId;
  if (account) eventSubscriptions.push(...(await listSubscriptions(az, manifest, storageScope(sub, rg, accountName))));
  const existing = await listTopics(az, rg);
  for (const id of existing) eventSubscriptions.push(...(await listSubscriptions(az, manifest, id)));
  for (const t of topics) if (!existing.some((id) => id.split('/').pop()!.toLowerCase() === t.toLowerCase())) missingTopics.push(t);
  return {
    resourceGroup: { tags: { ...(group.tags ?? {}) } },
    eventSubscriptions,
    missingTopics,
    ...(account ? { storageAccount: { name: accountName, blob: account.primaryEndpoints?.blob ?? '' } } : {}),
    plans,
    apps,
  };
}
