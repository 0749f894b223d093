// Key Vaults (created by the test hook addKeyVault; ARM GET of the vault and of a secret's metadata,
// never a value) and Microsoft.Authorization role assignments at any scope that exists:
// PUT/GET/DELETE {scope}/providers/Microsoft.Authorization/roleAssignments/{guid} and the list at a scope.
import type { Route, RouteContext } from './router.js';
import { AzureError, bodyJson, json, obj, str } from './protocol.js';
import { resolveScope, rgId } from './ids.js';
import type { KeyVault, RoleAssignment } from './state.js';

const VAULT = '/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.KeyVault/vaults/{name}';
const RA = '{+scope}/providers/Microsoft.Authorization/roleAssignments';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function findVault(ctx: RouteContext): KeyVault {
  const v = ctx.emu.state.keyVaults.get(ctx.params.name!.toLowerCase());
  if (!v || v.resourceGroup.toLowerCase() !== ctx.params.rg!.toLowerCase()) {
    throw new AzureError(404, 'ResourceNotFound', `The Resource 'Microsoft.KeyVault/vaults/${ctx.params.name}' under resource group '${ctx.params.rg}' was not found.`);
  }
  return v;
}

function vaultId(ctx: RouteContext, v: KeyVault): string {
  return `${rgId(ctx.emu, v.resourceGroup)}/providers/Microsoft.KeyVault/vaults/${v.name}`;
}

/** Principals the directory knows: the emulator's service principal and sites' system-assigned identities. */
function principalExists(ctx: RouteContext, id: string): boolean {
  if (id === ctx.emu.clientId) return true;
  for (const s of ctx.emu.state.sites.values()) if (str(s.identity?.principalId) === id) return true;
  return false;
}

function raBody(ctx: RouteContext, a: RoleAssignment): unknown {
  return {
    id: `${a.scope.replace(/\/+$/, '')}/providers/Microsoft.Authorization/roleAssignments/${a.name}`.replace(/^\/+/, '/'),
    name: a.name,
    type: 'Microsoft.Authorization/roleAssignments',
    properties: { roleDefinitionId: a.roleDefinitionId, principalId: a.principalId, principalType: a.principalType ?? 'ServicePrincipal', scope: normScope(a.scope) },
  };
}

function normScope(s: string): string {
  return '/' + s.split('/').filter(Boolean).join('/');
}

function putAssignment(ctx: RouteContext) {
  const name = ctx.params.name!;
  if (!GUID.test(name)) throw new AzureError(400, 'InvalidRoleAssignmentId', `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`);
  const scope = normScope(ctx.params.scope!);
  resolveScope(ctx.emu, scope);
  const props = obj(bodyJson(ctx.req).properties);
  const roleDefinitionId = str(props.roleDefinitionId);
  const principalId = str(props.principalId);
  if (!roleDefinitionId || !/^\/subscriptions\/[^/]+\/providers\/Microsoft\.Authorization\/roleDefinitions\/[0-9a-f-]{36}$/i.test(roleDefinitionId)) {
    throw new AzureError(400, 'InvalidRoleDefinitionId', `The role definition ID '${roleDefinitionId ?? ''}' is not valid.`);
  }
  if (!principalId || !GUID.test(principalId) || !principalExists(ctx, principalId)) {
    throw new AzureError(400, 'PrincipalNotFound', `Principal ${principalId ?? ''} does not exist in the directory ${ctx.emu.tenantId}. Check that you have the correct principal ID.`);
  }
  const list = ctx.emu.state.roleAssignments;
  const same = list.find((a) => a.name.toLowerCase() === name.toLowerCase());
  if (same) {
    if (same.principalId !== principalId || same.roleDefinitionId.toLowerCase() !== roleDefinitionId.toLowerCase() || normScope(same.scope).toLowerCase() !== scope.toLowerCase()) {
      throw new AzureError(400, 'RoleAssignmentUpdateNotPermitted', 'Tenant ID, application ID, principal ID, and scope are not allowed to be updated.');
    }
    return json(201, raBody(ctx, same));
  }
  if (list.some((a) => normScope(a.scope).toLowerCase() === scope.toLowerCase() && a.principalId === principalId && a.roleDefinitionId.toLowerCase() === roleDefinitionId.toLowerCase())) {
    throw new AzureError(409, 'RoleAssignmentExists', 'The role assignment already exists.');
  }
  const a: RoleAssignment = { name, scope, roleDefinitionId, principalId, principalType: str(props.principalType) };
  list.push(a);
  return json(201, raBody(ctx, a));
}

