/** Runtimes carry per-provider dates (provider modules' runtime tables): `fnx validate` as users run it. */
import { describe, expect, it } from 'vitest';
import { runFnx } from '../../helpers/cli.js';
import { project } from './fixtures.js';

const PROVIDERS = {
  aws: '  aws: { region: us-east-1 }',
  azure: '  azure: { subscriptionId: 00000000-0000-0000-0000-000000000000, resourceGroup: rg, location: westeurope }',
  gcp: '  gcp: { project: my-project, region: europe-west1 }',
};

function manifest(providers: (keyof typeof PROVIDERS)[], runtime?: string): string {
  return `service: orders\nproviders:\n${providers.map((p) => PROVIDERS[p]).join('\n')}\nfunctions:\n  api:\n    handler: src/api.handler\n${runtime ? `    runtime: ${runtime}\n` : ''}`;
}

describe('runtime dates per provider', () => {
  it('the default runtime (nodejs22) validates on every provider without a warning', async () => {
    const r = await runFnx(['validate', '--json'], { cwd: project(manifest(['aws', 'azure', 'gcp'])) });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, functions: [{ name: 'api', runtime: 'nodejs22' }] });
  });

  it('nodejs20 on gcp fails at the runtime value with the decommission date (exit 2)', async () => {
    const r = await runFnx(['validate'], { cwd: project(manifest(['gcp'], 'nodejs20')) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'fnx.yaml:7:14: error [E_PROVIDER_RUNTIME_RETIRED] Runtime `nodejs20` can no longer be deployed to gcp since 2026-10-30 (Google decommissioned the nodejs20 runtime) (function `api`).',
    );
    expect(r.stderr).toContain('Use `runtime: nodejs22` (or `nodejs24`), or deploy these functions elsewhere with `providers:`.');
  });

  it('nodejs20 on aws and azure is a warning with Node’s end-of-life date; validate still passes', async () => {
    const r = await runFnx(['validate'], { cwd: project(manifest(['aws', 'azure'], 'nodejs20')) });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning: fnx.yaml:8:14: [W_RUNTIME_DEPRECATED] Runtime `nodejs20` is deprecated on aws since 2026-04-30 (Node.js 20 reached end of life) (function `api`).');
    expect(r.stderr).toContain('[W_RUNTIME_DEPRECATED] Runtime `nodejs20` is deprecated on azure since 2026-04-30');
    expect(r.stdout).toContain('is valid');
  });
});
