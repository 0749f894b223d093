/**
 * The Google Cloud entry: what the functions framework loads and calls. Cloud Run functions' Node
 * buildpack loads the file named by package.json `main` (else index.js) and calls its export named
 * by the function's entryPoint; it adds @google-cloud/functions-framework itself when the package
 * does not depend on it, so the entry imports nothing from it and is a plain export. Python loads
 * main.py (or the file GOOGLE_FUNCTION_SOURCE names) the same way.
 *
 * Neutral (default): fnx generates `fnx_entry/<function>.mjs` and the function's package.json
 * (its own, with `main` set to the adapter; a minimal one when it has none), or `main.py`. The
 * adapter takes both signatures the framework may call it with — (req, res) for HTTP and
 * (cloudEvent) for event functions — and a CloudEvent that arrives as an HTTP request (binary or
 * structured mode), and hands the handler the neutral event (src/events/types.ts) of the
 * function's trigger kind: http (routes matched against the manifest's http triggers, 404 for
 * others), schedule (the Cloud Scheduler call fnx's job makes), topic or queue (a Pub/Sub
 * messagePublished event), storage (object finalized/deleted, filtered by prefix/suffix here,
 * since Eventarc filters on the bucket only). `events: native`: package.json `main` is the handler
 * file (Python: GOOGLE_FUNCTION_SOURCE) and the entry point is the handler's export.
 * Pure: same function and own files, same bytes.
 */
import type { EntryContext, GeneratedFile, PackagingHooks, ResolvedFunction } from '../../src/driver.js';

export const ENTRY_DIR = 'fnx_entry';
/** The entry point of an adapter (Node export, Python function). */
export const NODE_ENTRY_POINT = 'fnxEntry';
export const PYTHON_ENTRY_POINT = 'fnx_entry';

/** The exported name the manifest's handler names (after the last dot). */
function exportName(handler: string): string {
  return handler.slice(handler.lastIndexOf('.') + 1);
}

const isPython = (fn: ResolvedFunction) => fn.runtime.startsWith('python');
const neutral = (fn: ResolvedFunction) => fn.events !== 'native';

/** buildConfig.entryPoint of `fn`. */
export function entryPoint(fn: ResolvedFunction): string {
  if (!neutral(fn)) return exportName(fn.handler);
  return isPython(fn) ? PYTHON_ENTRY_POINT : NODE_ENTRY_POINT;
}

/** Build environment variables the entry needs (Python with native events: the handler's file). */
export function buildEnvironment(fn: ResolvedFunction, handlerFile: string | undefined): Record<string, string> {
  return isPython(fn) && !neutral(fn) && handlerFile ? { GOOGLE_FUNCTION_SOURCE: handlerFile } : {};
}

/** What the adapter knows about the function's triggers (all from the manifest). */
interface EntryConfig {
  readonly function: string;
  /** 'http' for functions served over HTTP (http and schedule triggers), else the event trigger's kind. */
  readonly kind: 'http' | 'topic' | 'queue' | 'storage';
  readonly routes: readonly { readonly method: string; readonly path: string }[];
  readonly schedule: boolean;
  readonly storage?: { readonly prefix?: string; readonly suffix?: string };
}

export function entryConfig(fn: ResolvedFunction): EntryConfig {
  const event = fn.triggers.find((t) => t.kind === 'topic' || t.kind === 'queue' || t.kind === 'storage');
  const storage = event?.kind === 'storage' ? { ...(event.prefix ? { prefix: event.prefix } : {}), ...(event.suffix ? { suffix: event.suffix } : {}) } : undefined;
  return {
    function: fn.name,
    kind: event && (event.kind === 'topic' || event.kind === 'queue' || event.kind === 'storage') ? event.kind : 'http',
    routes: fn.triggers.flatMap((t) => (t.kind === 'http' ? [{ method: t.method, path: t.path }] : [])),
    schedule: fn.triggers.some((t) => t.kind === 'schedule'),
    ...(storage ? { storage } : {}),
  };
}

