// Whether a site can reach its storage, checked when a deployment settles, as the platform finds
// out then: the Flex deployment container (connection string setting, or the system-assigned
// identity with a Storage Blob Data Owner/Contributor role assignment) and AzureWebJobsStorage
// (the Functions host does not start without it, or with a connection string that does not authenticate).
import type { Emulator } from './emulator.js';
import { obj, str } from './protocol.js';
import { resolveContainer } from './flex.js';
import { storageId } from './ids.js';
import type { Site, SiteInstance } from './state.js';

/** Storage Blob Data Owner, Storage Blob Data Contributor. */
export const BLOB_DATA_ROLES = ['b7e6dc6d-f1e8-4753-8033-0f276bb0955b', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'];

/** Parse `AccountName=...;AccountKey=...`; true when it authenticates to an emulated account (optionally a given one). */
export function connectionAuthenticates(emu: Emulator, value: string | undefined, account?: string): boolean {
  if (!value) return false;
  const parts = Object.fromEntries(value.split(';').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')).toLowerCase(), kv.slice(kv.indexOf('=') + 1)]));
  const name = parts.accountname;
  const key = parts.accountkey;
  if (!name || !key) return false;
  if (account && name !== account) return false;
  const a = emu.state.storageAccounts.get(name);
  return !!a && a.keys.includes(key);
}

/** Why the one-deploy package cannot be written to the deployment container, if it cannot. */
export function deploymentStorageProblem(emu: Emulator, site: Site, inst: SiteInstance): string | undefined {
  const storage = obj(obj(site.functionAppConfig?.deployment).storage);
  const value = str(storage.value) ?? '';
  const c = resolveContainer(emu, value);
  if (typeof c !== 'object') return `Failed to upload the package to the deployment storage container '${value}': the container does not exist.`;
  const auth = obj(storage.authentication);
  const type = (str(auth.type) ?? '').toLowerCase();
  if (type === 'storageaccountconnectionstring') {
    const setting = str(auth.storageAccountConnectionStringName) ?? '';
    if (!connectionAuthenticates(emu, inst.appSettings[setting], c.account)) {
      return `Failed to upload the package to the deployment storage container '${value}': the connection string in app setting '${setting}' does not authenticate to storage account '${c.account}'.`;
    }
  }
  if (type === 'systemassignedidentity') {
    const principal = str(site.identity?.principalId);
    const account = emu.state.storageAccounts.get(c.account)!;
    const accountScope = storageId(emu, account.resourceGroup, account.name).toLowerCase();
    const targets = [accountScope, `${accountScope}/blobservices/default/containers/${c.container}`];
    const granted =
      principal !== undefined &&
      emu.state.roleAssignments.some((r) => {
        const s = ('/' + r.scope.split('/').filter(Boolean).join('/')).toLowerCase();
        return r.principalId === principal && BLOB_DATA_ROLES.some((id) => r.roleDefinitionId.toLowerCase().endsWith(id)) && targets.some((t) => t === s || t.startsWith(s + '/'));
      });
    if (!granted) {
      return `Failed to upload the package to the deployment storage container '${value}': the app's system-assigned identity ${principal ? `(${principal}) has no Storage Blob Data Owner or Contributor role on it` : 'is not enabled'}.`;
    }
  }
  return undefined;
}

/** Why the Functions host cannot start, if it cannot (AzureWebJobsStorage missing or not authenticating). */
export function hostStorageProblem(emu: Emulator, inst: SiteInstance): string | undefined {
  const s = inst.appSettings;
  if (s.AzureWebJobsStorage === undefined) {
    if (Object.keys(s).some((k) => k.startsWith('AzureWebJobsStorage__'))) return undefined;
    return "The Functions host failed to start: the app setting 'AzureWebJobsStorage' is missing.";
  }
  if (!connectionAuthenticates(emu, s.AzureWebJobsStorage)) {
    return "The Functions host failed to start: the storage connection string in 'AzureWebJobsStorage' is invalid or does not authenticate.";
  }
  return undefined;
}
