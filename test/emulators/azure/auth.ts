// Entra ID (login) endpoints that MSAL node asks for: the OIDC discovery document, instance
// discovery (only when MSAL is pointed at it) and the v2.0 token endpoint (client credentials with
// a client secret or a client assertion). Issued tokens are remembered with their audience: ARM and
// scm accept only ARM tokens (https://management.azure.com), blob only storage tokens (https://storage.azure.com).
import { randomUUID } from 'node:crypto';
import { AzureError, json, type HttpReq, type HttpRes } from './protocol.js';

export interface AuthContext {
  url: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  tokens: Map<string, string>;
  now(): number;
}

function b64url(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64url');
}

function aadError(status: number, error: string, code: number, description: string): HttpRes {
  return json(status, {
    error,
    error_description: `AADSTS${code}: ${description}`,
    error_codes: [code],
    timestamp: new Date().toISOString(),
    trace_id: randomUUID(),
    correlation_id: randomUUID(),
  });
}

/** True when this request is for the login endpoints. */
export function isLoginPath(segments: string[]): boolean {
  const s = segments.map((x) => x.toLowerCase());
  return (
    (s.length === 3 && s[0] === 'common' && s[1] === 'discovery' && s[2] === 'instance') ||
    (s.length === 4 && s[1] === 'oauth2' && s[2] === 'v2.0' && s[3] === 'token') ||
    (s.length === 4 && s[1] === 'v2.0' && s[2] === '.well-known' && s[3] === 'openid-configuration') ||
    (s.length === 3 && s[1] === '.well-known' && s[2] === 'openid-configuration') ||
    (s.length === 3 && s[1] === 'discovery' && s[2] === 'keys')
  );
}

export function loginOperation(segments: string[]): string {
  const last = segments[segments.length - 1]?.toLowerCase();
  if (last === 'token') return 'Token';
  if (last === 'instance') return 'InstanceDiscovery';
  if (last === 'keys') return 'Keys';
  return 'OpenIdConfiguration';
}

function tenantOk(ctx: AuthContext, tenant: string): boolean {
  const t = tenant.toLowerCase();
  return t === ctx.tenantId.toLowerCase() || t === 'organizations' || t === 'common';
}

function openIdConfiguration(ctx: AuthContext, tenant: string): unknown {
  const base = `${ctx.url}/${tenant}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${ctx.url}/${ctx.tenantId}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${ctx.url}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'tid'],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: 'EU',
    cloud_instance_name: new URL(ctx.url).host,
    cloud_graph_host_name: new URL(ctx.url).host,
    msgraph_host: new URL(ctx.url).host,
    rbac_url: ctx.url,
  };
}

export function handleLogin(ctx: AuthContext, req: HttpReq): HttpRes {
  const seg = req.segments;
  const op = loginOperation(seg);
  const host = new URL(ctx.url).host;
  if (op === 'InstanceDiscovery') {
    return json(200, {
      tenant_discovery_endpoint: `${ctx.url}/${ctx.tenantId}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
  }
  const tenant = seg[0] ?? '';
  if (!tenantOk(ctx, tenant)) {
    return aadError(400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
  }
  if (op === 'OpenIdConfiguration') {
    if (req.method !== 'GET') throw new AzureError(405, 'MethodNotAllowed', 'Only GET is allowed.');
    return json(200, openIdConfiguration(ctx, tenant));
  }
  if (op === 'Keys') return json(200, { keys: [] });
  if (req.method !== 'POST') return aadError(400, 'invalid_request', 900561, 'The endpoint only accepts POST requests.');
  const form = new URLSearchParams(req.body.toString('utf8'));
  const grant = form.get('grant_type');
  if (grant !== 'client_credentials') {
    return aadError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant ?? ''}'.`);
  }
  const clientId = form.get('client_id') ?? '';
  if (clientId !== ctx.clientId) {
    return aadError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${ctx.tenantId}'.`);
  }
  const secret = form.get('client_secret');
  const assertion = form.get('client_assertion');
  if (secret === null && assertion === null) {
    return aadError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
  }
  if (secret !== null && secret !== ctx.clientSecret) {
    return aadError(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.');
  }
  if (assertion !== null && (assertion === '' || form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer')) {
    return aadError(401, 'invalid_client', 700027, 'Client assertion failed signature validation.');
  }
  const scope = form.get('scope') ?? '';
  if (!scope.split(' ').some((s) => s.endsWith('/.default'))) {
    return aadError(400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
  }
  const nowSec = Math.floor(ctx.now() / 1000);
  const aud = scope.split(' ')[0]?.replace(/\/\.default$/, '') ?? '';
  const token = [
    b64url(JSON.stringify({ typ: 'JWT', alg: 'none' })),
    b64url(JSON.stringify({ aud, iss: `${ctx.url}/${ctx.tenantId}/`, iat: nowSec, nbf: nowSec, exp: nowSec + 3600, tid: ctx.tenantId, appid: clientId, oid: clientId, jti: randomUUID() })),
    'emulator',
  ].join('.');
  ctx.tokens.set(token, aud.replace(/\/+$/, '').toLowerCase());
  return json(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
}
