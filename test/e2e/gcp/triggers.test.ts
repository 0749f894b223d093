/**
 * Every trigger kind deployed by the built CLI and delivered by the emulator the way Google Cloud
 * delivers it (Pub/Sub and Storage CloudEvents through Eventarc, Cloud Scheduler with an OIDC
 * token, public and private URLs); remove deletes only what fnx labelled; 20 % injected
 * UNAVAILABLE / RESOURCE_EXHAUSTED faults still converge to the same end state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v2 as functionsV2 } from '@google-cloud/functions';
import type { GcpEmulator } from '../../emulators/gcp/index.js';
import { fnx, newProject, PROJECT, shopFiles, startWorld } from './world.js';

const PRIVATE = `  nightly:
    handler: src/worker.handler
    triggers:
      - http: { path: /run, auth: iam }
      - schedule: { rate: 1h, enabled: true }
`;

let emu: GcpEmulator;
beforeAll(async () => {
  emu = await startWorld();
});
afterAll(async () => {
  await emu?.close();
});

/** A function of the same service and stage that fnx did not create (no fnx labels). */
async function foreignFunction(id: string): Promise<void> {
  const c = new functionsV2.FunctionServiceClient(emu.clientOptions());
  const parent = `projects/${PROJECT}/locations/europe-west1`;
  const [res] = await c.generateUploadUrl({ parent });
  await fetch(res.uploadUrl ?? '', { method: 'PUT', headers: { 'content-type': 'application/zip' }, body: Buffer.concat([Buffer.from([0x50, 0x4b, 0x05, 0x06]), Buffer.alloc(18)]) });
  const [op] = await c.createFunction({ parent, functionId: id, function: { buildConfig: { runtime: 'nodejs22', entryPoint: 'handler', source: { storageSource: res.storageSource } }, serviceConfig: { availableMemory: '256Mi' }, labels: { team: 'legacy' } } });
  await op.promise();
  await c.close();
}

/** Everything fnx manages, without generated names and times: equal snapshots = same end state. */
function snapshot() {
  const fns = [...emu.state.functions.values()].map((f) => {
    const r = f.resource as { name: string; labels?: Record<string, string>; buildConfig?: Record<string, unknown>; serviceConfig?: Record<string, unknown>; eventTrigger?: unknown };
    const { source: _source, ...build } = r.buildConfig ?? {};
    return [r.name, r.labels, build, r.serviceConfig, r.eventTrigger ?? null];
  });
  const jobs = [...emu.state.jobs.values()].map((j) => {
    const r = j.resource as { name: string; schedule: string; httpTarget: { uri: string; oidcToken?: unknown }; state: unknown };
    return [r.name, r.schedule, r.httpTarget.oidcToken ?? null, r.state];
  });
  const services = [...emu.state.services.values()].map((s) => [s.name, s.iam.bindings, emu.currentSplit(s.name.split('/').pop()!).map((e) => e.percent)]);
  return JSON.parse(JSON.stringify({ fns: fns.sort(), jobs: jobs.sort(), services: services.sort() })) as unknown;
}

describe('gcp triggers, remove and faults', () => {
  it('every trigger kind is delivered to its function; a private function is reachable by its scheduler only', async () => {
    await foreignFunction('shop-dev-legacy');
    const dir = await newProject(shopFiles({ extra: PRIVATE }));
    const r = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(r.code, r.stderr + r.stdout).toBe(0);

    expect((await emu.publishMessage('jobs', '{"n":1}')).map((d) => [d.service, d.status])).toEqual([['shop-dev-worker', 200]]);
    expect((await emu.publishMessage('orders', 'placed')).map((d) => [d.service, d.status])).toEqual([['shop-dev-events', 200]]);
    expect((await emu.finalizeObject('uploads', 'in/a.jpg')).map((d) => [d.service, d.status])).toEqual([['shop-dev-uploads', 200]]);
    expect((await emu.runJob('shop-dev-api-schedule-1')).status).toBe(200);
    expect((await emu.runJob('shop-dev-nightly-schedule-1')).status).toBe(200);

    const api = emu.state.services.get(`projects/${PROJECT}/locations/europe-west1/services/shop-dev-api`)!;
    const nightly = emu.state.services.get(`projects/${PROJECT}/locations/europe-west1/services/shop-dev-nightly`)!;
    expect(api.iam.bindings).toEqual([{ role: 'roles/run.invoker', members: ['allUsers', `serviceAccount:fn@${PROJECT}.iam.gserviceaccount.com`] }]);
    expect(nightly.iam.bindings).toEqual([{ role: 'roles/run.invoker', members: [`serviceAccount:fn@${PROJECT}.iam.gserviceaccount.com`] }]);
    const probe = await fetch(`${emu.url}/run/shop-dev-nightly/run`);
    expect(probe.status).toBe(403);
    const worker = [...emu.state.functions.values()].find((f) => f.name.endsWith('/shop-dev-worker'))!.resource as { eventTrigger: { pubsubTopic: string; eventType: string } };
    expect(worker.eventTrigger).toMatchObject({ eventType: 'google.cloud.pubsub.topic.v1.messagePublished', pubsubTopic: `projects/${PROJECT}/topics/jobs` });

    const removed = await fnx(emu, dir, ['remove', '--stage', 'dev', '--yes']);
    expect(removed.code, removed.stderr + removed.stdout).toBe(0);
    expect([...emu.state.functions.keys()]).toEqual([`projects/${PROJECT}/locations/europe-west1/functions/shop-dev-legacy`]);
    expect([...emu.state.jobs.keys()]).toEqual([]);
  });

  it('with 20 % of API calls failing UNAVAILABLE or RESOURCE_EXHAUSTED, deploys converge to the same end state', async () => {
    emu.reset();
    const clean = await newProject(shopFiles({ extra: PRIVATE }));
    expect((await fnx(emu, clean, ['deploy', '--stage', 'dev'])).code).toBe(0);
    const expected = snapshot();
    emu.reset();
    emu.setFaults({ rate: 0.2, seed: 7 });
    const dir = await newProject(shopFiles({ extra: PRIVATE }));
    const r = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(emu.calls.filter((c) => c.fault).length).toBeGreaterThan(3);
    emu.setFaults(undefined);
    expect(snapshot()).toEqual(expected);
    emu.clearCalls();
    expect((await fnx(emu, dir, ['deploy', '--stage', 'dev'])).code).toBe(0);
    expect(emu.writeCalls()).toEqual([]);
  });
});
