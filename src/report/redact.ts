/**
 * Cloud credentials never appear in fnx's output, wherever they would come from (a manifest
 * literal, a deployed value in a plan, a cloud error message). The Reporter passes every line it
 * writes through the redactor built here from the credential variables the providers declare.
 */
import { closeSync, constants as fsConstants, fstatSync, openSync, readFileSync } from 'node:fs';
import type { ProviderCredentials } from '../driver.js';

/** Shorter values are not redacted: they would garble unrelated text and are not real credentials. */
const MIN_SECRET_LENGTH = 8;
/** Largest credentials file read. */
const MAX_FILE_BYTES = 256 * 1024;
/** Fields of credential JSON (service account keys, authorized-user files) that are secrets. */
const SECRET_FIELDS = ['private_key', 'private_key_id', 'client_secret', 'refresh_token', 'access_token'];

/** The secret strings found through `credentials` in `env`, longest first. */
export function credentialSecrets(credentials: readonly ProviderCredentials[], env: NodeJS.ProcessEnv): string[] {
  const out = new Set<string>();
  const add = (v: string | undefined) => {
    if (!v) return;
    const trimmed = v.trim();
    if (trimmed.length >= MIN_SECRET_LENGTH) out.add(trimmed);
    for (const part of jsonSecrets(trimmed)) {
      out.add(part);
      // A PEM key may be printed line by line.
      for (const line of part.split(/\r?\n/)) if (line.trim().length >= 16 && !line.startsWith('-----')) out.add(line.trim());
    }
  };
  for (const c of credentials) {
    for (const name of c.secretVariables) add(env[name]);
    for (const name of c.fileVariables ?? []) {
      const path = env[name];
      if (!path) continue;
      add(credentialsFile(path));
    }
  }
  return [...out].sort((a, b) => b.length - a.length);
}

/**
 * A credentials file's text; undefined for anything but a regular file of at most MAX_FILE_BYTES.
 * Opened without blocking and checked on the handle, so a FIFO named there never stalls start-up
 * (the provider reports a bad file when it needs the credentials).
 */
function credentialsFile(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    return st.isFile() && st.size <= MAX_FILE_BYTES ? readFileSync(fd, 'utf8') : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function jsonSecrets(text: string): string[] {
  if (!text.startsWith('{')) return [];
  try {
    const o = JSON.parse(text) as Record<string, unknown>;
    return SECRET_FIELDS.map((f) => o[f]).filter((v): v is string => typeof v === 'string' && v.length >= MIN_SECRET_LENGTH);
  } catch {
    return [];
  }
}

/** Replaces every occurrence of the secrets in a text (also as JSON-escaped text) with `[redacted]`. */
export function redactor(secrets: readonly string[]): ((text: string) => string) | undefined {
  if (!secrets.length) return undefined;
  const forms = [...new Set(secrets.flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const s of forms) if (out.includes(s)) out = out.split(s).join('[redacted]');
    return out;
  };
}

/** Values shorter than this are not masked: they would hide common words and numbers in every later log line. */
const MIN_MASK_LENGTH = 4;

/**
 * The `::add-mask::` workflow commands (each ending in a newline) for `values`: one per line of a
 * multi-line value (GitHub masks line by line), with `%`, CR and LF escaped as workflow commands
 * require; values shorter than MIN_MASK_LENGTH are left out.
 */
export function addMaskLines(values: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const v of values) {
    for (const part of [v, ...v.split(/\r?\n/)]) {
      const t = part.trim();
      if (t.length < MIN_MASK_LENGTH || /[\r\n]/.test(t)) continue;
      out.add(`::add-mask::${t.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}\n`);
    }
  }
  return [...out];
}

/**
 * Secret-bearing HTTP header values and signed-URL parameters (Authorization, AWS session tokens
 * and signatures, API keys, cookies), as an SDK error or a debug dump may show them.
 */
const HEADER = /((?:^|[\s{,;"'])["']?(?:x-amz-security-token|cookie|set-cookie|x-api-key|x-functions-key|ocp-apim-subscription-key|x-goog-api-key|x-ms-authorization-auxiliary)["']?\s*[:=]\s*["']?)([^"'\r\n,}]+)/gi;
/** Authorization values hold commas and spaces (`AWS4-HMAC-SHA256 Credential=..., Signature=...`): up to the end of the line or quote. */
const AUTHORIZATION = /((?:^|[\s{,;"'])["']?(?:authorization|proxy-authorization)["']?\s*[:=]\s*["']?)([^"'\r\n]+)/gi;
const SIGNED_PARAM = /([?&](?:X-Amz-Security-Token|X-Amz-Signature|X-Amz-Credential|sig|Signature|access_token|X-Goog-Signature)=)([^&\s"']+)/gi;

/** Replaces secret-bearing header values and signed-URL parameters with `[redacted]`. */
export function redactHeaders(text: string): string {
  if (!/authorization|token|cookie|key|signature|credential|sig=/i.test(text)) return text;
  return text.replace(AUTHORIZATION, '$1[redacted]').replace(HEADER, '$1[redacted]').replace(SIGNED_PARAM, '$1[redacted]');
}
