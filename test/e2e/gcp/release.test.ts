/**
 * Releases on Google Cloud through the built CLI and the emulator: a code change released in
 * steps through the Cloud Run traffic split (every split in order, never more than the step's
 * share on the new revision, never the careless 100 % of a redeploy), a failing health gate
 * rolling back, and `fnx rollback` from a fresh directory followed by an unchanged deploy that
 * keeps the rolled-back revision dark.
 */
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GcpEmulator, TrafficChange } from '../../emulators/gcp/index.js';
import { fnx, newProject, shopFiles, startWorld } from './world.js';

const SERVICE = 'shop-dev-api';
const linear = `    release:
      steps: [10, 50, 100]
      interval: 5m
      health:
        alarms: [api-errors]
`;

let emu: GcpEmulator;
let dir: string;
const deploy = (cwd = dir, extra: string[] = []) => fnx(emu, cwd, ['deploy', '--stage', 'dev', ...extra], { env: { FNX_TIME_SCALE: '0.001' } });
const code = (n: number) => `export const handler = async () => ({ statusCode: 200, body: "v${n}" });\n`;
/** The split as "revision:percent" entries, newest revision's share for short. */
const splits = (changes: readonly TrafficChange[]) => changes.map((c) => c.split.map((e) => `${e.revision}:${e.percent}`).join(' '));
const serving = () => emu.currentSplit(SERVICE).filter((e) => e.percent > 0);

beforeAll(async () => {
  emu = await startWorld();
  dir = await newProject(shopFiles({ release: linear }));
  emu.setAlert('api-errors', 'CLOSED');
  const first = await deploy();
  expect(first.code, first.stderr + first.stdout).toBe(0);
});
afterAll(async () => {
  await emu?.close();
});

describe('gcp releases through the Cloud Run traffic split', () => {
  it('a code change goes 10 % → 50 % → 100 % on the new revision, each split in order, nothing more on it at any moment', async () => {
    const before = serving();
    expect(before).toHaveLength(1);
    const old = before[0]!.revision;
    const start = emu.traffic.length;
    await writeFile(join(dir, 'src/api.js'), code(2));
    const r = await deploy();
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const changes = emu.traffic.slice(start).filter((c) => c.service === SERVICE);
    const fresh = serving()[0]!.revision;
    expect(fresh).not.toBe(old);
    expect(splits(changes)).toEqual([`${old}:90 ${fresh}:10`, `${old}:50 ${fresh}:50`, `${fresh}:100`]);
    for (const c of changes) expect(c.cause).toBe('update-service');
    // The UpdateFunction named allTrafficOnLatestRevision in its mask, so the build itself moved nothing.
    const update = emu.calls.find((c) => c.rpc === 'UpdateFunction' && c.path.endsWith(SERVICE));
    expect(update?.updateMask?.split(',')).toEqual(expect.arrayContaining(['buildConfig.source', 'serviceConfig.allTrafficOnLatestRevision']));
  });

  it('an open alert policy during the release moves traffic back to the serving revision: exit 3', async () => {
    const old = serving()[0]!.revision;
    const start = emu.traffic.length;
    await writeFile(join(dir, 'src/api.js'), code(3));
    // The alert opens once the new revision has its first share (the emulator runs in this process).
    const watch = setInterval(() => {
      if (emu.traffic.slice(start).some((c) => c.service === SERVICE)) emu.setAlert('api-errors', 'OPEN');
    }, 5);
    const r = await deploy();
    clearInterval(watch);
    emu.setAlert('api-errors', 'CLOSED');
    expect(r.code, r.stderr + r.stdout).toBe(3);
    expect(r.stderr + r.stdout).toContain('api-errors');
    const changes = splits(emu.traffic.slice(start).filter((c) => c.service === SERVICE));
    expect(changes).toHaveLength(2);
    expect(changes[0]).toMatch(new RegExp(`^${old}:90 \\S+:10$`));
    expect(changes[1]).toBe(`${old}:100`);
    expect(serving()).toEqual([{ revision: old, percent: 100 }]);
  });

  it('a traffic change whose operation fails moves traffic back to the serving revision and says why (no verdict: the next deploy releases it again)', async () => {
    const old = serving()[0]!.revision;
    const start = emu.traffic.length;
    await writeFile(join(dir, 'src/api.js'), code(4));
    // The second traffic operation (50 %) fails inside Cloud Run, after the 10 % step went through.
    let armed = false;
    const watch = setInterval(() => {
      if (!armed && emu.traffic.slice(start).some((c) => c.service === SERVICE)) {
        armed = true;
        emu.failNextOperation('run', 'INTERNAL', 'Revision is not ready: container failed to start.');
      }
    }, 5);
    const r = await deploy();
    clearInterval(watch);
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout).toContain('container failed to start');
    expect(serving()).toEqual([{ revision: old, percent: 100 }]);
    const again = await deploy();
    expect(again.code, again.stderr + again.stdout).toBe(0);
    expect(serving()[0]!.revision).not.toBe(old);
  });

  it('rollback from a fresh directory, then an unchanged deploy keeps the rolled-back revision dark', async () => {
    // Release v3 for real first (the gate is closed now), so there is something to roll back.
    const released = await deploy(dir, ['--release-rolled-back']);
    expect(released.code, released.stderr + released.stdout).toBe(0);
    const live = serving()[0]!.revision;
    const fresh = await mkdtemp(join(tmpdir(), 'fnx-gcp-fresh-'));
    await cp(dir, fresh, { recursive: true, filter: (src) => !src.includes('.fnx') });
    const rb = await fnx(emu, fresh, ['rollback', '--stage', 'dev', '--function', 'api']);
    expect(rb.code, rb.stderr + rb.stdout).toBe(0);
    const back = serving();
    expect(back).toHaveLength(1);
    expect(back[0]!.revision).not.toBe(live);

    const start = emu.traffic.length;
    const again = await deploy(fresh);
    expect(again.stderr + again.stdout).toContain(live);
    expect(again.code).toBe(3);
    expect(emu.traffic.slice(start).filter((c) => c.service === SERVICE)).toEqual([]);
    expect(serving()).toEqual(back);
  });
});