export function entryFiles(fn: ResolvedFunction, ctx: EntryContext): GeneratedFile[] {
  if (isPython(fn)) {
    if (!neutral(fn)) return [];
    const module = ctx.handlerFile.replace(/\.py$/, '').split('/').join('.');
    return [{ path: 'main.py', content: pythonEntry(entryConfig(fn), module, exportName(fn.handler)) }];
  }
  const entry = `${ENTRY_DIR}/${fn.name}.mjs`;
  const files: GeneratedFile[] = [{ path: 'package.json', content: packageJson(ctx.ownFile('package.json'), neutral(fn) ? entry : ctx.handlerFile, fn.name), replaces: true }];
  if (neutral(fn)) files.push({ path: entry, content: nodeEntry(entryConfig(fn), `../${ctx.handlerFile}`, exportName(fn.handler)) });
  return files;
}

/** The function's package.json with `main` set (key order kept, `main` added last when new). */
function packageJson(own: string | undefined, main: string, fn: string): string {
  let pkg: Record<string, unknown> = { name: fn.toLowerCase(), private: true };
  if (own !== undefined) {
    try {
      const parsed: unknown = JSON.parse(own);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) pkg = parsed as Record<string, unknown>;
    } catch {
      // An unparsable package.json fails the cloud build as it would without fnx; the entry still needs `main`.
    }
  }
  return `${JSON.stringify({ ...pkg, main }, null, 2)}\n`;
}

export const gcpPackaging: PackagingHooks = { entryFiles };

