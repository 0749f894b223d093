/**
 * Which failures the Azure driver's call wrapper retries: the cloud's transient answers, never a
 * verdict fnx itself reached inside the call (a credential that was refused fails at once, with
 * the credential error, instead of 12 attempts later).
 */
import { describe, expect, it } from 'vitest';
import { AzureClients } from '../../../providers/azure/clients.js';
import { FnxError } from '../../../src/errors.js';

function clients(getToken: () => Promise<never>): AzureClients {
  return new AzureClients({ subscriptionId: '00000000-0000-0000-0000-000000000000', armEndpoint: 'https://127.0.0.1:1', armScope: 'https://management.azure.com/.default', local: true, credential: { getToken }, tried: 'a test credential' });
}

describe('azure call retries', () => {
  it('a refused credential inside a call is not retried: one attempt, E_AZURE_CREDENTIALS', async () => {
    let attempts = 0;
    const c = clients(async () => {
      attempts += 1;
      throw new Error('the authority refused the client secret');
    });
    const err = await c.call('read the blob', () => c.token('https://storage.azure.com/.default')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FnxError);
    expect((err as FnxError).code).toBe('E_AZURE_CREDENTIALS');
    expect((err as FnxError).message).toContain('fnx tried a test credential');
    expect(attempts).toBe(1);
  });

  it('a transient failure is still retried', async () => {
    let attempts = 0;
    const c = clients(async () => {
      throw new Error('unused');
    });
    const out = await c.call('read', async () => {
      attempts += 1;
      if (attempts < 3) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      return 'ok';
    });
    expect(out).toBe('ok');
    expect(attempts).toBe(3);
  });
});
