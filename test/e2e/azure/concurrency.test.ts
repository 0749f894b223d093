/**
 * `--concurrency` on Azure through the built CLI against the emulator: Function Apps are changed
 * side by side, at most that many at once, so one slow app does not hold up the others. With 3
 * every app is created before any package is sent; with 1 each app is finished (its package sent)
 * before the next is created. Needs `npm run build`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { fnx, newProject, startWorld, type Files } from './world.js';
import type { AzureEmulator } from '../../emulators/azure/index.js';

const NAMES = ['alpha', 'beta', 'gamma'];

function files(plan: 'flex' | 'premium'): Files {
  return {
    'fnx.yaml': `service: fleet
providers:
  azure: { resourceGroup: fleet-rg, location: westeurope, plan: ${plan} }
defaults:
  runtime: nodejs22
functions:
${NAMES.map((n) => `  ${n}:\n    handler: src/${n}.handler\n    package: { include: ["src/${n}.js"] }\n    triggers:\n      - http: { method: GET, path: /${n} }\n`).join('')}`,
    'package.json': '{ "name": "fleet", "version": "1.0.0", "type": "module" }\n',
    ...Object.fromEntries(NAMES.map((n) => [`src/${n}.js`, `export const handler = async () => ({ statusCode: 200, body: "${n}" });\n`])),
  };
}

/** The order in which the deploy created apps ('create') and sent packages ('package'). */
function steps(emu: AzureEmulator): string[] {
  return emu.calls.flatMap((c) => {
    if (c.operation === 'WebApps_CreateOrUpdate' && c.method === 'PUT') return ['create'];
    if (c.service === 'scm' && (c.operation === 'Scm_Publish' || c.operation === 'Scm_ZipDeploy')) return ['package'];
    return [];
  });
}

const emulators: AzureEmulator[] = [];
afterAll(async () => {
  await Promise.all(emulators.map((e) => e.close()));
});

describe.each(['premium', 'flex'] as const)('azure %s: apps deployed side by side', (plan) => {
  it.each([
    { concurrency: 3, expected: ['create', 'create', 'create', 'package', 'package', 'package'] },
    { concurrency: 1, expected: ['create', 'package', 'create', 'package', 'create', 'package'] },
  ])('--concurrency $concurrency', async ({ concurrency, expected }) => {
    const emu = await startWorld();
    emulators.push(emu);
    const dir = await newProject(files(plan));
    const r = await fnx(emu, dir, ['deploy', '--stage', 'dev', '--concurrency', String(concurrency)]);
    expect(r.code, r.stderr).toBe(0);
    expect(steps(emu)).toEqual(expected);
    expect(emu.state.sites.size).toBe(3);
  });
});
