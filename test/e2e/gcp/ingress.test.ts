/**
 * providers.gcp.ingress through the built CLI and the emulator: mapped to
 * serviceConfig.ingressSettings of every function, changed through the update mask (plan shows
 * it), back to ALLOW_ALL when removed; a value fnx does not know is a manifest error (exit 2).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GcpEmulator } from '../../emulators/gcp/index.js';
import { PROJECT, fnx, newProject, startWorld } from './world.js';

const manifest = (ingress: string) => `service: edge
providers:
  gcp: { project: ${PROJECT}, region: europe-west1${ingress} }
defaults:
  runtime: nodejs22
functions:
  api:
    handler: src/api.handler
    triggers:
      - http: { method: GET, path: /hello }
`;

let emu: GcpEmulator;
beforeAll(async () => {
  emu = await startWorld();
});
afterAll(async () => {
  await emu?.close();
});

/** The stored ingressSettings by name (the emulator stores enum numbers). */
const ingress = () => {
  const rec = [...emu.state.functions.values()].find((f) => f.name.endsWith('/functions/edge-dev-api'));
  const v = (rec?.resource.serviceConfig as Record<string, unknown> | undefined)?.ingressSettings;
  return typeof v === 'number' ? ['UNSPECIFIED', 'ALLOW_ALL', 'ALLOW_INTERNAL_ONLY', 'ALLOW_INTERNAL_AND_GCLB'][v] : v;
};

describe('gcp ingress', () => {
  it('internal → ALLOW_INTERNAL_ONLY; internal-and-gclb through the mask with plan showing it; removed → ALLOW_ALL; unchanged → no write', async () => {
    const dir = await newProject({
      'fnx.yaml': manifest(', ingress: internal'),
      'package.json': '{ "name": "edge", "type": "module" }\n',
      'src/api.js': 'export const handler = async () => ({ statusCode: 200 });\n',
    });
    const first = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(first.code, first.stderr + first.stdout).toBe(0);
    expect(ingress()).toBe('ALLOW_INTERNAL_ONLY');

    await writeFile(join(dir, 'fnx.yaml'), manifest(', ingress: internal-and-gclb'));
    const plan = await fnx(emu, dir, ['plan', '--stage', 'dev']);
    expect(plan.code, plan.stderr + plan.stdout).toBe(0);
    expect(plan.stdout).toContain('ALLOW_INTERNAL_AND_GCLB');
    // Cloud Functions does not report the deployed zip: the size report says the change since the last build.
    expect(plan.stdout).toMatch(/gcp archives:\nfunction [^\n]*\n[^\n]* unzipped; [^\n]*unchanged since the last build/);
    expect(plan.stdout).not.toContain('what is deployed');
    emu.clearCalls();
    const r = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(emu.calls.find((c) => c.rpc === 'UpdateFunction')?.updateMask?.split(',')).toContain('serviceConfig.ingressSettings');
    expect(ingress()).toBe('ALLOW_INTERNAL_AND_GCLB');

    await writeFile(join(dir, 'fnx.yaml'), manifest(''));
    const back = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(back.code, back.stderr + back.stdout).toBe(0);
    expect(ingress()).toBe('ALLOW_ALL');
    emu.clearCalls();
    const again = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(again.code, again.stderr + again.stdout).toBe(0);
    expect(emu.calls.filter((c) => c.rpc === 'UpdateFunction')).toEqual([]);
  });

  it('an unknown ingress value: exit 2 naming the field, nothing written', async () => {
    const dir = await newProject({
      'fnx.yaml': manifest(', ingress: private'),
      'package.json': '{ "name": "edge", "type": "module" }\n',
      'src/api.js': 'export const handler = async () => ({ statusCode: 200 });\n',
    });
    emu.clearCalls();
    const r = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(r.code, r.stderr + r.stdout).toBe(2);
    expect(r.stderr).toContain('ingress');
    expect(emu.writeCalls()).toEqual([]);
  });
});
