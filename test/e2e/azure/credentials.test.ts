/**
 * Where the Azure driver's subscription and credentials come from, as a user sees it with the
 * built CLI: no subscription anywhere is a usage error (exit 2) before any call; a service
 * principal the authority refuses is one clear error naming what fnx tried (exit 1), and no
 * secret is printed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AzureEmulator } from '../../emulators/azure/index.js';
import { fnx, newProject, shopFiles, startWorld } from './world.js';

describe('azure credentials', () => {
  let emu: AzureEmulator;
  let dir = '';
  beforeAll(async () => {
    emu = await startWorld();
    dir = await newProject(shopFiles('flex'));
  });
  afterAll(async () => {
    await emu?.close();
  });

  it('no subscription in the manifest or AZURE_SUBSCRIPTION_ID: exit 2, nothing called', async () => {
    emu.clearCalls();
    const r = await fnx(emu, dir, ['plan', '--stage', 'dev'], { env: { AZURE_SUBSCRIPTION_ID: '' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('[E_AZURE_SUBSCRIPTION] No Azure subscription: `providers.azure.subscriptionId` is not set and neither is AZURE_SUBSCRIPTION_ID.');
    expect(emu.calls).toEqual([]);
  });

  it('a refused client secret: exit 1 with what was tried, and the secret is not printed', async () => {
    const r = await fnx(emu, dir, ['plan', '--stage', 'dev'], { env: { AZURE_CLIENT_SECRET: 'not-the-secret-123' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[E_AZURE_CREDENTIALS] No Azure credentials worked: fnx tried a service principal secret (AZURE_CLIENT_SECRET).');
    expect(r.stderr).toContain('az login');
    expect(r.stdout + r.stderr).not.toContain('not-the-secret-123');
  });
});
