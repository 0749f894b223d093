// Microsoft.Storage: storage accounts (PUT is an LRO: 202 + Location, polled to the account),
// GET/PATCH/DELETE, listKeys, and blob containers (for the Flex deployment container).
import { randomBytes } from 'node:crypto';
import type { Route, RouteContext } from './router.js';
import { AzureError, bodyJson, empty, json, newEtag, obj, str, tagsOf } from './protocol.js';
import { storageId } from './ids.js';
import type { BlobContainer, StorageAccount } from './state.js';
import { normLoc } from './resources.js';

const SA = '/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Storage/storageAccounts/{name}';
const CONTAINER = `${SA}/blobServices/default/containers/{container}`;
const KINDS = ['Storage', 'StorageV2', 'BlobStorage', 'FileStorage', 'BlockBlobStorage'];
const SKUS = ['Standard_LRS', 'Standard_GRS', 'Standard_RAGRS', 'Standard_ZRS', 'Premium_LRS', 'Premium_ZRS', 'Standard_GZRS', 'Standard_RAGZRS'];

/** Blob endpoint of an account: path-style (account in the path, as Azurite) on the emulator's blob listener. */
export function blobEndpoint(ctx: RouteContext | { emu: RouteContext['emu'] }, account: string): string {
  return `${ctx.emu.blobUrl}/${account}/`;
}

function accountBody(ctx: RouteContext, a: StorageAccount): unknown {
  const creating = ctx.emu.now() < a.readyAt;
  return {
    id: storageId(ctx.emu, a.resourceGroup, a.name),
    name: a.name,
    type: 'Microsoft.Storage/storageAccounts',
    location: a.location,
    kind: a.kind,
    sku: { name: a.sku, tier: a.sku.startsWith('Premium') ? 'Premium' : 'Standard' },
    tags: a.tags,
    etag: a.etag,
    properties: {
      ...a.properties,
      provisioningState: creating ? 'Creating' : 'Succeeded',
      primaryEndpoints: { blob: blobEndpoint(ctx, a.name), queue: `https://${a.name}.queue.core.windows.net/`, table: `https://${a.name}.table.core.windows.net/`, file: `https://${a.name}.file.core.windows.net/` },
      primaryLocation: a.location,
      statusOfPrimary: 'available',
    },
  };
}

