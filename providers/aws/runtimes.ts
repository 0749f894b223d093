/** Runtimes AWS Lambda deploys (fnx name; the Lambda identifier is in desired.ts). */
import type { RuntimeSupport } from '../../src/driver.js';

export const awsRuntimes: readonly RuntimeSupport[] = [
  { name: 'nodejs20', deprecated: '2026-04-30', reason: 'Node.js 20 reached end of life' },
  { name: 'nodejs22' },
  { name: 'nodejs24' },
  { name: 'python3.10' },
  { name: 'python3.11' },
  { name: 'python3.12' },
  { name: 'python3.13' },
];
