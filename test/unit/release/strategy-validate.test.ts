/**
 * `fnx validate` (the built CLI) refuses a release strategy the traffic model of a provider's
 * config cannot do — a canary on Azure's Flex plan, which replaces the code in place — with the
 * function's position and a hint, and accepts it with Premium's slots or with a fallback.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capabilitiesFor } from '../../../providers/index.js';
import { strategyProblems } from '../../../src/release/strategy-support.js';
import { runFnx } from '../../helpers/cli.js';
import { check, tempDir } from '../manifest/fixtures.js';

const SUB = '00000000-0000-0000-0000-000000000000';

function manifest(azure: string, release: string): string {
  return `service: orders
providers:
  azure: { subscriptionId: "${SUB}", resourceGroup: orders, location: westeurope${azure} }
functions:
  api:
    handler: src/api.handler
    triggers:
      - http: { method: GET, path: /hello }
    release: ${release}
`;
}

function project(text: string): string {
  const cwd = tempDir();
  writeFileSync(join(cwd, 'fnx.yaml'), text);
  mkdirSync(join(cwd, 'src'));
  writeFileSync(join(cwd, 'src', 'api.js'), 'export async function handler() {}\n');
  return cwd;
}

describe('fnx validate: strategies and traffic models', () => {
  it('a canary on Azure Flex Consumption (the default plan): exit 2 with the position and how to fix it', async () => {
    const r = await runFnx(['validate'], { cwd: project(manifest('', '{ strategy: canary, percent: 10, wait: 5m }')) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'fnx.yaml:5:3: error [E_RELEASE_STRATEGY_UNSUPPORTED] api: a canary release is not possible on azure: it replaces the serving code with each release, so two versions never share traffic (traffic model "replace").',
    );
    expect(r.stderr).toContain('hint: Use `strategy: all-at-once` for api, or let fnx release it all at once on azure only: add `fallback: { azure: all-at-once }` to its release. On azure, the premium plan (`providers.azure.plan: premium`) has deployment slots');
    expect(r.stdout).toBe('');
  });

  it('the same canary on the Premium plan (slots), or with a fallback for azure: valid', async () => {
    for (const text of [manifest(', plan: premium', '{ strategy: canary, percent: 10, wait: 5m }'), manifest('', '{ strategy: canary, percent: 10, wait: 5m, fallback: { azure: all-at-once } }')]) {
      const r = await runFnx(['validate'], { cwd: project(text) });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
  });

  it('a fallback that is not all-at-once is a schema error', async () => {
    const r = await runFnx(['validate'], { cwd: project(manifest('', '{ strategy: canary, percent: 10, wait: 5m, fallback: { azure: linear } }')) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('fnx.yaml:9:');
    expect(r.stderr).toContain('all-at-once');
  });

  it("docs/manifest.md's complete example releases on every provider's traffic model, for every stage", async () => {
    const doc = readFileSync(new URL('../../../docs/manifest.md', import.meta.url), 'utf8');
    const example = /## A complete example\s+```yaml\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    for (const stage of ['dev', 'prod']) {
      const r = await check(example, { stage, env: { AZURE_SUBSCRIPTION_ID: SUB } });
      const m = r.manifest!;
      expect(strategyProblems(m, (p) => (m.providers[p] ? capabilitiesFor(p, m) : undefined)).map((e) => e.message)).toEqual([]);
    }
  });
});