function findAccount(ctx: RouteContext): StorageAccount {
  const a = ctx.emu.state.storageAccounts.get(ctx.params.name!.toLowerCase());
  if (!a || a.resourceGroup.toLowerCase() !== ctx.params.rg!.toLowerCase()) {
    throw new AzureError(404, 'ResourceNotFound', `The Resource 'Microsoft.Storage/storageAccounts/${ctx.params.name}' under resource group '${ctx.params.rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
  }
  return a;
}

function putAccount(ctx: RouteContext) {
  const name = ctx.params.name!;
  if (!/^[a-z0-9]{3,24}$/.test(name)) {
    throw new AzureError(400, 'AccountNameInvalid', `${name} is not a valid storage account name. Storage account name must be between 3 and 24 characters in length and use numbers and lower-case letters only.`);
  }
  const body = bodyJson(ctx.req);
  const location = str(body.location);
  const sku = str(obj(body.sku).name);
  const kind = str(body.kind);
  if (!location) throw new AzureError(400, 'InvalidRequestContent', "The request content was invalid: required property 'location' not found.");
  if (!sku) throw new AzureError(400, 'InvalidRequestContent', "The request content was invalid: required property 'sku' not found.");
  if (!kind) throw new AzureError(400, 'InvalidRequestContent', "The request content was invalid: required property 'kind' not found.");
  if (!SKUS.includes(sku)) throw new AzureError(400, 'InvalidValuesForRequestParameters', `Values for request parameters are invalid: sku.name '${sku}'.`);
  if (!KINDS.includes(kind)) throw new AzureError(400, 'InvalidValuesForRequestParameters', `Values for request parameters are invalid: kind '${kind}'.`);
  const tags = tagsOf(body.tags) ?? {};
  const emu = ctx.emu;
  const existing = emu.state.storageAccounts.get(name);
  if (existing && existing.resourceGroup.toLowerCase() !== ctx.params.rg!.toLowerCase()) {
    throw new AzureError(409, 'StorageAccountAlreadyTaken', `The storage account named ${name} is already taken.`);
  }
  if (existing) {
    if (emu.now() < existing.readyAt) throw new AzureError(409, 'StorageAccountOperationInProgress', `An operation is currently performing on this storage account that requires exclusive access.`);
    existing.tags = tags;
    existing.sku = sku;
    existing.properties = { ...existing.properties, ...obj(body.properties) };
    existing.etag = newEtag();
    return json(200, accountBody(ctx, existing));
  }
  const account: StorageAccount = {
    name,
    resourceGroup: ctx.params.rg!,
    location: normLoc(location),
    kind,
    sku,
    tags,
    properties: { ...obj(body.properties), creationTime: new Date(emu.now()).toISOString() },
    keys: [randomBytes(48).toString('base64'), randomBytes(48).toString('base64')],
    containers: new Map(),
    readyAt: emu.now() + emu.asyncDelayMs,
    etag: newEtag(),
  };
  emu.state.storageAccounts.set(name, account);
  const headers = emu.startOperation('Microsoft.Storage', account.location, ctx.apiVersion, {
    name: ctx.operation,
    rollback: () => emu.state.storageAccounts.delete(name),
    result: () => accountBody(ctx, account),
  });
  // Storage answers a create with Location only (no Azure-AsyncOperation) and an empty body.
  const { 'azure-asyncoperation': _a, ...locationOnly } = headers;
  return empty(202, locationOnly);
}

function listKeys(ctx: RouteContext) {
  const a = findAccount(ctx);
  if (ctx.emu.now() < a.readyAt) throw new AzureError(409, 'StorageAccountIsNotProvisioned', `The storage account provisioning state must be 'Succeeded' before executing the operation.`);
  return json(200, { keys: [{ keyName: 'key1', value: a.keys[0], permissions: 'FULL' }, { keyName: 'key2', value: a.keys[1], permissions: 'FULL' }] });
}

function containerBody(ctx: RouteContext, a: StorageAccount, c: BlobContainer): unknown {
  return {
    id: `${storageId(ctx.emu, a.resourceGroup, a.name)}/blobServices/default/containers/${c.name}`,
    name: c.name,
    type: 'Microsoft.Storage/storageAccounts/blobServices/containers',
    etag: '"0x8DC0000000000000"',
    properties: { publicAccess: 'None', leaseStatus: 'Unlocked', leaseState: 'Available', hasImmutabilityPolicy: false, hasLegalHold: false, deleted: false },
  };
}

function putContainer(ctx: RouteContext) {
  const a = findAccount(ctx);
  const name = ctx.params.container!;
  if (!/^(?=.{3,63}$)[a-z0-9](?:[a-z0-9]|-(?!-))*[a-z0-9]$/.test(name) && name !== '$root' && name !== '$web') {
    throw new AzureError(400, 'ContainerOperationFailure', 'The specifed resource name contains invalid characters.');
  }
  if (ctx.emu.now() < a.readyAt) throw new AzureError(409, 'StorageAccountIsNotProvisioned', `The storage account provisioning state must be 'Succeeded' before executing the operation.`);
  const body = bodyJson(ctx.req);
  const access = str(obj(body.properties).publicAccess);
  if (access && access !== 'None' && a.properties.allowBlobPublicAccess !== true) {
    throw new AzureError(409, 'PublicAccessNotPermitted', 'Public access is not permitted on this storage account.');
  }
  const existing = a.containers.get(name);
  if (existing) return json(200, containerBody(ctx, a, existing));
  const c: BlobContainer = { name, blobs: new Map() };
  a.containers.set(name, c);
  return json(201, containerBody(ctx, a, c));
}

function getContainer(ctx: RouteContext) {
  const a = findAccount(ctx);
  const c = a.containers.get(ctx.params.container!);
  if (!c) throw new AzureError(404, 'ContainerNotFound', 'The specified container does not exist.');
  return json(200, containerBody(ctx, a, c));
}

export const storageRoutes: Route[] = [
  { method: 'PUT', template: SA, operation: 'StorageAccounts_Create', write: true, provider: 'Microsoft.Storage', handle: putAccount },
  { method: 'GET', template: SA, operation: 'StorageAccounts_GetProperties', write: false, provider: 'Microsoft.Storage', handle: (ctx) => json(200, accountBody(ctx, findAccount(ctx))) },
  {
    method: 'PATCH',
    template: SA,
    operation: 'StorageAccounts_Update',
    write: true,
    provider: 'Microsoft.Storage',
    handle: (ctx) => {
      const a = findAccount(ctx);
      const body = bodyJson(ctx.req);
      const tags = tagsOf(body.tags);
      if (tags) a.tags = tags;
      a.properties = { ...a.properties, ...obj(body.properties) };
      a.etag = newEtag();
      return json(200, accountBody(ctx, a));
    },
  },
  {
    method: 'DELETE',
    template: SA,
    operation: 'StorageAccounts_Delete',
    write: true,
    provider: 'Microsoft.Storage',
    handle: (ctx) => {
      const a = ctx.emu.state.storageAccounts.get(ctx.params.name!.toLowerCase());
      if (!a || a.resourceGroup.toLowerCase() !== ctx.params.rg!.toLowerCase()) return empty(204);
      ctx.emu.state.storageAccounts.delete(a.name);
      return empty(200);
    },
  },
  { method: 'POST', template: `${SA}/listKeys`, operation: 'StorageAccounts_ListKeys', write: false, provider: 'Microsoft.Storage', handle: listKeys },
  { method: 'PUT', template: CONTAINER, operation: 'BlobContainers_Create', write: true, provider: 'Microsoft.Storage', handle: putContainer },
  { method: 'GET', template: CONTAINER, operation: 'BlobContainers_Get', write: false, provider: 'Microsoft.Storage', handle: getContainer },
  {
    method: 'DELETE',
    template: CONTAINER,
    operation: 'BlobContainers_Delete',
    write: true,
    provider: 'Microsoft.Storage',
    handle: (ctx) => {
      const a = findAccount(ctx);
      return empty(a.containers.delete(ctx.params.container!) ? 200 : 204);
    },
  },
];
