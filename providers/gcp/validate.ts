/**
 * The Google Cloud rules that depend only on the manifest, run at load time (`fnx validate` and
 * every other command) through the registry; the driver's plan makes the same checks (the same
 * functions). Each problem is reported at its setting's place in fnx.yaml. No SDK is loaded.
 */
import { ExitCode, FnxError, type ManifestProblem, type ManifestRules, type ResolvedFunction, type ResolvedManifest } from '../../src/driver.js';
import { FUNCTION_ID, functionId, LABEL_KEY, LABEL_SERVICE, LABEL_VALUE, SECRET_NAME, secretId } from './names.js';
import { schedulerExpression } from './schedule.js';

type Path = ManifestProblem['path'];

function usage(code: string, message: string, hint: string): FnxError {
  return new FnxError(code, message, { hint, exitCode: ExitCode.usage });
}

/** The functions of `manifest` that deploy to Google Cloud. */
export function gcpFunctions(manifest: ResolvedManifest): ResolvedFunction[] {
  return manifest.functions.filter((f) => f.providers.includes('gcp'));
}

/** Trigger kinds Cloud Run functions serves through Eventarc: at most one per function, alone. */
export const EVENT_KINDS = ['topic', 'queue', 'storage'] as const;

export const validateGcp: ManifestRules = (manifest: ResolvedManifest) => {
  const out: ManifestProblem[] = [];
  const fns = gcpFunctions(manifest);
  if (!fns.length || !manifest.providers.gcp) return out;
  const push = (path: Path, error: FnxError, extra: Partial<ManifestProblem> = {}) => out.push({ path, error, ...extra });
  for (const [key, value] of [['service', manifest.service], ['stage', manifest.stage]] as const) {
    if (!LABEL_VALUE.test(value)) push([key === 'service' ? 'service' : 'stages'], usage('E_GCP_LABEL', `The ${key} name \`${value}\` cannot be a Google Cloud label value (at most 63 lower case letters, digits, \`_\` and \`-\`).`, `Use a shorter, lower case ${key} name.`));
  }
  const tags = manifest.providers.gcp.tags ?? {};
  for (const [k, v] of Object.entries(tags)) for (const p of labelProblems(k, v)) push(['providers', 'gcp', 'tags', k], p.error, { at: p.at });
  const ids = new Map<string, string>();
  for (const fn of fns) {
    const base = ['functions', fn.name] as const;
    const id = functionId(manifest, fn.name);
    if (!FUNCTION_ID.test(id)) {
      push([...base], usage('E_GCP_NAME', `The Cloud Functions id of \`${fn.name}\` would be \`${id}\` (${id.length} characters); Google Cloud allows at most 63 lower case letters, digits and dashes.`, 'Shorten the service, stage or function name.'), { at: 'key' });
    }
    const other = ids.get(id);
    if (other !== undefined) push([...base], usage('E_GCP_NAME', `Functions \`${other}\` and \`${fn.name}\` would both be \`${id}\` on Google Cloud (function ids are lower case).`, 'Rename one of them.'), { at: 'key' });
    ids.set(id, fn.name);
    for (const [k, v] of Object.entries(fn.tags)) {
      if (k in tags && tags[k] === v) continue;
      for (const p of labelProblems(k, v)) push([...base, 'tags', k], p.error, { at: p.at });
    }
    out.push(...triggerProblems(fn));
    out.push(...settingProblems(fn));
  }
  return out;
};

/** A tag as a Google Cloud label: key and value at most 63 of [a-z0-9_-], keys start with a letter, fnx's own keys reserved. */
function labelProblems(key: string, value: string): { at: 'key' | 'value'; error: FnxError }[] {
  const out: { at: 'key' | 'value'; error: FnxError }[] = [];
  const rule = 'at most 63 lower case letters, digits, `_` and `-`';
  if (!LABEL_KEY.test(key)) out.push({ at: 'key', error: usage('E_GCP_LABEL', `Tag \`${key}\` is not a valid Google Cloud label key (${rule}, starting with a letter).`, 'Rename the tag, e.g. `cost-center` instead of `CostCenter`.') });
  else if (key.startsWith('fnx-') || key === LABEL_SERVICE) out.push({ at: 'key', error: usage('E_GCP_LABEL', `Tag \`${key}\` uses the \`fnx-\` prefix, which fnx keeps for its own labels.`, 'Rename the tag.') });
  if (!LABEL_VALUE.test(value)) out.push({ at: 'value', error: usage('E_GCP_LABEL', `The value of tag \`${key}\` is not a valid Google Cloud label value (${rule}).`, 'Use lower case, e.g. `team-a` instead of `Team A`.') });
  return out;
}

