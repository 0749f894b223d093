/**
 * The Event Grid subscriptions that feed storage and topic triggers (app.eventGrid functions):
 *   storage → a subscription on the stage's storage account (its system topic): includedEventTypes
 *             BlobCreated / BlobDeleted, subjectBeginsWith /blobServices/default/containers/<c>/blobs/<prefix>,
 *             subjectEndsWith <suffix>;
 *   topic   → a subscription on the custom topic Microsoft.EventGrid/topics/<name> in the stage's
 *             resource group (all its events); the topic must exist. inspect reads the
 *             subscriptions of every topic in the group, so a removed topic trigger is found.
 * Destination: AzureFunction `{production site id}/functions/{binding}` (on Premium the swap
 * moves the code, so production's function is the one that serves). Each subscription is named
 * from its app and binding (stable across deploys) and labelled `fnx`, `fnx-service=`,
 * `fnx-stage=`, `fnx-function=`, which is how inspect recognises fnx's. Raw ARM requests through
 * the driver's token pipeline (no Event Grid SDK).
 */
import { createHash } from 'node:crypto';
import { CloudError, FnxError, sleep, type ResolvedFunction, type ResolvedManifest } from '../../src/driver.js';
import { BLOB_EVENT_TYPES } from './bindings.js';
import type { AzureClients } from './clients.js';
import { bindingsOf } from './entry.js';

export const EVENT_GRID_API = '2025-02-15';

export interface EventFilter {
  readonly includedEventTypes?: readonly string[];
  readonly subjectBeginsWith?: string;
  readonly subjectEndsWith?: string;
}

/** One event subscription as fnx wants it or as inspect read it. */
export interface EventSubscriptionSpec {
  readonly name: string;
  readonly function: string;
  /** Id of the storage account or custom topic it is on. */
  readonly scope: string;
  /** Custom topic name (topic triggers). */
  readonly topic?: string;
  /** Destination: `{siteId}/functions/{binding}`. */
  readonly destination: string;
  readonly filter: EventFilter;
}

const rgPath = (sub: string, rg: string) => `/subscriptions/${sub}/resourceGroups/${rg}`;
export const storageScope = (sub: string, rg: string, account: string) => `${rgPath(sub, rg)}/providers/Microsoft.Storage/storageAccounts/${account}`;
export const topicScope = (sub: string, rg: string, topic: string) => `${rgPath(sub, rg)}/providers/Microsoft.EventGrid/topics/${topic}`;

/** Stable, unique per app and binding, 3-64 letters, digits and dashes. */
export function subscriptionName(app: string, binding: string): string {
  const h = createHash('sha256').update(`${app}|${binding}`).digest('hex').slice(0, 8);
  return `fnx-${binding.replace(/[^A-Za-z0-9]+/g, '-').replace(/-+$/, '').slice(0, 50)}-${h}`;
}

export function labelsOf(manifest: ResolvedManifest, fn: string): string[] {
  return ['fnx', `fnx-service=${manifest.service}`, `fnx-stage=${manifest.stage}`, `fnx-function=${fn}`];
}

/** The subscriptions `fn` (deployed as `app`) needs. */
export function desiredSubscriptions(manifest: ResolvedManifest, fn: ResolvedFunction, o: { subscriptionId: string; rg: string; account: string; app: string }): EventSubscriptionSpec[] {
  const site = `${rgPath(o.subscriptionId, o.rg)}/providers/Microsoft.Web/sites/${o.app}`;
  const out: EventSubscriptionSpec[] = [];
  for (const b of bindingsOf(fn, manifest)) {
    if (b.kind === 'storageEvents') {
      out.push({
        name: subscriptionName(o.app, b.name),
        function: fn.name,
        scope: storageScope(o.subscriptionId, o.rg, o.account),
        destination: `${site}/functions/${b.name}`,
        filter: { includedEventTypes: b.events.map((e) => BLOB_EVENT_TYPES[e]), subjectBeginsWith: `/blobServices/default/containers/${b.container}/blobs/${b.prefix ?? ''}`, ...(b.suffix ? { subjectEndsWith: b.suffix } : {}) },
      });
    } else if (b.kind === 'topicEvents') {
      out.push({ name: subscriptionName(o.app, b.name), function: fn.name, scope: topicScope(o.subscriptionId, o.rg, b.topicName), topic: b.topicName, destination: `${site}/functions/${b.name}`, filter: {} });
    }
  }
  return out;
}

/** Whether `a` (deployed) already is `b` (desired): same scope, destination and filter. */
export function sameSubscription(a: EventSubscriptionSpec, b: EventSubscriptionSpec): boolean {
  const f = (x: EventFilter) => JSON.stringify({ t: [...(x.includedEventTypes ?? [])].sort(), b: x.subjectBeginsWith ?? '', e: x.subjectEndsWith ?? '' });
  return a.scope.toLowerCase() === b.scope.toLowerCase() && a.destination.toLowerCase() === b.destination.toLowerCase() && f(a.filter) === f(b.filter);
}

async function armJson(az: AzureClients, what: string, method: string, url: string, body?: unknown, write = false): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  return az.call(what, async () => {
    const r = await az.fetch(url, { method, ...(body ? { body: Buffer.from(JSON.stringify(body)), headers: { 'content-type': 'application/json' } } : {}) });
    const text = await r.text();
    if (r.status === 429 || r.status >= 500 || (r.status >= 400 && r.status !== 404)) {
      const err = (() => {
        try {
          return (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
        } catch {
          return undefined;
        }
      })();
      throw Object.assign(new Error(err?.message ?? `${r.status} ${text}`), { statusCode: r.status, code: err?.code });
    }
    return { status: r.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: r.headers };
  }, { write });
}

