// Blob data plane, path-style as Azurite (https://127.0.0.1:<blobPort>/<account>/<container>/<blob>),
// so @azure/storage-blob clients work against it: create container, list blobs, put (single-shot
// BlockBlob) / get / head / delete blob, x-ms-meta-* metadata, the conditional headers If-Match and
// If-None-Match ("Specifying conditional headers for Blob service operations"; a new ETag on every
// write). Authorization: an Entra bearer token for https://storage.azure.com (with x-ms-version ≥
// 2017-11-09), SharedKey (signature not verified) or a SAS (`sig` present). XML errors.
import type { Emulator } from './emulator.js';
import type { HttpReq, HttpRes } from './protocol.js';
import type { BlobContainer, StoredBlob } from './state.js';

const VERSION = '2025-11-05';

/** The container holding fnx's stage lease records (calls on it are CallRecord.lease). */
export const LEASE_CONTAINER = 'fnx-lease';

let etagSeq = 0;

/** A fresh ETag, unique per write (Azure's look: 0x and 15 hex digits). */
function newBlobEtag(): string {
  etagSeq += 1;
  return `"0x8DD${(Date.now() % 0x1000000).toString(16).toUpperCase().padStart(6, '0')}${etagSeq.toString(16).toUpperCase().padStart(6, '0')}"`;
}

const unquote = (s: string) => s.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');

/**
 * If-Match / If-None-Match of a blob request against the blob as it is (undefined: missing), as
 * Azure evaluates them: the error answer, or undefined to go on. Writes: a condition not met is 412
 * ConditionNotMet (If-Match on a missing blob too), except Put Blob's `If-None-Match: *` on an
 * existing blob, 409 BlobAlreadyExists. Reads: If-None-Match matching is 304, If-Match not matching
 * 412. One ETag per header, and If-Match with If-None-Match together, are 400.
 */
function conditionFails(req: HttpReq, existing: StoredBlob | undefined): HttpRes | undefined {
  const ifMatch = header(req, 'if-match');
  const ifNoneMatch = header(req, 'if-none-match');
  if ((ifMatch && ifMatch.includes(',')) || (ifNoneMatch && ifNoneMatch.includes(',')) || (ifMatch && ifNoneMatch)) {
    return xmlError(400, 'MultipleConditionHeadersNotSupported', 'Multiple condition headers are not supported.');
  }
  const read = req.method === 'GET' || req.method === 'HEAD';
  const notMet = () => (read && ifNoneMatch ? { status: 304, headers: { 'x-ms-error-code': 'ConditionNotMet', 'x-ms-version': VERSION } } : xmlError(412, 'ConditionNotMet', 'The condition specified using HTTP conditional header(s) is not met.'));
  if (ifMatch) {
    if (!existing) return read || req.method === 'DELETE' ? undefined : notMet();
    if (ifMatch.trim() !== '*' && unquote(ifMatch) !== unquote(existing.etag)) return notMet();
  }
  if (ifNoneMatch && existing) {
    if (ifNoneMatch.trim() === '*') return req.method === 'PUT' ? xmlError(409, 'BlobAlreadyExists', 'The specified blob already exists.') : notMet();
    if (unquote(ifNoneMatch) === unquote(existing.etag)) return notMet();
  }
  return undefined;
}

function header(req: HttpReq, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' && v.length ? v : undefined;
}

