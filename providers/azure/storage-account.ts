/**
 * The stage's storage account (AzureWebJobsStorage, the deployment containers, the stage lease),
 * and the resource group it is in: read, or created when missing. deploy's apply and the lease's
 * first write (which comes before inspect) both go through here, so the account is created in one
 * place and the same way.
 */
import type { StorageAccount } from '@azure/arm-storage';
import type { ResolvedManifest } from '../../src/driver.js';
import type { AzureClients } from './clients.js';
import { azureConfig, type AzureProviderConfig } from './config.js';
import { scopeOf } from './desired.js';
import { storageAccountName } from './names.js';
import { TAG } from './release-tags.js';

/** `providers.azure.storageAccount`, else the stage's own name (names.ts). */
export function stageAccountName(manifest: ResolvedManifest, subscriptionId: string): string {
  return azureConfig(manifest)!.storageAccount ?? storageAccountName(scopeOf(manifest, subscriptionId));
}

/** The tags of what fnx creates for the stage (and for one function of it). */
export function baseTags(req: { manifest: ResolvedManifest }, config: AzureProviderConfig, fn?: string): Record<string, string> {
  const own = fn ? (req.manifest.functions.find((f) => f.name === fn)?.tags ?? {}) : {};
  return { ...config.tags, ...own, [TAG.managed]: 'true', [TAG.service]: req.manifest.service, [TAG.stage]: req.manifest.stage, ...(fn ? { [TAG.function]: fn } : {}) };
}

/** What inspect found missing (deploy's plan); without it, both are looked up. */
export interface KnownMissing {
  readonly resourceGroup: boolean;
  readonly storageAccount: boolean;
}

/** The stage's storage account, created (with its resource group, when that is missing too) if it does not exist. */
export async function ensureStorageAccount(az: AzureClients, manifest: ResolvedManifest, missing?: KnownMissing): Promise<StorageAccount> {
  const config = azureConfig(manifest)!;
  const rg = config.resourceGroup;
  const name = stageAccountName(manifest, az.settings.subscriptionId);
  const found = missing?.storageAccount ? undefined : await az.find(`read storage account ${name}`, () => az.storage.storageAccounts.getProperties(rg, name));
  if (found) return found;
  const groupMissing = missing ? missing.resourceGroup : !(await az.find(`read resource group ${rg}`, () => az.resources.resourceGroups.get(rg)));
  if (groupMissing) await az.call(`create resource group ${rg}`, () => az.resources.resourceGroups.createOrUpdate(rg, { location: config.location, tags: baseTags({ manifest }, config) }), { write: true });
  return az.call(`create storage account ${name}`, () => az.storage.storageAccounts.create(rg, name, { location: config.location, sku: { name: 'Standard_LRS' }, kind: 'StorageV2', minimumTlsVersion: 'TLS1_2', allowBlobPublicAccess: false, tags: baseTags({ manifest }, config) }, az.poll), { write: true });
}
