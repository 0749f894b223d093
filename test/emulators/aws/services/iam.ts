// IAM (awsQuery): roles, inline and attached policies, role tags.
import { randomBytes } from 'node:crypto';
import { AwsError, formList, formStructs, parseForm, queryError, queryRes, type HttpReq, type HttpRes, type Routed, type ServiceHandler } from '../protocol.js';
import type { Emulator } from '../emulator.js';
import type { IamRole } from '../state.js';

const XMLNS = 'https://iam.amazonaws.com/doc/2010-05-08/';

type Form = Record<string, string>;

function noSuchEntity(message: string): AwsError {
  return new AwsError('NoSuchEntity', message, 404);
}

function required(form: Form, key: string): string {
  const v = form[key];
  if (v === undefined || v === '') throw new AwsError('ValidationError', `1 validation error detected: Value null at '${key.charAt(0).toLowerCase()}${key.slice(1)}' failed to satisfy constraint: Member must not be null`, 400);
  return v;
}

function checkPolicy(doc: string): void {
  try {
    const parsed: unknown = JSON.parse(doc);
    if (!parsed || typeof parsed !== 'object' || !('Statement' in parsed)) throw new Error('no Statement');
  } catch {
    throw new AwsError('MalformedPolicyDocument', 'This policy contains invalid Json', 400);
  }
}

function roleOf(em: Emulator, name: string): IamRole {
  const role = em.state.iam.roles.get(name);
  if (!role) throw noSuchEntity(`The role with name ${name} cannot be found.`);
  return role;
}

function roleOutput(r: IamRole): Record<string, unknown> {
  return {
    Path: r.Path,
    RoleName: r.RoleName,
    RoleId: r.RoleId,
    Arn: r.Arn,
    CreateDate: new Date(r.CreateDate),
    AssumeRolePolicyDocument: encodeURIComponent(r.AssumeRolePolicyDocument),
    Description: r.Description || undefined,
    MaxSessionDuration: r.MaxSessionDuration,
    Tags: Object.keys(r.tags).length ? Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value })) : undefined,
  };
}

function tagsFrom(form: Form): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of formStructs(form, 'Tags')) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

function page<T>(items: T[], form: Form): { items: T[]; IsTruncated: boolean; Marker?: string } {
  const start = Number(form.Marker ?? 0) || 0;
  const max = Number(form.MaxItems ?? 100) || 100;
  const truncated = start + max < items.length;
  return { items: items.slice(start, start + max), IsTruncated: truncated, Marker: truncated ? String(start + max) : undefined };
}

type Op = (em: Emulator, form: Form) => unknown;

