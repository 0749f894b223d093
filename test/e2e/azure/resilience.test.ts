/**
 * Faults at 20 % of ARM, scm and blob calls (throttling, 500s, connection resets): the built CLI
 * deploys and releases anyway on both plans (fnx retries what is safe to retry), ends in the same
 * state as without faults, and a later deploy without faults writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AzureEmulator } from '../../emulators/azure/index.js';
import { fnx, newProject, shopFiles, startWorld, writeProject } from './world.js';

describe.each(['flex', 'premium'] as const)('azure %s with 20%% faults', (plan) => {
  let emu: AzureEmulator;
  beforeAll(async () => {
    emu = await startWorld();
    emu.setAlertState('shop-errors', 'Healthy');
  });
  afterAll(async () => {
    await emu?.close();
  });

  it('deploys, releases new code and converges; afterwards nothing is left to write', async () => {
    const dir = await newProject(shopFiles(plan));
    emu.setFaults({ rate: 0.2, kinds: ['throttle', 'error500', 'reset'], services: ['arm', 'scm', 'blob'], seed: 7, retryAfterSeconds: 0 });
    const first = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(first.code, first.stderr + first.stdout).toBe(0);
    await writeProject(dir, { 'src/api.js': 'export const handler = async () => ({ statusCode: 200, body: "v2" });\n' });
    const second = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(second.code, second.stderr + second.stdout).toBe(0);
    expect(emu.calls.filter((c) => c.fault).length).toBeGreaterThan(5);
    emu.setFaults(undefined);
    emu.clearCalls();
    const again = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(again.code, again.stderr + again.stdout).toBe(0);
    expect(emu.writeCalls()).toEqual([]);
    const status = await fnx(emu, dir, ['status', '--stage', 'dev', '--json']);
    expect(status.code).toBe(0);
    expect((status.stdout.match(/"live"/g) ?? []).length).toBeGreaterThanOrEqual(2);
  });
});

describe('azure: a request that is never answered', () => {
  let emu: AzureEmulator;
  beforeAll(async () => {
    emu = await startWorld();
    emu.setAlertState('shop-errors', 'Healthy');
  });
  afterAll(async () => {
    await emu?.close();
  });

  it('is abandoned after the attempt timeout and retried: the deploy converges', { timeout: 120_000 }, async () => {
    const dir = await newProject(shopFiles('flex'));
    emu.setFaults({ rate: 0.5, kinds: ['hang'], operations: ['WebApps_Get', 'WebApps_CreateOrUpdate'], seed: 3 });
    const r = await fnx(emu, dir, ['deploy', '--stage', 'dev'], { env: { FNX_AZURE_ATTEMPT_TIMEOUT_MS: '1000' } });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(emu.calls.filter((c) => c.fault === 'hang').length).toBeGreaterThan(0);
    emu.setFaults(undefined);
    emu.clearCalls();
    const again = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(again.code, again.stderr + again.stdout).toBe(0);
    expect(emu.writeCalls()).toEqual([]);
  });

  it('FNX_AZURE_ATTEMPT_TIMEOUT_MS that is not a positive number is a usage error before any call', async () => {
    const dir = await newProject(shopFiles('flex'));
    emu.clearCalls();
    const r = await fnx(emu, dir, ['deploy', '--stage', 'dev'], { env: { FNX_AZURE_ATTEMPT_TIMEOUT_MS: 'soon' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('FNX_AZURE_ATTEMPT_TIMEOUT_MS must be a positive number, got "soon"');
    expect(emu.calls.filter((c) => c.service === 'arm')).toEqual([]);
  });
});
