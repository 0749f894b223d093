/**
 * `${secret:name}` on Azure: a Key Vault reference app setting,
 * `@Microsoft.KeyVault(SecretUri=https://<vault>.vault.azure.net/secrets/<secret>/)`, that the
 * Function App resolves with its system-assigned identity (latest version). fnx never reads the
 * value. Key Vault secret names are 1-127 letters, digits and dashes; fnx's neutral names may
 * also have `/` (`orders/db-password`), which becomes `--` (`orders--db-password`). The mapping
 * is one to one because a name with `--` of its own, or any other character, is refused.
 * (Key Vault names ignore case: `DB` and `db` are one secret.)
 */
import { ExitCode, FnxError } from '../../src/driver.js';

/** The Key Vault secret name of the neutral secret `secret` (the text after `secret:`). */
export function keyVaultSecretName(secret: string): string {
  const name = secret.replace(/\//g, '--');
  if (!/^[A-Za-z0-9/-]+$/.test(secret) || secret.includes('--') || /^\/|\/$/.test(secret) || name.length > 127) {
    throw new FnxError('E_AZURE_SECRET_NAME', `Secret "${secret}" has no Key Vault name: Key Vault secret names have 1-127 letters, digits and dashes (fnx writes \`/\` as \`--\`).`, {
      hint: 'Name it with letters, digits, single dashes and `/`, e.g. `${secret:orders/db-password}` (Key Vault secret `orders--db-password`).',
      exitCode: ExitCode.usage,
    });
  }
  return name;
}

/** The vault's DNS suffix for the ARM endpoint in use (public cloud by default). */
export function vaultSuffix(armEndpoint: string): string {
  if (/\.usgovcloudapi\.net/.test(armEndpoint)) return 'vault.usgovcloudapi.net';
  if (/\.chinacloudapi\.cn/.test(armEndpoint)) return 'vault.azure.cn';
  return 'vault.azure.net';
}

/** The app setting value that makes the app resolve the secret itself. */
export function keyVaultReference(vault: string, secret: string, suffix = 'vault.azure.net'): string {
  return `@Microsoft.KeyVault(SecretUri=https://${vault}.${suffix}/secrets/${keyVaultSecretName(secret)}/)`;
}
