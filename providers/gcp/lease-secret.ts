/**
 * The stage lease record on Google Cloud (StageRecordStore, src/driver.ts): Secret Manager secret
 * `fnx-lease-<service>-<stage>` of the project, with no versions (nothing secret, nothing billed),
 * whose annotation `fnx-lease` holds the record's text and whose etag is its revision. Reads and
 * writes go through the Secret Manager v1 REST API with the driver's credentials and retries:
 * create (`secretId`, conditional on no such secret: ALREADY_EXISTS), `PATCH ?updateMask=annotations`
 * with the etag in the body (stale: FAILED_PRECONDITION) and `DELETE ?etag=`. Lease calls are not
 * counted as the stage's writes.
 */
import { CloudError, type ResolvedManifest, type StageRecord, type StageRecordStore } from '../../src/driver.js';
import { type CallOptions, type GcpClients, isNotFound } from './clients.js';
import { LABEL_SERVICE, LABEL_STAGE } from './names.js';

/** The annotation that holds the record (keys: 1–63 of letters, digits, `-_.`; no `/`). */
export const LEASE_ANNOTATION = 'fnx-lease';
/** A label that tells fnx's lease secrets from the project's own secrets. */
export const LABEL_LEASE = 'fnx-lease';

/** The lease secret's id for a stage (service ≤ 40 and stage ≤ 16 characters fit the 255 allowed). */
export function leaseSecretId(m: Pick<ResolvedManifest, 'service' | 'stage'>): string {
  return `fnx-lease-${m.service}-${m.stage}`;
}

interface Secret {
  etag?: string;
  annotations?: Record<string, string>;
}

const HINT =
  'fnx keeps the stage lease in Secret Manager: enable secretmanager.googleapis.com in the project and grant the deploying identity secretmanager.secrets.get, .create, .update and .delete (roles/secretmanager.admin, or a custom role with those four).';

export function leaseSecretStore(c: GcpClients): StageRecordStore {
  /** One Secret Manager call through the driver's `call`; refused permissions get the hint that says which. */
  const call = async <T>(what: string, u: URL, init: { method?: string; body?: unknown }, opts: CallOptions): Promise<T> => {
    try {
      return await c.call(`${what} (stage lease)`, () => c.restJson<T>(u, init), opts);
    } catch (err) {
      if (err instanceof CloudError && err.kind === 'unauthorized') throw new CloudError('gcp', 'unauthorized', err.message, { hint: HINT, cause: err });
      throw err;
    }
  };
  const secrets = () => `${c.restBase('secretmanager')}/v1/projects/${c.settings.project}/secrets`;
  const url = (m: ResolvedManifest) => new URL(`${secrets()}/${leaseSecretId(m)}`);
  const etagOf = (s: Secret, what: string): string => {
    if (!s.etag) throw new CloudError('gcp', 'unavailable', `${what} answered a secret without an etag.`);
    return s.etag;
  };
  const get = async (m: ResolvedManifest, signal: AbortSignal): Promise<Secret | undefined> => {
    try {
      return await call<Secret>('GetSecret', url(m), {}, { signal });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };
  return {
    read: async ({ manifest, signal }): Promise<StageRecord | undefined> => {
      const s = await get(manifest, signal);
      return s ? { text: s.annotations?.[LEASE_ANNOTATION] ?? '', revision: etagOf(s, 'GetSecret') } : undefined;
    },
    write: async ({ manifest, signal, text, revision, create }) => {
      const annotations = { [LEASE_ANNOTATION]: text };
      if (revision === undefined) {
        if (!create) {
          // Only a deploy creates the secret: without it there is no stage here to hold a lease on.
          if (await get(manifest, signal)) throw new CloudError('gcp', 'precondition', `The stage lease secret ${leaseSecretId(manifest)} exists: another run created it.`);
          throw new CloudError('gcp', 'not-found', `There is no stage lease secret ${leaseSecretId(manifest)} in project ${c.settings.project}.`);
        }
        const u = new URL(secrets());
        u.searchParams.set('secretId', leaseSecretId(manifest));
        const body = {
          replication: { userManaged: { replicas: [{ location: c.settings.region }] } },
          labels: { [LABEL_SERVICE]: manifest.service, [LABEL_STAGE]: manifest.stage, [LABEL_LEASE]: 'stage' },
          annotations,
        };
        const s = await call<Secret>('CreateSecret', u, { method: 'POST', body }, { signal, conditional: true });
        return etagOf(s, 'CreateSecret');
      }
      const u = url(manifest);
      u.searchParams.set('updateMask', 'annotations');
      try {
        const s = await call<Secret>('UpdateSecret', u, { method: 'PATCH', body: { etag: revision, annotations } }, { signal, conditional: true });
        return etagOf(s, 'UpdateSecret');
      } catch (err) {
        // Gone (a remove deleted it): no longer at `revision`, which is what the caller asked about.
        if (isNotFound(err)) throw new CloudError('gcp', 'precondition', `The stage lease secret ${leaseSecretId(manifest)} was deleted concurrently.`, { cause: err });
        throw err;
      }
    },
    delete: async ({ manifest, signal, revision }) => {
      const u = url(manifest);
      u.searchParams.set('etag', revision);
      try {
        await call<unknown>('DeleteSecret', u, { method: 'DELETE' }, { signal, conditional: true });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    },
  };
}
