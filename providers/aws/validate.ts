/**
 * The AWS rules that depend only on the manifest, run at load time (`fnx validate` and every other
 * command) through the registry. They are the very checks plan() makes (lambdaRuntime,
 * scheduleExpression, checkQueueBatch, environmentProblems, streamRuleProblems): each is called here once per setting and its FnxError is
 * reported at the setting's place in fnx.yaml. Also the one AWS rule about functions deployed
 * elsewhere: a queue `arn` is an AWS id. No SDK is loaded.
 */
import { ExitCode, FnxError, type ManifestProblem, type ManifestRules, type ResolvedManifest } from '../../src/driver.js';
import { awsFunctions, lambdaRuntime } from './desired.js';
import { environmentProblems } from './function-environment.js';
import { checkQueueBatch } from './queue.js';
import { scheduleExpression } from './schedule.js';
import { streamRuleProblems } from './stream.js';

/** Runs `rule`; a usage FnxError it throws becomes a problem at `path`. */
function attempt(out: ManifestProblem[], path: ManifestProblem['path'], rule: () => unknown): void {
  try {
    rule();
  } catch (err) {
    if (!(err instanceof FnxError)) throw err;
    out.push({ path, error: err });
  }
}

export const validateAws: ManifestRules = (manifest: ResolvedManifest) => {
  const out: ManifestProblem[] = [];
  for (const fn of awsFunctions(manifest)) {
    const base = ['functions', fn.name] as const;
    attempt(out, [...base, 'runtime'], () => lambdaRuntime(fn));
    for (const p of environmentProblems(fn)) out.push({ path: [...base, p.in, p.key], at: 'key', error: p.error });
    fn.triggers.forEach((t, i) => {
      const at = [...base, 'triggers', i, t.kind] as const;
      if (t.kind === 'schedule') attempt(out, [...at, t.cron !== undefined ? 'cron' : 'rate'], () => scheduleExpression(t));
      if (t.kind === 'queue') attempt(out, [...at, 'batchSize'], () => checkQueueBatch(t.arn ?? t.name ?? '', t.batchSize));
      if (t.kind === 'stream') for (const p of streamRuleProblems(t)) out.push({ path: [...at, ...p.field], error: p.error });
    });
  }
  out.push(...queueArnElsewhere(manifest));
  return out;
};

/** A queue `arn` is an AWS id: a function that also deploys to another provider names its queue by `name:`. */
function queueArnElsewhere(manifest: ResolvedManifest): ManifestProblem[] {
  return manifest.functions.flatMap((fn) => {
    const others = fn.providers.filter((p) => p !== 'aws');
    if (!others.length) return [];
    return fn.triggers.flatMap((t, i) =>
      t.kind === 'queue' && t.arn !== undefined
        ? [
            {
              path: ['functions', fn.name, 'triggers', i, 'queue', 'arn'],
              at: 'key' as const,
              error: new FnxError('E_PROVIDER_TRIGGER_FIELD', `Queue \`arn\` is AWS-only, but function \`${fn.name}\` ${fn.providers.includes('aws') ? 'also ' : ''}deploys to ${others.join(' and ')}.`, {
                hint: 'Use `name:` (a queue that exists in every provider), or set `providers: [aws]` on the function.',
                exitCode: ExitCode.usage,
              }),
            },
          ]
        : [],
    );
  });
}
