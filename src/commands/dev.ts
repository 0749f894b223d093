/**
 * `fnx dev`: a local HTTP server for the manifest's http triggers. Each request is matched to a
 * route (src/events/routes.ts), turned into the neutral http event and run in a fresh child
 * process (src/local/run-handler.ts), so an edited handler answers the next request; the answer
 * is sent as the deployed function's would be (src/local/http.ts). `POST /_fnx/trigger/FUNCTION/
 * KIND` runs a function with a sample event of its schedule, queue, storage or topic trigger (the
 * request body, if any, overrides the sample's fields as `--data` does). Runs until the session
 * is aborted (Ctrl-C); makes no cloud call.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ExitCode, FnxError, messageOf } from '../errors.js';
import { matchRoute, routeKeyOf } from '../events/routes.js';
import { sampleEvent } from '../events/samples.js';
import { localEnvironment } from '../local/environment.js';
import { httpEventOf, sendAnswer, sendMessage } from '../local/http.js';
import { runHandler, type LocalRunResult } from '../local/run-handler.js';
import type { HttpTrigger, ResolvedFunction, ResolvedManifest, TriggerKind } from '../manifest/model.js';
import type { ManifestOptions, Session } from '../session.js';

export interface DevRequest extends ManifestOptions {
  /** 0: any free port. A string is checked as --port's text. */
  readonly port: number | string;
  readonly host: string;
  /** Called once the server listens, with its URL and routes. */
  readonly onListening?: (info: DevListening) => void;
}

export interface DevRoute {
  readonly function: string;
  readonly route: string;
}

export interface DevListening {
  readonly url: string;
  readonly service: string;
  readonly stage: string;
  readonly routes: readonly DevRoute[];
  /** Manual triggers: `POST /_fnx/trigger/FUNCTION/KIND`. */
  readonly triggers: readonly { readonly function: string; readonly kind: TriggerKind }[];
  /** Routes declared by more than one function: the first function (by name) serves them. */
  readonly shadowed: readonly DevRoute[];
}

export interface DevResult {
  readonly requests: number;
}

/** Largest request body, as API Gateway's payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const TRIGGER_PATH = /^\/_fnx\/trigger\/([^/]+)\/([^/]+)\/?$/;
const MANUAL_KINDS: readonly TriggerKind[] = ['schedule', 'queue', 'storage', 'topic'];

type Route = HttpTrigger & { readonly fn: ResolvedFunction };

export async function dev(request: DevRequest, session: Session): Promise<DevResult> {
  const wanted = portOf(request.port);
  const manifest = await session.loadManifest({ ...request, files: false });
  const { routes, shadowed } = routesOf(manifest);
  const triggers = manifest.functions.flatMap((fn) => [...new Set(fn.triggers.map((t) => t.kind))].filter((k) => MANUAL_KINDS.includes(k)).map((kind) => ({ function: fn.name, kind })));
  let requests = 0;
  const inFlight = new Set<AbortController>();

  const run = async (fn: ResolvedFunction, event: unknown): Promise<LocalRunResult> => {
    const controller = new AbortController();
    inFlight.add(controller);
    try {
      return await runHandler({
        manifest,
        function: fn,
        event,
        environment: localEnvironment(fn, session.env, false).variables,
        hostEnv: session.env,
        signal: controller.signal,
        onLog: (line) => session.reporter.info(`  ${fn.name} | ${line}`),
      });
    } finally {
      inFlight.delete(controller);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const path = (req.url ?? '/').split('?')[0]!;
    let status: number;
    let served = '';
    try {
      const body = await readBody(req);
      if (body === undefined) {
        status = sendMessage(res, 413, 'Request Entity Too Large');
      } else {
        const manual = TRIGGER_PATH.exec(path);
        if (manual && method === 'POST') {
          served = ` ${decodeURIComponent(manual[1]!)}`;
          status = await fire(manifest, decodeURIComponent(manual[1]!), decodeURIComponent(manual[2]!), body, res, run);
        } else {
          const match = matchRoute(routes, method, path);
          if (!match) {
            status = sendMessage(res, 404, 'Not Found');
          } else {
            served = ` ${match.trigger.fn.name}`;
            const out = await run(match.trigger.fn, httpEventOf(req, body, match));
            status = out.ok ? sendAnswer(res, out.payload) : sendMessage(res, 500, 'Internal Server Error');
            if (!out.ok) session.reporter.warn(`${match.trigger.fn.name}: ${out.error}`);
          }
        }
      }
    } catch (err) {
      session.reporter.warn(`${method} ${path}: ${messageOf(err)}`);
      status = res.headersSent ? res.statusCode : sendMessage(res, 500, 'Internal Server Error');
    }
    requests++;
    session.reporter.print(`${method} ${path} → ${status}${served} (${Math.round(performance.now() - started)} ms)`);
  };

  const server = createServer((req, res) => void handle(req, res));
  await listen(server, wanted, request.host);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : wanted;
  const host = request.host.includes(':') ? `[${request.host}]` : request.host;
  request.onListening?.({
    url: `http://${host}:${port}`,
    service: manifest.service,
    stage: manifest.stage,
    routes: routes.map((r) => ({ function: r.fn.name, route: routeKeyOf(r) })),
    triggers,
    shadowed,
  });

  await new Promise<void>((resolve) => {
    const stop = () => {
      for (const c of inFlight) c.abort();
      server.close(() => resolve());
      server.closeAllConnections();
    };
    if (session.signal.aborted) stop();
    else session.signal.addEventListener('abort', stop, { once: true });
  });
  return { requests };
}

/** Every function's http triggers, functions by name; a method+path served twice goes to the first. */
function routesOf(manifest: ResolvedManifest): { routes: Route[]; shadowed: DevRoute[] } {
  const routes: Route[] = [];
  const shadowed: DevRoute[] = [];
  const seen = new Set<string>();
  for (const fn of manifest.functions) {
    for (const t of fn.triggers) {
      if (t.kind !== 'http') continue;
      const key = routeKeyOf(t);
      if (seen.has(key)) shadowed.push({ function: fn.name, route: key });
      else routes.push({ ...t, fn });
      seen.add(key);
    }
  }
  return { routes, shadowed };
}

