// Microsoft.EventGrid: custom topics (created by the test hook addEventGridTopic; ARM GET and the
// list of a resource group) and event
// subscriptions at a storage account (its implicit system topic) or a custom topic:
// PUT (201 + Azure-AsyncOperation, Creating until the operation settles), GET, DELETE (202, LRO)
// and the list at a scope. Destinations: AzureFunction only, whose resourceId must be
// `{siteId}/functions/{name}` of an existing site (production or a slot).
import type { Route, RouteContext } from './router.js';
import { AzureError, bodyJson, empty, json, obj, str } from './protocol.js';
import { resolveScope, rgId } from './ids.js';
import type { EventSubscription, Json } from './state.js';

const SUBS = '{+scope}/providers/Microsoft.EventGrid/eventSubscriptions';
const TOPIC = '/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.EventGrid/topics/{name}';
const NAME = /^[A-Za-z0-9-]{3,64}$/;

/** Event types a storage account's system topic publishes. */
export const STORAGE_EVENT_TYPES = [
  'Microsoft.Storage.BlobCreated',
  'Microsoft.Storage.BlobDeleted',
  'Microsoft.Storage.BlobRenamed',
  'Microsoft.Storage.BlobTierChanged',
  'Microsoft.Storage.DirectoryCreated',
  'Microsoft.Storage.DirectoryDeleted',
  'Microsoft.Storage.DirectoryRenamed',
  'Microsoft.Storage.AsyncOperationInitiated',
  'Microsoft.Storage.BlobInventoryPolicyCompleted',
  'Microsoft.Storage.LifecyclePolicyCompleted',
];

const norm = (s: string) => '/' + s.split('/').filter(Boolean).join('/');

/** The scope's kind and canonical id; 404 ResourceNotFound when it does not exist or cannot hold subscriptions. */
function scopeOf(ctx: RouteContext): { kind: 'storage' | 'topic'; id: string } {
  const scope = norm(ctx.params.scope!);
  const l = scope.toLowerCase().split('/').filter(Boolean);
  if (l.length === 8 && l[4] === 'providers' && l[5] === 'microsoft.eventgrid' && l[6] === 'topics') {
    const t = ctx.emu.state.eventGridTopics.get(l[7]!);
    if (!t || t.resourceGroup.toLowerCase() !== l[3]) throw new AzureError(404, 'ResourceNotFound', `The Resource 'Microsoft.EventGrid/topics/${scope.split('/').pop()}' under resource group '${scope.split('/')[4]}' was not found.`);
    return { kind: 'topic', id: `${rgId(ctx.emu, t.resourceGroup)}/providers/Microsoft.EventGrid/topics/${t.name}` };
  }
  if (l.length === 8 && l[5] === 'microsoft.storage' && l[6] === 'storageaccounts') return { kind: 'storage', id: resolveScope(ctx.emu, scope).id };
  throw new AzureError(400, 'InvalidRequest', `Scope '${scope}' does not support event subscriptions in this emulator (a storage account or an Event Grid topic).`);
}

function body(ctx: RouteContext, s: EventSubscription): unknown {
  const settled = [...ctx.emu.state.operations.values()].every((o) => o.id !== s.operationId || o.status !== 'InProgress');
  return {
    id: `${s.scope}/providers/Microsoft.EventGrid/eventSubscriptions/${s.name}`,
    name: s.name,
    type: 'Microsoft.EventGrid/eventSubscriptions',
    properties: { ...s.properties, topic: s.scope, provisioningState: settled ? 'Succeeded' : 'Creating' },
  };
}

function find(ctx: RouteContext, scopeId: string): EventSubscription | undefined {
  return ctx.emu.state.eventSubscriptions.find((s) => s.scope.toLowerCase() === scopeId.toLowerCase() && s.name.toLowerCase() === ctx.params.name!.toLowerCase());
}