function triggerProblems(fn: ResolvedFunction): ManifestProblem[] {
  const out: ManifestProblem[] = [];
  const base = ['functions', fn.name, 'triggers'] as const;
  const events = fn.triggers.map((t, i) => ({ t, i })).filter(({ t }) => (EVENT_KINDS as readonly string[]).includes(t.kind));
  const httpLike = fn.triggers.some((t) => t.kind === 'http' || t.kind === 'schedule');
  if (events.length > 1 || (events.length === 1 && httpLike)) {
    const { t, i } = events[events.length > 1 ? 1 : 0]!;
    out.push({
      path: [...base, i, t.kind],
      at: 'key',
      error: usage('E_GCP_TRIGGERS', `Function \`${fn.name}\` has ${events.length > 1 ? 'more than one event trigger' : `a \`${t.kind}\` trigger beside http or schedule triggers`}; a Cloud Run function has either one event trigger or an HTTP endpoint.`, 'Split it into one function per event trigger (they may share the handler), or restrict the function with `providers:`.'),
    });
  }
  fn.triggers.forEach((t, i) => {
    const at = [...base, i, t.kind] as const;
    if (t.kind === 'schedule') {
      try {
        schedulerExpression(t);
      } catch (err) {
        if (!(err instanceof FnxError)) throw err;
        out.push({ path: [...at, t.cron !== undefined ? 'cron' : 'rate'], error: err });
      }
    }
    if (t.kind === 'storage' && t.events.length > 1) {
      out.push({ path: [...at, 'events'], error: usage('E_GCP_TRIGGERS', `A storage trigger on Google Cloud listens to one kind of object event; function \`${fn.name}\` asks for ${t.events.join(' and ')}.`, 'Keep one of `created` or `deleted`, and add a second function for the other.') });
    }
  });
  return out;
}

/** Settings Cloud Run functions has no place for. */
function settingProblems(fn: ResolvedFunction): ManifestProblem[] {
  const out: ManifestProblem[] = [];
  const base = ['functions', fn.name] as const;
  // `architecture` is Lambda's choice: Cloud Run runs x86_64 (docs/gcp.md), so arm64 is not a problem here.
  if (fn.deadLetter && fn.triggers.some((t) => (EVENT_KINDS as readonly string[]).includes(t.kind))) out.push({ path: [...base, 'deadLetter'], at: 'key', severity: 'warning', error: usage('W_GCP_DEAD_LETTER', `fnx cannot set a dead-letter ${fn.deadLetter.queue ? 'queue' : 'topic'} on Google Cloud (function \`${fn.name}\`): the Eventarc subscription is Google's, and failed messages are retried until Pub/Sub drops them.`, 'Set a dead-letter topic on the Eventarc trigger\'s subscription yourself, or restrict the function with `providers:`.') });
  if (fn.network) out.push({ path: [...base, 'network'], at: 'key', error: usage('E_GCP_UNSUPPORTED', `fnx does not deploy Cloud Run functions into a VPC yet (function \`${fn.name}\` sets \`network\`).`, 'Remove `network`, or restrict the function with `providers:`.') });
  const seen = new Map<string, string>();
  for (const [env, ref] of Object.entries(fn.secrets)) {
    const path = [...base, 'secrets', env];
    if (!SECRET_NAME.test(ref.secret)) {
      out.push({ path, error: usage('E_GCP_SECRET', `Secret \`${ref.secret}\` cannot name a Secret Manager secret (at most 255 letters, digits, \`-\`, \`_\` and \`/\`).`, 'Rename the secret reference.') });
      continue;
    }
    const id = secretId(ref.secret);
    const clash = seen.get(id);
    if (clash !== undefined && clash !== ref.secret) out.push({ path, error: usage('E_GCP_SECRET', `Secrets \`${clash}\` and \`${ref.secret}\` are both Secret Manager secret \`${id}\` (\`/\` becomes \`_\`).`, 'Rename one of them.') });
    seen.set(id, ref.secret);
  }
  return out;
}
