/**
 * The stage lease record on Azure (StageRecordStore, src/driver.ts): the block blob
 * `fnx-lease/<service>-<stage>.json` in the stage's storage account, reached on the blob endpoint
 * with a bearer token for https://storage.azure.com, as the driver's package uploads are (the
 * identity needs Storage Blob Data Contributor on the account). Its ETag is the revision.
 *   read   GET; a missing account, container or blob is no record.
 *   write  PUT with `If-None-Match: *` (no record yet) or `If-Match: <etag>`. Azure answers 409
 *          BlobAlreadyExists / 412 ConditionNotMet when the condition fails: 'precondition', never
 *          retried. When a retried PUT finds the record already holding this text, the first
 *          attempt landed and its ETag is the new revision. With `create`, a missing account
 *          (and resource group) is created as deploy creates it, and a missing container.
 *   delete DELETE with `If-Match`; a missing account, container or blob is no error.
 * Lease calls are not counted as the stage's writes (AzureClients.writes).
 */
import { CloudError, type StageRecord, type StageRecordRequest, type StageRecordStore } from '../../src/driver.js';
import type { AzureClients } from './clients.js';
import { azureConfig } from './config.js';
import { ensureStorageAccount, stageAccountName } from './storage-account.js';

const LEASE_CONTAINER = 'fnx-lease';
const STORAGE_SCOPE = 'https://storage.azure.com/.default';
const VERSION = '2023-11-03';

interface BlobAnswer {
  readonly status: number;
  readonly code: string;
  readonly etag: string;
  readonly text: string;
}

/** A failed answer as the retry wrapper and toCloudError read it (status and Azure's error code; AzureClients.call names the call). */
function failure(r: BlobAnswer): Error {
  return Object.assign(new Error(r.code ? `HTTP ${r.status}` : `HTTP ${r.status} ${r.text.slice(0, 200)}`.trim()), { statusCode: r.status, code: r.code });
}

function unauthorized(what: string, r: BlobAnswer): CloudError {
  return new CloudError('azure', 'unauthorized', `${what}: ${r.status} ${r.code}`, {
    hint: 'The stage lease is a blob in the stage\'s storage account, written with the identity fnx signed in with: it needs the role Storage Blob Data Contributor on that account (or its resource group).',
  });
}

/** `heard` routes retry notices to the request's reporter (index.ts). */
export function leaseBlobStore(az: AzureClients, heard: <R extends StageRecordRequest>(req: R) => R = (req) => req): StageRecordStore {
  /** The blob URL of the stage's record, or undefined when its storage account does not exist. */
  const blobUrl = async (req: StageRecordRequest): Promise<{ container: string; blob: string } | undefined> => {
    heard(req);
    const rg = azureConfig(req.manifest)!.resourceGroup;
    const name = stageAccountName(req.manifest, az.settings.subscriptionId);
    const account = await az.find(`read storage account ${name}`, () => az.storage.storageAccounts.getProperties(rg, name));
    return account ? urls(account.primaryEndpoints?.blob ?? '', req) : undefined;
  };
  const urls = (endpoint: string, req: StageRecordRequest) => {
    if (!endpoint) throw new CloudError('azure', 'unavailable', `The storage account ${stageAccountName(req.manifest, az.settings.subscriptionId)} reports no blob endpoint (it is still being created): run the command again.`);
    const container = `${endpoint.replace(/\/+$/, '')}/${LEASE_CONTAINER}`;
    return { container, blob: `${container}/${encodeURIComponent(`${req.manifest.service}-${req.manifest.stage}`)}.json` };
  };
  /** One blob request through AzureClients.call: a 2xx answer or an `expected` one comes back; other failures are thrown (and retried when transient). */
  const request = (what: string, url: string, init: { method: string; body?: Buffer; headers?: Record<string, string> }, expected: (a: BlobAnswer) => boolean, onAttempt?: () => void): Promise<BlobAnswer> =>
    az.call(what, async () => {
      onAttempt?.();
      const r = await az.fetch(url, { ...init, scope: STORAGE_SCOPE, headers: { 'x-ms-version': VERSION, ...(init.headers ?? {}) } });
      const answer = { status: r.status, code: r.headers.get('x-ms-error-code') ?? '', etag: r.headers.get('etag') ?? '', text: await r.text() };
      if ((answer.status >= 200 && answer.status < 300) || expected(answer)) return answer;
      if (answer.status === 401 || answer.status === 403) throw unauthorized(what, answer);
      throw failure(answer);
    });

  const readAt = async (blob: string, what: string): Promise<StageRecord | undefined> => {
    const r = await request(what, blob, { method: 'GET' }, (a) => a.status === 404);
    if (r.status === 404) return undefined;
    return { text: r.text, revision: r.etag };
  };

  return {
    read: async (req) => {
      const at = await blobUrl(req);
      return at ? readAt(at.blob, 'read the stage lease') : undefined;
    },

    write: async (req) => {
      const what = 'write the stage lease';
      let at = await blobUrl(req);
      if (!at) {
        if (!req.create) throw new CloudError('azure', 'not-found', `${what}: the stage's storage account ${stageAccountName(req.manifest, az.settings.subscriptionId)} does not exist (the stage was never deployed).`);
        at = urls((await ensureStorageAccount(az, req.manifest)).primaryEndpoints?.blob ?? '', req);
      }
      const headers = { 'x-ms-blob-type': 'BlockBlob', 'x-ms-blob-content-type': 'application/json', ...(req.revision === undefined ? { 'if-none-match': '*' } : { 'if-match': req.revision }) };
      const body = Buffer.from(req.text);
      for (let round = 0; ; round++) {
        let attempts = 0;
        const r = await request(what, at.blob, { method: 'PUT', body, headers }, (a) => a.status === 404 || a.status === 412 || (a.status === 409 && a.code === 'BlobAlreadyExists'), () => (attempts += 1));
        if (r.status === 201) return r.etag;
        if (r.status === 404) {
          if (!req.create || r.code !== 'ContainerNotFound' || round > 0) throw new CloudError('azure', 'not-found', `${what}: the storage account has no container ${LEASE_CONTAINER} (${r.code || r.status}).`);
          await request('create the stage lease container', `${at.container}?restype=container`, { method: 'PUT' }, (a) => a.status === 409 && a.code === 'ContainerAlreadyExists');
          continue;
        }
        // A retried PUT whose first attempt landed finds its own text there.
        if (attempts > 1) {
          const now = await readAt(at.blob, 'read the stage lease');
          if (now?.text === req.text) return now.revision;
        }
        throw new CloudError('azure', 'precondition', `${what}: another run changed the record since it was read (${r.code || r.status}).`);
      }
    },

    delete: async (req) => {
      const at = await blobUrl(req);
      if (!at) return;
      const r = await request('delete the stage lease', at.blob, { method: 'DELETE', headers: { 'if-match': req.revision } }, (a) => a.status === 404 || a.status === 412);
      if (r.status === 412) throw new CloudError('azure', 'precondition', `delete the stage lease: another run changed the record since it was read (${r.code || r.status}).`);
    },
  };
}
