/** Runtimes Cloud Run functions deploys. Google decommissioned nodejs20: it can no longer be deployed. */
import type { RuntimeSupport } from '../../src/driver.js';

export const gcpRuntimes: readonly RuntimeSupport[] = [
  { name: 'nodejs20', deprecated: '2026-04-30', refused: '2026-10-30', reason: 'Google decommissioned the nodejs20 runtime' },
  { name: 'nodejs22' },
  { name: 'nodejs24' },
  { name: 'python3.10' },
  { name: 'python3.11' },
  { name: 'python3.12' },
  { name: 'python3.13' },
];