const ops: Record<string, Op> = {
  CreateRole(em, form) {
    const name = required(form, 'RoleName');
    const doc = required(form, 'AssumeRolePolicyDocument');
    if (!/^[\w+=,.@-]{1,64}$/.test(name)) throw new AwsError('ValidationError', `The specified value for roleName is invalid: ${name}`, 400);
    // IAM names are unique regardless of case: `Api-role` and `api-role` cannot both exist.
    if ([...em.state.iam.roles.keys()].some((n) => n.toLowerCase() === name.toLowerCase())) throw new AwsError('EntityAlreadyExists', `Role with name ${name} already exists.`, 409);
    checkPolicy(doc);
    const path = form.Path ?? '/';
    const role: IamRole = {
      RoleName: name,
      RoleId: `AROA${randomBytes(8).toString('hex').toUpperCase()}`,
      Arn: `arn:aws:iam::${em.accountId}:role${path}${name}`,
      Path: path,
      AssumeRolePolicyDocument: doc,
      Description: form.Description ?? '',
      MaxSessionDuration: Number(form.MaxSessionDuration ?? 3600),
      CreateDate: em.now(),
      tags: tagsFrom(form),
      inlinePolicies: new Map(),
      attachedPolicies: [],
    };
    em.state.iam.roles.set(name, role);
    return { Role: roleOutput(role) };
  },
  GetRole(em, form) {
    return { Role: roleOutput(roleOf(em, required(form, 'RoleName'))) };
  },
  DeleteRole(em, form) {
    const role = roleOf(em, required(form, 'RoleName'));
    if (role.inlinePolicies.size || role.attachedPolicies.length) throw new AwsError('DeleteConflict', 'Cannot delete entity, must delete policies first.', 409);
    em.state.iam.roles.delete(role.RoleName);
    return undefined;
  },
  ListRoles(em, form) {
    const prefix = form.PathPrefix ?? '/';
    const roles = [...em.state.iam.roles.values()].filter((r) => r.Path.startsWith(prefix)).sort((a, b) => a.RoleName.localeCompare(b.RoleName));
    const p = page(roles, form);
    return { Roles: p.items.map((r) => ({ ...roleOutput(r), Tags: undefined })), IsTruncated: p.IsTruncated, Marker: p.Marker };
  },
  UpdateAssumeRolePolicy(em, form) {
    const role = roleOf(em, required(form, 'RoleName'));
    const doc = required(form, 'PolicyDocument');
    checkPolicy(doc);
    role.AssumeRolePolicyDocument = doc;
    role.trustChangedAt = em.now();
    return undefined;
  },
  UpdateRole(em, form) {
    const role = roleOf(em, required(form, 'RoleName'));
    if (form.Description !== undefined) role.Description = form.Description;
    if (form.MaxSessionDuration !== undefined) role.MaxSessionDuration = Number(form.MaxSessionDuration);
    return {};
  },
  PutRolePolicy(em, form) {
    const role = roleOf(em, required(form, 'RoleName'));
    const name = required(form, 'PolicyName');
    const doc = required(form, 'PolicyDocument');
    checkPolicy(doc);
    // IAM quota: a role's inline policies together hold at most 10,240 characters (whitespace not counted).
    const size = (text: string) => text.replace(/\s/g, '').length;
    const total = [...role.inlinePolicies].reduce((n, [k, v]) => (k === name ? n : n + size(v)), size(doc));
    if (total > 10_240) throw new AwsError('LimitExceeded', `Maximum policy size of 10240 bytes exceeded for role ${role.RoleName}`, 409);
    role.inlinePolicies.set(name, doc);
    return undefined;
  },
  GetRolePolicy(em, form) {
    const role = roleOf(em, required(form, 'RoleName'));
    const name = required(form, 'PolicyName');
    const doc = role.inlinePolicies.get(name);
    if (doc === undefined) throw noSuchEntity(`The role policy with name ${name} cannot be found.`);
    return { RoleName: role.RoleName, PolicyName: name, PolicyDocument: encodeURIComponent(doc) };
  },
  DeleteRolePolicy(em, form) {
    const role = roleOf(em, required(form, 'RoleName'));
    const name = required(form, 'PolicyName');
    if (!role.inlinePolicies.delete(name)) throw noSuchEntity(`The role policy with name ${name} cannot be found.`);
    return undefined;
  },
  ListRolePolicies(em, form) {
    const role = roleOf(em, required(form, 'RoleName'));
    const p = page([...role.inlinePolicies.keys()].sort(), form);
    return { PolicyNames: p.items, IsTruncated: p.IsTruncated, Marker: p.Marker };
  },
  AttachRolePolicy(em, form) {
    const role = roleOf(em, required(form, 'RoleName'));
    const arn = required(form, 'PolicyArn');
    if (!/^arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/.+/.test(arn)) throw new AwsError('InvalidInput', `ARN ${arn} is not valid.`, 400);
    if (!role.attachedPolicies.includes(arn)) role.attachedPolicies.push(arn);
    return undefined;
  },
  DetachRolePolicy(em, form) {
    const role = roleOf(em, required(form, 'RoleName'));
    const arn = required(form, 'PolicyArn');
    const i = role.attachedPolicies.indexOf(arn);
    if (i < 0) throw noSuchEntity(`Policy ${arn} was not found.`);
    role.attachedPolicies.splice(i, 1);
    return undefined;
  },
  ListAttachedRolePolicies(em, form) {
    const role = roleOf(em, required(form, 'RoleName'));
    const p = page(role.attachedPolicies, form);
    return { AttachedPolicies: p.items.map((arn) => ({ PolicyName: arn.slice(arn.lastIndexOf('/') + 1), PolicyArn: arn })), IsTruncated: p.IsTruncated, Marker: p.Marker };
  },
  TagRole(em, form) {
    const role = roleOf(em, required(form, 'RoleName'));
    Object.assign(role.tags, tagsFrom(form));
    return undefined;
  },
  UntagRole(em, form) {
    const role = roleOf(em, required(form, 'RoleName'));
    for (const k of formList(form, 'TagKeys')) delete role.tags[k];
    return undefined;
  },
  ListRoleTags(em, form) {
    const role = roleOf(em, required(form, 'RoleName'));
    return { Tags: Object.entries(role.tags).map(([Key, Value]) => ({ Key, Value })), IsTruncated: false };
  },
};

export function createIamService(em: Emulator): ServiceHandler {
  return {
    name: 'iam',
    route(req: HttpReq): Routed {
      const form = parseForm(req);
      const action = form.Action ?? '';
      const op = ops[action];
      if (!op) throw new AwsError('InvalidAction', `Could not find operation ${action || '(none)'} for version 2010-05-08`, 400);
      const { Action: _a, Version: _v, ...input } = form;
      return { operation: action, input, execute: (): HttpRes => queryRes(action, XMLNS, op(em, form)) };
    },
    error: (err) => queryError(err, XMLNS),
    throttleError: () => new AwsError('Throttling', 'Rate exceeded', 400),
    internalError: () => new AwsError('ServiceFailure', 'Request processing has failed due to some unknown error (injected fault).', 500),
  };
}
