// Microsoft.Resources: resource groups (PUT/GET/HEAD/PATCH/DELETE as an LRO), resources in a
// group, and the tags API at any scope (PUT replaces, PATCH Merge/Replace/Delete).
import type { Route, RouteContext } from './router.js';
import { AzureError, bodyJson, empty, json, obj, str, tagsOf, checkTags } from './protocol.js';
import { planId, resolveScope, rgId, siteId, storageId } from './ids.js';
import type { ResourceGroup } from './state.js';

const RG = '/subscriptions/{sub}/resourcegroups/{rg}';
const RG_NAME = /^[-\w._()]{1,90}$/u;

function rgBody(ctx: RouteContext, rg: ResourceGroup): unknown {
  return {
    id: rgId(ctx.emu, rg.name),
    name: rg.name,
    type: 'Microsoft.Resources/resourceGroups',
    location: rg.location,
    tags: rg.tags,
    properties: { provisioningState: rg.deleting ? 'Deleting' : 'Succeeded' },
  };
}

function getRg(ctx: RouteContext): ResourceGroup {
  const rg = ctx.emu.state.resourceGroups.get(ctx.params.rg!.toLowerCase());
  if (!rg) throw new AzureError(404, 'ResourceGroupNotFound', `Resource group '${ctx.params.rg}' could not be found.`);
  return rg;
}

function putRg(ctx: RouteContext) {
  const name = ctx.params.rg!;
  if (!RG_NAME.test(name) || name.endsWith('.')) {
    throw new AzureError(400, 'InvalidResourceGroup', `The provided resource group name '${name}' has these invalid characters: '...'. The name can only be a letter, digit, '-', '.', '(', ')' or '_'.`);
  }
  const body = bodyJson(ctx.req);
  const location = str(body.location);
  if (!location) throw new AzureError(400, 'LocationRequired', 'The location property is required for this definition.');
  const tags = tagsOf(body.tags) ?? {};
  const existing = ctx.emu.state.resourceGroups.get(name.toLowerCase());
  if (existing) {
    if (existing.deleting) throw new AzureError(409, 'ResourceGroupBeingDeleted', `The resource group '${existing.name}' is in deprovisioning state and cannot perform this operation.`);
    if (normLoc(existing.location) !== normLoc(location)) {
      throw new AzureError(409, 'InvalidResourceGroupLocation', `Invalid resource group location '${location}'. The Resource group already exists in location '${existing.location}'.`);
    }
    existing.tags = tags;
    return json(200, rgBody(ctx, existing));
  }
  const rg: ResourceGroup = { name, location: normLoc(location), tags, deleting: false };
  ctx.emu.state.resourceGroups.set(name.toLowerCase(), rg);
  return json(201, rgBody(ctx, rg));
}

export function normLoc(l: string): string {
  return l.toLowerCase().replace(/\s+/g, '');
}

function deleteRg(ctx: RouteContext) {
  const rg = getRg(ctx);
  if (rg.deleting) return empty(202, { location: '' });
  rg.deleting = true;
  const emu = ctx.emu;
  const key = rg.name.toLowerCase();
  const headers = emu.startOperation('Microsoft.Resources', rg.location, ctx.apiVersion, {
    name: ctx.operation,
    rollback: () => {
      rg.deleting = false;
    },
    complete: () => {
      for (const [k, a] of emu.state.storageAccounts) if (a.resourceGroup.toLowerCase() === key) emu.state.storageAccounts.delete(k);
      for (const [k, s] of emu.state.sites) {
        if (s.resourceGroup.toLowerCase() === key) {
          emu.closeInstanceHosts(s.production);
          for (const slot of s.slots.values()) emu.closeInstanceHosts(slot);
          emu.state.sites.delete(k);
        }
      }
      for (const [k, p] of emu.state.plans) if (p.resourceGroup.toLowerCase() === key) emu.state.plans.delete(k);
      emu.state.resourceGroups.delete(key);
    },
  });
  // ARM answers a resource group delete with Location only.
  const { 'azure-asyncoperation': _a, ...locationOnly } = headers;
  return empty(202, locationOnly);
}

