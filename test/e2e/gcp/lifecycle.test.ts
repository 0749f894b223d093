/**
 * The built CLI against the Google Cloud emulator: first deploy, an unchanged deploy with zero
 * writes, remove of only what fnx labelled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GcpEmulator } from '../../emulators/gcp/index.js';
import { fnx, newProject, shopFiles, startWorld } from './world.js';

let emu: GcpEmulator;
beforeAll(async () => {
  emu = await startWorld();
});
afterAll(async () => {
  await emu?.close();
});

describe('gcp lifecycle', () => {
  it('first deploy creates every function with its trigger; an unchanged deploy writes nothing; remove deletes them', async () => {
    const report = '  report:\n    handler: src/report.handler\n    runtime: python3.12\n    triggers:\n      - http: { path: /report }\n';
    const dir = await newProject({ ...shopFiles({ extra: report }), 'src/report.py': 'def handler(event, context):\n    return {"statusCode": 200, "body": "ok"}\n' });
    const first = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(first.code, first.stderr + first.stdout).toBe(0);
    const fns = [...emu.state.functions.values()].map((f) => f.name.split('/').pop()).sort();
    expect(fns).toEqual(['shop-dev-api', 'shop-dev-events', 'shop-dev-report', 'shop-dev-uploads', 'shop-dev-worker']);
    const resource = (id: string) => [...emu.state.functions.values()].find((f) => f.name.endsWith(`/${id}`))!.resource as { buildConfig: Record<string, unknown>; serviceConfig: Record<string, unknown>; labels: Record<string, string> };
    expect(resource('shop-dev-report').buildConfig).toMatchObject({ runtime: 'python312', entryPoint: 'fnx_entry' });
    expect(resource('shop-dev-api').buildConfig).toMatchObject({ runtime: 'nodejs22', entryPoint: 'fnxEntry' });
    expect(resource('shop-dev-api').serviceConfig).toMatchObject({ availableMemory: '256Mi', environmentVariables: { GREETING: 'hello' }, secretEnvironmentVariables: [{ key: 'DB_PASSWORD', secret: 'shop_db-password', version: 'latest' }] });
    expect(resource('shop-dev-api').labels).toMatchObject({ 'fnx-service': 'shop', 'fnx-stage': 'dev', 'fnx-function': 'api' });

    emu.clearCalls();
    const again = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(again.code, again.stderr + again.stdout).toBe(0);
    expect(emu.writeCalls()).toEqual([]);

    // A function taken out of fnx.yaml is deleted, with nothing else touched.
    const { readFile, writeFile } = await import('node:fs/promises');
    const manifest = `${dir}/fnx.yaml`;
    await writeFile(manifest, (await readFile(manifest, 'utf8')).replace(/ {2}uploads:\n( {4}.*\n)+/, ''));
    const dropped = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(dropped.code, dropped.stderr + dropped.stdout).toBe(0);
    expect([...emu.state.functions.values()].map((f) => f.name.split('/').pop()).sort()).toEqual(['shop-dev-api', 'shop-dev-events', 'shop-dev-report', 'shop-dev-worker']);

    const removed = await fnx(emu, dir, ['remove', '--stage', 'dev', '--yes']);
    expect(removed.code, removed.stderr + removed.stdout).toBe(0);
    expect([...emu.state.functions.values()]).toEqual([]);
  });
});