function checkDestination(ctx: RouteContext, dest: Json): void {
  if (str(dest.endpointType) !== 'AzureFunction') throw new AzureError(400, 'InvalidRequest', `Destination endpointType '${str(dest.endpointType) ?? ''}' is not supported by this emulator (AzureFunction).`);
  const props = obj(dest.properties);
  const id = str(props.resourceId) ?? '';
  const m = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Web\/sites\/[^/]+(?:\/slots\/[^/]+)?)\/functions\/([^/]+)$/i.exec(id);
  if (!m) throw new AzureError(400, 'InvalidRequest', `Invalid Azure Function resource id '${id}': expected {siteId}/functions/{functionName}.`);
  try {
    resolveScope(ctx.emu, m[1]!);
  } catch {
    throw new AzureError(400, 'InvalidRequest', `Destination Azure Function resource '${id}' does not exist.`);
  }
  for (const k of ['maxEventsPerBatch', 'preferredBatchSizeInKilobytes'] as const) {
    const v = props[k];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > (k === 'maxEventsPerBatch' ? 5000 : 1024))) throw new AzureError(400, 'InvalidRequest', `Invalid ${k} '${String(v)}'.`);
  }
}

function checkFilter(kind: 'storage' | 'topic', filter: Json): void {
  const types = filter.includedEventTypes;
  if (types !== undefined && types !== null) {
    if (!Array.isArray(types) || types.some((t) => typeof t !== 'string' || !t)) throw new AzureError(400, 'InvalidRequest', 'includedEventTypes must be a list of event type names.');
    if (kind === 'storage') {
      const bad = types.find((t) => !STORAGE_EVENT_TYPES.includes(t as string));
      if (bad) throw new AzureError(400, 'InvalidRequest', `Event type '${String(bad)}' is not supported by topic type Microsoft.Storage.StorageAccounts. Supported event types: ${STORAGE_EVENT_TYPES.join(', ')}.`);
    }
  }
  for (const k of ['subjectBeginsWith', 'subjectEndsWith'] as const) {
    const v = filter[k];
    if (v !== undefined && typeof v !== 'string') throw new AzureError(400, 'InvalidRequest', `${k} must be a string.`);
  }
  const begins = str(filter.subjectBeginsWith);
  if (kind === 'storage' && begins && !begins.startsWith('/blobServices/default/containers/')) throw new AzureError(400, 'InvalidRequest', `subjectBeginsWith '${begins}' must start with /blobServices/default/containers/ for a storage account.`);
}

function put(ctx: RouteContext) {
  const name = ctx.params.name!;
  if (!NAME.test(name)) throw new AzureError(400, 'InvalidRequest', `Event subscription name '${name}' is invalid: 3-64 letters, digits and '-'.`);
  const scope = scopeOf(ctx);
  const props = obj(bodyJson(ctx.req).properties);
  const dest = props.destination;
  if (!dest || typeof dest !== 'object') throw new AzureError(400, 'InvalidRequest', 'properties.destination is required.');
  checkDestination(ctx, dest as Json);
  checkFilter(scope.kind, obj(props.filter));
  if (props.labels !== undefined && (!Array.isArray(props.labels) || props.labels.some((x) => typeof x !== 'string'))) throw new AzureError(400, 'InvalidRequest', 'labels must be a list of strings.');
  const existing = find(ctx, scope.id);
  if (existing && [...ctx.emu.state.operations.values()].some((o) => o.id === existing.operationId && o.status === 'InProgress')) {
    throw new AzureError(409, 'Conflict', `The event subscription '${name}' is being updated; try again after the operation completes.`);
  }
  const stored = { name: existing?.name ?? name, scope: scope.id, properties: { destination: dest as Json, filter: obj(props.filter), labels: (props.labels as string[] | undefined) ?? [], eventDeliverySchema: str(props.eventDeliverySchema) ?? 'EventGridSchema', ...(props.retryPolicy ? { retryPolicy: obj(props.retryPolicy) } : { retryPolicy: { maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 } }) }, operationId: '' };
  const list = ctx.emu.state.eventSubscriptions;
  const before = existing ? { ...existing } : undefined;
  if (existing) Object.assign(existing, stored);
  else list.push(stored);
  const target = existing ?? stored;
  const headers = ctx.emu.startOperation('Microsoft.EventGrid', 'westeurope', ctx.apiVersion, {
    name: ctx.operation,
    rollback: () => {
      if (before) Object.assign(target, before);
      else list.splice(list.indexOf(target), 1);
    },
    result: () => body(ctx, target),
  });
  target.operationId = /operations\/([^?]+)/.exec(headers['azure-asyncoperation']!)![1]!;
  return json(existing ? 200 : 201, body(ctx, target), headers);
}

