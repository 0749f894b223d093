// Resource ids as ARM spells them, and resolution of an id (a tags scope) to the emulated resource.
import type { Emulator } from './emulator.js';
import { AzureError, newEtag } from './protocol.js';
import { planKey } from './state.js';

export function rgId(emu: Emulator, rg: string): string {
  return `/subscriptions/${emu.subscriptionId}/resourceGroups/${rg}`;
}

export function storageId(emu: Emulator, rg: string, name: string): string {
  return `${rgId(emu, rg)}/providers/Microsoft.Storage/storageAccounts/${name}`;
}

export function planId(emu: Emulator, rg: string, name: string): string {
  return `${rgId(emu, rg)}/providers/Microsoft.Web/serverfarms/${name}`;
}

export function siteId(emu: Emulator, rg: string, name: string, slot?: string): string {
  const base = `${rgId(emu, rg)}/providers/Microsoft.Web/sites/${name}`;
  return slot && slot !== 'production' ? `${base}/slots/${slot}` : base;
}

export interface TaggedResource {
  id: string;
  tags: Record<string, string>;
  setTags(tags: Record<string, string>): void;
}

/** The resource at `scope` (an ARM id), for the tags API. 404 when it does not exist. */
export function resolveScope(emu: Emulator, scope: string): TaggedResource {
  const s = scope.split('/').filter(Boolean);
  const l = s.map((x) => x.toLowerCase());
  const notFound = (): never => {
    throw new AzureError(404, 'ResourceNotFound', `The Resource '${scope}' was not found.`);
  };
  if (l[0] !== 'subscriptions' || l[1] !== emu.subscriptionId.toLowerCase()) notFound();
  if (l.length === 2) notFound();
  if (l[2] !== 'resourcegroups' || l.length < 4) notFound();
  const rg = emu.state.resourceGroups.get(l[3]!);
  if (!rg) throw new AzureError(404, 'ResourceGroupNotFound', `Resource group '${s[3]}' could not be found.`);
  if (l.length === 4) return { id: rgId(emu, rg.name), tags: rg.tags, setTags: (t) => (rg.tags = t) };
  if (l[4] !== 'providers') notFound();
  const ns = l[5];
  const type = l[6];
  const name = l[7];
  if (name === undefined) notFound();
  if (ns === 'microsoft.storage' && type === 'storageaccounts' && l.length === 12 && l[8] === 'blobservices' && l[9] === 'default' && l[10] === 'containers') {
    const a = emu.state.storageAccounts.get(name!);
    if (!a || a.resourceGroup.toLowerCase() !== l[3] || !a.containers.has(s[11]!)) notFound();
    return { id: `${storageId(emu, rg.name, a!.name)}/blobServices/default/containers/${s[11]}`, tags: {}, setTags: () => undefined };
  }
  if (ns === 'microsoft.storage' && type === 'storageaccounts' && l.length === 8) {
    const a = emu.state.storageAccounts.get(name!);
    if (!a || a.resourceGroup.toLowerCase() !== l[3]) notFound();
    return { id: storageId(emu, rg.name, a!.name), tags: a!.tags, setTags: (t) => (a!.tags = t) };
  }
  if (ns === 'microsoft.web' && type === 'serverfarms' && l.length === 8) {
    const p = emu.state.plans.get(planKey(l[3]!, name!));
    if (!p) notFound();
    return { id: planId(emu, rg.name, p!.name), tags: p!.tags, setTags: (t) => (p!.tags = t) };
  }
  if (ns === 'microsoft.keyvault' && type === 'vaults' && (l.length === 8 || (l.length === 10 && l[8] === 'secrets'))) {
    const v = emu.state.keyVaults.get(name!);
    if (!v || v.resourceGroup.toLowerCase() !== l[3]) notFound();
    if (l.length === 10 && ![...v!.secrets].some((x) => x.toLowerCase() === l[9])) notFound();
    return { id: `${rgId(emu, rg.name)}/providers/Microsoft.KeyVault/vaults/${v!.name}${l.length === 10 ? `/secrets/${s[9]}` : ''}`, tags: {}, setTags: () => undefined };
  }
  if (ns === 'microsoft.web' && type === 'sites' && (l.length === 8 || (l.length === 10 && l[8] === 'slots'))) {
    const site = emu.state.sites.get(name!);
    if (!site || site.resourceGroup.toLowerCase() !== l[3]) notFound();
    const inst = l.length === 10 ? site!.slots.get(l[9]!) : site!.production;
    if (!inst) notFound();
    return {
      id: siteId(emu, rg.name, site!.name, inst!.slot),
      tags: inst!.tags,
      setTags: (t) => {
        inst!.tags = t;
        inst!.etag = newEtag();
      },
    };
  }
  return notFound();
}