function xmlError(status: number, code: string, message: string): HttpRes {
  return {
    status,
    headers: { 'content-type': 'application/xml', 'x-ms-error-code': code, 'x-ms-version': VERSION },
    body: `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${esc(message)}</Message></Error>`,
  };
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function blobOperation(req: HttpReq): string {
  const n = req.segments.length;
  const restype = req.query.get('restype');
  if (n === 2 && restype === 'container') return req.method === 'PUT' ? 'CreateContainer' : req.query.get('comp') === 'list' ? 'ListBlobs' : req.method === 'DELETE' ? 'DeleteContainer' : 'GetContainerProperties';
  if (n >= 3) return ({ PUT: 'PutBlob', GET: 'GetBlob', HEAD: 'GetBlobProperties', DELETE: 'DeleteBlob' } as Record<string, string>)[req.method] ?? 'Unknown';
  return 'Unknown';
}

/** undefined when authorized, else the error answer. */
function unauthorized(emu: Emulator, req: HttpReq): HttpRes | undefined {
  const h = req.headers.authorization;
  if (req.query.get('sig')) return undefined;
  const denied = xmlError(403, 'AuthenticationFailed', 'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.');
  if (!h) return xmlError(403, 'NoAuthenticationInformation', 'Server failed to authenticate the request. Please refer to the information in the www-authenticate header.');
  if (/^SharedKey\s+[a-z0-9]+:/i.test(h)) return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(h);
  if (!m) return denied;
  const version = String(req.headers['x-ms-version'] ?? '');
  if (!version || version < '2017-11-09') return xmlError(400, 'InvalidAuthenticationInfo', 'Authentication scheme Bearer is not supported in this version.');
  const aud = emu.state.tokens.get(m[1]!.trim());
  if (aud === undefined) return xmlError(401, 'InvalidAuthenticationInfo', 'Server failed to authenticate the request. Please refer to the information in the www-authenticate header.');
  if (aud !== 'https://storage.azure.com') return xmlError(401, 'InvalidAuthenticationInfo', `Audience validation failed. Audience did not match (got '${aud}', expected https://storage.azure.com).`);
  return undefined;
}

function blobHeaders(b: StoredBlob): Record<string, string> {
  const h: Record<string, string> = {
    'content-type': b.contentType,
    'content-length': String(b.data.length),
    etag: b.etag,
    'last-modified': new Date(b.lastModified).toUTCString(),
    'x-ms-blob-type': 'BlockBlob',
    'x-ms-version': VERSION,
    'x-ms-server-encrypted': 'true',
    'accept-ranges': 'bytes',
  };
  for (const [k, v] of Object.entries(b.metadata)) h[`x-ms-meta-${k}`] = v;
  return h;
}

function listXml(c: BlobContainer, account: string, prefix: string, baseUrl: string): string {
  const items = [...c.blobs.entries()]
    .filter(([n]) => n.startsWith(prefix))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(
      ([n, b]) =>
        `<Blob><Name>${esc(n)}</Name><Properties><Last-Modified>${new Date(b.lastModified).toUTCString()}</Last-Modified><Etag>${b.etag}</Etag><Content-Length>${b.data.length}</Content-Length><Content-Type>${esc(b.contentType)}</Content-Type><BlobType>BlockBlob</BlobType><LeaseStatus>unlocked</LeaseStatus><LeaseState>available</LeaseState><ServerEncrypted>true</ServerEncrypted></Properties>${
          Object.keys(b.metadata).length ? `<Metadata>${Object.entries(b.metadata).map(([k, v]) => `<${k}>${esc(v)}</${k}>`).join('')}</Metadata>` : ''
        }</Blob>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="utf-8"?><EnumerationResults ServiceEndpoint="${baseUrl}/${account}/" ContainerName="${esc(c.name)}">${prefix ? `<Prefix>${esc(prefix)}</Prefix>` : ''}<Blobs>${items}</Blobs><NextMarker /></EnumerationResults>`;
}

export function handleBlob(emu: Emulator, req: HttpReq): HttpRes {
  const denied = unauthorized(emu, req);
  if (denied) return denied;
  const [accountName, containerName, ...rest] = req.segments;
  const account = accountName ? emu.state.storageAccounts.get(accountName) : undefined;
  if (!account) return xmlError(404, 'ResourceNotFound', 'The specified resource does not exist.');
  if (!containerName) return xmlError(400, 'InvalidUri', 'The requested URI does not represent any resource on the server.');
  const container = account.containers.get(containerName);
  const blobName = rest.join('/');
  if (!blobName) {
    if (req.query.get('restype') !== 'container') return xmlError(400, 'InvalidUri', 'The requested URI does not represent any resource on the server.');
    if (req.method === 'PUT') {
      if (container) return xmlError(409, 'ContainerAlreadyExists', 'The specified container already exists.');
      account.containers.set(containerName, { name: containerName, blobs: new Map() });
      return { status: 201, headers: { etag: newBlobEtag(), 'last-modified': new Date(emu.now()).toUTCString(), 'x-ms-version': VERSION } };
    }
    if (!container) return xmlError(404, 'ContainerNotFound', 'The specified container does not exist.');
    if (req.method === 'GET' && req.query.get('comp') === 'list') {
      return { status: 200, headers: { 'content-type': 'application/xml', 'x-ms-version': VERSION }, body: listXml(container, account.name, req.query.get('prefix') ?? '', emu.blobUrl) };
    }
    if (req.method === 'DELETE') {
      account.containers.delete(containerName);
      return { status: 202, headers: { 'x-ms-version': VERSION } };
    }
    return { status: 200, headers: { 'x-ms-version': VERSION, etag: '"0x1"' } };
  }
  if (!container) return xmlError(404, 'ContainerNotFound', 'The specified container does not exist.');
  const existing = container.blobs.get(blobName);
  if (req.method === 'PUT') {
    if (req.query.get('comp')) return xmlError(400, 'UnsupportedQueryParameter', `comp=${req.query.get('comp')} is not emulated (upload in one request).`);
    if (req.headers['x-ms-blob-type'] !== 'BlockBlob') return xmlError(400, 'InvalidHeaderValue', 'The value for one of the HTTP headers is not in the correct format: x-ms-blob-type.');
    const failed = conditionFails(req, existing);
    if (failed) return failed;
    const metadata: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (k.startsWith('x-ms-meta-') && typeof v === 'string') metadata[k.slice('x-ms-meta-'.length)] = v;
    const b: StoredBlob = {
      data: req.body,
      contentType: String(req.headers['x-ms-blob-content-type'] ?? 'application/octet-stream'),
      metadata,
      etag: newBlobEtag(),
      lastModified: emu.now(),
    };
    container.blobs.set(blobName, b);
    return { status: 201, headers: { etag: b.etag, 'last-modified': new Date(b.lastModified).toUTCString(), 'x-ms-version': VERSION, 'x-ms-request-server-encrypted': 'true' } };
  }
  if (!existing) return xmlError(404, 'BlobNotFound', 'The specified blob does not exist.');
  const failed = conditionFails(req, existing);
  if (failed) return failed;
  if (req.method === 'GET') return { status: 200, headers: blobHeaders(existing), body: existing.data };
  if (req.method === 'HEAD') return { status: 200, headers: blobHeaders(existing) };
  if (req.method === 'DELETE') {
    container.blobs.delete(blobName);
    return { status: 202, headers: { 'x-ms-version': VERSION, 'x-ms-delete-type-permanent': 'true' } };
  }
  return xmlError(405, 'UnsupportedHttpVerb', 'The resource doesn\'t support the specified HTTP verb.');
}
