/** The provider names init accepts and the `providers:` entries it writes for each. */
import { ExitCode, FnxError } from '../errors.js';
import { PROVIDER_NAMES, type ProviderName } from '../manifest/model.js';

export const DEFAULT_PROVIDERS: readonly ProviderName[] = ['aws'];

/**
 * Checks and de-duplicates provider names, keeping the canonical order aws, azure, gcp.
 * Unknown names are a usage error that lists the valid ones.
 */
export function parseProviders(names: readonly string[]): ProviderName[] {
  const wanted = names.map((n) => n.trim().toLowerCase()).filter(Boolean);
  const unknown = wanted.filter((n) => !(PROVIDER_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new FnxError('E_INIT_PROVIDER', `Unknown provider${unknown.length > 1 ? 's' : ''}: ${unknown.map((n) => `"${n}"`).join(', ')}.`, {
      hint: `Valid providers: ${PROVIDER_NAMES.join(', ')}. Example: --provider aws,gcp`,
      exitCode: ExitCode.usage,
    });
  }
  if (wanted.length === 0) {
    throw new FnxError('E_INIT_PROVIDER', 'No provider given.', {
      hint: `Choose at least one of ${PROVIDER_NAMES.join(', ')}. Example: --provider aws`,
      exitCode: ExitCode.usage,
    });
  }
  return PROVIDER_NAMES.filter((p) => wanted.includes(p));
}

/**
 * The YAML lines under `providers:` (indented two spaces) for the chosen providers. Values that
 * depend on the user's account read an environment variable with a default, so the generated
 * manifest validates before anything is configured.
 */
export function providersBlock(providers: readonly ProviderName[], service: string): string {
  const blocks: Record<ProviderName, string[]> = {
    aws: ['  aws:', '    region: us-east-1'],
    azure: [
      '  azure:',
      '    subscriptionId: "${env:AZURE_SUBSCRIPTION_ID, 00000000-0000-0000-0000-000000000000}"',
      `    resourceGroup: "${service}-\${stage}"`,
      '    location: westeurope',
    ],
    gcp: ['  gcp:', '    project: "${env:GOOGLE_CLOUD_PROJECT, my-project}"', '    region: europe-west1'],
  };
  return providers.flatMap((p) => blocks[p]).join('\n');
}
