/**
 * `${secret:}` access: the Function App's system-assigned identity gets the Key Vault Secrets
 * User role on exactly the secrets its settings reference (role assignments scoped to each
 * secret, in the vault `providers.azure.keyVault` of the stage's resource group). The
 * assignment's name is derived from scope, role and principal, so a re-run writes the same one
 * (and RoleAssignmentExists means it is there). fnx never reads a secret's value.
 */
import { createHash } from 'node:crypto';
import { CloudError } from '../../src/driver.js';
import type { AzureClients } from './clients.js';
import { keyVaultSecretName } from './secrets.js';

/** Key Vault Secrets User (built-in role). */
export const SECRETS_USER_ROLE = '4633458b-17de-408a-b874-0445c86b69e6';

function guidOf(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('|')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export async function grantSecrets(az: AzureClients, o: { rg: string; vault: string; principalId: string; secrets: readonly string[] }): Promise<void> {
  const sub = az.settings.subscriptionId;
  for (const secret of [...new Set(o.secrets.map(keyVaultSecretName))].sort()) {
    const scope = `/subscriptions/${sub}/resourceGroups/${o.rg}/providers/Microsoft.KeyVault/vaults/${o.vault}/secrets/${secret}`;
    const url = `${az.settings.armEndpoint}${scope}/providers/Microsoft.Authorization/roleAssignments/${guidOf(scope, SECRETS_USER_ROLE, o.principalId)}?api-version=2022-04-01`;
    const body = { properties: { roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${SECRETS_USER_ROLE}`, principalId: o.principalId, principalType: 'ServicePrincipal' } };
    await az.call(`let the app read secret ${secret}`, async () => {
      const r = await az.fetch(url, { method: 'PUT', body: Buffer.from(JSON.stringify(body)), headers: { 'content-type': 'application/json' } });
      if (r.status === 200 || r.status === 201) return;
      const text = await r.text();
      if (r.status === 409 && /RoleAssignmentExists/.test(text)) return;
      if (r.status === 404) throw new CloudError('azure', 'not-found', `Key Vault ${o.vault} has no secret ${secret} (in resource group ${o.rg}).`, { hint: `Create the secret in the vault (az keyvault secret set --vault-name ${o.vault} --name ${secret}), then deploy again.` });
      throw Object.assign(new Error(`${r.status} ${text}`), { statusCode: r.status });
    }, { write: true });
  }
}
