/**
 * Names fnx gives Google Cloud resources, and the label rules they must satisfy. A function's id
 * (and so its Cloud Run service) is `<service>-<stage>-<function>` in lower case; labels and their
 * values are at most 63 characters of lower case letters, digits, `_` and `-` (keys start with a
 * letter). Secret references map to Secret Manager ids: `/` becomes `_` (ids have no `/`).
 */
import type { ResolvedFunction, ResolvedManifest } from '../../src/driver.js';

export const LABEL_SERVICE = 'fnx-service';
export const LABEL_STAGE = 'fnx-stage';
export const LABEL_FUNCTION = 'fnx-function';

export const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;
export const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
/** Cloud Functions v2 function ids. */
export const FUNCTION_ID = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The Cloud Functions id of `fn` in this stage (also the Cloud Run service's name). */
export function functionId(manifest: Pick<ResolvedManifest, 'service' | 'stage'>, fn: string): string {
  return `${manifest.service}-${manifest.stage}-${fn}`.toLowerCase();
}

/** The Cloud Scheduler job id of the `index`th schedule trigger of a function. */
export function jobId(id: string, index: number): string {
  return `${id}-schedule-${index}`;
}

/** Secret Manager secret id for `${secret:name}`: letters, digits, `-` and `_`, `/` as `_`. */
export function secretId(name: string): string {
  return name.replaceAll('/', '_');
}
export const SECRET_NAME = /^[A-Za-z0-9_/-]{1,255}$/;

/** Labels fnx puts on every resource it creates for `fn`: the user's tags, then fnx's own. */
export function labelsOf(manifest: ResolvedManifest, fn: ResolvedFunction): Record<string, string> {
  const tags = { ...(manifest.providers.gcp?.tags ?? {}), ...fn.tags };
  return { ...tags, [LABEL_SERVICE]: manifest.service, [LABEL_STAGE]: manifest.stage, [LABEL_FUNCTION]: fn.name.toLowerCase() };
}
