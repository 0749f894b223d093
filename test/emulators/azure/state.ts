// Live state of the emulated subscription. Maps are keyed by lower-cased names (ARM names are case-insensitive).

export type Json = Record<string, unknown>;

export interface ResourceGroup {
  name: string;
  location: string;
  tags: Record<string, string>;
  deleting: boolean;
}

export interface StoredBlob {
  data: Buffer;
  contentType: string;
  metadata: Record<string, string>;
  etag: string;
  lastModified: number;
}

export interface BlobContainer {
  name: string;
  /** Blobs written through the blob endpoint or by Flex one-deploy (blob `released-package.zip`). */
  blobs: Map<string, StoredBlob>;
}

export interface StorageAccount {
  name: string;
  resourceGroup: string;
  location: string;
  kind: string;
  sku: string;
  tags: Record<string, string>;
  properties: Json;
  keys: [string, string];
  containers: Map<string, BlobContainer>;
  /** Until this time the account is Creating (provisioningState). */
  readyAt: number;
  etag: string;
}

export interface Plan {
  name: string;
  resourceGroup: string;
  location: string;
  kind: string;
  /** sku.name: FC1 (Flex Consumption) or EP1..EP3 (Elastic Premium). */
  sku: Json;
  tags: Record<string, string>;
  properties: Json;
  etag: string;
}

export interface ScmDeployment {
  id: string;
  /** Kudu status: 0 pending, 1 building, 2 deploying, 3 failed, 4 success. */
  status: number;
  /** When the deployment settles (clock ms). */
  settleAt: number;
  failure?: { stage: 'build' | 'runtime'; message: string; logUrl: string };
  sha256: string;
  size: number;
  via: 'publish' | 'zipdeploy';
  receivedTime: number;
  endTime?: number;
  /** deploymentStatus: RuntimeStarting until then, after the Kudu part succeeded. */
  runtimeReadyAt: number;
  /** True once the result was applied to the site (content switched, traffic recorded). */
  applied: boolean;
  /** GET /api/deployments/{id} answers so far (the first one is an early 404). */
  polls: number;
  /** Set once a status 4 was answered: later GETs are late 404s (the app restarted). */
  reportedSuccess: boolean;
}

/** A deployable unit: the production site or one of its slots. */
export interface SiteInstance {
  slot: string;
  appSettings: Record<string, string>;
  /** siteConfig as stored (config/web): experiments.rampUpRules only matters on production. */
  siteConfig: Json;
  tags: Record<string, string>;
  /** Other properties of the site PUT body (kept as sent). */
  properties: Json;
  etag: string;
  /** sha256 (hex) of the active package and its bytes. */
  package?: { sha256: string; bytes: Buffer; deploymentId: string; runtimeFailure?: string };
  deployments: Map<string, ScmDeployment>;
  /** Listener ports for this instance's scm (Kudu) and default hosts. */
  scmPort: number;
  appPort: number;
  /** While an operation on this instance is in progress, other writes answer 409. */
  busyUntil: number;
  createdTime: number;
  /** Functions host keys (host/default/listkeys), made on first use. */
  hostKeys?: { master: string; default: string };
}

export interface Site {
  name: string;
  resourceGroup: string;
  location: string;
  kind: string;
  serverFarmId: string;
  /** Lower-cased key of the plan in state.plans. */
  planKey: string;
  production: SiteInstance;
  slots: Map<string, SiteInstance>;
  slotConfigNames: { appSettingNames: string[]; connectionStringNames: string[]; azureStorageConfigNames: string[] };
  functionAppConfig?: Json;
  identity?: Json;
  /** The last swap that completed (Site.slotSwapStatus on the site and its slots). */
  slotSwapStatus?: { timestampUtc: string; sourceSlotName: string; destinationSlotName: string };
}

export interface Operation {
  id: string;
  /** Status URL kind handed out. */
  status: 'InProgress' | 'Succeeded' | 'Failed';
  settleAt: number;
  /** Applied once when the operation settles; may return an error to fail it. */
  complete?: () => { code: string; message: string } | void;
  error?: { code: string; message: string };
  /** For Location polling: the body answered with 200 at the end (absent = 204 / resource GET). */
  result?: () => unknown;
  /** Undo what the initial request did, when the operation fails (a failed create leaves nothing). */
  rollback?: () => void;
  /** Operation name of the request that started it (CallRecord.operation). */
  name?: string;
  /** Set by failNextOperation: the operation ends Failed with this error. */
  failWith?: { code: string; message: string };
}

export interface KeyVault {
  name: string;
  resourceGroup: string;
  location: string;
  /** Secret names (values are never stored: fnx must never read them). */
  secrets: Set<string>;
}

export interface RoleAssignment {
  /** The assignment's GUID name. */
  name: string;
  /** Scope id as given (case kept). */
  scope: string;
  roleDefinitionId: string;
  principalId: string;
  principalType?: string;
}

export interface EventGridTopic {
  name: string;
  resourceGroup: string;
  location: string;
}

export interface EventSubscription {
  name: string;
  /** Canonical id of the storage account or topic it is on. */
  scope: string;
  properties: { destination: Json; filter: Json; labels: string[]; eventDeliverySchema: string; retryPolicy: Json };
  /** The operation of its last PUT (Creating / Updating while in progress). */
  operationId: string;
}

export interface MetricAlert {
  name: string;
  resourceGroup?: string;
  status: 'Healthy' | 'Unhealthy';
  properties: Json;
  tags: Record<string, string>;
}

export interface MetricValue {
  /** Lower-cased site name; slot 'production' or a slot name. */
  app: string;
  slot: string;
  metric: string;
  total: number;
}

export interface AzureState {
  resourceGroups: Map<string, ResourceGroup>;
  storageAccounts: Map<string, StorageAccount>;
  plans: Map<string, Plan>;
  sites: Map<string, Site>;
  operations: Map<string, Operation>;
  metricAlerts: Map<string, MetricAlert>;
  metrics: MetricValue[];
  keyVaults: Map<string, KeyVault>;
  roleAssignments: RoleAssignment[];
  eventGridTopics: Map<string, EventGridTopic>;
  eventSubscriptions: EventSubscription[];
  /** Tokens issued by the token endpoint → their audience (the scope without '/.default'). */
  tokens: Map<string, string>;
}

export function emptyState(): AzureState {
  return {
    resourceGroups: new Map(),
    storageAccounts: new Map(),
    plans: new Map(),
    sites: new Map(),
    operations: new Map(),
    metricAlerts: new Map(),
    metrics: [],
    keyVaults: new Map(),
    roleAssignments: [],
    eventGridTopics: new Map(),
    eventSubscriptions: [],
    tokens: new Map(),
  };
}

export function planKey(resourceGroup: string, name: string): string {
  return `${resourceGroup.toLowerCase()}/${name.toLowerCase()}`;
}
