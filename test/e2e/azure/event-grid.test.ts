/**
 * The built CLI against the Azure emulator: storage and topic triggers get their Event Grid
 * subscriptions (exact filters and destination), a filter change updates them, an unchanged
 * deploy writes nothing, a removed trigger's subscription is deleted, a missing topic fails
 * the deploy before any write, and `fnx remove` deletes what is left.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AzureEmulator } from '../../emulators/azure/index.js';
import { fnx, newProject, writeProject, type Files } from './world.js';

const RG = 'shop-rg';

function files(plan: 'flex' | 'premium', triggers: string): Files {
  return {
    'fnx.yaml': `service: shop
providers:
  azure: { resourceGroup: ${RG}, location: westeurope, plan: ${plan} }
defaults:
  runtime: nodejs22
functions:
  ingest:
    handler: src/ingest.handler
    package: { include: ["src/ingest.js"] }
    triggers:
${triggers}
`,
    'package.json': '{ "name": "shop", "version": "1.0.0", "type": "module" }\n',
    'src/ingest.js': 'export const handler = async () => ({});\n',
  };
}

const BOTH = `      - storage: { bucket: uploads, events: [created, deleted], prefix: in/, suffix: .csv }
      - topic: { name: orders }`;

describe.each(['flex', 'premium'] as const)('azure %s: Event Grid subscriptions of storage and topic triggers', (plan) => {
  let emu: AzureEmulator;
  let dir = '';
  const subs = () => [...emu.state.eventSubscriptions].sort((a, b) => (a.scope < b.scope ? 1 : -1));
  const site = () => [...emu.state.sites.values()][0]!;
  const account = () => [...emu.state.storageAccounts.values()][0]!;

  beforeAll(async () => {
    const { startWorld } = await import('./world.js');
    emu = await startWorld();
    dir = await newProject(files(plan, BOTH));
  });
  afterAll(async () => {
    await emu?.close();
  });

  // The stage lease is taken before inspect, and on a first deploy its blob needs the stage's
  // storage account: the resource group and the account are the only writes before the plan fails.
  it('a topic that does not exist fails the deploy with a hint, before any app or trigger is written', async () => {
    const r = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Function ingest is triggered by Event Grid topic "orders", which does not exist in resource group shop-rg.');
    expect(r.stderr).toContain('az eventgrid topic create --resource-group shop-rg --name orders');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(emu.writeCalls().map((c) => c.operation)).toEqual(['ResourceGroups_CreateOrUpdate', 'StorageAccounts_Create']);
  });

  it('the first deploy creates one subscription per trigger, with the exact filters', async () => {
    emu.state.resourceGroups.set(RG.toLowerCase(), { name: RG, location: 'westeurope', tags: {}, deleting: false });
    emu.addEventGridTopic(RG, 'orders');
    const plan = await fnx(emu, dir, ['plan', '--stage', 'dev']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/fnx-ingest-storage0-[0-9a-f]{8}/);
    expect(plan.stdout).toMatch(/fnx-ingest-topic1-[0-9a-f]{8}/);
    const r = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const [storage, topic] = subs();
    const siteId = `/subscriptions/${emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.Web/sites/${site().name}`;
    expect(storage!.scope).toBe(`/subscriptions/${emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.Storage/storageAccounts/${account().name}`);
    expect(storage!.name).toMatch(/^fnx-ingest-storage0-[0-9a-f]{8}$/);
    expect(storage!.properties.destination).toEqual({ endpointType: 'AzureFunction', properties: { resourceId: `${siteId}/functions/ingest_storage0`, maxEventsPerBatch: 1, preferredBatchSizeInKilobytes: 64 } });
    expect(storage!.properties.filter).toEqual({ includedEventTypes: ['Microsoft.Storage.BlobCreated', 'Microsoft.Storage.BlobDeleted'], subjectBeginsWith: '/blobServices/default/containers/uploads/blobs/in/', subjectEndsWith: '.csv' });
    expect(storage!.properties.labels).toEqual(['fnx', 'fnx-service=shop', 'fnx-stage=dev', 'fnx-function=ingest']);
    expect(topic!.scope).toBe(`/subscriptions/${emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.EventGrid/topics/orders`);
    expect(topic!.properties.destination).toMatchObject({ endpointType: 'AzureFunction', properties: { resourceId: `${siteId}/functions/ingest_topic1` } });
    expect(topic!.properties.filter).toEqual({});
  });

  it('an unchanged deploy makes zero writes', async () => {
    emu.clearCalls();
    const r = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(emu.writeCalls().map((c) => `${c.method} ${c.path}`)).toEqual([]);
  });

  it('a changed filter updates the subscription in place', async () => {
    await writeProject(dir, files(plan, `      - storage: { bucket: uploads, events: [created], prefix: raw/ }
      - topic: { name: orders }`));
    const name = subs()[0]!.name;
    emu.clearCalls();
    const r = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const [storage] = subs();
    expect(subs()).toHaveLength(2);
    expect(storage!.name).toBe(name);
    expect(emu.writeCalls().filter((c) => c.path.includes('/eventSubscriptions/')).map((c) => `${c.method} ${c.path.split('/').pop()}`)).toEqual([`PUT ${name}`]);
    expect(storage!.properties.filter).toEqual({ includedEventTypes: ['Microsoft.Storage.BlobCreated'], subjectBeginsWith: '/blobServices/default/containers/uploads/blobs/raw/' });
  });

  it('a removed trigger has its subscription deleted; fnx remove deletes the rest', async () => {
    await writeProject(dir, files(plan, '      - storage: { bucket: uploads, events: [created], prefix: raw/ }'));
    const r = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(subs().map((s) => s.scope.split('/').slice(-2).join('/'))).toEqual([`storageAccounts/${account().name}`]);
    const gone = await fnx(emu, dir, ['remove', '--stage', 'dev', '--yes']);
    expect(gone.code, gone.stderr + gone.stdout).toBe(0);
    expect(subs()).toEqual([]);
  });
});