export const eventGridRoutes: Route[] = [
  {
    method: 'GET',
    template: '/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.EventGrid/topics',
    operation: 'Topics_ListByResourceGroup',
    write: false,
    provider: 'Microsoft.EventGrid',
    handle: (ctx) => {
      const value = [...ctx.emu.state.eventGridTopics.values()].filter((t) => t.resourceGroup.toLowerCase() === ctx.params.rg!.toLowerCase());
      return json(200, { value: value.map((t) => ({ id: `${rgId(ctx.emu, t.resourceGroup)}/providers/Microsoft.EventGrid/topics/${t.name}`, name: t.name, type: 'Microsoft.EventGrid/topics', location: t.location, tags: {}, properties: { provisioningState: 'Succeeded' } })) });
    },
  },
  {
    method: 'GET',
    template: TOPIC,
    operation: 'Topics_Get',
    write: false,
    provider: 'Microsoft.EventGrid',
    handle: (ctx) => {
      const t = ctx.emu.state.eventGridTopics.get(ctx.params.name!.toLowerCase());
      if (!t || t.resourceGroup.toLowerCase() !== ctx.params.rg!.toLowerCase()) throw new AzureError(404, 'ResourceNotFound', `The Resource 'Microsoft.EventGrid/topics/${ctx.params.name}' under resource group '${ctx.params.rg}' was not found.`);
      return json(200, { id: `${rgId(ctx.emu, t.resourceGroup)}/providers/Microsoft.EventGrid/topics/${t.name}`, name: t.name, type: 'Microsoft.EventGrid/topics', location: t.location, tags: {}, properties: { provisioningState: 'Succeeded', endpoint: `https://${t.name}.${t.location}-1.eventgrid.azure.net/api/events`, inputSchema: 'EventGridSchema' } });
    },
  },
  { method: 'PUT', template: `${SUBS}/{name}`, operation: 'EventSubscriptions_CreateOrUpdate', write: true, provider: 'Microsoft.EventGrid', handle: put },
  {
    method: 'GET',
    template: `${SUBS}/{name}`,
    operation: 'EventSubscriptions_Get',
    write: false,
    provider: 'Microsoft.EventGrid',
    handle: (ctx) => {
      const s = find(ctx, scopeOf(ctx).id);
      if (!s) throw new AzureError(404, 'ResourceNotFound', `The Resource 'Microsoft.EventGrid/eventSubscriptions/${ctx.params.name}' under scope '${norm(ctx.params.scope!)}' was not found.`);
      return json(200, body(ctx, s));
    },
  },
  {
    method: 'DELETE',
    template: `${SUBS}/{name}`,
    operation: 'EventSubscriptions_Delete',
    write: true,
    provider: 'Microsoft.EventGrid',
    handle: (ctx) => {
      const s = find(ctx, scopeOf(ctx).id);
      if (!s) return empty(204);
      const list = ctx.emu.state.eventSubscriptions;
      list.splice(list.indexOf(s), 1);
      const { 'azure-asyncoperation': _a, ...headers } = ctx.emu.startOperation('Microsoft.EventGrid', 'westeurope', ctx.apiVersion, { name: ctx.operation, rollback: () => list.push(s) });
      return empty(202, { ...headers, 'azure-asyncoperation': _a! });
    },
  },
  {
    method: 'GET',
    template: SUBS,
    operation: 'EventSubscriptions_ListByScope',
    write: false,
    provider: 'Microsoft.EventGrid',
    handle: (ctx) => {
      const id = scopeOf(ctx).id.toLowerCase();
      return json(200, { value: ctx.emu.state.eventSubscriptions.filter((s) => s.scope.toLowerCase() === id).map((s) => body(ctx, s)) });
    },
  },
];
