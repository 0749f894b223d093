/**
 * Native Google Cloud deliveries as Cloud Run functions receive them: Pub/Sub messagePublished
 * and Cloud Storage object CloudEvents (binary content mode: ce-* headers, the data as the JSON
 * body, per the CloudEvents HTTP binding Eventarc uses) and the HTTP call of a Cloud Scheduler job.
 */

export interface NativeRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** A Pub/Sub messagePublished CloudEvent for one message on `topic`. */
export function pubsubMessage(topic: string, data: string, opts: { id?: string; attributes?: Record<string, string>; deliveryAttempt?: number } = {}): NativeRequest {
  const id = opts.id ?? '11815164848185133';
  const message = {
    data: Buffer.from(data).toString('base64'),
    messageId: id,
    message_id: id,
    publishTime: '2026-03-10T12:00:00.123456Z',
    publish_time: '2026-03-10T12:00:00.123456Z',
    ...(opts.attributes ? { attributes: opts.attributes } : {}),
  };
  return {
    method: 'POST',
    path: '/',
    headers: {
      'content-type': 'application/json',
      'ce-specversion': '1.0',
      'ce-type': 'google.cloud.pubsub.topic.v1.messagePublished',
      'ce-source': `//pubsub.googleapis.com/projects/my-project/topics/${topic}`,
      'ce-id': id,
      'ce-time': '2026-03-10T12:00:00.123456Z',
    },
    body: JSON.stringify({ message, subscription: `projects/my-project/subscriptions/eventarc-europe-west1-trigger-sub-000`, ...(opts.deliveryAttempt ? { deliveryAttempt: opts.deliveryAttempt } : {}) }),
  };
}

/** A Cloud Storage object CloudEvent (`finalized` or `deleted`). */
export function storageObject(type: 'finalized' | 'deleted', bucket: string, name: string, size = 1024): NativeRequest {
  const data = {
    kind: 'storage#object',
    id: `${bucket}/${name}/1773144000000000`,
    name,
    bucket,
    generation: '1773144000000000',
    metageneration: '1',
    contentType: 'image/jpeg',
    timeCreated: '2026-03-10T12:00:00.000Z',
    updated: '2026-03-10T12:00:00.000Z',
    storageClass: 'STANDARD',
    size: String(size),
    md5Hash: '1B2M2Y8AsgTpgAmY7PhCfg==',
    etag: 'CJDk3d2c0YQDEAE=',
  };
  return {
    method: 'POST',
    path: '/',
    headers: {
      'content-type': 'application/json',
      'ce-specversion': '1.0',
      'ce-type': `google.cloud.storage.object.v1.${type}`,
      'ce-source': `//storage.googleapis.com/projects/_/buckets/${bucket}`,
      'ce-subject': `objects/${name}`,
      'ce-id': '7418400712735011',
      'ce-time': '2026-03-10T12:00:00.000Z',
    },
    body: JSON.stringify(data),
  };
}

/** The POST a Cloud Scheduler job with an HTTP target makes. */
export function schedulerCall(job: string): NativeRequest {
  return {
    method: 'POST',
    path: '/',
    headers: {
      'content-type': 'application/octet-stream',
      'user-agent': 'Google-Cloud-Scheduler',
      'x-cloudscheduler': 'true',
      'x-cloudscheduler-jobname': job,
      'x-cloudscheduler-scheduletime': '2026-03-10T12:15:00.000000+00:00',
    },
  };
}
