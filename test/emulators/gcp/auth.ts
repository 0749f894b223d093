// OAuth for the emulator: a service-account key made at start, the token endpoint
// google-auth-library's JWT client posts its jwt-bearer assertion to, and bearer checks on API calls.
// Accepted bearers: access tokens this endpoint issued, and self-signed JWTs (JWTAccess, which
// google-auth-library uses when no user scopes are set) signed with the key, iss = client_email.
import { createPublicKey, createVerify, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { GcpError, json, type HttpReq, type HttpRes } from './protocol.js';

export interface ServiceAccountKey {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
  universe_domain: string;
}

export class Auth {
  readonly key: ServiceAccountKey;
  private readonly publicKey: KeyObject;
  private readonly tokens = new Set<string>();
  /** ID token → its audience. */
  private readonly idTokens = new Map<string, string>();

  constructor(projectId: string, tokenUri: string) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.publicKey = publicKey;
    this.key = {
      type: 'service_account',
      project_id: projectId,
      private_key_id: randomBytes(20).toString('hex'),
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: `fnx-deployer@${projectId}.iam.gserviceaccount.com`,
      client_id: String(100000000000000000000n + BigInt(randomBytes(6).readUIntBE(0, 6))),
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: tokenUri,
      universe_domain: 'googleapis.com',
    };
    createPublicKey(this.key.private_key); // the PEM must round-trip
  }

  /** Issue an access token directly (for tests using a static auth client). */
  issue(): string {
    const token = `ya29.emu-${randomBytes(16).toString('hex')}`;
    this.tokens.add(token);
    return token;
  }

  /** An ID token as Google signs it for `email` with this audience (accepted by private /run/ URLs). */
  mintIdToken(audience: string, email: string): string {
    const token = `emu-id.${Buffer.from(JSON.stringify({ aud: audience, email })).toString('base64url')}.${randomBytes(12).toString('hex')}`;
    this.idTokens.set(token, audience);
    return token;
  }

  /** The audience of an ID token this endpoint issued (a jwt-bearer assertion with target_audience); undefined for anything else. */
  idTokenAudience(token: string): string | undefined {
    return this.idTokens.get(token);
  }

  /** POST /token: grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<RS256 JWT>. */
  tokenEndpoint(req: HttpReq): HttpRes {
    const form = new URLSearchParams(req.body.toString('utf8'));
    const grant = form.get('grant_type');
    if (grant !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      return json({ error: 'unsupported_grant_type', error_description: `Invalid grant_type: ${grant ?? ''}` }, 400);
    }
    const claims = this.verifyJwt(form.get('assertion') ?? '');
    if (!claims || claims.aud !== this.key.token_uri) return json({ error: 'invalid_grant', error_description: 'Invalid JWT Signature.' }, 400);
    if (typeof claims.target_audience === 'string') {
      return json({ id_token: this.mintIdToken(claims.target_audience, this.key.client_email) });
    }
    return json({ access_token: this.issue(), expires_in: 3599, token_type: 'Bearer' });
  }

  /** Throws UNAUTHENTICATED unless the request carries a valid bearer. */
  check(req: HttpReq): void {
    const header = String(req.headers.authorization ?? '');
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw unauthenticated('Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
    const token = m[1] ?? '';
    if (this.tokens.has(token)) return;
    if (token.split('.').length === 3 && this.verifyJwt(token)) return;
    throw unauthenticated('Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
  }

  private verifyJwt(jwt: string): Record<string, unknown> | undefined {
    const parts = jwt.split('.');
    if (parts.length !== 3) return undefined;
    const [h, p, s] = parts as [string, string, string];
    try {
      const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>;
      if (header.alg !== 'RS256') return undefined;
      const ok = createVerify('RSA-SHA256').update(`${h}.${p}`).verify(this.publicKey, Buffer.from(s, 'base64url'));
      if (!ok) return undefined;
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
      if (claims.iss !== this.key.client_email) return undefined;
      if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now() - 60_000) return undefined;
      return claims;
    } catch {
      return undefined;
    }
  }
}

function unauthenticated(message: string): GcpError {
  return new GcpError('UNAUTHENTICATED', message, [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'CREDENTIALS_MISSING', domain: 'googleapis.com' }]);
}
