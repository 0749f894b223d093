/**
 * `${secret:}` on Azure, with the built CLI against the emulator: the app setting is a Key Vault
 * reference the app resolves itself (fnx never reads a value), the app's own identity may read
 * exactly the referenced secret, nothing of it is printed, and a secret missing from the vault
 * fails the deploy with a hint. Also the Flex settings the emulator rejects are never sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AzureEmulator } from '../../emulators/azure/index.js';
import { fnx, newProject, SERVICE, startWorld } from './world.js';

const files = (secret: string) => ({
  'fnx.yaml': `service: ${SERVICE}
providers:
  azure: { resourceGroup: shop-rg, location: westeurope, keyVault: shop-kv }
defaults:
  runtime: nodejs22
functions:
  api:
    handler: src/api.handler
    environment: { GREETING: hello }
    secrets: { DB_PASSWORD: "\${secret:${secret}}" }
    triggers:
      - http: { method: GET, path: /hello }
`,
  'package.json': '{ "name": "shop", "type": "module" }\n',
  'src/api.js': 'export const handler = async () => ({ statusCode: 200 });\n',
});

describe('azure secrets', () => {
  let emu: AzureEmulator;
  beforeAll(async () => {
    emu = await startWorld();
    emu.addKeyVault('shop-rg', 'shop-kv', ['shop--db-password', 'shop--other']);
  });
  afterAll(async () => {
    await emu?.close();
  });

  it('a Key Vault reference, read on exactly that secret by the app\'s own identity', async () => {
    const dir = await newProject(files('shop/db-password'));
    const r = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const site = [...emu.state.sites.values()].find((s) => s.name.startsWith('shop-dev-api'))!;
    const settings = site.production.appSettings;
    expect(settings.DB_PASSWORD).toBe('@Microsoft.KeyVault(SecretUri=https://shop-kv.vault.azure.net/secrets/shop--db-password/)');
    expect(settings.GREETING).toBe('hello');
    for (const rejected of ['FUNCTIONS_WORKER_RUNTIME', 'FUNCTIONS_EXTENSION_VERSION', 'WEBSITE_RUN_FROM_PACKAGE', 'WEBSITE_CONTENTSHARE']) expect(settings).not.toHaveProperty(rejected);
    const principal = (site.identity as { principalId: string }).principalId;
    expect(emu.state.roleAssignments.map((a) => [a.scope.split('/').slice(-3).join('/'), a.principalId, a.roleDefinitionId.split('/').pop()])).toEqual([['shop-kv/secrets/shop--db-password', principal, '4633458b-17de-408a-b874-0445c86b69e6']]);
    expect(r.stdout + r.stderr).not.toContain('AccountKey');
  });

  it('a secret the vault does not have fails the deploy with exit 1 and a hint', async () => {
    const dir = await newProject(files('shop/missing'));
    const r = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Key Vault shop-kv has no secret shop--missing');
    expect(r.stderr).toContain('az keyvault secret set --vault-name shop-kv --name shop--missing');
  });
});
