/** The Azure Functions rules that depend only on the manifest (no SDK), run at `fnx validate`. */
import type { ManifestProblem, ManifestRules } from '../../src/driver.js';
import { ExitCode, FnxError } from '../../src/errors.js';

export const validateAzure: ManifestRules = (manifest) => {
  const out: ManifestProblem[] = [];
  for (const fn of manifest.functions.filter((f) => f.providers.includes('azure'))) {
    fn.triggers.forEach((t, i) => {
      if (t.kind !== 'queue' || t.arn === undefined) return;
      out.push({
        path: ['functions', fn.name, 'triggers', i, 'queue', 'arn'],
        at: 'key',
        error: new FnxError('E_PROVIDER_TRIGGER_FIELD', `Queue \`arn\` is AWS-only, but function \`${fn.name}\` also deploys to azure.`, {
          hint: 'Use `name:` (an Azure Storage queue of that name), or set `providers: [aws]` on the function.',
          exitCode: ExitCode.usage,
        }),
      });
    });
  }
  return out;
};
