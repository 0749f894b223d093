// What Cloud Scheduler and Eventarc send to a function's Cloud Run service, built as they send it:
// Scheduler's HTTP call with its X-CloudScheduler headers and an OIDC token; Eventarc's CloudEvents
// in binary content mode (ce-* headers, JSON data) for Pub/Sub messages and Storage objects.
import type { Ctx } from '../context.js';
import { timestamp } from '../protocol.js';
import type { Json } from '../state.js';

export interface Delivery {
  /** Short service name the request goes to. */
  service: string;
  method: string;
  /** Path below the service, starting with '/'. */
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  /** IAM principal making the call ('serviceAccount:...'), checked against roles/run.invoker. */
  principal: string;
  source: 'scheduler' | 'pubsub' | 'storage';
}

const METHODS = ['POST', 'POST', 'GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

/** The request a job's httpTarget makes; undefined when its uri is not one of the emulator's /run/ URLs. */
export function schedulerDelivery(ctx: Ctx, job: Json, idToken: (audience: string, email: string) => string): Delivery | undefined {
  const t = job.httpTarget as Json;
  const uri = new URL(String(t.uri));
  const base = new URL(ctx.url);
  const m = /^\/run\/([^/]+)(\/.*)?$/.exec(uri.pathname);
  if (uri.host !== base.host || !m) return undefined;
  const oidc = t.oidcToken as Json | undefined;
  const email = String(oidc?.serviceAccountEmail ?? '');
  const headers: Record<string, string> = {
    'user-agent': 'Google-Cloud-Scheduler',
    'x-cloudscheduler': 'true',
    'x-cloudscheduler-jobname': String(job.name).split('/').pop() ?? '',
    'x-cloudscheduler-scheduletime': timestamp(ctx.now()),
    ...Object.fromEntries(Object.entries((t.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v])),
  };
  if (oidc) headers.authorization = `Bearer ${idToken(String(oidc.audience ?? t.uri), email)}`;
  return {
    service: m[1] ?? '',
    method: METHODS[(t.httpMethod as number | undefined) ?? 1] ?? 'POST',
    path: `${m[2] ?? '/'}${uri.search}`,
    headers,
    body: typeof t.body === 'string' ? Buffer.from(t.body, 'base64') : Buffer.alloc(0),
    principal: oidc ? `serviceAccount:${email}` : 'allUsers',
    source: 'scheduler',
  };
}

function cloudEvent(ctx: Ctx, fn: Json, type: string, source: string, data: Json, subject?: string): Delivery {
  const trigger = fn.eventTrigger as Json;
  const id = ctx.id();
  return {
    service: String(fn.name).split('/').pop() ?? '',
    method: 'POST',
    path: '/',
    headers: {
      'content-type': 'application/json',
      'ce-id': id,
      'ce-specversion': '1.0',
      'ce-type': type,
      'ce-source': source,
      'ce-time': timestamp(ctx.now()),
      ...(subject ? { 'ce-subject': subject } : {}),
      'user-agent': 'APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)',
    },
    body: Buffer.from(JSON.stringify(data)),
    principal: `serviceAccount:${String(trigger.serviceAccountEmail ?? `${ctx.projectNumber}-compute@developer.gserviceaccount.com`)}`,
    source: type.includes('pubsub') ? 'pubsub' : 'storage',
  };
}

/** google.cloud.pubsub.topic.v1.messagePublished for a function whose trigger is on `topic`. */
export function pubsubDelivery(ctx: Ctx, fn: Json, topic: string, data: Buffer, attributes: Record<string, string>): Delivery {
  const messageId = ctx.id().replace(/\D/g, '').slice(0, 16);
  const id = String(fn.name).split('/').pop() ?? '';
  return cloudEvent(ctx, fn, 'google.cloud.pubsub.topic.v1.messagePublished', `//pubsub.googleapis.com/${topic}`, {
    message: { data: data.toString('base64'), attributes, messageId, message_id: messageId, publishTime: timestamp(ctx.now()), publish_time: timestamp(ctx.now()) },
    subscription: `projects/${ctx.projectId}/subscriptions/eventarc-${id}-sub`,
  });
}

/** google.cloud.storage.object.v1.finalized for a function filtering on `bucket`. */
export function storageDelivery(ctx: Ctx, fn: Json, bucket: string, object: string, size: number, contentType: string): Delivery {
  const now = timestamp(ctx.now());
  const generation = String(ctx.now() * 1000);
  return cloudEvent(ctx, fn, 'google.cloud.storage.object.v1.finalized', `//storage.googleapis.com/projects/_/buckets/${bucket}`, {
    kind: 'storage#object',
    id: `${bucket}/${object}/${generation}`,
    selfLink: `https://www.googleapis.com/storage/v1/b/${bucket}/o/${encodeURIComponent(object)}`,
    name: object,
    bucket,
    generation,
    metageneration: '1',
    contentType,
    timeCreated: now,
    updated: now,
    storageClass: 'STANDARD',
    size: String(size),
  }, `objects/${object}`);
}
