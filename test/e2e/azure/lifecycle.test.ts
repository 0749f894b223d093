/**
 * The built CLI against the Azure emulator, on both plans: first deploy, a no-change deploy with
 * zero writes, a code change (Premium: a canary through rampUpRules, then a swap; every routing
 * change asserted in order), rollback from a fresh directory (Premium: the swap back; Flex: the
 * previous package deployed again), a failing health gate rolling back, and remove.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AzureEmulator } from '../../emulators/azure/index.js';
import { fnx, newProject, shopFiles, writeProject } from './world.js';

const route = (e: AzureEmulator['traffic'][number]): string =>
  e.kind === 'rampUpRules' ? `ramp ${e.rules.map((r) => r.reroutePercentage).join(',') || 'clear'}` : e.kind === 'swap' ? `swap ${e.sourceSlot}<->${e.targetSlot}` : `deploy ${e.slot} ${e.via} ${e.status}`;

describe.each(['premium', 'flex'] as const)('azure %s: deploy, release, roll back, remove', (plan) => {
  let emu: AzureEmulator;
  let dir = '';
  const api = (emuApp: string) => emuApp.startsWith('shop-dev-api');

  beforeAll(async () => {
    const { startWorld } = await import('./world.js');
    emu = await startWorld();
    emu.setAlertState('shop-errors', 'Healthy');
    dir = await newProject(shopFiles(plan));
  });
  afterAll(async () => {
    await emu?.close();
  });

  it('first deploy creates the group, storage, plan(s) and one app per function, each live on its first version', async () => {
    const r = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const sites = [...emu.state.sites.values()].map((s) => s.name).sort();
    expect(sites).toHaveLength(2);
    expect(sites.every((n) => n.length <= 32)).toBe(true);
    expect(emu.traffic.filter((e) => api(e.app)).map(route)).toEqual([`deploy production ${plan === 'flex' ? 'publish' : 'zipdeploy'} Succeeded`]);
    const status = await fnx(emu, dir, ['status', '--stage', 'dev', '--json']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain('"live"');
  });

  it('a second deploy of the same project makes zero writes', async () => {
    emu.clearCalls();
    const r = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(emu.writeCalls().map((c) => `${c.method} ${c.path}`)).toEqual([]);
  });

  it('new code is released (premium: 25% through rampUpRules, then a swap), in this order', async () => {
    await writeProject(dir, { 'src/api.js': 'export const handler = async () => ({ statusCode: 200, body: "v2" });\n' });
    const before = emu.traffic.length;
    const r = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const moves = emu.traffic.slice(before).filter((e) => api(e.app)).map(route);
    expect(moves).toEqual(plan === 'premium' ? ['deploy staging zipdeploy Succeeded', 'ramp 25', 'ramp clear', 'swap production<->staging'] : ['deploy production publish Succeeded']);
  });

  it('fnx rollback from a fresh directory (no local state) moves api back to its previous version', async () => {
    const fresh = await newProject(shopFiles(plan, { api: 'export const handler = async () => ({ statusCode: 200, body: "v2" });\n' }));
    const before = emu.traffic.length;
    const r = await fnx(emu, fresh, ['rollback', '--stage', 'dev', '--function', 'api']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const moves = emu.traffic.slice(before).filter((e) => api(e.app)).map(route);
    expect(moves).toEqual(plan === 'premium' ? ['swap production<->staging'] : ['deploy production publish Succeeded']);
  });

  it('a failing gate rolls back (premium: swap back; flex: the previous package deployed again) and exits 3', async () => {
    await writeProject(dir, { 'src/api.js': 'export const handler = async () => ({ statusCode: 500, body: "v3" });\n' });
    emu.setAlertState('shop-errors', 'Unhealthy');
    const before = emu.traffic.length;
    const served = [...emu.traffic].reverse().find((e) => e.kind === 'deployment' && api(e.app)) as { sha256: string };
    const r = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    emu.setAlertState('shop-errors', 'Healthy');
    expect(r.code, r.stderr + r.stdout).toBe(3);
    const moves = emu.traffic.slice(before).filter((e) => api(e.app)).map(route);
    // Premium: the alarm already fires before the first step, so no share ever reaches the slot.
    expect(moves).toEqual(plan === 'premium' ? ['deploy staging zipdeploy Succeeded'] : ['deploy production publish Succeeded', 'deploy production publish Succeeded']);
    const last = [...emu.traffic].reverse().find((e) => e.kind === 'deployment' && api(e.app)) as { sha256: string };
    if (plan === 'flex') expect(last.sha256).toBe(served.sha256);
    expect(r.stderr + r.stdout).toMatch(/rolled back|rolled-back/);
  });

  it('remove deletes the apps, plans and storage account fnx tagged, and nothing else', async () => {
    const r = await fnx(emu, dir, ['remove', '--stage', 'dev', '--yes']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect([...emu.state.sites.values()]).toEqual([]);
    expect([...emu.state.storageAccounts.values()]).toEqual([]);
  });
});
