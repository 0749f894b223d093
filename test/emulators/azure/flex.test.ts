// Flex Consumption end to end with the unmodified SDK clients: token, resource group, storage
// account (LRO), deployment container, FC1 plan, site (LRO), app settings, one-deploy, deploymentStatus.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAzureEmulator, type AzureEmulator } from './index.js';
import { clientsFor, credentialFor, FAST, trustEmulatorCa, zipOf, type Clients } from './helpers.js';

let emu: AzureEmulator;
let c: Clients;
const RG = 'fnx-rg';
const LOC = 'westeurope';

beforeAll(async () => {
  emu = await startAzureEmulator();
  trustEmulatorCa(emu);
  c = clientsFor(emu);
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => emu.reset());

let connection = '';

async function base(): Promise<{ containerUrl: string; planId: string }> {
  await c.resources.resourceGroups.createOrUpdate(RG, { location: LOC, tags: { 'fnx:managed': 'true' } });
  const account = await c.storage.storageAccounts.create(RG, 'fnxsvcdev01', { location: LOC, sku: { name: 'Standard_LRS' }, kind: 'StorageV2' }, FAST);
  await c.storage.blobContainers.create(RG, 'fnxsvcdev01', 'deployments', {});
  const keys = await c.storage.storageAccounts.listKeys(RG, 'fnxsvcdev01');
  connection = `DefaultEndpointsProtocol=https;AccountName=fnxsvcdev01;AccountKey=${keys.keys![0]!.value!};EndpointSuffix=core.windows.net`;
  const plan = await c.web.appServicePlans.createOrUpdate(RG, 'plan-orders', { location: LOC, sku: { name: 'FC1', tier: 'FlexConsumption' }, reserved: true, kind: 'functionapp' }, FAST);
  return { containerUrl: `${account.primaryEndpoints!.blob!}deployments`, planId: plan.id! };
}

function flexSite(planId: string, containerUrl: string, settings: Record<string, string> = {}) {
  return {
    location: LOC,
    kind: 'functionapp,linux',
    serverFarmId: planId,
    siteConfig: { appSettings: Object.entries({ AzureWebJobsStorage: connection, DEPLOYMENT_STORAGE_CONNECTION_STRING: connection, ...settings }).map(([name, value]) => ({ name, value })) },
    functionAppConfig: {
      deployment: { storage: { type: 'blobContainer', value: containerUrl, authentication: { type: 'StorageAccountConnectionString', storageAccountConnectionStringName: 'DEPLOYMENT_STORAGE_CONNECTION_STRING' } } },
      runtime: { name: 'node', version: '22' },
      scaleAndConcurrency: { instanceMemoryMB: 2048, maximumInstanceCount: 100 },
    },
  } as const;
}

describe('token endpoint', () => {
  it('ClientSecretCredential gets a token; a wrong secret is refused with AADSTS7000215', async () => {
    const t = await credentialFor(emu).getToken('https://management.azure.com/.default');
    expect(t.token.split('.')).toHaveLength(3);
    const { ClientSecretCredential } = await import('@azure/identity');
    const bad = new ClientSecretCredential(emu.tenantId, emu.clientId, 'wrong', { authorityHost: emu.armUrl, disableInstanceDiscovery: true });
    await expect(bad.getToken('https://management.azure.com/.default')).rejects.toThrow(/AADSTS7000215/);
    expect(emu.calls.filter((x) => x.service === 'login').map((x) => x.operation)).toContain('Token');
  });
});

describe('Flex Consumption', () => {
  it('creates the app through the LROs and reports scm/default hosts as 127.0.0.1 ports', async () => {
    const { containerUrl, planId } = await base();
    const site = await c.web.webApps.createOrUpdate(RG, 'orders-dev-a1b2', flexSite(planId, containerUrl), FAST);
    expect(site.name).toBe('orders-dev-a1b2');
    const scm = site.hostNameSslStates!.find((h) => h.hostType === 'Repository')!.name!;
    expect(scm).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(site.defaultHostName).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(site.functionAppConfig?.runtime?.version).toBe('22');
    const ops = emu.calls.filter((x) => x.service === 'arm').map((x) => `${x.operation}:${x.status}`);
    expect(ops).toContain('StorageAccounts_Create:202');
    expect(ops).toContain('OperationResult_Get:200');
    expect(ops).toContain('WebApps_CreateOrUpdate:202');
    expect(ops).toContain('AsyncOperation_Get:200');
  });

  it('one-deploy: 202 with the id, early 404, status 4, late 404, deploymentStatus RuntimeSuccessful', async () => {
    const { containerUrl, planId } = await base();
    const site = await c.web.webApps.createOrUpdate(RG, 'orders-dev-a1b2', flexSite(planId, containerUrl), FAST);
    const scm = site.hostNameSslStates!.find((h) => h.hostType === 'Repository')!.name!;
    const token = (await credentialFor(emu).getToken('https://management.azure.com/.default')).token;
    const zip = zipOf('v1');
    const r = await fetch(`https://${scm}/api/publish?RemoteBuild=false`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/zip' }, body: zip });
    expect(r.status).toBe(202);
    const id = (await r.json()) as string;
    const get = () => fetch(`https://${scm}/api/deployments/${id}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await get()).status).toBe(404);
    const ok = await get();
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { status: number }).status).toBe(4);
    expect((await get()).status).toBe(404);
    const status = await c.web.webApps.getProductionSiteDeploymentStatus(RG, 'orders-dev-a1b2', id, FAST);
    expect(status.status).toBe('RuntimeSuccessful');
    expect(emu.traffic).toEqual([expect.objectContaining({ kind: 'deployment', app: 'orders-dev-a1b2', slot: 'production', status: 'Succeeded', via: 'publish' })]);
    expect(emu.state.storageAccounts.get('fnxsvcdev01')!.containers.get('deployments')!.blobs.get('released-package.zip')?.data).toEqual(zip);
  });

  async function publish(scm: string, zip: Buffer): Promise<{ status: number; status_text: string }> {
    const token = (await credentialFor(emu).getToken('https://management.azure.com/.default')).token;
    const r = await fetch(`https://${scm}/api/publish`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: zip });
    const id = (await r.json()) as string;
    for (;;) {
      const g = await fetch(`https://${scm}/api/deployments/${id}`, { headers: { authorization: `Bearer ${token}` } });
      if (g.status === 404) continue;
      const body = (await g.json()) as { status: number; status_text: string; complete: boolean };
      if (body.complete) return body;
    }
  }

  it('storage access is checked when the package lands: connection string key, identity role, AzureWebJobsStorage', async () => {
    const { containerUrl, planId } = await base();
    const wrongKey = connection.replace(/AccountKey=[^;]+/, 'AccountKey=bm9wZQ==');
    const a = await c.web.webApps.createOrUpdate(RG, 'orders-dev-a1b2', flexSite(planId, containerUrl, { DEPLOYMENT_STORAGE_CONNECTION_STRING: wrongKey }), FAST);
    const scm = a.hostNameSslStates!.find((h) => h.hostType === 'Repository')!.name!;
    expect(await publish(scm, zipOf('k'))).toMatchObject({ status: 3, status_text: expect.stringMatching(/does not authenticate to storage account 'fnxsvcdev01'/) });
    await c.web.webApps.updateApplicationSettings(RG, 'orders-dev-a1b2', { properties: { AzureWebJobsStorage: wrongKey, DEPLOYMENT_STORAGE_CONNECTION_STRING: connection } });
    expect((await publish(scm, zipOf('h'))).status).toBe(4);
    const last = emu.traffic.at(-1) as { deploymentId: string };
    const st = await c.web.webApps.getProductionSiteDeploymentStatus(RG, 'orders-dev-a1b2', last.deploymentId, FAST);
    expect(st).toMatchObject({ status: 'RuntimeFailed' });
    expect(st.errors![0]!.message).toMatch(/AzureWebJobsStorage/);

    const identitySite = flexSite(planId, containerUrl);
    const withIdentity = { ...identitySite, identity: { type: 'SystemAssigned' as const }, functionAppConfig: { ...identitySite.functionAppConfig, deployment: { storage: { type: 'blobContainer', value: containerUrl, authentication: { type: 'SystemAssignedIdentity' } } } } };
    const b = await c.web.webApps.createOrUpdate(RG, 'orders-dev-a1b2', withIdentity, FAST);
    expect((await publish(scm, zipOf('i'))).status_text).toMatch(/has no Storage Blob Data Owner or Contributor role/);
    const token = (await credentialFor(emu).getToken('https://management.azure.com/.default')).token;
    const scope = `/subscriptions/${emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.Storage/storageAccounts/fnxsvcdev01/blobServices/default/containers/deployments`;
    const put = await fetch(`${emu.armUrl}${scope}/providers/Microsoft.Authorization/roleAssignments/7c1f3c1e-0000-4000-8000-000000000001?api-version=2022-04-01`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ properties: { roleDefinitionId: `/subscriptions/${emu.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe`, principalId: b.identity!.principalId, principalType: 'ServicePrincipal' } }),
    });
    expect(put.status).toBe(201);
    expect((await publish(scm, zipOf('j'))).status).toBe(4);
    expect(emu.traffic.filter((e) => e.kind === 'deployment').map((e) => (e as { status: string }).status)).toEqual(['Failed', 'Failed', 'Failed', 'Succeeded']);
  });
});