/** One entry of a resources list (GenericResourceExpanded). */
interface Listed {
  id: string;
  name: string;
  type: string;
  tags: Record<string, string>;
  [k: string]: unknown;
}

/** `$filter` of the resources list: `tagName eq 'n' [and tagValue eq 'v']`, `resourceType eq 't'`, `name eq 'n'` (ARM allows one kind per filter). */
function filterOf(ctx: RouteContext): (r: Listed) => boolean {
  const f = ctx.req.query.get('$filter');
  if (!f) return () => true;
  const tagName = /tagName\s+eq\s+'([^']*)'/i.exec(f)?.[1];
  const tagValue = /tagValue\s+eq\s+'([^']*)'/i.exec(f)?.[1];
  const type = /resourceType\s+eq\s+'([^']*)'/i.exec(f)?.[1];
  const name = /(?:^|\s)name\s+eq\s+'([^']*)'/i.exec(f)?.[1];
  if (tagName === undefined && type === undefined && name === undefined) throw new AzureError(400, 'InvalidFilterInQueryString', `Invalid $filter '${f}' specified in the query string.`);
  if (tagName !== undefined && (type !== undefined || name !== undefined)) throw new AzureError(400, 'InvalidFilterInQueryString', 'A tag filter cannot be combined with other filters.');
  return (r) => {
    if (tagName !== undefined) {
      const k = Object.keys(r.tags).find((t) => t.toLowerCase() === tagName.toLowerCase());
      if (k === undefined) return false;
      if (tagValue !== undefined && r.tags[k] !== tagValue) return false;
    }
    if (type !== undefined && r.type.toLowerCase() !== type.toLowerCase()) return false;
    if (name !== undefined && r.name.toLowerCase() !== name.toLowerCase()) return false;
    return true;
  };
}

function listResources(ctx: RouteContext) {
  const emu = ctx.emu;
  const groups = ctx.params.rg === undefined ? [...emu.state.resourceGroups.values()] : [getRg(ctx)];
  const keep = filterOf(ctx);
  const value: Listed[] = [];
  for (const rg of groups) collect(ctx, rg, value);
  return json(200, { value: value.filter(keep) });
}

function collect(ctx: RouteContext, rg: ResourceGroup, value: Listed[]): void {
  const emu = ctx.emu;
  const key = rg.name.toLowerCase();
  for (const a of emu.state.storageAccounts.values()) {
    if (a.resourceGroup.toLowerCase() === key) value.push({ id: storageId(emu, rg.name, a.name), name: a.name, type: 'Microsoft.Storage/storageAccounts', location: a.location, kind: a.kind, sku: { name: a.sku }, tags: a.tags });
  }
  for (const p of emu.state.plans.values()) {
    if (p.resourceGroup.toLowerCase() === key) value.push({ id: planId(emu, rg.name, p.name), name: p.name, type: 'Microsoft.Web/serverFarms', location: p.location, kind: p.kind, sku: p.sku, tags: p.tags });
  }
  for (const s of emu.state.sites.values()) {
    if (s.resourceGroup.toLowerCase() !== key) continue;
    value.push({ id: siteId(emu, rg.name, s.name), name: s.name, type: 'Microsoft.Web/sites', location: s.location, kind: s.kind, tags: s.production.tags });
    for (const slot of s.slots.values()) {
      value.push({ id: siteId(emu, rg.name, s.name, slot.slot), name: `${s.name}/${slot.slot}`, type: 'Microsoft.Web/sites/slots', location: s.location, kind: s.kind, tags: slot.tags });
    }
  }
}

function tagsBody(id: string, tags: Record<string, string>): unknown {
  return { id: `${id}/providers/Microsoft.Resources/tags/default`, name: 'default', type: 'Microsoft.Resources/tags', properties: { tags } };
}

function putTags(ctx: RouteContext) {
  const r = resolveScope(ctx.emu, ctx.params.scope!);
  const body = bodyJson(ctx.req);
  const tags = tagsOf(obj(body.properties).tags) ?? {};
  r.setTags(tags);
  return json(200, tagsBody(r.id, tags));
}

