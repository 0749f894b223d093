// Event Grid subscription names and the comparison that decides no-change vs update.
import { describe, expect, it } from 'vitest';
import { sameSubscription, subscriptionName, type EventSubscriptionSpec } from '../../../providers/azure/event-grid.js';

const base: EventSubscriptionSpec = { name: 'n', function: 'f', scope: '/s/A', destination: '/d/functions/f_storage0', filter: { includedEventTypes: ['Microsoft.Storage.BlobCreated', 'Microsoft.Storage.BlobDeleted'], subjectBeginsWith: '/blobServices/default/containers/c/blobs/' } };

describe('azure event subscriptions', () => {
  it('names are stable per app and binding, distinct across apps, and valid Event Grid names', () => {
    expect(subscriptionName('shop-dev-ingest-ab12cd', 'ingest_storage0')).toBe(subscriptionName('shop-dev-ingest-ab12cd', 'ingest_storage0'));
    expect(subscriptionName('shop-dev-ingest-ab12cd', 'ingest_storage0')).not.toBe(subscriptionName('shop-prod-ingest-ef34ab', 'ingest_storage0'));
    const long = subscriptionName('x'.repeat(32), `${'very_long_function_name_'.repeat(4)}topic3`);
    expect(long).toMatch(/^[A-Za-z0-9-]{3,64}$/);
  });

  it('the same filter in another order is no change; another prefix, suffix or destination is', () => {
    expect(sameSubscription(base, { ...base, scope: '/S/a', filter: { ...base.filter, includedEventTypes: [...base.filter.includedEventTypes!].reverse() } })).toBe(true);
    expect(sameSubscription(base, { ...base, filter: { ...base.filter, subjectBeginsWith: '/blobServices/default/containers/c/blobs/in/' } })).toBe(false);
    expect(sameSubscription(base, { ...base, filter: { ...base.filter, subjectEndsWith: '.csv' } })).toBe(false);
    expect(sameSubscription(base, { ...base, destination: '/d/functions/f_storage1' })).toBe(false);
  });
});
