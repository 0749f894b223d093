/**
 * The Azure StageRecordStore (providers/azure/lease-blob.ts) in-process against the emulator:
 * conditional writes as 'precondition' made once (never retried), create or not, a retried write
 * whose first attempt landed, transient faults, delete.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StageRecordStore } from '../../../src/driver.js';
import { CloudError } from '../../../src/errors.js';
import { loadManifest } from '../../../src/manifest/index.js';
import type { ResolvedManifest } from '../../../src/manifest/model.js';
import { createDriver } from '../../../providers/azure/index.js';
import type { AzureEmulator } from '../../emulators/azure/index.js';
import { trustEmulatorCa } from '../../emulators/azure/helpers.js';
import { newProject, shopFiles, startWorld } from './world.js';

describe('azure stage record store', () => {
  let emu: AzureEmulator;
  let manifest: ResolvedManifest;
  const signal = new AbortController().signal;
  let store: () => StageRecordStore;
  const lease = () => emu.leaseWrites().map((c) => `${c.operation} ${c.status}${c.errorCode ? ` ${c.errorCode}` : ''}`);

  beforeAll(async () => {
    emu = await startWorld();
    trustEmulatorCa(emu);
    const dir = await newProject(shopFiles('premium'));
    const env = emu.env();
    manifest = await loadManifest({ cwd: dir, stage: 'dev', vars: {}, env });
    store = () => createDriver(manifest, env).stageRecord;
  });
  afterAll(() => emu?.close());
  beforeEach(() => emu.setFaults(undefined));

  it('without create, a stage never deployed is not-found and nothing is created', async () => {
    await expect(store().write({ manifest, signal, text: 'a', revision: undefined })).rejects.toMatchObject({ kind: 'not-found' });
    expect(await store().read({ manifest, signal })).toBeUndefined();
    await store().delete({ manifest, signal, revision: '"0x1"' });
    expect(emu.writeCalls()).toEqual([]);
    expect(emu.leaseWrites()).toEqual([]);
    expect(emu.state.resourceGroups.size).toBe(0);
  });

  it('with create, the first write creates the resource group, the account and the container, then the blob', async () => {
    const rev = await store().write({ manifest, signal, text: 'one', revision: undefined, create: true });
    expect(emu.writeCalls().map((c) => c.operation)).toEqual(['ResourceGroups_CreateOrUpdate', 'StorageAccounts_Create']);
    expect(lease()).toEqual(['PutBlob 404 ContainerNotFound', 'CreateContainer 201', 'PutBlob 201']);
    expect(await store().read({ manifest, signal })).toEqual({ text: 'one', revision: rev });
  });

  it('a failed condition is a precondition CloudError after one request: 409 BlobAlreadyExists, 412 ConditionNotMet', async () => {
    const cur = (await store().read({ manifest, signal }))!;
    emu.clearCalls();
    const exists = await store().write({ manifest, signal, text: 'two', revision: undefined, create: true }).catch((e: unknown) => e);
    expect(exists).toBeInstanceOf(CloudError);
    expect(exists).toMatchObject({ kind: 'precondition' });
    const next = await store().write({ manifest, signal, text: 'two', revision: cur.revision });
    expect(next).not.toBe(cur.revision);
    await expect(store().write({ manifest, signal, text: 'three', revision: cur.revision })).rejects.toMatchObject({ kind: 'precondition' });
    expect(lease()).toEqual(['PutBlob 409 BlobAlreadyExists', 'PutBlob 201', 'PutBlob 412 ConditionNotMet']);
    expect((await store().read({ manifest, signal }))!.text).toBe('two');
  });

  it('a retried write whose first attempt landed returns the revision it wrote (create and renewal)', async () => {
    const real = globalThis.fetch;
    let drop = 0;
    globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      const res = await real(input, init);
      if (init?.method === 'PUT' && String(input).includes('/fnx-lease/') && drop > 0) {
        drop -= 1;
        throw new TypeError('fetch failed: the answer was lost');
      }
      return res;
    }) as typeof fetch;
    try {
      const cur = (await store().read({ manifest, signal }))!;
      drop = 1;
      const renewed = await store().write({ manifest, signal, text: 'renewed', revision: cur.revision });
      expect(await store().read({ manifest, signal })).toEqual({ text: 'renewed', revision: renewed });
      await store().delete({ manifest, signal, revision: renewed });
      drop = 1;
      const created = await store().write({ manifest, signal, text: 'created', revision: undefined });
      expect(await store().read({ manifest, signal })).toEqual({ text: 'created', revision: created });
      // Not its own text there: still a precondition.
      drop = 1;
      await expect(store().write({ manifest, signal, text: 'other', revision: undefined })).rejects.toMatchObject({ kind: 'precondition' });
    } finally {
      globalThis.fetch = real;
    }
  });

  it('throttling, 500s and resets of blob calls are retried; the conditions still hold', async () => {
    emu.setFaults({ rate: 0.5, seed: 3, services: ['blob'], kinds: ['throttle', 'error500', 'reset'], retryAfterSeconds: 0 });
    let cur = (await store().read({ manifest, signal }))!;
    for (let i = 0; i < 5; i++) {
      const rev = await store().write({ manifest, signal, text: `faulted ${i}`, revision: cur.revision });
      cur = { text: `faulted ${i}`, revision: rev };
    }
    await expect(store().write({ manifest, signal, text: 'stale', revision: '"0x8DD000000000001"' })).rejects.toMatchObject({ kind: 'precondition' });
    emu.setFaults(undefined);
    expect(await store().read({ manifest, signal })).toEqual(cur);
    expect(emu.calls.filter((c) => c.service === 'blob' && c.fault).length).toBeGreaterThan(0);
  });

  it('delete: a stale revision is a precondition and keeps the record; the current one deletes it; a missing record is no error', async () => {
    const cur = (await store().read({ manifest, signal }))!;
    await expect(store().delete({ manifest, signal, revision: '"0x8DD000000000001"' })).rejects.toMatchObject({ kind: 'precondition' });
    expect(await store().read({ manifest, signal })).toEqual(cur);
    await store().delete({ manifest, signal, revision: cur.revision });
    expect(await store().read({ manifest, signal })).toBeUndefined();
    await store().delete({ manifest, signal, revision: cur.revision });
  });
});
