/**
 * Premium: a release held in progress (`deploy --no-wait` leaves the canary share on the staging
 * slot) is not overwritten by the next deploy of other code — that code would serve the canary's
 * share before any gate saw it. The deploy exits 4 and changes nothing; after `fnx promote` it
 * deploys. Needs `npm run build`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AzureEmulator } from '../../emulators/azure/index.js';
import { fnx, newProject, shopFiles, startWorld, writeProject } from './world.js';

let emu: AzureEmulator;
beforeAll(async () => {
  emu = await startWorld();
  emu.setAlertState('shop-errors', 'Healthy');
});
afterAll(async () => {
  await emu?.close();
});

const api = (body: string) => ({ 'src/api.js': `export const handler = async () => ({ statusCode: 200, body: "${body}" });\n` });

describe('azure premium: a held release', () => {
  it('a deploy of other code while the canary holds its share exits 4 and leaves slot and routing alone', { timeout: 120_000 }, async () => {
    const dir = await newProject(shopFiles('premium'));
    expect((await fnx(emu, dir, ['deploy', '--stage', 'dev'])).code).toBe(0);
    await writeProject(dir, api('v2'));
    const held = await fnx(emu, dir, ['deploy', '--stage', 'dev', '--no-wait']);
    expect(held.code, held.stderr).toBe(0);
    const log = emu.traffic.length;
    await writeProject(dir, api('v3'));
    emu.clearCalls();
    const r = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(r.code, r.stderr + r.stdout).toBe(4);
    expect(r.stderr).toMatch(/staging slot serves 25% of its traffic for a release in progress .*nothing was changed by this run for api/);
    expect(r.stderr).toContain('fnx promote');
    expect(emu.traffic.slice(log)).toEqual([]);
    expect(emu.calls.filter((c) => c.write && c.service !== 'login' && /slot|staging/i.test(c.path))).toEqual([]);

    expect((await fnx(emu, dir, ['promote', '--stage', 'dev', '--now'])).code).toBe(0);
    const after = await fnx(emu, dir, ['deploy', '--stage', 'dev', '--no-wait']);
    expect(after.code, after.stderr).toBe(0);
  });
});
