// API Gateway v2 (restJson1, camelCase members): HTTP APIs, integrations, routes, stages, tags,
// and the API endpoint itself (/_apigw/<apiId>/...), which invokes the integrated Lambda.
import { randomBytes } from 'node:crypto';
import { AwsError, jsonRes, matchRest, parseJsonBody, restRoute, strMap, type HttpReq, type HttpRes, type RestRoute, type Routed, type ServiceHandler } from '../protocol.js';
import type { Emulator } from '../emulator.js';
import type { HttpApi } from '../state.js';
import { invokeFunction } from './lambda.js';
import { allowsService } from './lambda-extras.js';
import { parseFunctionRef } from './lambda-common.js';

interface Ctx {
  em: Emulator;
  labels: Record<string, string>;
  input: Record<string, unknown>;
  req: HttpReq;
}

type Route = RestRoute<Ctx>;
type Obj = Record<string, unknown>;

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'];

function id(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(10)].map((b) => alphabet[b % alphabet.length]).join('').slice(0, 10);
}

function shortId(): string {
  return id().slice(0, 7);
}

function notFound(message: string): AwsError {
  return new AwsError('NotFoundException', message, 404);
}

function badRequest(message: string): AwsError {
  return new AwsError('BadRequestException', message, 400);
}

function conflictErr(message: string): AwsError {
  return new AwsError('ConflictException', message, 409);
}

