/**
 * The stage lease on Azure through the built CLI against the emulator: the blob
 * fnx-lease/<service>-<stage>.json in the stage's storage account. A run holding it makes a deploy
 * exit 4 having changed nothing; an expired one is taken over with a warning; a finished deploy
 * leaves it free; `fnx remove` deletes it; promote and rollback of a stage never deployed create
 * nothing. Needs `npm run build`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fnx, newProject, shopFiles, startWorld, writeProject } from './world.js';
import type { AzureEmulator, StorageAccount } from '../../emulators/azure/index.js';

const RECORD = 'shop-dev.json';

function leaseBlob(account: StorageAccount | undefined) {
  return account?.containers.get('fnx-lease')?.blobs.get(RECORD);
}

function recordOf(account: StorageAccount | undefined): Record<string, unknown> | undefined {
  const b = leaseBlob(account);
  return b ? (JSON.parse(b.data.toString('utf8')) as Record<string, unknown>) : undefined;
}

/** A record as another run's fnx writes it, planted in the emulator. */
function plant(account: StorageAccount, expires: Date): void {
  const holder = { id: 'feedfacecafebeef', command: 'deploy', host: 'ci-runner-7', pid: 4242, since: new Date(Date.now() - 60_000).toISOString(), actor: 'alice' };
  account.containers.get('fnx-lease')!.blobs.set(RECORD, { data: Buffer.from(JSON.stringify({ fnxLease: 1, holder, expires: expires.toISOString() })), contentType: 'application/json', metadata: {}, etag: '"0x8DDPLANTED0001"', lastModified: Date.now() });
}

async function statusLease(emu: AzureEmulator, dir: string): Promise<unknown> {
  const r = await fnx(emu, dir, ['status', '--stage', 'dev', '--json']);
  expect(r.code, r.stderr).toBe(0);
  const doc = JSON.parse(r.stdout) as { providers: { provider: string; lease?: unknown }[] };
  return doc.providers.find((p) => p.provider === 'azure')!.lease;
}

describe('azure: the stage lease', () => {
  let emu: AzureEmulator;
  let dir: string;
  const account = () => [...emu.state.storageAccounts.values()][0];

  beforeAll(async () => {
    emu = await startWorld();
    emu.setAlertState('shop-errors', 'Healthy');
    dir = await newProject(shopFiles('premium'));
  });
  afterAll(async () => {
    await emu?.close();
  });

  it('promote and rollback of a stage never deployed create nothing: no resource group, account or container', async () => {
    for (const cmd of ['promote', 'rollback']) {
      const r = await fnx(emu, dir, [cmd, '--stage', 'dev']);
      expect(r.stderr, cmd).not.toMatch(/concurrently|\n\s+at /);
      expect(r.code, `${cmd}: ${r.stderr}`).not.toBe(4);
    }
    expect(emu.writeCalls()).toEqual([]);
    expect(emu.leaseWrites()).toEqual([]);
    expect(emu.state.resourceGroups.size).toBe(0);
    expect(emu.state.storageAccounts.size).toBe(0);
  });

  it('after a first deploy the record exists and is free: status shows no holder', async () => {
    const r = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(r.code, r.stderr).toBe(0);
    const rec = recordOf(account());
    expect(rec).toMatchObject({ fnxLease: 1, last: { command: 'deploy' } });
    expect(rec).not.toHaveProperty('holder');
    // Created (container), taken (If-None-Match), released (If-Match): all lease calls, none of them a stage write.
    expect(emu.leaseWrites().filter((c) => c.status < 300).map((c) => c.operation)).toEqual(['CreateContainer', 'PutBlob', 'PutBlob']);
    expect(await statusLease(emu, dir)).toBeUndefined();
  });

  it('a lease held by another live run: deploy exits 4 naming the holder, and nothing of the stage changes', async () => {
    plant(account()!, new Date(Date.now() + 10 * 60_000));
    const before = leaseBlob(account())!.etag;
    await writeProject(dir, { 'src/api.js': 'export const handler = async () => ({ statusCode: 200, body: "v2" });\n' });
    emu.clearCalls();
    const r = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toContain('E_STAGE_LOCKED');
    expect(r.stderr).toContain('Another run is changing shop-dev on azure concurrently: `fnx deploy` by alice on ci-runner-7 (pid 4242)');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(emu.writeCalls()).toEqual([]);
    expect(emu.leaseWrites()).toEqual([]);
    expect(leaseBlob(account())!.etag).toBe(before);
    expect(await statusLease(emu, dir)).toMatchObject({ holder: { host: 'ci-runner-7', pid: 4242, actor: 'alice' } });
  });

  it('an expired lease is taken over with a warning, and the deploy succeeds and frees it', async () => {
    plant(account()!, new Date(Date.now() - 1000));
    const r = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/azure: taking over the lease on shop-dev from `fnx deploy` by alice on ci-runner-7 \(pid 4242\).*it expired at/);
    const rec = recordOf(account()) as { last?: { id: string }; holder?: unknown };
    expect(rec.holder).toBeUndefined();
    expect(rec.last?.id).not.toBe('feedfacecafebeef');
    expect(await statusLease(emu, dir)).toBeUndefined();
  });

  it('fnx remove leaves no record (the stage account goes with the stage)', async () => {
    const r = await fnx(emu, dir, ['remove', '--stage', 'dev', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('could not release the lease');
    expect(emu.state.storageAccounts.size).toBe(0);
  });
});

describe('azure: the stage lease in a storage account of your own (providers.azure.storageAccount)', () => {
  let emu: AzureEmulator;
  let dir: string;
  const account = () => emu.state.storageAccounts.get('shopleases');

  beforeAll(async () => {
    emu = await startWorld();
    emu.setAlertState('shop-errors', 'Healthy');
    const files = shopFiles('premium');
    files['fnx.yaml'] = files['fnx.yaml']!.replace('plan: premium }', 'plan: premium, storageAccount: shopleases }');
    dir = await newProject(files);
  });
  afterAll(async () => {
    await emu?.close();
  });

  it('fnx remove deletes the record (If-Match) and keeps the account', async () => {
    const d = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(d.code, d.stderr).toBe(0);
    expect(leaseBlob(account())).toBeDefined();
    emu.clearCalls();
    const r = await fnx(emu, dir, ['remove', '--stage', 'dev', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('could not release the lease');
    expect(account()).toBeDefined();
    expect(leaseBlob(account())).toBeUndefined();
    expect(emu.leaseWrites().map((c) => `${c.method} ${c.status}`)).toEqual(['PUT 201', 'DELETE 202']);
  });
});
