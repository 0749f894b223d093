/**
 * Instance limits on Google Cloud through the built CLI and the emulator: removing `concurrency`
 * from fnx.yaml returns the deployed max/min instance counts to the platform default (the fields
 * named in the update mask with no value), and plan shows the change first.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GcpEmulator } from '../../emulators/gcp/index.js';
import { PROJECT, fnx, newProject, startWorld } from './world.js';

const manifest = (concurrency: string) => `service: limits
providers:
  gcp: { project: ${PROJECT}, region: europe-west1 }
defaults:
  runtime: nodejs22
functions:
  api:
    handler: src/api.handler
${concurrency}    triggers:
      - http: { method: GET, path: /hello }
`;

let emu: GcpEmulator;
beforeAll(async () => {
  emu = await startWorld();
});
afterAll(async () => {
  await emu?.close();
});

const serviceConfig = () => {
  const rec = [...emu.state.functions.values()].find((f) => f.name.endsWith('/functions/limits-dev-api'));
  return (rec?.resource.serviceConfig ?? {}) as Record<string, unknown>;
};

describe('gcp instance limits', () => {
  it('removing concurrency returns max/min instances to the default; plan shows it, and a second deploy changes nothing', async () => {
    const dir = await newProject({
      'fnx.yaml': manifest('    concurrency: { max: 5, warm: 1 }\n'),
      'package.json': '{ "name": "limits", "type": "module" }\n',
      'src/api.js': 'export const handler = async () => ({ statusCode: 200 });\n',
    });
    const first = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(first.code, first.stderr + first.stdout).toBe(0);
    expect(serviceConfig()).toMatchObject({ maxInstanceCount: 5, minInstanceCount: 1 });

    await writeFile(join(dir, 'fnx.yaml'), manifest(''));
    const plan = await fnx(emu, dir, ['plan', '--stage', 'dev']);
    expect(plan.code, plan.stderr + plan.stdout).toBe(0);
    expect(plan.stdout).toContain('maxInstanceCount');
    expect(plan.stdout).toContain('minInstanceCount');

    emu.clearCalls();
    const r = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const update = emu.calls.find((c) => c.rpc === 'UpdateFunction');
    expect(update?.updateMask?.split(',')).toEqual(expect.arrayContaining(['serviceConfig.maxInstanceCount', 'serviceConfig.minInstanceCount']));
    expect(serviceConfig().maxInstanceCount).toBeUndefined();
    expect(serviceConfig().minInstanceCount).toBeUndefined();

    emu.clearCalls();
    const again = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(again.code, again.stderr + again.stdout).toBe(0);
    expect(emu.calls.filter((c) => c.rpc === 'UpdateFunction')).toEqual([]);
  });
});
