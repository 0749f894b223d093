/**
 * The pointer of one function: its production slot and the release record in its tags.
 *   slot (Premium): primary = production's version, candidate = the staging slot's while
 *     rampUpRules give it a share. shift(weight w) sets that share; weight 0 to production's
 *     version clears it; weight 0 to the slot's version swaps (promote; the old version is then
 *     in the slot, so the same request with it swaps back: rollback).
 *   replace (Flex): weight 0 only; to the serving version only the record is written, to
 *     another recorded version its package is deployed again.
 * Every write checks the revision read first (fnx:rev) and counts it up.
 */
import { CloudError, type HistoryRequest, type ReleaseRecord, type ResolvedManifest, type ShiftRequest, type TrafficState } from '../../src/driver.js';
import type { AzureClients } from './clients.js';
import { azureConfig } from './config.js';
import { scopeOf } from './desired.js';
import { appName, deploymentContainer, STAGING_SLOT, storageAccountName } from './names.js';
import { deployPackage, loadPackage, readSite, readWeight, swapSlot, writeTags, writeWeight, type SiteView } from './ops.js';
import { historyOf, nextRevision, recordedPackages, revisionOf, TAG, withRecord } from './release-tags.js';

interface Pointer {
  readonly app: string;
  readonly rg: string;
  readonly site: SiteView;
  readonly slot?: SiteView;
  readonly weight: number;
}

async function pointer(az: AzureClients, manifest: ResolvedManifest, fn: string): Promise<Pointer | undefined> {
  const config = azureConfig(manifest)!;
  const app = appName(scopeOf(manifest, az.settings.subscriptionId), fn);
  const site = await readSite(az, config.resourceGroup, app);
  if (!site) return undefined;
  if (config.plan !== 'premium') return { app, rg: config.resourceGroup, site, weight: 0 };
  const slot = await readSite(az, config.resourceGroup, app, STAGING_SLOT);
  return { app, rg: config.resourceGroup, site, ...(slot ? { slot } : {}), weight: await readWeight(az, config.resourceGroup, app) };
}

function stateOf(fn: string, p: Pointer | undefined): TrafficState {
  if (!p) return { function: fn, weight: 0, revision: '0' };
  const release = historyOf(p.site.tags)[0];
  const candidate = p.weight > 0 ? p.slot?.tags[TAG.version] : undefined;
  return { function: fn, ...(p.site.tags[TAG.version] ? { primary: p.site.tags[TAG.version] } : {}), ...(candidate ? { candidate } : {}), weight: candidate ? p.weight : 0, revision: revisionOf(p.site.tags), ...(release ? { release } : {}) };
}

export async function readTraffic(az: AzureClients, req: HistoryRequest): Promise<TrafficState> {
  return stateOf(req.function, await pointer(az, req.manifest, req.function));
}

export async function readHistory(az: AzureClients, req: HistoryRequest): Promise<readonly ReleaseRecord[]> {
  const p = await pointer(az, req.manifest, req.function);
  return p ? historyOf(p.site.tags) : [];
}

export async function rollbackTargets(az: AzureClients, req: HistoryRequest): Promise<readonly string[]> {
  const p = await pointer(az, req.manifest, req.function);
  if (!p) return [];
  const serving = p.site.tags[TAG.version];
  const out = [serving, ...(p.slot ? [p.slot.tags[TAG.version]] : []), ...(p.slot ? [] : recordedPackages(p.site.tags).map((x) => x.version))].filter((v): v is string => !!v);
  return out.filter((v, i) => out.indexOf(v) === i);
}

export async function shiftTraffic(az: AzureClients, req: ShiftRequest): Promise<TrafficState> {
  const fn = req.function.name;
  const config = azureConfig(req.manifest)!;
  const p = await pointer(az, req.manifest, fn);
  if (!p) throw new CloudError('azure', 'not-found', `Function app of ${fn} does not exist.`);
  if (revisionOf(p.site.tags) !== req.revision) {
    throw new CloudError('azure', 'precondition', `The release of ${fn} changed since it was read (revision ${revisionOf(p.site.tags)}, expected ${req.revision}): another fnx run is releasing it.`, { hint: 'Wait for the other run, then run `fnx status` and deploy again.' });
  }
  const serving = p.site.tags[TAG.version];
  const inSlot = p.slot?.tags[TAG.version];
  const weight = req.candidate && req.candidate !== req.primary ? req.weight : 0;
  if (config.plan === 'premium') {
    if (weight > 0) {
      if (req.primary !== serving || req.candidate !== inSlot || weight >= 1) throw new CloudError('azure', weight >= 1 ? 'invalid' : 'not-found', `Only the staging slot's version (${inSlot ?? 'none'}) can take a share of ${fn}'s traffic beside production (${serving ?? 'none'}).`);
      await writeWeight(az, p.rg, p.app, p.slot?.hosts[0], weight);
    } else if (req.primary === serving) {
      if (p.weight > 0) await writeWeight(az, p.rg, p.app, undefined, 0);
    } else if (req.primary === inSlot && p.slot) {
      if (p.weight > 0) await writeWeight(az, p.rg, p.app, undefined, 0);
      await swapSlot(az, p.rg, p.app, p.site.lastSwap);
      await writeTags(az, p.slot.id, { ...p.slot.tags, [TAG.version]: serving ?? '' });
    } else {
      throw new CloudError('azure', 'not-found', `Version ${req.primary} of ${fn} is neither in production (${serving ?? 'none'}) nor in its staging slot (${inSlot ?? 'none'}).`);
    }
  } else {
    if (req.weight > 0) throw new CloudError('azure', 'invalid', `The Flex Consumption plan serves one version of ${fn} at a time: it cannot share traffic.`);
    if (req.primary !== serving) {
      const pkg = recordedPackages(p.site.tags).find((x) => x.version === req.primary);
      if (!pkg) throw new CloudError('azure', 'not-found', `No package of version ${req.primary} of ${fn} is recorded: it cannot be deployed again.`);
      const scope = scopeOf(req.manifest, az.settings.subscriptionId);
      const account = config.storageAccount ?? storageAccountName(scope);
      const props = await az.call(`read storage account ${account}`, () => az.storage.storageAccounts.getProperties(p.rg, account));
      const zip = await loadPackage(az, `${(props.primaryEndpoints?.blob ?? '').replace(/\/+$/, '')}/${deploymentContainer(p.app)}`, pkg.sha256);
      if (!zip) throw new CloudError('azure', 'not-found', `The recorded package of version ${req.primary} of ${fn} is gone from its deployment container.`);
      if (!p.site.scmHost) throw new Error(`function app ${p.app} reports no scm host name`);
      await deployPackage(az, { rg: p.rg, app: p.app, scmHost: p.site.scmHost, zip, flex: true });
    }
  }
  const version = weight > 0 ? serving : req.primary;
  const site = (await readSite(az, p.rg, p.app)) ?? p.site;
  const tags = nextRevision(withRecord({ ...site.tags, ...(version ? { [TAG.version]: version } : {}) }, req.release));
  await writeTags(az, site.id, tags);
  return stateOf(fn, { ...p, site: { ...site, tags }, ...(p.slot ? { slot: (await readSite(az, p.rg, p.app, STAGING_SLOT)) ?? p.slot } : {}), weight });
}