function nodeEntry(config: EntryConfig, specifier: string, name: string): string {
  return `// Generated by fnx: the Cloud Run functions entry of function ${JSON.stringify(config.function)}. It gives
// the handler fnx's neutral events (docs/events.md) and turns its answers into what Google Cloud expects.
import { randomUUID } from 'node:crypto';
import * as mod from ${JSON.stringify(specifier)};

const user = mod[${JSON.stringify(name)}] ?? mod.default?.[${JSON.stringify(name)}];
if (typeof user !== 'function') throw new Error(${JSON.stringify(`fnx: ${specifier.slice(3)} exports no function named ${name}`)});

const CONFIG = ${JSON.stringify(config)};

const TEXT = /^(text\\/|application\\/(json|xml|javascript|x-www-form-urlencoded|graphql)|[^;]*\\+(json|xml))/i;

function escapeRe(s) {
  return s.replace(/[.*+?^$()|[\\]\\\\]/g, '\\\\$&');
}

/** The manifest route \`path\` as a matcher: {name} is one segment, {name+} the rest. */
function matcher(path) {
  const names = [];
  const trimmed = path.replace(/\\/+$/, '') || '/';
  const re = trimmed.split(/(\\{[^}]+\\})/).map((part) => {
    const m = /^\\{([^}+]+)(\\+?)\\}$/.exec(part);
    if (!m) return escapeRe(part);
    names.push(m[1]);
    return m[2] ? '(.+)' : '([^/]+)';
  }).join('');
  return { names, re: new RegExp('^' + re + '/?$') };
}

const ROUTES = CONFIG.routes.map((r) => ({ ...r, ...matcher(r.path) }));

function route(method, path) {
  for (const r of ROUTES) {
    if (r.method !== 'ANY' && r.method !== method) continue;
    const m = r.re.exec(path);
    if (!m) continue;
    const params = {};
    r.names.forEach((n, i) => { params[n] = decodeURIComponent(m[i + 1]); });
    return { routeKey: r.method + ' ' + r.path, params: r.names.length ? params : undefined };
  }
  return undefined;
}

function headersOf(raw) {
  const out = {};
  for (const [k, v] of Object.entries(raw ?? {})) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : String(v);
  return out;
}

function rawBodyOf(req) {
  if (Buffer.isBuffer(req.rawBody)) return req.rawBody;
  if (Buffer.isBuffer(req.body)) return req.body;
  if (typeof req.body === 'string') return Buffer.from(req.body);
  if (req.body !== undefined && req.body !== null && !(typeof req.body === 'object' && Object.keys(req.body).length === 0)) return Buffer.from(JSON.stringify(req.body));
  return Buffer.alloc(0);
}

function httpEvent(req, matched) {
  const url = String(req.originalUrl ?? req.url ?? '/');
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const rawQueryString = q < 0 ? '' : url.slice(q + 1);
  const headers = headersOf(req.headers);
  const query = {};
  for (const [k, v] of new URLSearchParams(rawQueryString)) query[k] = k in query ? query[k] + ',' + v : v;
  const body = rawBodyOf(req);
  const text = TEXT.test(headers['content-type'] ?? 'text/plain');
  const method = String(req.method ?? 'GET').toUpperCase();
  return {
    version: '2.0',
    routeKey: matched.routeKey,
    rawPath,
    rawQueryString,
    headers,
    ...(rawQueryString ? { queryStringParameters: query } : {}),
    ...(matched.params ? { pathParameters: matched.params } : {}),
    ...(headers.cookie ? { cookies: headers.cookie.split(/;\\s*/).filter(Boolean) } : {}),
    requestContext: {
      http: {
        method,
        path: rawPath,
        protocol: 'HTTP/' + (req.httpVersion ?? '1.1'),
        sourceIp: String(headers['x-forwarded-for'] ?? req.ip ?? '').split(',')[0].trim(),
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: (headers['function-execution-id'] ?? String(headers['x-cloud-trace-context'] ?? '').split('/')[0]) || randomUUID(),
      timeEpoch: Date.now(),
    },
    ...(body.length ? { body: text ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !text,
  };
}

function send(res, out) {
  if (out && typeof out === 'object' && typeof out.statusCode === 'number') {
    res.status(out.statusCode);
    for (const [k, v] of Object.entries(out.headers ?? {})) res.setHeader(k, String(v));
    if (Array.isArray(out.cookies) && out.cookies.length) res.setHeader('set-cookie', out.cookies.map(String));
    if (out.body === undefined || out.body === null) return res.end();
    return res.send(Buffer.from(String(out.body), out.isBase64Encoded ? 'base64' : 'utf8'));
  }
  res.status(200);
  if (out === undefined || out === null) return res.end();
  res.setHeader('content-type', 'application/json');
  return res.send(Buffer.from(typeof out === 'string' ? out : JSON.stringify(out)));
}

/** A CloudEvent that arrived as an HTTP request (binary or structured content mode), or undefined. */
function cloudEventOf(req, headers) {
  const type = headers['content-type'] ?? '';
  if (/^application\\/cloudevents\\+json/i.test(type)) return JSON.parse(rawBodyOf(req).toString('utf8'));
  if (!headers['ce-type']) return undefined;
  const body = rawBodyOf(req).toString('utf8');
  let data = body;
  try { data = body ? JSON.parse(body) : undefined; } catch { /* not JSON: kept as text */ }
  return { specversion: headers['ce-specversion'], type: headers['ce-type'], source: headers['ce-source'], id: headers['ce-id'], time: headers['ce-time'], subject: headers['ce-subject'], data };
}

const iso = (t) => (t ? new Date(t).toISOString() : new Date().toISOString());
const lastPart = (s) => String(s ?? '').split('/').pop();
const decode = (data) => (data ? Buffer.from(String(data), 'base64').toString('utf8') : '');

function dataOf(ce) {
  if (typeof ce.data === 'string') { try { return JSON.parse(ce.data); } catch { return {}; } }
  if (Buffer.isBuffer(ce.data)) return JSON.parse(ce.data.toString('utf8'));
  return ce.data ?? {};
}

/** Handles one CloudEvent: resolves when done, throws to have it delivered again. */
async function onEvent(ce, context) {
  if (CONFIG.kind === 'http') return user(ce, context);
  const data = dataOf(ce);
  if (CONFIG.kind === 'storage') {
    const type = /object\\.v1\\.deleted$/.test(ce.type) ? 'deleted' : /object\\.v1\\.finalized$/.test(ce.type) ? 'created' : undefined;
    if (!type) return user(ce, context);
    const key = String(data.name ?? '');
    const f = CONFIG.storage ?? {};
    if ((f.prefix && !key.startsWith(f.prefix)) || (f.suffix && !key.endsWith(f.suffix))) return undefined;
    return user({
      kind: 'storage',
      type,
      bucket: String(data.bucket ?? lastPart(ce.source)),
      key,
      ...(type === 'created' && data.size !== undefined ? { size: Number(data.size) } : {}),
      ...(data.etag ? { etag: String(data.etag) } : {}),
      time: iso(ce.time ?? data.updated),
    }, context);
  }
  if (!/pubsub\\.topic\\.v1\\.messagePublished$/.test(String(ce.type))) return user(ce, context);
  const m = data.message ?? {};
  const attributes = {};
  for (const [k, v] of Object.entries(m.attributes ?? {})) attributes[k] = String(v);
  const topic = lastPart(ce.source);
  const time = iso(m.publishTime ?? ce.time);
  const id = String(m.messageId ?? m.message_id ?? ce.id);
  if (CONFIG.kind === 'topic') return user({ kind: 'topic', topic, id, body: decode(m.data), attributes, time }, context);
  const out = await user({ kind: 'queue', queue: topic, messages: [{ id, body: decode(m.data), attributes, receiveCount: Number(m.deliveryAttempt ?? data.deliveryAttempt ?? 1), sentAt: time }] }, context);
  if (Array.isArray(out?.failed) && out.failed.map(String).includes(id)) throw new Error('fnx: the handler listed message ' + id + ' as failed; Pub/Sub delivers it again');
  return undefined;
}

async function onRequest(req, res) {
  const headers = headersOf(req.headers);
  const ce = cloudEventOf(req, headers);
  if (ce && CONFIG.kind !== 'http') {
    try {
      await onEvent(ce, req);
      return res.status(204).end();
    } catch (err) {
      console.error(err);
      return res.status(500).send(String(err?.message ?? err));
    }
  }
  if (CONFIG.schedule && headers['x-cloudscheduler-jobname']) {
    try {
      const time = headers['x-cloudscheduler-scheduletime'];
      await user({ kind: 'schedule', id: headers['x-cloudscheduler-jobname'] + '/' + (time ?? randomUUID()), time: iso(time) }, req);
      return res.status(204).end();
    } catch (err) {
      console.error(err);
      return res.status(500).send('schedule run failed');
    }
  }
  const method = String(req.method ?? 'GET').toUpperCase();
  const path = String(req.originalUrl ?? req.url ?? '/').split('?')[0];
  const matched = route(method, path);
  if (!matched) return res.status(404).set('content-type', 'application/json').send('{"message":"Not Found"}');
  let out;
  try {
    out = await user(httpEvent(req, matched), req);
  } catch (err) {
    console.error(err);
    return res.status(500).set('content-type', 'application/json').send('{"message":"Internal Server Error"}');
  }
  return send(res, out);
}

/**
 * The entry point: (req, res) from an HTTP function, (cloudEvent) from an event function. Rest
 * parameters keep its length 0, so the framework awaits the promise instead of a callback.
 */
export async function ${NODE_ENTRY_POINT}(...args) {
  const [reqOrEvent, res] = args;
  if (res && typeof res.status === 'function') return onRequest(reqOrEvent, res);
  return onEvent(reqOrEvent, reqOrEvent);
}
`;
}