function apiOf(em: Emulator, apiId: string): HttpApi {
  const api = em.state.apigateway.apis.get(apiId);
  if (!api) throw notFound(`Invalid API identifier specified ${em.accountId}:${apiId}`);
  return api;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function apiOutput(em: Emulator, a: HttpApi): Obj {
  return {
    apiId: a.apiId,
    name: a.name,
    protocolType: a.protocolType,
    apiEndpoint: `${em.url}/_apigw/${a.apiId}`,
    apiKeySelectionExpression: a.apiKeySelectionExpression,
    routeSelectionExpression: a.routeSelectionExpression,
    createdDate: iso(a.createdDate),
    description: a.description,
    disableExecuteApiEndpoint: a.disableExecuteApiEndpoint,
    corsConfiguration: a.corsConfiguration,
    version: a.version,
    tags: a.tags,
  };
}

function page<T>(items: T[], input: Obj): { items: T[]; nextToken?: string } {
  const start = Number(input.nextToken ?? 0) || 0;
  const max = Number(input.maxResults ?? 100) || 100;
  return { items: items.slice(start, start + max), nextToken: start + max < items.length ? String(start + max) : undefined };
}

function pick(input: Obj, keys: string[]): Obj {
  return Object.fromEntries(keys.filter((k) => input[k] !== undefined).map((k) => [k, input[k]]));
}

function validateRouteKey(key: string): void {
  if (key === '$default') return;
  const m = /^(\S+) (\/\S*)$/.exec(key);
  if (!m || !METHODS.includes(m[1] ?? '')) throw badRequest(`Unable to create route ${key}. Route key must be $default or 'METHOD /path'.`);
}

function validateTarget(api: HttpApi, target: unknown): void {
  if (target === undefined || target === null) return;
  const m = /^integrations\/(\w+)$/.exec(String(target));
  if (!m || !api.integrations.has(m[1] ?? '')) throw badRequest(`Invalid target specified: ${String(target)}. Integration ${m?.[1] ?? ''} does not exist for API ${api.apiId}`);
}

const INTEGRATION_KEYS = ['integrationType', 'integrationUri', 'integrationMethod', 'payloadFormatVersion', 'connectionType', 'connectionId', 'timeoutInMillis', 'description', 'credentialsArn', 'requestParameters', 'responseParameters'];
const ROUTE_KEYS = ['routeKey', 'target', 'authorizationType', 'authorizerId', 'apiKeyRequired', 'operationName', 'authorizationScopes'];
const STAGE_KEYS = ['stageName', 'autoDeploy', 'description', 'defaultRouteSettings', 'routeSettings', 'stageVariables', 'accessLogSettings', 'deploymentId'];

function validateIntegration(i: Obj): void {
  const type = String(i.integrationType ?? '');
  if (!['AWS_PROXY', 'HTTP_PROXY', 'MOCK', 'AWS', 'HTTP'].includes(type)) throw badRequest(`Invalid integration type ${type}`);
  if (type === 'AWS_PROXY') {
    if (typeof i.integrationUri !== 'string' || !i.integrationUri) throw badRequest('IntegrationUri is required for AWS_PROXY integrations');
    if (!['1.0', '2.0'].includes(String(i.payloadFormatVersion ?? ''))) throw badRequest('PayloadFormatVersion must be 1.0 or 2.0 for AWS_PROXY integrations of HTTP APIs');
  }
  const t = i.timeoutInMillis;
  if (t !== undefined && (typeof t !== 'number' || t < 50 || t > 30000)) throw badRequest('Timeout must be between 50 milliseconds and 30 seconds.');
}

const ops = {
  createApi({ em, input }: Ctx): HttpRes {
    if (typeof input.name !== 'string' || !input.name) throw badRequest('Name is required');
    if (input.protocolType !== 'HTTP') throw badRequest(`Only protocolType HTTP is supported by this emulator (got ${String(input.protocolType)})`);
    const api: HttpApi = {
      apiId: id(),
      name: input.name,
      protocolType: 'HTTP',
      description: typeof input.description === 'string' ? input.description : undefined,
      createdDate: em.now(),
      routeSelectionExpression: typeof input.routeSelectionExpression === 'string' ? input.routeSelectionExpression : '$request.method $request.path',
      apiKeySelectionExpression: '$request.header.x-api-key',
      disableExecuteApiEndpoint: input.disableExecuteApiEndpoint === true,
      corsConfiguration: input.corsConfiguration as Obj | undefined,
      version: typeof input.version === 'string' ? input.version : undefined,
      tags: strMap(input.tags),
      integrations: new Map(),
      routes: new Map(),
      stages: new Map(),
    };
    em.state.apigateway.apis.set(api.apiId, api);
    return jsonRes(201, apiOutput(em, api));
  },
  getApis({ em, input }: Ctx): HttpRes {
    const p = page([...em.state.apigateway.apis.values()], input);
    return jsonRes(200, { items: p.items.map((a) => apiOutput(em, a)), nextToken: p.nextToken });
  },
  getApi: ({ em, labels }: Ctx): HttpRes => jsonRes(200, apiOutput(em, apiOf(em, labels.ApiId ?? ''))),
  updateApi({ em, labels, input }: Ctx): HttpRes {
    const api = apiOf(em, labels.ApiId ?? '');
    if (typeof input.name === 'string') api.name = input.name;
    if (typeof input.description === 'string') api.description = input.description;
    if (input.corsConfiguration !== undefined) api.corsConfiguration = input.corsConfiguration as Obj;
    if (typeof input.disableExecuteApiEndpoint === 'boolean') api.disableExecuteApiEndpoint = input.disableExecuteApiEndpoint;
    if (typeof input.version === 'string') api.version = input.version;
    return jsonRes(200, apiOutput(em, api));
  },
  deleteApi({ em, labels }: Ctx): HttpRes {
    apiOf(em, labels.ApiId ?? '');
    em.state.apigateway.apis.delete(labels.ApiId ?? '');
    return { status: 204 };
  },
  createIntegration({ em, labels, input }: Ctx): HttpRes {
    const api = apiOf(em, labels.ApiId ?? '');
    const i = { integrationMethod: 'POST', connectionType: 'INTERNET', timeoutInMillis: 30000, apiGatewayManaged: false, ...pick(input, INTEGRATION_KEYS), integrationId: shortId() };
    validateIntegration(i);
    api.integrations.set(i.integrationId, i);
    return jsonRes(201, i);
  },
  getIntegrations({ em, labels, input }: Ctx): HttpRes {
    const p = page([...apiOf(em, labels.ApiId ?? '').integrations.values()], input);
    return jsonRes(200, { items: p.items, nextToken: p.nextToken });
  },
  getIntegration({ em, labels }: Ctx): HttpRes {
    const i = apiOf(em, labels.ApiId ?? '').integrations.get(labels.IntegrationId ?? '');
    if (!i) throw notFound(`Invalid Integration identifier specified`);
    return jsonRes(200, i);
  },
  updateIntegration({ em, labels, input }: Ctx): HttpRes {
    const api = apiOf(em, labels.ApiId ?? '');
    const i = api.integrations.get(labels.IntegrationId ?? '');
    if (!i) throw notFound(`Invalid Integration identifier specified`);
    const next = { ...i, ...pick(input, INTEGRATION_KEYS), integrationId: i.integrationId };
    validateIntegration(next);
    api.integrations.set(i.integrationId, next);
    return jsonRes(200, next);
  },
  deleteIntegration({ em, labels }: Ctx): HttpRes {
    const api = apiOf(em, labels.ApiId ?? '');
    const iid = labels.IntegrationId ?? '';
    if (!api.integrations.has(iid)) throw notFound(`Invalid Integration identifier specified`);
    const user = [...api.routes.values()].find((r) => r.target === `integrations/${iid}`);
    if (user) throw conflictErr(`Cannot delete integration ${iid}: it is used by route ${user.routeKey}`);
    api.integrations.delete(iid);
    return { status: 204 };
  },
  createRoute({ em, labels, input }: Ctx): HttpRes {
    const api = apiOf(em, labels.ApiId ?? '');
    const key = String(input.routeKey ?? '');
    validateRouteKey(key);
    if ([...api.routes.values()].some((r) => r.routeKey === key)) throw conflictErr(`Unable to create route. Route key ${key} already exists for this API`);
    validateTarget(api, input.target);
    const r = { authorizationType: 'NONE', apiKeyRequired: false, apiGatewayManaged: false, ...pick(input, ROUTE_KEYS), routeKey: key, routeId: shortId() };
    api.routes.set(r.routeId, r);
    return jsonRes(201, r);
  },
  getRoutes({ em, labels, input }: Ctx): HttpRes {
    const p = page([...apiOf(em, labels.ApiId ?? '').routes.values()], input);
    return jsonRes(200, { items: p.items, nextToken: p.nextToken });
  },
  getRoute({ em, labels }: Ctx): HttpRes {
    const r = apiOf(em, labels.ApiId ?? '').routes.get(labels.RouteId ?? '');
    if (!r) throw notFound('Invalid Route identifier specified');
    return jsonRes(200, r);
  },
  updateRoute({ em, labels, input }: Ctx): HttpRes {
    const api = apiOf(em, labels.ApiId ?? '');
    const r = api.routes.get(labels.RouteId ?? '');
    if (!r) throw notFound('Invalid Route identifier specified');
    const next = { ...r, ...pick(input, ROUTE_KEYS), routeId: r.routeId, routeKey: String(input.routeKey ?? r.routeKey) };
    validateRouteKey(next.routeKey);
    if ([...api.routes.values()].some((o) => o.routeId !== r.routeId && o.routeKey === next.routeKey)) throw conflictErr(`Route key ${next.routeKey} already exists for this API`);
    validateTarget(api, (next as Obj).target);
    api.routes.set(r.routeId, next);
    return jsonRes(200, next);
  },
  deleteRoute({ em, labels }: Ctx): HttpRes {
    const api = apiOf(em, labels.ApiId ?? '');
    if (!api.routes.delete(labels.RouteId ?? '')) throw notFound('Invalid Route identifier specified');
    return { status: 204 };
  },
  createStage({ em, labels, input }: Ctx): HttpRes {
    const api = apiOf(em, labels.ApiId ?? '');
    const name = String(input.stageName ?? '');
    if (!name || !/^(\$default|[A-Za-z0-9_-]{1,128})$/.test(name)) throw badRequest(`Invalid stage name ${name}`);
    if (api.stages.has(name)) throw conflictErr(`Stage ${name} already exists`);
    const now = iso(em.now());
    const s = { autoDeploy: false, defaultRouteSettings: { detailedMetricsEnabled: false }, routeSettings: {}, stageVariables: {}, ...pick(input, STAGE_KEYS), stageName: name, createdDate: now, lastUpdatedDate: now, tags: strMap(input.tags), apiGatewayManaged: false };
    api.stages.set(name, s);
    return jsonRes(201, s);
  },
  getStages({ em, labels, input }: Ctx): HttpRes {
    const p = page([...apiOf(em, labels.ApiId ?? '').stages.values()], input);
    return jsonRes(200, { items: p.items, nextToken: p.nextToken });
  },
  getStage({ em, labels }: Ctx): HttpRes {
    const s = apiOf(em, labels.ApiId ?? '').stages.get(labels.StageName ?? '');
    if (!s) throw notFound(`Invalid stage identifier specified`);
    return jsonRes(200, s);
  },
  updateStage({ em, labels, input }: Ctx): HttpRes {
    const api = apiOf(em, labels.ApiId ?? '');
    const s = api.stages.get(labels.StageName ?? '');
    if (!s) throw notFound(`Invalid stage identifier specified`);
    const next = { ...s, ...pick(input, STAGE_KEYS), stageName: s.stageName, lastUpdatedDate: iso(em.now()) };
    api.stages.set(s.stageName, next);
    return jsonRes(200, next);
  },
  deleteStage({ em, labels }: Ctx): HttpRes {
    const api = apiOf(em, labels.ApiId ?? '');
    if (!api.stages.delete(labels.StageName ?? '')) throw notFound(`Invalid stage identifier specified`);
    return { status: 204 };
  },
  createDeployment({ em, labels, input }: Ctx): HttpRes {
    apiOf(em, labels.ApiId ?? '');
    return jsonRes(201, { deploymentId: shortId(), deploymentStatus: 'DEPLOYED', createdDate: iso(em.now()), description: input.description, autoDeployed: false });
  },
  tagResource({ em, labels, input }: Ctx): HttpRes {
    Object.assign(taggable(em, labels.ResourceArn ?? ''), strMap(input.tags));
    return jsonRes(201, {});
  },
  untagResource({ em, labels, req }: Ctx): HttpRes {
    const tags = taggable(em, labels.ResourceArn ?? '');
    for (const k of req.query.getAll('tagKeys')) delete tags[k];
    return { status: 204 };
  },
  getTags: ({ em, labels }: Ctx): HttpRes => jsonRes(200, { tags: taggable(em, labels.ResourceArn ?? '') }),
};

/** Tags of an API (arn:aws:apigateway:REGION::/apis/ID) or a stage (.../apis/ID/stages/NAME). */
function taggable(em: Emulator, arn: string): Record<string, string> {
  const m = /^arn:aws[a-z-]*:apigateway:[a-z0-9-]+::\/apis\/([a-z0-9]+)(?:\/stages\/([^/]+))?$/.exec(arn);
  if (!m) throw badRequest(`Invalid resource ARN ${arn}`);
  const api = apiOf(em, m[1] ?? '');
  if (!m[2]) return api.tags;
  const stage = api.stages.get(m[2]);
  if (!stage) throw notFound(`Invalid stage identifier specified`);
  stage.tags = (stage.tags as Record<string, string> | undefined) ?? {};
  return stage.tags as Record<string, string>;
}

function routes(): Route[] {
  const r = restRoute<Ctx>;
  return [
    r('POST', '/v2/apis', 'CreateApi', ops.createApi),
    r('GET', '/v2/apis', 'GetApis', ops.getApis),
    r('GET', '/v2/apis/{ApiId}', 'GetApi', ops.getApi),
    r('PATCH', '/v2/apis/{ApiId}', 'UpdateApi', ops.updateApi),
    r('DELETE', '/v2/apis/{ApiId}', 'DeleteApi', ops.deleteApi),
    r('POST', '/v2/apis/{ApiId}/integrations', 'CreateIntegration', ops.createIntegration),
    r('GET', '/v2/apis/{ApiId}/integrations', 'GetIntegrations', ops.getIntegrations),
    r('GET', '/v2/apis/{ApiId}/integrations/{IntegrationId}', 'GetIntegration', ops.getIntegration),
    r('PATCH', '/v2/apis/{ApiId}/integrations/{IntegrationId}', 'UpdateIntegration', ops.updateIntegration),
    r('DELETE', '/v2/apis/{ApiId}/integrations/{IntegrationId}', 'DeleteIntegration', ops.deleteIntegration),
    r('POST', '/v2/apis/{ApiId}/routes', 'CreateRoute', ops.createRoute),
    r('GET', '/v2/apis/{ApiId}/routes', 'GetRoutes', ops.getRoutes),
    r('GET', '/v2/apis/{ApiId}/routes/{RouteId}', 'GetRoute', ops.getRoute),
    r('PATCH', '/v2/apis/{ApiId}/routes/{RouteId}', 'UpdateRoute', ops.updateRoute),
    r('DELETE', '/v2/apis/{ApiId}/routes/{RouteId}', 'DeleteRoute', ops.deleteRoute),
    r('POST', '/v2/apis/{ApiId}/stages', 'CreateStage', ops.createStage),
    r('GET', '/v2/apis/{ApiId}/stages', 'GetStages', ops.getStages),
    r('GET', '/v2/apis/{ApiId}/stages/{StageName}', 'GetStage', ops.getStage),
    r('PATCH', '/v2/apis/{ApiId}/stages/{StageName}', 'UpdateStage', ops.updateStage),
    r('DELETE', '/v2/apis/{ApiId}/stages/{StageName}', 'DeleteStage', ops.deleteStage),
    r('POST', '/v2/apis/{ApiId}/deployments', 'CreateDeployment', ops.createDeployment),
    r('POST', '/v2/tags/{ResourceArn}', 'TagResource', ops.tagResource),
    r('DELETE', '/v2/tags/{ResourceArn}', 'UntagResource', ops.untagResource),
    r('GET', '/v2/tags/{ResourceArn}', 'GetTags', ops.getTags),
  ];
}

export function createApiGatewayService(em: Emulator): ServiceHandler {
  const table = routes();
  return {
    name: 'apigateway',
    route(req: HttpReq): Routed {
      let segments = req.segments;
      if (segments[0] === 'v2' && segments[1] === 'tags') {
        const rest = req.rawPath.replace(/^\/v2\/tags\//, '');
        segments = ['v2', 'tags', decodeURIComponent(rest)];
      }
      const m = matchRest(table, req.method, segments);
      if (!m) throw notFound(`No API Gateway v2 operation for ${req.method} ${req.rawPath}`);
      const query: Obj = {};
      for (const [k, v] of req.query) query[k] = v;
      const input = { ...parseJsonBody(req), ...query, ...m.labels };
      return { operation: m.route.operation, input, execute: () => m.route.handler({ em, labels: m.labels, input, req }) };
    },
    error: (err) => ({
      status: err.status,
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': err.code },
      body: JSON.stringify({ message: err.message }),
    }),
    throttleError: () => new AwsError('TooManyRequestsException', 'Too Many Requests', 429),
    internalError: () => new AwsError('InternalServerErrorException', 'Internal server error (injected fault)', 500),
  };
}

// ---------- the API endpoint ----------

function matchRoute(api: HttpApi, method: string, path: string): { routeKey: string; target?: unknown; params: Record<string, string> } | undefined {
  const candidates = [...api.routes.values()];
  const pathSegs = path.split('/').filter(Boolean);
  const tryMatch = (m: string) => {
    let best: { routeKey: string; target?: unknown; params: Record<string, string>; score: number } | undefined;
    for (const r of candidates) {
      const [rm, rp] = r.routeKey.split(' ');
      if (rm !== m || rp === undefined) continue;
      const segs = rp.split('/').filter(Boolean);
      const params: Record<string, string> = {};
      let score = 0;
      let ok = true;
      for (let i = 0; i < segs.length && ok; i++) {
        const s = segs[i] ?? '';
        if (/^\{.+\+\}$/.test(s) && i === segs.length - 1) {
          if (pathSegs.length < segs.length) ok = false;
          else params[s.slice(1, -2)] = pathSegs.slice(i).join('/');
          score += 1;
          break;
        }
        const p = pathSegs[i];
        if (p === undefined) ok = false;
        else if (/^\{.+\}$/.test(s)) {
          params[s.slice(1, -1)] = p;
          score += 2;
        } else if (s === p) score += 3;
        else ok = false;
      }
      if (ok && !segs.some((s) => /\+\}$/.test(s)) && segs.length !== pathSegs.length) ok = false;
      if (ok && (!best || score > best.score)) best = { routeKey: r.routeKey, target: r.target, params, score };
    }
    return best;
  };
  const exact = tryMatch(method) ?? tryMatch('ANY');
  if (exact) return exact;
  const def = candidates.find((r) => r.routeKey === '$default');
  return def ? { routeKey: '$default', target: def.target, params: {} } : undefined;
}

/** API Gateway's own answers (no route, integration failure): `{"message": ...}` as JSON. */
function plain(status: number, message: string): HttpRes {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message }) };
}

