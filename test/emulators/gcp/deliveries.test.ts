// Scheduler and Eventarc deliveries (test hooks) reach the revisions through the traffic split and IAM.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startGcpEmulator, type GcpEmulator, type RevisionRequest } from './index.js';
import { clients, createFunction, parentOf, type Clients } from './test-helpers.js';

let emu: GcpEmulator;
let c: Clients;
let seen: RevisionRequest[] = [];

beforeAll(async () => {
  emu = await startGcpEmulator();
  c = clients(emu);
});
afterAll(async () => {
  await c.close();
  await emu.close();
});
beforeEach(() => {
  emu.reset();
  seen = [];
  emu.setRevisionHandler((req) => {
    seen.push(req);
    return { status: 204 };
  });
});

const invoker = (): string => `invoker@${emu.projectId}.iam.gserviceaccount.com`;

describe('deliveries', () => {
  test('a scheduler job calls the function with its OIDC token; a private service needs the job account as invoker', async () => {
    const fn = await createFunction(c, emu, 'tick');
    const uri = `${fn.serviceConfig?.uri ?? ''}/cron?x=1`;
    await c.scheduler.createJob({
      parent: parentOf(emu),
      job: { name: `${parentOf(emu)}/jobs/tick-schedule-0`, schedule: '* * * * *', httpTarget: { uri, httpMethod: 'POST', body: Buffer.from('{"a":1}'), oidcToken: { serviceAccountEmail: invoker(), audience: fn.serviceConfig?.uri ?? '' } } },
    });
    expect((await emu.runJob('tick-schedule-0')).status).toBe(403);
    await c.services.setIamPolicy({ resource: `${parentOf(emu)}/services/tick`, policy: { bindings: [{ role: 'roles/run.invoker', members: [`serviceAccount:${invoker()}`] }] } });
    const res = await emu.runJob('tick-schedule-0');
    expect(res).toMatchObject({ status: 204, revision: fn.serviceConfig?.revision });
    const req = seen[0];
    expect(req?.source).toBe('scheduler');
    expect(req?.path).toBe('/cron');
    expect(req?.query.get('x')).toBe('1');
    expect(req?.headers['x-cloudscheduler']).toBe('true');
    expect(String(req?.headers.authorization)).toMatch(/^Bearer /);
    expect(req?.body.toString()).toBe('{"a":1}');
  });

  test('a Pub/Sub message reaches the functions triggered by its topic as a CloudEvent', async () => {
    const topic = `projects/${emu.projectId}/topics/orders`;
    await createFunction(c, emu, 'on-order', { eventTrigger: { eventType: 'google.cloud.pubsub.topic.v1.messagePublished', pubsubTopic: topic } });
    await createFunction(c, emu, 'unrelated');
    await c.services.setIamPolicy({ resource: `${parentOf(emu)}/services/on-order`, policy: { bindings: [{ role: 'roles/run.invoker', members: ['allUsers'] }] } });
    const out = await emu.publishMessage('orders', '{"id":7}', { origin: 'test' });
    expect(out.map((r) => [r.service, r.status])).toEqual([['on-order', 204]]);
    const req = seen[0];
    expect(req?.headers['ce-type']).toBe('google.cloud.pubsub.topic.v1.messagePublished');
    expect(req?.headers['ce-source']).toBe(`//pubsub.googleapis.com/${topic}`);
    const body = JSON.parse(req?.body.toString() ?? '{}') as { message: { data: string; attributes: Record<string, string> } };
    expect(Buffer.from(body.message.data, 'base64').toString()).toBe('{"id":7}');
    expect(body.message.attributes).toEqual({ origin: 'test' });
  });

  test('a finalized object reaches the functions filtering on its bucket, through the split', async () => {
    const fn = await createFunction(c, emu, 'on-upload', { eventTrigger: { eventType: 'google.cloud.storage.object.v1.finalized', eventFilters: [{ attribute: 'bucket', value: 'uploads-bucket' }] } });
    const compute = `serviceAccount:${fn.eventTrigger?.serviceAccountEmail ?? ''}`;
    await c.services.setIamPolicy({ resource: `${parentOf(emu)}/services/on-upload`, policy: { bindings: [{ role: 'roles/run.invoker', members: [compute] }] } });
    const out = await emu.finalizeObject('uploads-bucket', 'a/b.txt', { size: 3, contentType: 'text/plain' });
    expect(out.map((r) => r.status)).toEqual([204]);
    expect(seen[0]?.headers['ce-subject']).toBe('objects/a/b.txt');
    expect(JSON.parse(seen[0]?.body.toString() ?? '{}')).toMatchObject({ bucket: 'uploads-bucket', name: 'a/b.txt', size: '3', contentType: 'text/plain' });
    expect(await emu.finalizeObject('other-bucket', 'x')).toEqual([]);
  });
});