function pythonEntry(config: EntryConfig, module: string, name: string): string {
  return `# Generated by fnx: the Cloud Run functions entry of function ${JSON.stringify(config.function)}. It gives
# the handler fnx's neutral events (docs/events.md) and turns its answers into what Google Cloud expects.
import base64
import importlib
import json
import os
import re
import sys
import time as _time
import uuid
from datetime import datetime, timezone
from urllib.parse import parse_qsl, unquote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
_user = getattr(importlib.import_module(${JSON.stringify(module)}), ${JSON.stringify(name)})

CONFIG = json.loads(${JSON.stringify(JSON.stringify(config))})

_TEXT = re.compile(r"^(text/|application/(json|xml|javascript|x-www-form-urlencoded|graphql)|[^;]*\\+(json|xml))", re.I)


def _matcher(path):
    names = []
    trimmed = path.rstrip("/") or "/"
    out = ""
    for part in re.split(r"(\\{[^}]+\\})", trimmed):
        m = re.match(r"^\\{([^}+]+)(\\+?)\\}$", part)
        if not m:
            out += re.escape(part)
            continue
        names.append(m.group(1))
        out += "(.+)" if m.group(2) else "([^/]+)"
    return names, re.compile("^" + out + "/?$")


_ROUTES = [dict(r, matcher=_matcher(r["path"])) for r in CONFIG["routes"]]


def _route(method, path):
    for r in _ROUTES:
        if r["method"] != "ANY" and r["method"] != method:
            continue
        names, rx = r["matcher"]
        m = rx.match(path)
        if not m:
            continue
        params = {n: unquote(m.group(i + 1)) for i, n in enumerate(names)}
        return r["method"] + " " + r["path"], (params or None)
    return None


def _iso(t=None):
    if not t:
        d = datetime.now(timezone.utc)
    else:
        s = re.sub(r"(\\.\\d{6})\\d+", r"\\1", str(t)).replace("Z", "+00:00")
        d = datetime.fromisoformat(s).astimezone(timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond // 1000:03d}Z"


def _http_event(request, route_key, params):
    raw_path = request.path
    raw_query = request.query_string.decode("utf-8") if isinstance(request.query_string, bytes) else str(request.query_string or "")
    headers = {}
    for k, v in request.headers.items():
        k = k.lower()
        headers[k] = headers[k] + "," + v if k in headers else v
    query = {}
    for k, v in parse_qsl(raw_query, keep_blank_values=True):
        query[k] = query[k] + "," + v if k in query else v
    body = request.get_data() or b""
    text = bool(_TEXT.match(headers.get("content-type", "text/plain")))
    e = {"version": "2.0", "routeKey": route_key, "rawPath": raw_path, "rawQueryString": raw_query, "headers": headers}
    if raw_query:
        e["queryStringParameters"] = query
    if params:
        e["pathParameters"] = params
    if headers.get("cookie"):
        e["cookies"] = [c for c in re.split(r";\\s*", headers["cookie"]) if c]
    e["requestContext"] = {
        "http": {
            "method": request.method.upper(),
            "path": raw_path,
            "protocol": request.environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
            "sourceIp": (headers.get("x-forwarded-for") or request.remote_addr or "").split(",")[0].strip(),
            "userAgent": headers.get("user-agent", ""),
        },
        "requestId": headers.get("function-execution-id") or headers.get("x-cloud-trace-context", "").split("/")[0] or str(uuid.uuid4()),
        "timeEpoch": int(_time.time() * 1000),
    }
    if body:
        e["body"] = body.decode("utf-8") if text else base64.b64encode(body).decode("ascii")
    e["isBase64Encoded"] = bool(body) and not text
    return e


def _answer(out):
    if isinstance(out, dict) and isinstance(out.get("statusCode"), int):
        headers = dict(out.get("headers") or {})
        body = out.get("body")
        if body is not None and out.get("isBase64Encoded"):
            body = base64.b64decode(body)
        result = (body if body is not None else "", out["statusCode"], headers)
        cookies = out.get("cookies") or []
        if cookies:
            headers = list(headers.items()) + [("Set-Cookie", c) for c in cookies]
            result = (result[0], result[1], headers)
        return result
    if out is None:
        return ("", 200)
    return (out if isinstance(out, str) else json.dumps(out), 200, {"content-type": "application/json"})


def _attr(ce, key):
    try:
        return ce[key]
    except (KeyError, TypeError):
        return getattr(ce, key, None) if not isinstance(ce, dict) else ce.get(key)


def _data_of(ce):
    data = ce.data if hasattr(ce, "data") else ce.get("data")
    if isinstance(data, (bytes, str)):
        try:
            return json.loads(data)
        except ValueError:
            return {}
    return data or {}


def _on_event(ce, context):
    kind = CONFIG["kind"]
    if kind == "http":
        return _user(ce, context)
    data = _data_of(ce)
    ce_type = str(_attr(ce, "type") or "")
    source = str(_attr(ce, "source") or "")
    if kind == "storage":
        t = "deleted" if ce_type.endswith("object.v1.deleted") else "created" if ce_type.endswith("object.v1.finalized") else None
        if t is None:
            return _user(ce, context)
        key = str(data.get("name", ""))
        f = CONFIG.get("storage") or {}
        if (f.get("prefix") and not key.startswith(f["prefix"])) or (f.get("suffix") and not key.endswith(f["suffix"])):
            return None
        e = {"kind": "storage", "type": t, "bucket": str(data.get("bucket") or source.split("/")[-1]), "key": key}
        if t == "created" and data.get("size") is not None:
            e["size"] = int(data["size"])
        if data.get("etag"):
            e["etag"] = str(data["etag"])
        e["time"] = _iso(_attr(ce, "time") or data.get("updated"))
        return _user(e, context)
    if not ce_type.endswith("pubsub.topic.v1.messagePublished"):
        return _user(ce, context)
    m = data.get("message") or {}
    attributes = {k: str(v) for k, v in (m.get("attributes") or {}).items()}
    topic = source.split("/")[-1]
    when = _iso(m.get("publishTime") or _attr(ce, "time"))
    mid = str(m.get("messageId") or m.get("message_id") or _attr(ce, "id"))
    body = base64.b64decode(m["data"]).decode("utf-8") if m.get("data") else ""
    if kind == "topic":
        return _user({"kind": "topic", "topic": topic, "id": mid, "body": body, "attributes": attributes, "time": when}, context)
    count = int(m.get("deliveryAttempt") or data.get("deliveryAttempt") or 1)
    out = _user({"kind": "queue", "queue": topic, "messages": [{"id": mid, "body": body, "attributes": attributes, "receiveCount": count, "sentAt": when}]}, context)
    failed = out.get("failed") if isinstance(out, dict) else None
    if failed and mid in [str(i) for i in failed]:
        raise RuntimeError("fnx: the handler listed message " + mid + " as failed; Pub/Sub delivers it again")
    return None


def _cloud_event_of(request, headers):
    if headers.get("content-type", "").lower().startswith("application/cloudevents+json"):
        return json.loads(request.get_data() or b"{}")
    if not headers.get("ce-type"):
        return None
    body = (request.get_data() or b"").decode("utf-8")
    try:
        data = json.loads(body) if body else None
    except ValueError:
        data = body
    return {"type": headers.get("ce-type"), "source": headers.get("ce-source"), "id": headers.get("ce-id"), "time": headers.get("ce-time"), "data": data}


def _on_request(request):
    headers = {k.lower(): v for k, v in request.headers.items()}
    ce = _cloud_event_of(request, headers)
    if ce is not None and CONFIG["kind"] != "http":
        _on_event(ce, request)
        return ("", 204)
    if CONFIG["schedule"] and headers.get("x-cloudscheduler-jobname"):
        when = headers.get("x-cloudscheduler-scheduletime")
        _user({"kind": "schedule", "id": headers["x-cloudscheduler-jobname"] + "/" + (when or str(uuid.uuid4())), "time": _iso(when)}, request)
        return ("", 204)
    matched = _route(request.method.upper(), request.path)
    if matched is None:
        return ('{"message":"Not Found"}', 404, {"content-type": "application/json"})
    return _answer(_user(_http_event(request, matched[0], matched[1]), request))


def ${PYTHON_ENTRY_POINT}(request_or_event):
    """The entry point: a Flask request from an HTTP function, a CloudEvent from an event function."""
    if hasattr(request_or_event, "get_data") and hasattr(request_or_event, "method"):
        return _on_request(request_or_event)
    return _on_event(request_or_event, request_or_event)
`;
}