/** Payload 2.0's query parameters: repeated keys joined with commas. */
function queryParameters(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of query) out[k] = k in out ? `${out[k]},${v}` : v;
  return out;
}

/** requestContext.time as API Gateway writes it: 02/Dec/2026:09:14:03 +0000. */
function clf(d: Date): string {
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${month}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** Serve a request to http://127.0.0.1:PORT/_apigw/<apiId>/[stage/]path through the API's routes. */
export async function handleApiEndpoint(em: Emulator, req: HttpReq): Promise<HttpRes> {
  const [, apiId, ...rest] = req.segments;
  const api = em.state.apigateway.apis.get(apiId ?? '');
  if (!api || api.disableExecuteApiEndpoint) return plain(404, 'Not Found');
  let stage = '$default';
  let pathSegs = rest;
  if (!api.stages.has('$default')) {
    stage = rest[0] ?? '';
    if (!api.stages.has(stage)) return plain(404, 'Not Found');
    pathSegs = rest.slice(1);
  }
  const path = `/${pathSegs.join('/')}`;
  const route = matchRoute(api, req.method, path);
  if (!route) return plain(404, 'Not Found');
  const iid = /^integrations\/(\w+)$/.exec(String(route.target ?? ''))?.[1];
  const integration = iid ? api.integrations.get(iid) : undefined;
  if (!integration || integration.integrationType !== 'AWS_PROXY') return plain(500, 'Internal Server Error');
  const uri = String(integration.integrationUri ?? '');
  const fnArn = /functions\/(arn:[^/]+)\/invocations$/.exec(uri)?.[1] ?? uri;
  let ref: { name: string; qualifier?: string };
  try {
    ref = parseFunctionRef(fnArn);
  } catch {
    return plain(500, 'Internal Server Error');
  }
  const fn = em.state.lambda.functions.get(ref.name);
  const q = ref.qualifier ?? '$LATEST';
  if (!fn || (q !== '$LATEST' && !fn.versions.has(q) && !fn.aliases.has(q))) return plain(500, 'Internal Server Error');
  const sourceArn = `arn:aws:execute-api:${em.region}:${em.accountId}:${api.apiId}/${stage}/${req.method}${path}`;
  if (!allowsService(fn, q, 'apigateway.amazonaws.com', sourceArn)) return plain(500, 'Internal Server Error');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
  const cookie = headers.cookie;
  const rawQuery = req.query.toString();
  const now = new Date();
  const requestId = `${randomBytes(4).toString('hex')}=`;
  const body = req.body.length ? req.body.toString('utf8') : undefined;
  const event =
    integration.payloadFormatVersion === '1.0'
      ? { version: '1.0', resource: route.routeKey.split(' ')[1] ?? path, path, httpMethod: req.method, headers, queryStringParameters: rawQuery ? Object.fromEntries(req.query) : null, pathParameters: route.params, body: body ?? null, isBase64Encoded: false, requestContext: { apiId: api.apiId, stage, httpMethod: req.method, path } }
      : {
          version: '2.0',
          routeKey: route.routeKey,
          rawPath: path,
          rawQueryString: rawQuery,
          ...(cookie ? { cookies: cookie.split(/;\s*/).filter(Boolean) } : {}),
          headers: Object.fromEntries(Object.entries(headers).filter(([k]) => k !== 'cookie')),
          queryStringParameters: rawQuery ? queryParameters(req.query) : undefined,
          pathParameters: route.params,
          body,
          isBase64Encoded: false,
          requestContext: {
            accountId: em.accountId,
            apiId: api.apiId,
            domainName: String(req.headers.host ?? `${api.apiId}.execute-api.${em.region}.amazonaws.com`),
            domainPrefix: api.apiId,
            http: { method: req.method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: String(req.headers['user-agent'] ?? '') },
            requestId,
            routeKey: route.routeKey,
            stage,
            time: clf(now),
            timeEpoch: now.getTime(),
          },
        };
  if (fn.latest.state === 'Pending') return plain(500, 'Internal Server Error');
  // A version that is not Active yet fails the request as Lambda's throttle/conflict would.
  const out = await invokeFunction(em, fn, q, event, 'http').catch(() => undefined);
  if (!out) return plain(500, 'Internal Server Error');
  if (!out.ok) return plain(500, 'Internal Server Error');
  const result = out.result;
  if (result && typeof result === 'object' && 'statusCode' in result) {
    const r = result as { statusCode: unknown; headers?: Record<string, unknown>; body?: unknown; isBase64Encoded?: boolean };
    const h: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.headers ?? {})) h[k.toLowerCase()] = String(v);
    const b = r.body === undefined ? '' : typeof r.body === 'string' ? (r.isBase64Encoded ? Buffer.from(r.body, 'base64') : r.body) : JSON.stringify(r.body);
    return { status: Number(r.statusCode) || 200, headers: { 'content-type': 'application/json', ...h }, body: b };
  }
  // No statusCode: status 200, JSON content type, and the function's answer as the body (a string as it is).
  return { status: 200, headers: { 'content-type': 'application/json' }, body: typeof result === 'string' ? result : JSON.stringify(result ?? null) };
}
