/**
 * Shared set-up of the Azure end-to-end tests: the Azure emulator in-process (ARM, Entra ID
 * token endpoint, scm, blob), temp projects, and a runner of the built CLI with the emulator's
 * env() (AZURE_RESOURCE_MANAGER_ENDPOINT, AZURE_AUTHORITY_HOST, a service principal,
 * AZURE_SUBSCRIPTION_ID, NODE_EXTRA_CA_CERTS): the unmodified SDKs reach it as they reach Azure.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runFnx, type CliResult, type RunOptions } from '../../helpers/cli.js';
import { startAzureEmulator, type AzureEmulator } from '../../emulators/azure/index.js';

export const SERVICE = 'shop';

export function startWorld(): Promise<AzureEmulator> {
  return startAzureEmulator();
}

export type Files = Record<string, string>;

export async function writeProject(dir: string, files: Files): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

export async function newProject(files: Files): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fnx-azure-e2e-'));
  await writeProject(dir, files);
  return dir;
}

export function fnx(emu: AzureEmulator, cwd: string, args: readonly string[], opts: RunOptions = {}): Promise<CliResult> {
  return runFnx(args, { cwd, timeoutMs: 90_000, ...opts, env: { ...emu.env(), FNX_TIME_SCALE: '0.001', ...opts.env } });
}

/** The test project: an http function with a canary and a health gate, and a queue worker. */
export function shopFiles(plan: 'flex' | 'premium', overrides: { api?: string; release?: string } = {}): Files {
  const release = overrides.release ?? (plan === 'premium' ? '{ strategy: canary, percent: 25, wait: 5m, health: { alarms: [shop-errors] } }' : '{ strategy: all-at-once, health: { alarms: [shop-errors] } }');
  return {
    'fnx.yaml': `service: ${SERVICE}
providers:
  azure: { resourceGroup: shop-rg, location: westeurope, plan: ${plan} }
defaults:
  runtime: nodejs22
functions:
  api:
    handler: src/api.handler
    package: { include: ["src/api.js"] }
    release: ${release}
    triggers:
      - http: { method: GET, path: /hello }
  worker:
    handler: src/worker.handler
    package: { include: ["src/worker.js"] }
    triggers:
      - queue: { name: jobs }
`,
    'package.json': '{ "name": "shop", "version": "1.0.0", "type": "module" }\n',
    'src/api.js': overrides.api ?? 'export const handler = async () => ({ statusCode: 200, body: "v1" });\n',
    'src/worker.js': 'export const handler = async () => ({});\n',
  };
}
