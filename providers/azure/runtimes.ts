/** Runtimes Azure Functions deploys (GA on the Flex Consumption plan; Node 24 is still preview). */
import type { RuntimeSupport } from '../../src/driver.js';

export const azureRuntimes: readonly RuntimeSupport[] = [
  { name: 'nodejs20', deprecated: '2026-04-30', reason: 'Node.js 20 reached end of life' },
  { name: 'nodejs22' },
  { name: 'python3.10' },
  { name: 'python3.11' },
  { name: 'python3.12' },
];
