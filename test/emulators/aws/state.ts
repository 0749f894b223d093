// In-memory state of every emulated service. Inspectable by tests through AwsEmulator.state;
// treat it as read-only from outside (mutate only through the AWS APIs or the emulator's helpers).

/** Lambda configuration fields as returned by GetFunctionConfiguration (a subset AWS documents). */
export interface LambdaConfig {
  Runtime?: string;
  Handler?: string;
  Role: string;
  Description: string;
  Timeout: number;
  MemorySize: number;
  Environment?: { Variables: Record<string, string> };
  Architectures: string[];
  Layers: string[];
  VpcConfig?: { SubnetIds: string[]; SecurityGroupIds: string[]; Ipv6AllowedForDualStack?: boolean };
  TracingConfig: { Mode: string };
  DeadLetterConfig?: { TargetArn: string };
  EphemeralStorage: { Size: number };
  PackageType: string;
  KMSKeyArn?: string;
  LoggingConfig?: Record<string, unknown>;
}

export interface LambdaCode {
  zip: Buffer;
  sha256: string;
  size: number;
}

/** $LATEST or a published version. */
export interface LambdaVersion {
  version: string;
  config: LambdaConfig;
  code: LambdaCode;
  description: string;
  revisionId: string;
  lastModified: number;
  state: 'Pending' | 'Active' | 'Failed';
  /** clock time at which a Pending state becomes Active (lazy transition). */
  stateReadyAt: number;
  lastUpdateStatus: 'Successful' | 'InProgress' | 'Failed';
  updateReadyAt: number;
}

export interface LambdaAlias {
  name: string;
  functionVersion: string;
  description: string;
  routingConfig?: { AdditionalVersionWeights: Record<string, number> };
  revisionId: string;
}

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Principal: string | Record<string, string>;
  Action: string;
  Resource: string;
  Condition?: Record<string, Record<string, string>>;
}

export interface LambdaFunction {
  name: string;
  arn: string;
  latest: LambdaVersion;
  /** Published versions by number (as string). */
  versions: Map<string, LambdaVersion>;
  nextVersion: number;
  aliases: Map<string, LambdaAlias>;
  tags: Record<string, string>;
  /** Resource policies per qualifier ('$LATEST' for the unqualified function). */
  policies: Map<string, { statements: PolicyStatement[]; revisionId: string }>;
  reservedConcurrency?: number;
  /** Provisioned concurrency per qualifier. */
  provisioned: Map<string, { requested: number; readyAt: number; lastModified: number }>;
  /** Event invoke configs per qualifier. */
  eventInvokeConfigs: Map<string, { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number; DestinationConfig?: Record<string, unknown>; lastModified: number }>;
  /** Function URL configs per qualifier. */
  urlConfigs: Map<string, { AuthType: string; Cors?: Record<string, unknown>; InvokeMode: string; created: number; lastModified: number }>;
}

export interface LayerVersion {
  layerName: string;
  version: number;
  arn: string;
  description: string;
  code: LambdaCode;
  compatibleRuntimes: string[];
  compatibleArchitectures: string[];
  licenseInfo?: string;
  created: number;
}

export interface EventSourceMapping {
  uuid: string;
  functionArn: string;
  eventSourceArn: string;
  batchSize: number;
  maximumBatchingWindowInSeconds: number;
  enabled: boolean;
  state: 'Creating' | 'Enabled' | 'Disabled' | 'Enabling' | 'Disabling' | 'Updating' | 'Deleting';
  readyAt: number;
  lastModified: number;
  functionResponseTypes: string[];
  extra: Record<string, unknown>;
}

export interface IamRole {
  RoleName: string;
  RoleId: string;
  Arn: string;
  Path: string;
  AssumeRolePolicyDocument: string;
  Description: string;
  MaxSessionDuration: number;
  CreateDate: number;
  /** When UpdateAssumeRolePolicy last changed the trust policy (IAM propagation restarts). */
  trustChangedAt?: number;
  tags: Record<string, string>;
  inlinePolicies: Map<string, string>;
  attachedPolicies: string[];
}

