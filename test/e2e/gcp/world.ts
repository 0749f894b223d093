/**
 * Shared set-up of the Google Cloud end-to-end tests: the in-process emulator (test/emulators/gcp),
 * temp projects, and a runner for the built CLI that reaches the emulator only through the
 * environment fnx documents (FNX_GCP_ENDPOINT, GOOGLE_APPLICATION_CREDENTIALS, GOOGLE_CLOUD_PROJECT).
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runFnx, type CliResult, type RunOptions } from '../../helpers/cli.js';
import { startGcpEmulator, type GcpEmulator, type GcpEmulatorOptions } from '../../emulators/gcp/index.js';

export const SERVICE = 'shop';
export const PROJECT = 'fnx-e2e';

export function startWorld(opts: GcpEmulatorOptions = {}): Promise<GcpEmulator> {
  return startGcpEmulator({ projectId: PROJECT, ...opts });
}

export type Files = Record<string, string>;

export async function writeProject(dir: string, files: Files): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

export async function newProject(files: Files): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fnx-gcp-e2e-'));
  await writeProject(dir, files);
  return dir;
}

export function fnx(emu: GcpEmulator, cwd: string, args: readonly string[], opts: RunOptions = {}): Promise<CliResult> {
  return runFnx(args, { cwd, timeoutMs: 90_000, ...opts, env: { ...emu.env(), ...opts.env } });
}

/** The standard project: an http function with a canary policy, and one function per event trigger kind. */
export function shopFiles(overrides: { api?: string; release?: string; extra?: string } = {}): Files {
  return {
    'fnx.yaml': `service: ${SERVICE}
providers:
  gcp: { project: ${PROJECT}, region: europe-west1, serviceAccount: "fn@${PROJECT}.iam.gserviceaccount.com" }
defaults:
  runtime: nodejs22
functions:
  api:
    handler: src/api.handler
    memory: 256
    environment: { GREETING: hello }
    secrets: { DB_PASSWORD: "\${secret:shop/db-password}" }
    triggers:
      - http: { method: GET, path: /hello }
      - schedule: { cron: "0 2 * * *" }
${overrides.release ?? ''}  worker:
    handler: src/worker.handler
    triggers:
      - queue: { name: jobs }
  events:
    handler: src/worker.handler
    triggers:
      - topic: { name: orders }
  uploads:
    handler: src/worker.handler
    triggers:
      - storage: { bucket: uploads, events: [created] }
${overrides.extra ?? ''}`,
    'package.json': '{ "name": "shop", "type": "module" }\n',
    'src/api.js': overrides.api ?? 'export const handler = async () => ({ statusCode: 200, body: "hi" });\n',
    'src/worker.js': 'export const handler = async () => ({});\n',
  };
}

/** The stage lease secret's id (providers/gcp/lease-secret.ts). */
export function leaseSecret(stage: string, service = SERVICE): string {
  return `fnx-lease-${service}-${stage}`;
}

/** The lease record's text in the emulator (the secret's `fnx-lease` annotation), undefined without the secret. */
export function leaseText(emu: GcpEmulator, stage: string, service = SERVICE): string | undefined {
  const rec = emu.state.secrets.get(leaseSecret(stage, service));
  return rec ? (((rec.resource.annotations ?? {}) as Record<string, string>)['fnx-lease'] ?? '') : undefined;
}

/** Writes the lease record as another run would, over the emulator's Secret Manager REST API (created when missing). */
export async function plantLease(emu: GcpEmulator, stage: string, text: string, service = SERVICE): Promise<void> {
  const headers = { authorization: `Bearer ${emu.accessToken()}`, 'content-type': 'application/json' };
  const base = `${emu.url}/v1/projects/${emu.projectId}/secrets`;
  const id = leaseSecret(stage, service);
  const current = emu.state.secrets.get(id);
  const res = current
    ? await fetch(`${base}/${id}?updateMask=annotations`, { method: 'PATCH', headers, body: JSON.stringify({ etag: current.etag, annotations: { 'fnx-lease': text } }) })
    : await fetch(`${base}?secretId=${id}`, { method: 'POST', headers, body: JSON.stringify({ replication: { automatic: {} }, annotations: { 'fnx-lease': text } }) });
  if (!res.ok) throw new Error(`planting the lease answered ${res.status}: ${await res.text()}`);
}
