/** What inspect() read from AWS for one service+stage: the driver-private DeployedState.detail. JSON only. */
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import type { FunctionConfig } from './desired.js';
import type { RolledBackEntry } from './metadata.js';
import type { StreamSettings, StreamStart } from './stream.js';

export interface DeployedAlias {
  readonly version: string;
  /** Additional version and its weight, during a shift. */
  readonly weights: Readonly<Record<string, number>>;
  readonly revision: string;
  readonly description: string;
}

export interface DeployedVersion {
  readonly version: string;
  readonly description: string;
  /** fingerprint() of the version's code and configuration. */
  readonly fingerprint: string;
  readonly codeSha256: string;
  readonly lastModified?: string;
}

export interface DeployedStatement {
  readonly sid: string;
  readonly principal: string;
  readonly sourceArn?: string;
}

export interface DeployedMapping {
  readonly uuid: string;
  readonly sourceArn: string;
  readonly batchSize: number;
  /** FunctionResponseTypes holds ReportBatchItemFailures. */
  readonly reportFailures: boolean;
  readonly state: string;
  /** A mapping on a DynamoDB or Kinesis stream: its settings as fnx compares them. */
  readonly stream?: StreamSettings & StreamStart;
}

/** What inspect found for a stream trigger's table or data stream (fnx never creates them). */
export type StreamSource =
  | { readonly state: 'ok'; readonly streamArn: string }
  | { readonly state: 'missing' }
  /** A DynamoDB table without a stream. */
  | { readonly state: 'disabled' };

export interface DeployedRule {
  readonly name: string;
  readonly arn: string;
  readonly expression: string;
  readonly enabled: boolean;
  readonly targetIds: readonly string[];
  /** Alias ARN the rule's fnx target invokes. */
  readonly targetArn?: string;
}

export interface DeployedNotification {
  readonly bucket: string;
  readonly id: string;
  readonly functionArn: string;
  readonly events: readonly string[];
  readonly prefix?: string;
  readonly suffix?: string;
}

export interface DeployedSubscription {
  readonly topicArn: string;
  readonly subscriptionArn: string;
}

export interface DeployedFunction {
  /** Manifest name (from the fnx:function tag). */
  readonly fn: string;
  readonly name: string;
  readonly arn: string;
  readonly config: FunctionConfig;
  readonly architecture: string;
  readonly codeSha256: string;
  /** CodeSize of $LATEST: its zip's bytes. */
  readonly codeSize?: number;
  /** RevisionId of $LATEST. */
  readonly revision: string;
  readonly latestFingerprint: string;
  /** The function's tags, except fnx:rolled-back (release state, not configuration). */
  readonly tags: Readonly<Record<string, string>>;
  /** Entries of the fnx:rolled-back tag, oldest first (absent: none). */
  readonly rolledBack?: readonly RolledBackEntry[];
  readonly reserved?: number;
  readonly alias?: DeployedAlias;
  readonly provisioned?: number;
  /** Published versions, ascending. */
  readonly versions: readonly DeployedVersion[];
  readonly statements: readonly DeployedStatement[];
  readonly mappings: readonly DeployedMapping[];
  readonly rules: readonly DeployedRule[];
  readonly notifications: readonly DeployedNotification[];
  readonly subscriptions: readonly DeployedSubscription[];
  readonly logGroup?: { readonly retention?: number };
  /** The generated role, when it exists: canonical JSON of its inline policy. */
  readonly role?: { readonly name: string; readonly arn: string; readonly policy?: string };
}

export interface DeployedApi {
  readonly id: string;
  readonly endpoint: string;
  readonly hasDefaultStage: boolean;
  readonly integrations: readonly { readonly id: string; readonly uri: string }[];
  readonly routes: readonly { readonly id: string; readonly key: string; readonly target: string; readonly authorization: string }[];
}

export interface DeployedLayer {
  readonly layer: string;
  readonly name: string;
  /** Newest version fnx published, with the content hash recorded in its description. */
  readonly latest?: { readonly arn: string; readonly version: number; readonly sha256?: string };
  /** Every version ARN (for remove). */
  readonly versions: readonly number[];
}

export interface AwsDeployed {
  readonly accountId: string;
  readonly region: string;
  readonly functions: Readonly<Record<string, DeployedFunction>>;
  readonly layers: Readonly<Record<string, DeployedLayer>>;
  readonly api?: DeployedApi;
  /** Buckets and topic ARNs that storage and topic triggers name but that do not exist (fnx never creates them). */
  readonly missingSources?: { readonly buckets: readonly string[]; readonly topics: readonly string[] };
  /** The stream triggers' tables and data streams by ARN (absent: the manifest has no stream trigger). */
  readonly streamSources?: Readonly<Record<string, StreamSource>>;
  /** Generated roles of functions that no longer exist (left by an interrupted remove). */
  readonly deploymentBucket?: string;
}

/** Lambda's configuration in fnx's comparable shape. */
export function configOf(c: FunctionConfiguration): FunctionConfig {
  return {
    Runtime: c.Runtime ?? '',
    Handler: c.Handler ?? '',
    MemorySize: c.MemorySize ?? 128,
    Timeout: c.Timeout ?? 3,
    Role: c.Role ?? '',
    Environment: { ...(c.Environment?.Variables ?? {}) },
    Layers: (c.Layers ?? []).map((l) => l.Arn ?? ''),
    TracingMode: c.TracingConfig?.Mode === 'Active' ? 'Active' : 'PassThrough',
    DeadLetterArn: c.DeadLetterConfig?.TargetArn ?? '',
    SubnetIds: [...(c.VpcConfig?.SubnetIds ?? [])].sort(),
    SecurityGroupIds: [...(c.VpcConfig?.SecurityGroupIds ?? [])].sort(),
  };
}

function sortedObject(o: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

/** Identity of code + configuration: equal fingerprints mean PublishVersion would publish nothing new. */
export function fingerprint(config: FunctionConfig, architecture: string, codeSha256: string): string {
  return JSON.stringify([codeSha256, architecture, { ...config, Environment: sortedObject(config.Environment) }]);
}

export function fingerprintOf(c: FunctionConfiguration): string {
  return fingerprint(configOf(c), c.Architectures?.[0] ?? 'x86_64', c.CodeSha256 ?? '');
}
