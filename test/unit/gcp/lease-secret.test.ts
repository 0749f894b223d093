/**
 * The GCP stage record store (providers/gcp/lease-secret.ts) against the emulator's Secret Manager:
 * the StageRecordStore contract (src/driver.ts) with Google's answers mapped onto it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GcpClients, gcpSettings, retryable } from '../../../providers/gcp/clients.js';
import { leaseSecretStore } from '../../../providers/gcp/lease-secret.js';
import { CloudError, type ResolvedManifest, type StageRecordStore } from '../../../src/driver.js';
import { startGcpEmulator, type GcpEmulator } from '../../emulators/gcp/index.js';

let emu: GcpEmulator;
beforeAll(async () => {
  emu = await startGcpEmulator({ projectId: 'fnx-unit' });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => emu.reset());

const manifest = { service: 'shop', stage: 'dev' } as ResolvedManifest;
const signal = new AbortController().signal;
const req = { manifest, signal };

function store(project = 'fnx-unit'): { c: GcpClients; s: StageRecordStore } {
  const c = new GcpClients(gcpSettings({ project, region: 'europe-west1' }, emu.env()));
  return { c, s: leaseSecretStore(c) };
}

async function failure(p: Promise<unknown>): Promise<CloudError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof CloudError) return err;
    throw err;
  }
  throw new Error('expected a CloudError');
}

const err = (code: number, message: string) => Object.assign(new Error(`${code} ${message}`), { code });

describe('gcp stage record store', () => {
  it('a conditional call never retries a failed condition and translates it to precondition (exit 4)', () => {
    const c = new GcpClients(gcpSettings({ project: 'p', region: 'europe-west1' }, {}));
    for (const code of [9, 10, 6]) {
      expect(retryable(err(code, 'etag mismatch, try again'), { conditional: true })).toBe(false);
      const e = c.translate('UpdateSecret', err(code, 'etag mismatch'), { conditional: true }) as CloudError;
      expect([e.kind, e.exitCode]).toEqual(['precondition', 4]);
    }
    expect(retryable(err(14, 'unavailable'), { conditional: true })).toBe(true);
    expect((c.translate('UpdateSecret', err(9, 'etag mismatch')) as CloudError).kind).toBe('conflict');
  });

  it('create, conditional update and delete; stale revisions and a second create are precondition; nothing counts as a stage write', async () => {
    const { c, s } = store();
    expect(await s.read(req)).toBeUndefined();
    const r1 = await s.write({ ...req, text: 'one', revision: undefined, create: true });
    expect(emu.state.secrets.get('fnx-lease-shop-dev')?.resource).toMatchObject({
      annotations: { 'fnx-lease': 'one' },
      labels: { 'fnx-service': 'shop', 'fnx-stage': 'dev', 'fnx-lease': 'stage' },
      replication: { userManaged: { replicas: [{ location: 'europe-west1' }] } },
    });
    expect(await s.read(req)).toEqual({ text: 'one', revision: r1 });
    expect((await failure(s.write({ ...req, text: 'two', revision: undefined, create: true }))).kind).toBe('precondition');
    const r2 = await s.write({ ...req, text: 'two', revision: r1 });
    expect(r2).not.toBe(r1);
    expect((await failure(s.write({ ...req, text: 'stale', revision: r1 }))).kind).toBe('precondition');
    expect((await failure(s.delete({ ...req, revision: r1 }))).kind).toBe('precondition');
    expect(await s.read(req)).toEqual({ text: 'two', revision: r2 });
    await s.delete({ ...req, revision: r2 });
    expect(await s.read(req)).toBeUndefined();
    await s.delete({ ...req, revision: r2 });
    // Deleted meanwhile: no longer at that revision.
    expect((await failure(s.write({ ...req, text: 'three', revision: r2 }))).kind).toBe('precondition');
    expect(emu.state.secrets.size).toBe(0);
    // Each failed condition was sent once: never retried.
    expect(emu.leaseWrites().filter((x) => x.error).map((x) => `${x.rpc} ${x.error}`)).toEqual([
      'CreateSecret ALREADY_EXISTS',
      'UpdateSecret FAILED_PRECONDITION',
      'DeleteSecret FAILED_PRECONDITION',
      'DeleteSecret NOT_FOUND',
      'UpdateSecret NOT_FOUND',
    ]);
    expect(c.writes).toBe(0);
    expect(emu.writeCalls()).toEqual([]);
  });

  it('without create, a missing secret is not-found and nothing is created; one created meanwhile is precondition', async () => {
    const { s } = store();
    expect((await failure(s.write({ ...req, text: 'x', revision: undefined }))).kind).toBe('not-found');
    expect(emu.state.secrets.size).toBe(0);
    expect(emu.leaseWrites()).toEqual([]);
    await s.write({ ...req, text: 'other', revision: undefined, create: true });
    expect((await failure(s.write({ ...req, text: 'x', revision: undefined }))).kind).toBe('precondition');
  });

  it('UNAVAILABLE and RESOURCE_EXHAUSTED answers are retried to success', async () => {
    const { s } = store();
    emu.setFaults({ rate: 0.5, seed: 3, apis: ['secretmanager'] });
    let revision = await s.write({ ...req, text: 'a', revision: undefined, create: true });
    for (let i = 0; i < 5; i++) revision = await s.write({ ...req, text: `v${i}`, revision });
    expect(await s.read(req)).toEqual({ text: 'v4', revision });
    await s.delete({ ...req, revision });
    expect(emu.calls.filter((x) => x.fault).length).toBeGreaterThan(0);
    expect(emu.state.secrets.size).toBe(0);
  });

  it('refused permissions name what the lease needs', async () => {
    const { s } = store('someone-else');
    const e = await failure(s.read(req));
    expect(e.kind).toBe('unauthorized');
    expect(e.hint).toContain('secretmanager.secrets.get, .create, .update and .delete');
  });
});
