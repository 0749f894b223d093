/**
 * PLACEHOLDER (being replaced): the stage record store of this provider (src/driver.ts
 * StageRecordStore). Until it lands, the lease is not stored: every write succeeds.
 */
import type { StageRecordStore } from '../../src/driver.js';

export function stageRecordStore(): StageRecordStore {
  return {
    read: async () => undefined,
    write: async () => 'none',
    delete: async () => undefined,
  };
}