async function awaitOperation(az: AzureClients, what: string, headers: Headers): Promise<void> {
  const url = headers.get('azure-asyncoperation');
  if (!url) return;
  for (let i = 0; i < 2000; i++) {
    const r = await armJson(az, `${what} (status)`, 'GET', url);
    const status = String(r.json.status ?? '');
    if (status === 'Succeeded') return;
    if (status === 'Failed' || status === 'Canceled') {
      const e = r.json.error as { code?: string; message?: string } | undefined;
      throw new CloudError('azure', 'invalid', `${what} failed: ${e?.message ?? status}${e?.code ? ` (${e.code})` : ''}.`, { hint: 'Deploy again; if it keeps failing, check the function app and the Event Grid resource provider (Microsoft.EventGrid) is registered on the subscription.' });
    }
    const after = Number(r.headers.get('retry-after'));
    await sleep(!az.settings.local && Number.isFinite(after) && after > 0 ? after * 1000 : az.poll.updateIntervalInMs);
  }
}

const subUrl = (az: AzureClients, scope: string, name?: string) => `${az.settings.armEndpoint}${scope}/providers/Microsoft.EventGrid/eventSubscriptions${name ? `/${name}` : ''}?api-version=${EVENT_GRID_API}`;

/** Ids of the custom topics in resource group `rg`. */
export async function listTopics(az: AzureClients, rg: string): Promise<string[]> {
  const out: string[] = [];
  let url: string | undefined = `${az.settings.armEndpoint}${rgPath(az.settings.subscriptionId, rg)}/providers/Microsoft.EventGrid/topics?api-version=${EVENT_GRID_API}`;
  while (url) {
    const r = await armJson(az, `list the Event Grid topics of ${rg}`, 'GET', url);
    if (r.status === 404) break;
    for (const v of (r.json.value as { id?: string }[] | undefined) ?? []) if (v.id) out.push(v.id);
    url = typeof r.json.nextLink === 'string' ? r.json.nextLink : undefined;
  }
  return out;
}

/** fnx's subscriptions of this service+stage at `scope` (recognised by their labels). */
export async function listSubscriptions(az: AzureClients, manifest: ResolvedManifest, scope: string): Promise<EventSubscriptionSpec[]> {
  const r = await armJson(az, `list the event subscriptions of ${scope.split('/').pop()}`, 'GET', subUrl(az, scope));
  if (r.status === 404) return [];
  const out: EventSubscriptionSpec[] = [];
  for (const v of (r.json.value as Record<string, unknown>[] | undefined) ?? []) {
    const p = (v.properties ?? {}) as { labels?: string[]; destination?: { properties?: { resourceId?: string } }; filter?: EventFilter };
    const labels = p.labels ?? [];
    const fn = labels.find((l) => l.startsWith('fnx-function='))?.slice('fnx-function='.length);
    if (!labels.includes('fnx') || !labels.includes(`fnx-service=${manifest.service}`) || !labels.includes(`fnx-stage=${manifest.stage}`) || !fn) continue;
    const topic = /\/providers\/Microsoft\.EventGrid\/topics\/([^/]+)$/i.exec(scope)?.[1];
    const filter = p.filter ?? {};
    out.push({
      name: String(v.name),
      function: fn,
      scope,
      ...(topic ? { topic } : {}),
      destination: p.destination?.properties?.resourceId ?? '',
      filter: { ...(filter.includedEventTypes ? { includedEventTypes: filter.includedEventTypes } : {}), ...(filter.subjectBeginsWith ? { subjectBeginsWith: filter.subjectBeginsWith } : {}), ...(filter.subjectEndsWith ? { subjectEndsWith: filter.subjectEndsWith } : {}) },
    });
  }
  return out;
}

export async function putSubscription(az: AzureClients, manifest: ResolvedManifest, s: EventSubscriptionSpec): Promise<void> {
  const what = `create event subscription ${s.name}`;
  const body = {
    properties: {
      destination: { endpointType: 'AzureFunction', properties: { resourceId: s.destination, maxEventsPerBatch: 1, preferredBatchSizeInKilobytes: 64 } },
      filter: { ...s.filter },
      labels: labelsOf(manifest, s.function),
      eventDeliverySchema: 'EventGridSchema',
    },
  };
  const r = await armJson(az, what, 'PUT', subUrl(az, s.scope, s.name), body, true);
  if (r.status === 404) {
    if (s.topic) throw missingTopic(s);
    throw new CloudError('azure', 'not-found', `${what} failed: ${s.scope.split('/').pop()} was not found.`, { hint: 'Run the deploy again; fnx creates the storage account before its subscriptions.' });
  }
  await awaitOperation(az, what, r.headers);
}

export async function deleteSubscription(az: AzureClients, s: EventSubscriptionSpec): Promise<void> {
  const what = `delete event subscription ${s.name}`;
  const r = await armJson(az, what, 'DELETE', subUrl(az, s.scope, s.name), undefined, true);
  if (r.status === 202) await awaitOperation(az, what, r.headers);
}

export function missingTopic(s: { topic?: string; function: string; scope: string }): FnxError {
  const rg = s.scope.split('/')[4];
  return new FnxError('E_AZURE_TOPIC_NOT_FOUND', `Function ${s.function} is triggered by Event Grid topic "${s.topic}", which does not exist in resource group ${rg}.`, {
    hint: `Create the custom topic first (az eventgrid topic create --resource-group ${rg} --name ${s.topic} --location <region>), then deploy again. fnx subscribes to topics; it does not create them.`,
  });
}
