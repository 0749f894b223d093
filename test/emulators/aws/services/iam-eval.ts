/**
 * The IAM checks Lambda makes itself when a function or event source mapping is created or
 * changed: the execution role must be assumable by lambda.amazonaws.com (trust policy, and not
 * before IAM has propagated a new role: `iamPropagationMs`), and must already grant what Lambda
 * will do with it (SQS receive for a queue mapping, SendMessage/Publish for a dead-letter target,
 * ENI actions for a VPC). Identity policies are evaluated simply: Allow/Deny statements with
 * `*`/`?` wildcards in Action and Resource; Conditions, NotAction and NotResource count as matching.
 * Roles of other accounts, and roles with attached policies this emulator does not know, pass.
 */
import type { Emulator } from '../emulator.js';
import type { IamRole } from '../state.js';

interface Statement {
  Effect?: string;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: string | string[];
  NotResource?: unknown;
  Principal?: unknown;
}

const LOGS = ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'];

/** AWS managed policies Lambda execution roles commonly use (actions on any resource). */
const MANAGED: Readonly<Record<string, readonly string[]>> = {
  'service-role/AWSLambdaBasicExecutionRole': LOGS,
  'service-role/AWSLambdaSQSQueueExecutionRole': ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', ...LOGS],
  'service-role/AWSLambdaVPCAccessExecutionRole': [
    'ec2:CreateNetworkInterface',
    'ec2:DescribeNetworkInterfaces',
    'ec2:DescribeSubnets',
    'ec2:DeleteNetworkInterface',
    'ec2:AssignPrivateIpAddresses',
    'ec2:UnassignPrivateIpAddresses',
    ...LOGS,
  ],
  AWSXRayDaemonWriteAccess: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
  AdministratorAccess: ['*'],
};

function glob(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, caseInsensitive ? 'i' : '');
  return re.test(value);
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);

function statementsOf(doc: string): Statement[] {
  try {
    const parsed = JSON.parse(doc) as { Statement?: Statement | Statement[] };
    return Array.isArray(parsed.Statement) ? parsed.Statement : parsed.Statement ? [parsed.Statement] : [];
  } catch {
    return [];
  }
}

function applies(s: Statement, action: string, resource: string): boolean {
  const actionOk = s.NotAction !== undefined || list(s.Action).some((a) => glob(a, action, true));
  const resourceOk = s.NotResource !== undefined || list(s.Resource).some((r) => glob(r, resource, false));
  return actionOk && resourceOk;
}

/** The role an ARN names, when it is in this emulator's account and exists. */
export function localRole(em: Emulator, roleArn: string): IamRole | undefined {
  if (roleArn.split(':')[4] !== em.accountId) return undefined;
  return em.state.iam.roles.get(roleArn.slice(roleArn.lastIndexOf('/') + 1));
}

/** True when the role's trust policy lets the service principal call sts:AssumeRole. */
export function trusts(role: IamRole, service: string): boolean {
  return statementsOf(role.AssumeRolePolicyDocument).some((s) => {
    if (s.Effect !== 'Allow' || !list(s.Action).some((a) => glob(a, 'sts:AssumeRole', true))) return false;
    const principal = s.Principal;
    if (principal === '*') return true;
    const services = list((principal as { Service?: unknown } | undefined)?.Service);
    return services.includes(service);
  });
}

/** True when IAM has not yet propagated the role (created or its trust policy changed less than `iamPropagationMs` ago). */
export function propagating(em: Emulator, role: IamRole): boolean {
  return em.now() < (role.trustChangedAt ?? role.CreateDate) + em.iamPropagationMs;
}

/** Whether the role's identity policies allow `action` on `resource` (an attached policy this emulator does not know: allowed). */
export function roleAllows(role: IamRole, action: string, resource: string): boolean {
  const statements: Statement[] = [...role.inlinePolicies.values()].flatMap(statementsOf);
  for (const arn of role.attachedPolicies) {
    const managed = /^arn:aws[a-z-]*:iam::aws:policy\/(.+)$/.exec(arn)?.[1];
    const actions = managed === undefined ? undefined : MANAGED[managed];
    if (!actions) return true;
    statements.push({ Effect: 'Allow', Action: [...actions], Resource: '*' });
  }
  if (statements.some((s) => s.Effect === 'Deny' && applies(s, action, resource))) return false;
  return statements.some((s) => s.Effect === 'Allow' && applies(s, action, resource));
}