async function fire(manifest: ResolvedManifest, name: string, kind: string, body: Buffer, res: ServerResponse, run: (fn: ResolvedFunction, event: unknown) => Promise<LocalRunResult>): Promise<number> {
  const fn = manifest.functions.find((f) => f.name === name);
  if (!fn) return sendMessage(res, 404, `no function "${name}" in the manifest (functions: ${manifest.functions.map((f) => f.name).join(', ')})`);
  if (!MANUAL_KINDS.includes(kind as TriggerKind) || !fn.triggers.some((t) => t.kind === kind)) {
    const kinds = [...new Set(fn.triggers.map((t) => t.kind))].filter((k) => MANUAL_KINDS.includes(k));
    return sendMessage(res, 404, `function "${name}" has no ${kind} trigger to fire (it has: ${kinds.join(', ') || 'none'})`);
  }
  let event: unknown;
  try {
    const text = body.toString('utf8').trim();
    event = sampleEvent(kind as TriggerKind, text ? JSON.parse(text) : undefined, { triggers: fn.triggers, source: 'the request body' });
  } catch (err) {
    return sendMessage(res, 400, messageOf(err));
  }
  const out = await run(fn, event);
  res.statusCode = out.ok ? 200 : 500;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ ok: out.ok, function: name, kind, event, ...(out.ok ? { payload: out.payload } : { error: out.error }), durationMs: out.durationMs }));
  return res.statusCode;
}

/** The request body, or undefined when it is larger than MAX_BODY_BYTES. */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function portOf(value: number | string): number {
  const port = typeof value === 'number' ? value : /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (Number.isInteger(port) && port >= 0 && port <= 65535) return port;
  throw new FnxError('E_USAGE_PORT', `--port ${value}: not a port number.`, { hint: 'Use a port from 1 to 65535 (0 picks a free one), e.g. --port 3000.', exitCode: ExitCode.usage });
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? 'it is in use by another program' : err.code === 'EACCES' ? 'permission denied (ports below 1024 need privileges)' : err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND' ? `${host} is not an address of this machine` : messageOf(err);
      reject(new FnxError('E_DEV_LISTEN', `cannot listen on ${host}:${port}: ${why}.`, { hint: 'Pick another --port (or --host), or stop the program using it.', exitCode: ExitCode.usage }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
