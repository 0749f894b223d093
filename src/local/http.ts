/**
 * `fnx dev`'s translation between a real HTTP request and the neutral http event and response
 * (src/events/types.ts), the way the deployed entry adapters and API Gateway do it: header names
 * lower case and repeated ones joined with `,`, the cookie header as `cookies`, text bodies as
 * text and other content types base64; a `{ statusCode }` answer is sent as it says, anything
 * else as status 200 with the value as the JSON body, and a function error as API Gateway's 500.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpEvent } from '../events/types.js';
import { queryParameters } from '../events/samples.js';
import type { RouteMatch } from '../events/routes.js';
import { routeKeyOf } from '../events/routes.js';

/** Content types whose bodies a handler gets as text (others base64), as the adapters decide. */
const TEXT = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|graphql)|[^;]*\+(json|xml))/i;

export function httpEventOf(req: IncomingMessage, body: Buffer, match: RouteMatch | undefined): HttpEvent {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const rawQueryString = q < 0 ? '' : url.slice(q + 1);
  const headers: Record<string, string> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    const value = req.rawHeaders[i + 1]!;
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  const cookie = headers.cookie;
  delete headers.cookie;
  const text = TEXT.test(headers['content-type'] ?? 'text/plain');
  const params = match && Object.keys(match.params).length ? match.params : undefined;
  return {
    version: '2.0',
    routeKey: match ? routeKeyOf(match.trigger) : '$default',
    rawPath,
    rawQueryString,
    headers,
    ...(rawQueryString ? { queryStringParameters: queryParameters(rawQueryString) } : {}),
    ...(params ? { pathParameters: params } : {}),
    ...(cookie ? { cookies: cookie.split(/;\s*/).filter(Boolean) } : {}),
    requestContext: {
      http: {
        method: (req.method ?? 'GET').toUpperCase(),
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      timeEpoch: Date.now(),
    },
    ...(body.length ? { body: text ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !text,
  };
}

/** Sends a handler's answer; returns the status sent. */
export function sendAnswer(res: ServerResponse, out: unknown): number {
  if (out !== null && typeof out === 'object' && typeof (out as { statusCode?: unknown }).statusCode === 'number') {
    const r = out as { statusCode: number; headers?: Record<string, unknown>; cookies?: unknown; body?: unknown; isBase64Encoded?: boolean };
    res.statusCode = r.statusCode;
    for (const [k, v] of Object.entries(r.headers ?? {})) res.setHeader(k, String(v));
    if (Array.isArray(r.cookies) && r.cookies.length) res.setHeader('set-cookie', r.cookies.map(String));
    res.end(r.body === undefined || r.body === null ? undefined : Buffer.from(String(r.body), r.isBase64Encoded ? 'base64' : 'utf8'));
    return r.statusCode;
  }
  res.statusCode = 200;
  if (out === undefined || out === null) {
    res.end();
    return 200;
  }
  res.setHeader('content-type', 'application/json');
  res.end(typeof out === 'string' ? out : JSON.stringify(out));
  return 200;
}

/** API Gateway's answers when no route matches, and when the function fails. */
export function sendMessage(res: ServerResponse, status: number, message: string): number {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ message }));
  return status;
}
