/**
 * Runtimes Azure Functions deploys (GA on Flex Consumption and Elastic Premium, Linux). Node 24 is
 * still preview on Azure, so fnx does not offer it there. Dates: the language's end of life, after
 * which Azure no longer supports the version (deploys still work).
 */
import type { RuntimeSupport } from '../../src/driver.js';

export const azureRuntimes: readonly RuntimeSupport[] = [
  { name: 'nodejs20', deprecated: '2026-04-30', reason: 'Node.js 20 reached end of life' },
  { name: 'nodejs22' },
  { name: 'python3.10', deprecated: '2026-10-31', reason: 'Python 3.10 reached end of life' },
  { name: 'python3.11' },
  { name: 'python3.12' },
  { name: 'python3.13' },
];

/** `functionAppConfig.runtime` (Flex) / the stack of `linuxFxVersion` (Premium) for a neutral runtime. */
export function azureRuntime(runtime: string): { name: 'node' | 'python'; version: string } | undefined {
  const node = /^nodejs(\d+)$/.exec(runtime);
  if (node) return { name: 'node', version: node[1]! };
  const py = /^python(3\.\d+)$/.exec(runtime);
  if (py) return { name: 'python', version: py[1]! };
  return undefined;
}