function findAssignment(ctx: RouteContext): RoleAssignment | undefined {
  const scope = normScope(ctx.params.scope!).toLowerCase();
  return ctx.emu.state.roleAssignments.find((a) => a.name.toLowerCase() === ctx.params.name!.toLowerCase() && normScope(a.scope).toLowerCase() === scope);
}

export const accessRoutes: Route[] = [
  {
    method: 'GET',
    template: VAULT,
    operation: 'Vaults_Get',
    write: false,
    provider: 'Microsoft.KeyVault',
    handle: (ctx) => {
      const v = findVault(ctx);
      return json(200, { id: vaultId(ctx, v), name: v.name, type: 'Microsoft.KeyVault/vaults', location: v.location, tags: {}, properties: { tenantId: ctx.emu.tenantId, sku: { family: 'A', name: 'standard' }, enableRbacAuthorization: true, vaultUri: `https://${v.name}.vault.azure.net/`, provisioningState: 'Succeeded' } });
    },
  },
  {
    method: 'GET',
    template: `${VAULT}/secrets/{secret}`,
    operation: 'Secrets_Get',
    write: false,
    provider: 'Microsoft.KeyVault',
    handle: (ctx) => {
      const v = findVault(ctx);
      const s = [...v.secrets].find((x) => x.toLowerCase() === ctx.params.secret!.toLowerCase());
      if (!s) throw new AzureError(404, 'ResourceNotFound', `The Resource 'Microsoft.KeyVault/vaults/${v.name}/secrets/${ctx.params.secret}' under resource group '${v.resourceGroup}' was not found.`);
      return json(200, { id: `${vaultId(ctx, v)}/secrets/${s}`, name: s, type: 'Microsoft.KeyVault/vaults/secrets', location: v.location, properties: { attributes: { enabled: true }, secretUri: `https://${v.name}.vault.azure.net/secrets/${s}`, secretUriWithVersion: `https://${v.name}.vault.azure.net/secrets/${s}/0123456789abcdef0123456789abcdef` } });
    },
  },
  { method: 'PUT', template: `${RA}/{name}`, operation: 'RoleAssignments_Create', write: true, provider: 'Microsoft.Authorization', handle: putAssignment },
  {
    method: 'GET',
    template: `${RA}/{name}`,
    operation: 'RoleAssignments_Get',
    write: false,
    provider: 'Microsoft.Authorization',
    handle: (ctx) => {
      const a = findAssignment(ctx);
      if (!a) throw new AzureError(404, 'RoleAssignmentNotFound', `The role assignment '${ctx.params.name}' is not found.`);
      return json(200, raBody(ctx, a));
    },
  },
  {
    method: 'DELETE',
    template: `${RA}/{name}`,
    operation: 'RoleAssignments_Delete',
    write: true,
    provider: 'Microsoft.Authorization',
    handle: (ctx) => {
      const a = findAssignment(ctx);
      if (!a) return { status: 204, headers: {} };
      ctx.emu.state.roleAssignments.splice(ctx.emu.state.roleAssignments.indexOf(a), 1);
      return json(200, raBody(ctx, a));
    },
  },
  {
    method: 'GET',
    template: RA,
    operation: 'RoleAssignments_ListForScope',
    write: false,
    provider: 'Microsoft.Authorization',
    handle: (ctx) => {
      const scope = normScope(ctx.params.scope!).toLowerCase();
      resolveScope(ctx.emu, scope);
      const filter = ctx.req.query.get('$filter') ?? '';
      const principal = /principalId\s+eq\s+'([^']+)'/i.exec(filter)?.[1];
      const atScope = /atScope\(\)/i.test(filter);
      const value = ctx.emu.state.roleAssignments.filter((a) => {
        const s = normScope(a.scope).toLowerCase();
        const applies = atScope ? s === scope || scope.startsWith(s + '/') : s === scope || s.startsWith(scope + '/') || scope.startsWith(s + '/');
        return applies && (!principal || a.principalId === principal);
      });
      return json(200, { value: value.map((a) => raBody(ctx, a)) });
    },
  },
];