function patchTags(ctx: RouteContext) {
  const r = resolveScope(ctx.emu, ctx.params.scope!);
  const body = bodyJson(ctx.req);
  const operation = str(body.operation);
  const given = tagsOf(obj(body.properties).tags) ?? {};
  let next: Record<string, string>;
  if (operation === 'Merge') next = { ...r.tags, ...given };
  else if (operation === 'Replace') next = given;
  else if (operation === 'Delete') {
    next = { ...r.tags };
    for (const [k, v] of Object.entries(given)) if (next[k] === v || v === '') delete next[k];
  } else throw new AzureError(400, 'InvalidTagPatchOperation', `The tag patch operation '${operation ?? ''}' is invalid. Supported values are 'Merge', 'Replace' and 'Delete'.`);
  checkTags(next);
  r.setTags(next);
  return json(200, tagsBody(r.id, next));
}

export const resourceRoutes: Route[] = [
  { method: 'PUT', template: RG, operation: 'ResourceGroups_CreateOrUpdate', write: true, provider: 'Microsoft.Resources', handle: putRg },
  { method: 'GET', template: RG, operation: 'ResourceGroups_Get', write: false, provider: 'Microsoft.Resources', handle: (ctx) => json(200, rgBody(ctx, getRg(ctx))) },
  {
    method: 'HEAD',
    template: RG,
    operation: 'ResourceGroups_CheckExistence',
    write: false,
    provider: 'Microsoft.Resources',
    handle: (ctx) => empty(ctx.emu.state.resourceGroups.has(ctx.params.rg!.toLowerCase()) ? 204 : 404),
  },
  {
    method: 'PATCH',
    template: RG,
    operation: 'ResourceGroups_Update',
    write: true,
    provider: 'Microsoft.Resources',
    handle: (ctx) => {
      const rg = getRg(ctx);
      const tags = tagsOf(bodyJson(ctx.req).tags);
      if (tags) rg.tags = tags;
      return json(200, rgBody(ctx, rg));
    },
  },
  { method: 'DELETE', template: RG, operation: 'ResourceGroups_Delete', write: true, provider: 'Microsoft.Resources', handle: deleteRg },
  { method: 'GET', template: `${RG}/resources`, operation: 'Resources_ListByResourceGroup', write: false, provider: 'Microsoft.Resources', handle: listResources },
  { method: 'GET', template: '/subscriptions/{sub}/resources', operation: 'Resources_List', write: false, provider: 'Microsoft.Resources', handle: listResources },
  {
    method: 'GET',
    template: '/subscriptions/{sub}/resourcegroups',
    operation: 'ResourceGroups_List',
    write: false,
    provider: 'Microsoft.Resources',
    handle: (ctx) => json(200, { value: [...ctx.emu.state.resourceGroups.values()].map((rg) => rgBody(ctx, rg)) }),
  },
  { method: 'PUT', template: '{+scope}/providers/Microsoft.Resources/tags/default', operation: 'Tags_CreateOrUpdateAtScope', write: true, provider: 'Microsoft.Resources', handle: putTags },
  { method: 'PATCH', template: '{+scope}/providers/Microsoft.Resources/tags/default', operation: 'Tags_UpdateAtScope', write: true, provider: 'Microsoft.Resources', handle: patchTags },
  {
    method: 'GET',
    template: '{+scope}/providers/Microsoft.Resources/tags/default',
    operation: 'Tags_GetAtScope',
    write: false,
    provider: 'Microsoft.Resources',
    handle: (ctx) => {
      const r = resolveScope(ctx.emu, ctx.params.scope!);
      return json(200, tagsBody(r.id, r.tags));
    },
  },
  {
    method: 'DELETE',
    template: '{+scope}/providers/Microsoft.Resources/tags/default',
    operation: 'Tags_DeleteAtScope',
    write: true,
    provider: 'Microsoft.Resources',
    handle: (ctx) => {
      resolveScope(ctx.emu, ctx.params.scope!).setTags({});
      return empty(200);
    },
  },
];
