// Shared setup of the emulator tests: the unmodified clients pointed at the emulator, and a deploy helper.
import { v2 as functionsV2 } from '@google-cloud/functions';
import { RevisionsClient, ServicesClient } from '@google-cloud/run';
import { CloudSchedulerClient } from '@google-cloud/scheduler';
import type { GcpEmulator } from './index.js';

/** An empty zip archive (end-of-central-directory record only). */
export const EMPTY_ZIP = Buffer.concat([Buffer.from([0x50, 0x4b, 0x05, 0x06]), Buffer.alloc(18)]);

export interface Clients {
  functions: InstanceType<typeof functionsV2.FunctionServiceClient>;
  services: ServicesClient;
  revisions: RevisionsClient;
  scheduler: CloudSchedulerClient;
  close(): Promise<void>;
}

export function clients(emu: GcpEmulator): Clients {
  const o = emu.clientOptions();
  const c = {
    functions: new functionsV2.FunctionServiceClient(o),
    services: new ServicesClient(o),
    revisions: new RevisionsClient(o),
    scheduler: new CloudSchedulerClient(o),
  };
  return { ...c, close: async () => void (await Promise.all(Object.values(c).map((x) => x.close()))) };
}

export const LOCATION = 'us-central1';

export function parentOf(emu: GcpEmulator): string {
  return `projects/${emu.projectId}/locations/${LOCATION}`;
}

/** generateUploadUrl + PUT; returns the storageSource for buildConfig.source. */
export async function upload(c: Clients, emu: GcpEmulator, zip: Buffer = EMPTY_ZIP): Promise<{ bucket: string; object: string }> {
  const [res] = await c.functions.generateUploadUrl({ parent: parentOf(emu) });
  const put = await fetch(res.uploadUrl ?? '', { method: 'PUT', headers: { 'content-type': 'application/zip' }, body: zip });
  if (put.status !== 200) throw new Error(`upload PUT answered ${put.status}: ${await put.text()}`);
  return { bucket: res.storageSource?.bucket ?? '', object: res.storageSource?.object ?? '' };
}

/** A minimal valid HTTP function body. */
export function httpFunction(source: { bucket: string; object: string }, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    buildConfig: { runtime: 'nodejs22', entryPoint: 'handler', source: { storageSource: source } },
    serviceConfig: { timeoutSeconds: 60, availableMemory: '256Mi' },
    labels: { 'fnx-service': 'shop', 'fnx-stage': 'dev' },
    ...extra,
  };
}

/** Create a function and wait for its operation; returns the Function. */
export async function createFunction(c: Clients, emu: GcpEmulator, id: string, extra: Record<string, unknown> = {}) {
  const source = await upload(c, emu);
  const [op] = await c.functions.createFunction({ parent: parentOf(emu), functionId: id, function: httpFunction(source, extra) });
  const [fn] = await op.promise();
  return fn;
}

/** The gRPC status code of a rejected call (google-gax GoogleError.code). */
export async function codeOf(p: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as { code?: number; message?: string };
    return { code: e.code ?? -1, message: e.message ?? '' };
  }
  throw new Error('expected the call to be rejected');
}

export const Code = { INVALID_ARGUMENT: 3, NOT_FOUND: 5, ALREADY_EXISTS: 6, PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, ABORTED: 10, UNAVAILABLE: 14, UNAUTHENTICATED: 16 } as const;
