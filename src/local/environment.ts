/**
 * The environment variables a function gets when it runs on this machine: its `environment`,
 * and its `secrets` as the reference text (`${secret:orders/db}`) unless `--resolve-secrets`
 * takes their values from the same-named variables of the caller's environment (a local run
 * makes no cloud call, so the provider's secret store is not read). Values are never printed.
 */
import { ExitCode, FnxError } from '../errors.js';
import type { ResolvedFunction } from '../manifest/model.js';

export interface LocalEnvironment {
  readonly variables: Readonly<Record<string, string>>;
  /** Secret values taken from the caller's environment: output must mask them. */
  readonly secretValues: readonly string[];
}

export function localEnvironment(fn: ResolvedFunction, hostEnv: Readonly<Record<string, string | undefined>>, resolveSecrets: boolean): LocalEnvironment {
  const variables: Record<string, string> = { ...fn.environment };
  const secretValues: string[] = [];
  const missing: string[] = [];
  for (const [name, ref] of Object.entries(fn.secrets)) {
    const value = resolveSecrets ? hostEnv[name] : undefined;
    if (resolveSecrets && (value === undefined || value === '')) missing.push(name);
    if (value) secretValues.push(value);
    variables[name] = value || `\${secret:${ref.secret}}`;
  }
  if (missing.length) {
    throw new FnxError('E_LOCAL_SECRETS', `--resolve-secrets: function "${fn.name}" needs ${missing.map((m) => `$${m}`).join(', ')} set in this shell (a local run reads no secret store).`, {
      hint: `Export ${missing.join(', ')} with the value to use, or leave out --resolve-secrets to pass the references (\`\${secret:...}\` text) instead.`,
      exitCode: ExitCode.usage,
    });
  }
  return { variables, secretValues };
}
