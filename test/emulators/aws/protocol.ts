// Wire-protocol helpers shared by the emulated services: errors, request/response shapes,
// REST path routing, JSON and query (form + XML) encoding.
import type { IncomingHttpHeaders } from 'node:http';
import { randomUUID } from 'node:crypto';

/** An AWS API error; each protocol serialises it the way the SDK parses it into the named exception. */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    /** Extra body fields (e.g. Lambda's Type / Reason). */
    readonly fields: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface HttpReq {
  method: string;
  /** Path without query, still percent-encoded. */
  rawPath: string;
  /** Decoded path segments (empty ones dropped). */
  segments: string[];
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Set when the body exceeded the configured limit (the body is then empty). */
  tooLarge: boolean;
}

export interface HttpRes {
  status: number;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

/** A request resolved to an operation, not yet executed (faults are decided in between). */
export interface Routed {
  operation: string;
  input: Record<string, unknown>;
  /** A call on fnx's stage lease record (see CallRecord.lease). */
  lease?: boolean;
  execute(): HttpRes | Promise<HttpRes>;
}

export interface ServiceHandler {
  /** Signing name, e.g. 'lambda'. */
  readonly name: string;
  /** Resolve the operation; throws AwsError for unknown operations or malformed input. */
  route(req: HttpReq): Routed;
  /** Serialise an error for this service's protocol. */
  error(err: AwsError, operation: string): HttpRes;
  /** The service's throttling and internal errors, used by fault injection. */
  throttleError(): AwsError;
  internalError(): AwsError;
}

export function requestId(): string {
  return randomUUID();
}

export function jsonRes(status: number, body: unknown, headers: Record<string, string> = {}): HttpRes {
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId(), ...headers },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}

export function parseJsonBody(req: HttpReq): Record<string, unknown> {
  if (req.body.length === 0) return {};
  try {
    const v: unknown = JSON.parse(req.body.toString('utf8'));
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* fallthrough */
  }
  throw new AwsError('SerializationException', 'Could not parse request body into json', 400);
}

/** A REST route: method + path pattern with {Label} segments. */
export interface RestRoute<C> {
  method: string;
  pattern: string[];
  operation: string;
  handler: (ctx: C) => HttpRes | Promise<HttpRes>;
}

export function restRoute<C>(method: string, path: string, operation: string, handler: (ctx: C) => HttpRes | Promise<HttpRes>): RestRoute<C> {
  return { method, pattern: path.split('/').filter(Boolean), operation, handler };
}

/** Match segments against the routes; returns the route and its labels. Longest literal match wins. */
export function matchRest<C>(routes: RestRoute<C>[], method: string, segments: string[]): { route: RestRoute<C>; labels: Record<string, string> } | undefined {
  let best: { route: RestRoute<C>; labels: Record<string, string>; literals: number } | undefined;
  for (const route of routes) {
    if (route.method !== method || route.pattern.length !== segments.length) continue;
    const labels: Record<string, string> = {};
    let literals = 0;
    let ok = true;
    route.pattern.forEach((p, i) => {
      const s = segments[i] ?? '';
      if (p.startsWith('{')) labels[p.slice(1, -1)] = s;
      else if (p === s) literals++;
      else ok = false;
    });
    if (ok && (!best || literals > best.literals)) best = { route, labels, literals };
  }
  return best;
}

// ---------- query protocol (IAM, STS, SNS): form-encoded input, XML output ----------

/** Form parameters of a query-protocol request (body, falling back to the URL query). */
export function parseForm(req: HttpReq): Record<string, string> {
  const params = new URLSearchParams(req.body.length ? req.body.toString('utf8') : req.query.toString());
  const out: Record<string, string> = {};
  for (const [k, v] of params) out[k] = v;
  return out;
}

/** `Prefix.member.N` (or `Prefix.N`) values in order. */
export function formList(form: Record<string, string>, prefix: string): string[] {
  const out: { i: number; v: string }[] = [];
  const re = new RegExp(`^${escapeRe(prefix)}\\.(?:member\\.)?(\\d+)$`);
  for (const [k, v] of Object.entries(form)) {
    const m = re.exec(k);
    if (m) out.push({ i: Number(m[1]), v });
  }
  return out.sort((a, b) => a.i - b.i).map((e) => e.v);
}

/** `Prefix.member.N.Field` structures in order. */
export function formStructs(form: Record<string, string>, prefix: string): Record<string, string>[] {
  const byIndex = new Map<number, Record<string, string>>();
  const re = new RegExp(`^${escapeRe(prefix)}\\.(?:member\\.)?(\\d+)\\.(.+)$`);
  for (const [k, v] of Object.entries(form)) {
    const m = re.exec(k);
    if (!m) continue;
    const i = Number(m[1]);
    const entry = byIndex.get(i) ?? {};
    entry[m[2] ?? ''] = v;
    byIndex.set(i, entry);
  }
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
}