export interface EventRule {
  Name: string;
  Arn: string;
  EventBusName: string;
  ScheduleExpression?: string;
  EventPattern?: string;
  State: string;
  Description?: string;
  RoleArn?: string;
  targets: Map<string, Record<string, unknown> & { Id: string; Arn: string }>;
  tags: Record<string, string>;
}

export interface SqsQueue {
  name: string;
  url: string;
  arn: string;
  attributes: Record<string, string>;
  tags: Record<string, string>;
  created: number;
}

export interface S3NotificationEntry {
  Id?: string;
  Arn: string;
  Events: string[];
  FilterRules: { Name: string; Value: string }[];
}

export interface S3Bucket {
  name: string;
  created: number;
  objects: Map<string, { body: Buffer; etag: string; lastModified: number; contentType?: string }>;
  tags?: Record<string, string>;
  notifications: { lambda: S3NotificationEntry[]; queue: S3NotificationEntry[]; topic: S3NotificationEntry[]; eventBridge: boolean };
}

export interface HttpApi {
  apiId: string;
  name: string;
  protocolType: string;
  description?: string;
  createdDate: number;
  routeSelectionExpression: string;
  apiKeySelectionExpression: string;
  disableExecuteApiEndpoint: boolean;
  corsConfiguration?: Record<string, unknown>;
  version?: string;
  tags: Record<string, string>;
  integrations: Map<string, Record<string, unknown> & { integrationId: string }>;
  routes: Map<string, Record<string, unknown> & { routeId: string; routeKey: string }>;
  stages: Map<string, Record<string, unknown> & { stageName: string }>;
}

export interface SnsTopic {
  arn: string;
  name: string;
  attributes: Record<string, string>;
  tags: Record<string, string>;
  subscriptions: Map<string, { arn: string; protocol: string; endpoint: string; attributes: Record<string, string> }>;
}

export interface Alarm {
  name: string;
  arn: string;
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  reason: string;
  updated: number;
  definition: Record<string, unknown>;
}

/** One recorded batch of Lambda invocations (AWS/Lambda metrics). */
export interface MetricPoint {
  functionName: string;
  /** Qualifier of the Resource dimension: an alias or a version. */
  resource: string;
  executedVersion: string;
  time: number;
  invocations: number;
  errors: number;
  durationMs?: number;
}

export interface LogGroup {
  name: string;
  arn: string;
  created: number;
  retentionInDays?: number;
  kmsKeyId?: string;
  tags: Record<string, string>;
  /** Log streams by name (CreateLogStream, or Lambda's own, one per execution environment). */
  streams: Map<string, LogStream>;
}

export interface LogEvent {
  timestamp: number;
  ingestionTime: number;
  message: string;
  /** Global arrival order (FilterLogEvents' tie-break and eventId). */
  seq: number;
}

export interface LogStream {
  name: string;
  created: number;
  events: LogEvent[];
}

export interface EmulatorState {
  lambda: {
    functions: Map<string, LambdaFunction>;
    layers: Map<string, LayerVersion[]>;
    /** Highest layer version ever published per layer name (numbers are never reused). */
    layerCounters: Map<string, number>;
    eventSourceMappings: Map<string, EventSourceMapping>;
  };
  iam: { roles: Map<string, IamRole> };
  events: { rules: Map<string, EventRule> };
  sqs: { queues: Map<string, SqsQueue> };
  s3: { buckets: Map<string, S3Bucket> };
  apigateway: { apis: Map<string, HttpApi> };
  sns: { topics: Map<string, SnsTopic> };
  cloudwatch: { alarms: Map<string, Alarm>; metrics: MetricPoint[] };
  logs: { groups: Map<string, LogGroup>; seq: number };
}

export function emptyState(): EmulatorState {
  return {
    lambda: { functions: new Map(), layers: new Map(), layerCounters: new Map(), eventSourceMappings: new Map() },
    iam: { roles: new Map() },
    events: { rules: new Map() },
    sqs: { queues: new Map() },
    s3: { buckets: new Map() },
    apigateway: { apis: new Map() },
    sns: { topics: new Map() },
    cloudwatch: { alarms: new Map(), metrics: [] },
    logs: { groups: new Map(), seq: 0 },
  };
}
