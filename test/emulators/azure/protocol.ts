// Request/response shapes shared by the emulator's handlers, and the two error bodies Azure uses:
// ARM and most resource providers answer {"error":{"code","message"}}; the App Service resource
// provider (Microsoft.Web) answers {"Code","Message","Target","Details":[...],"Innererror"}.
import type { IncomingHttpHeaders } from 'node:http';
import { createHash, randomUUID } from 'node:crypto';
import type { Json } from './state.js';

export interface HttpReq {
  method: string;
  /** Path as sent, without the query. */
  path: string;
  /** Decoded path segments. */
  segments: string[];
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpRes {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export type ErrorStyle = 'arm' | 'web';

/** An error answered to the caller in the style of the resource provider that raised it. */
export class AzureError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly style: ErrorStyle = 'arm',
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Microsoft.Web error (App Service style body). */
export function webError(status: number, code: string, message: string): AzureError {
  return new AzureError(status, code, message, 'web');
}

export function errorResponse(err: AzureError): HttpRes {
  const body =
    err.style === 'web'
      ? {
          Code: err.code,
          Message: err.message,
          Target: null,
          Details: [{ Message: err.message }, { Code: err.code }, { ErrorEntity: { ExtendedCode: '', MessageTemplate: err.message, Parameters: [], Code: err.code, Message: err.message } }],
          Innererror: null,
        }
      : { error: { code: err.code, message: err.message } };
  return { status: err.status, headers: { 'content-type': 'application/json; charset=utf-8', ...err.headers }, body: JSON.stringify(body) };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpRes {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: body === undefined ? '' : JSON.stringify(body) };
}

export function empty(status: number, headers: Record<string, string> = {}): HttpRes {
  return { status, headers };
}

/** Parse a JSON request body: absent → {}, malformed → 400 (style of the provider). */
export function bodyJson(req: HttpReq, style: ErrorStyle = 'arm'): Json {
  if (req.body.length === 0) return {};
  try {
    const v = JSON.parse(req.body.toString('utf8')) as unknown;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    return v as Json;
  } catch {
    throw new AzureError(400, style === 'web' ? 'BadRequest' : 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.', style);
  }
}

export function obj(v: unknown): Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Tags from a body: object of string values (ARM rejects non-string values and > 50 tags). */
export function tagsOf(v: unknown, style: ErrorStyle = 'arm'): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  const o = obj(v);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(o)) {
    if (typeof val !== 'string') throw new AzureError(400, style === 'web' ? 'BadRequest' : 'InvalidTagValue', `The tag '${k}' has a value that is not a string.`, style);
    out[k] = val;
  }
  checkTags(out, style);
  return out;
}

/** ARM tag limits: at most 50 tags, names ≤ 512 characters, values ≤ 256 characters. */
export function checkTags(tags: Record<string, string>, style: ErrorStyle = 'arm'): void {
  const entries = Object.entries(tags);
  if (entries.length > 50) throw new AzureError(400, style === 'web' ? 'BadRequest' : 'InvalidTagCount', `The number of tags (${entries.length}) exceeds the limit of 50.`, style);
  for (const [k, v] of entries) {
    if (/[<>%&\\?/]/.test(k)) throw new AzureError(400, style === 'web' ? 'BadRequest' : 'InvalidTagNameCharacters', `The tag name '${k}' has invalid characters '<,>,%,&,\\,?,/'.`, style);
    if (k.length > 512) throw new AzureError(400, style === 'web' ? 'BadRequest' : 'InvalidTagNameLength', `The tag name '${k.slice(0, 40)}...' exceeds the maximum length of 512 characters.`, style);
    if (v.length > 256) throw new AzureError(400, style === 'web' ? 'BadRequest' : 'InvalidTagValueLength', `The tag value for tag name '${k}' exceeds the maximum length of 256 characters.`, style);
  }
}

export function newEtag(): string {
  return `"${randomUUID().replace(/-/g, '').slice(0, 16)}"`;
}

export function sha256Hex(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

/** If-Match precondition: '*' or the current etag (quoted or not, W/ ignored), else 412. */
export function checkIfMatch(req: HttpReq, etag: string, style: ErrorStyle): void {
  const h = req.headers['if-match'];
  if (h === undefined) return;
  const wanted = String(h).split(',').map((s) => s.trim().replace(/^W\//, ''));
  const bare = (s: string): string => s.replace(/^"|"$/g, '');
  if (wanted.includes('*') || wanted.some((w) => bare(w) === bare(etag))) return;
  throw new AzureError(412, 'PreconditionFailed', `The condition specified using HTTP conditional header(s) is not met. The resource's current ETag is ${etag}.`, style);
}