/** `Prefix.entry.N.key/value` maps. */
export function formMap(form: Record<string, string>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of formStructs(form, `${prefix}.entry`)) {
    if (s.key !== undefined) out[s.key] = s.value ?? '';
  }
  return out;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** A map rendered as <entry><key/><value/></entry> (query protocol maps). */
export class XmlMap {
  constructor(readonly entries: Record<string, string>) {}
}

/** Render a value as query-protocol XML content: objects -> elements, arrays -> <member>, Date -> ISO 8601. */
export function toXml(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return value.toISOString();
  if (value instanceof XmlMap) {
    return Object.entries(value.entries).map(([k, v]) => `<entry><key>${xmlEscape(k)}</key><value>${xmlEscape(v)}</value></entry>`).join('');
  }
  if (Array.isArray(value)) return value.map((v) => `<member>${toXml(v)}</member>`).join('');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`)
      .join('');
  }
  return xmlEscape(String(value));
}

export function queryRes(action: string, xmlns: string, result: unknown): HttpRes {
  const id = requestId();
  const inner = result === undefined ? '' : `<${action}Result>${toXml(result)}</${action}Result>`;
  return {
    status: 200,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': id },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${xmlns}">${inner}<ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata></${action}Response>`,
  };
}

export function queryError(err: AwsError, xmlns: string): HttpRes {
  const id = requestId();
  const type = err.status >= 500 ? 'Receiver' : 'Sender';
  return {
    status: err.status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': id },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${xmlns}"><Error><Type>${type}</Type><Code>${xmlEscape(err.code)}</Code><Message>${xmlEscape(err.message)}</Message></Error><RequestId>${id}</RequestId></ErrorResponse>`,
  };
}

/** JSON 1.0 / 1.1 error body; `queryCode` adds the awsQueryCompatible header. */
export function jsonProtocolError(err: AwsError, namespace: string, queryCode?: string): HttpRes {
  const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId() };
  if (queryCode) headers['x-amzn-query-error'] = `${queryCode};${err.status >= 500 ? 'Receiver' : 'Sender'}`;
  return { status: err.status, headers, body: JSON.stringify({ __type: `${namespace}#${err.code}`, message: err.message, ...err.fields }) };
}

/** Route a JSON 1.0/1.1 request by its X-Amz-Target header to an operation table. */
export function routeJsonTarget(
  req: HttpReq,
  ops: Record<string, { write?: boolean; run: (input: Record<string, unknown>) => unknown }>,
  contentType: string,
): Routed {
  const target = String(req.headers['x-amz-target'] ?? '');
  const operation = target.slice(target.indexOf('.') + 1);
  const op = ops[operation];
  if (!op) throw new AwsError('UnknownOperationException', `Operation ${operation || '(none)'} is not supported by this emulator`, 400);
  const input = parseJsonBody(req);
  return {
    operation,
    input,
    execute: () => ({
      status: 200,
      headers: { 'content-type': contentType, 'x-amzn-requestid': requestId() },
      body: JSON.stringify(op.run(input) ?? {}),
    }),
  };
}

// ---------- small typed readers for decoded input ----------

export function str(input: Record<string, unknown>, key: string, required = false): string | undefined {
  const v = input[key];
  if (v === undefined || v === null) {
    if (required) throw new AwsError('ValidationException', `1 validation error detected: Value null at '${key}' failed to satisfy constraint: Member must not be null`, 400);
    return undefined;
  }
  if (typeof v !== 'string') throw new AwsError('ValidationException', `${key} must be a string`, 400);
  return v;
}

export function reqStr(input: Record<string, unknown>, key: string): string {
  return str(input, key, true) as string;
}

export function num(input: Record<string, unknown>, key: string): number | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || Number.isNaN(n)) throw new AwsError('ValidationException', `${key} must be a number`, 400);
  return n;
}

export function obj(input: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const v = input[key];
  if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  return undefined;
}

export function strList(input: Record<string, unknown>, key: string): string[] | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw new AwsError('ValidationException', `${key} must be a list`, 400);
  return v.map((e) => String(e));
}

export function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object') for (const [k, e] of Object.entries(v as Record<string, unknown>)) out[k] = String(e);
  return out;
}

/** Tags given as [{Key, Value}] lists. */
export function tagList(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(v)) for (const t of v as { Key?: unknown; Value?: unknown }[]) if (t && typeof t.Key === 'string') out[t.Key] = String(t.Value ?? '');
  return out;
}

export function toTagList(tags: Record<string, string>): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** Simple Marker/NextToken pagination over an array: the token is the start index. */
export function paginate<T>(items: T[], token: string | undefined, max: number | undefined, defaultMax = 50): { page: T[]; next?: string } {
  const start = token ? Number(token) || 0 : 0;
  const size = max && max > 0 ? max : defaultMax;
  const page = items.slice(start, start + size);
  const next = start + size < items.length ? String(start + size) : undefined;
  return { page, next };
}
