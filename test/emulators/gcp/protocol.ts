// Wire protocol of Google REST APIs as the google-gax REST fallback speaks it: JSON bodies,
// google.rpc.Status errors `{"error":{"code":<http>,"message","status":"<CODE>","details":[]}}`.

/** Canonical gRPC codes with the HTTP status Google's REST front end maps them to. */
export const RPC_CODES = {
  OK: [0, 200],
  CANCELLED: [1, 499],
  UNKNOWN: [2, 500],
  INVALID_ARGUMENT: [3, 400],
  DEADLINE_EXCEEDED: [4, 504],
  NOT_FOUND: [5, 404],
  ALREADY_EXISTS: [6, 409],
  PERMISSION_DENIED: [7, 403],
  RESOURCE_EXHAUSTED: [8, 429],
  FAILED_PRECONDITION: [9, 400],
  ABORTED: [10, 409],
  OUT_OF_RANGE: [11, 400],
  UNIMPLEMENTED: [12, 501],
  INTERNAL: [13, 500],
  UNAVAILABLE: [14, 503],
  DATA_LOSS: [15, 500],
  UNAUTHENTICATED: [16, 401],
} as const;

export type RpcStatus = keyof typeof RPC_CODES;

/** An error answered as google.rpc.Status. */
export class GcpError extends Error {
  constructor(
    readonly status: RpcStatus,
    message: string,
    readonly details: unknown[] = [],
  ) {
    super(message);
  }

  get httpStatus(): number {
    return RPC_CODES[this.status][1];
  }

  get rpcCode(): number {
    return RPC_CODES[this.status][0];
  }

  /** The REST error body. */
  toBody(): string {
    return JSON.stringify({ error: { code: this.httpStatus, message: this.message, status: this.status, details: this.details } });
  }

  /** The google.rpc.Status of a failed long-running operation (numeric gRPC code). */
  toOperationError(): { code: number; message: string; details: unknown[] } {
    return { code: this.rpcCode, message: this.message, details: this.details };
  }
}

export const invalid = (message: string, field?: string): GcpError =>
  new GcpError(
    'INVALID_ARGUMENT',
    message,
    field ? [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field, description: message }] }] : [],
  );
export const notFound = (what: string): GcpError => new GcpError('NOT_FOUND', `Resource '${what}' was not found`);

export interface HttpReq {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface HttpRes {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export function json(value: unknown, status = 200): HttpRes {
  return { status, headers: { 'content-type': 'application/json; charset=UTF-8' }, body: JSON.stringify(value) };
}

/** Parse a JSON request body; empty = {}. */
export function parseBody(req: HttpReq): Record<string, unknown> {
  if (req.body.length === 0) return {};
  try {
    const v: unknown = JSON.parse(req.body.toString('utf8'));
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch {
    throw invalid('Invalid JSON payload received.');
  }
}

/** A routed API call: its rpc name, whether it writes, and the effect (run after auth and faults). */
export interface Routed {
  api: string;
  rpc: string;
  write: boolean;
  execute: () => HttpRes | Promise<HttpRes>;
}

/** A route: method + regex over the path (named groups become params). */
export interface Route {
  method: string;
  pattern: RegExp;
  rpc: string;
  write: boolean;
  /** A Secret Manager write: where fnx keeps its stage lease, recorded as `lease`, not `write`. */
  lease?: boolean;
  handle: (req: HttpReq, params: Record<string, string>) => HttpRes | Promise<HttpRes>;
}

/** Compile a google.api.http path template ("/v2/{name=projects/*\/locations/*\/functions/*}") into a regex. */
export function template(path: string): RegExp {
  let re = '';
  let i = 0;
  while (i < path.length) {
    const open = path.indexOf('{', i);
    if (open < 0) {
      re += escape(path.slice(i));
      break;
    }
    re += escape(path.slice(i, open));
    const close = path.indexOf('}', open);
    const inner = path.slice(open + 1, close);
    const [field, pat = '*'] = inner.split('=');
    const group = (field ?? 'x').replace(/\./g, '_');
    const body = pat
      .split('/')
      .map((seg) => (seg === '*' ? '[^/:]+' : seg === '**' ? '.+' : escape(seg)))
      .join('/');
    re += `(?<${group}>${body})`;
    i = close + 1;
  }
  return new RegExp(`^${re}$`);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Timestamps in proto3 JSON (RFC 3339, Z). */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString();
}

/** Parse a FieldMask from the query string (comma separated camelCase paths). Undefined when absent. */
export function fieldMask(query: URLSearchParams, name = 'updateMask'): string[] | undefined {
  const raw = query.get(name) ?? query.get(name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
  if (raw === null) return undefined;
  return raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => p.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()));
}

/**
 * An enum field as a number. The clients send numbers (enum-encoding=int); plain JSON callers may
 * send the value's name, which Google's REST front end accepts too. Unknown names stay as given.
 */
export function enumValue(v: unknown, names: readonly string[]): unknown {
  if (typeof v !== 'string') return v;
  const i = names.indexOf(v);
  return i >= 0 ? i : v;
}
