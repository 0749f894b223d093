/** The Cloud Run functions rules that depend only on the manifest (no SDK), run at `fnx validate`. */
import type { ManifestProblem, ManifestRules } from '../../src/driver.js';
import { ExitCode, FnxError } from '../../src/errors.js';

export const validateGcp: ManifestRules = (manifest) => {
  const out: ManifestProblem[] = [];
  for (const fn of manifest.functions.filter((f) => f.providers.includes('gcp'))) {
    fn.triggers.forEach((t, i) => {
      if (t.kind !== 'queue' || t.arn === undefined) return;
      out.push({
        path: ['functions', fn.name, 'triggers', i, 'queue', 'arn'],
        at: 'key',
        error: new FnxError('E_PROVIDER_TRIGGER_FIELD', `Queue \`arn\` is AWS-only, but function \`${fn.name}\` also deploys to gcp.`, {
          hint: 'Use `name:` (a Pub/Sub topic of that name), or set `providers: [aws]` on the function.',
          exitCode: ExitCode.usage,
        }),
      });
    });
  }
  return out;
};
