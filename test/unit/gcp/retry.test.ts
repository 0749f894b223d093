/** Which Google Cloud failures the GCP driver calls again (the generated clients retry none of fnx's methods). */
import { describe, expect, it } from 'vitest';
import { GcpClients, gcpSettings, retryable, statusOf } from '../../../providers/gcp/clients.js';
import { CloudError } from '../../../src/driver.js';

const err = (code: number, message: string) => Object.assign(new Error(`${code} ${message}`), { code });

describe('gcp retries', () => {
  it('UNAVAILABLE and RESOURCE_EXHAUSTED are retried; invalid input and not-found are not', () => {
    expect(retryable(err(14, 'Service unavailable'))).toBe(true);
    expect(retryable(err(8, 'Quota exceeded'))).toBe(true);
    expect(retryable(err(3, 'Invalid update mask path'))).toBe(false);
    expect(retryable(err(5, 'Function not found'))).toBe(false);
  });

  it('an operation in progress is waited out; an etag mismatch on a traffic write is not', () => {
    const busy = err(10, 'An operation on function f in region r in project p is already in progress. Please try again later.');
    expect(retryable(busy)).toBe(true);
    expect(retryable(err(9, "Service 's' is being updated by an operation in progress; try again when it is done."))).toBe(true);
    const etag = err(10, "Conflict for resource 's': the etag '\"1\"' does not match the current etag '\"2\"'.");
    expect(retryable(etag, { etag: true })).toBe(false);
    expect(retryable(err(9, 'Billing is disabled'))).toBe(false);
  });

  it('an etag mismatch is a precondition failure (exit 4), other failures name the call and the status', () => {
    const c = new GcpClients(gcpSettings({ project: 'my-project', region: 'europe-west1' }, {}));
    const pre = c.translate('UpdateService', err(10, 'etag mismatch'), { etag: true });
    expect(pre).toBeInstanceOf(CloudError);
    expect([(pre as CloudError).kind, pre.exitCode]).toEqual(['precondition', 4]);
    const bad = c.translate('UpdateFunction', err(3, 'INVALID_ARGUMENT: bad mask'));
    expect([(bad as CloudError).kind, bad.message]).toEqual(['invalid', 'UpdateFunction failed: INVALID_ARGUMENT: bad mask']);
    expect(statusOf(new Error('fetch failed'))).toBe('UNAVAILABLE');
  });
});
