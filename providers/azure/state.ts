import type { EventSubscriptionSpec } from './event-grid.js';

/** What inspect() read from Azure for one service+stage (DeployedState.detail) and the plan's data. JSON only. */

export interface DeployedApp {
  readonly function: string;
  readonly name: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Version serving in production (tag fnx:version). */
  readonly version?: string;
  /** Premium: the version in the staging slot, if the slot exists. */
  readonly slotVersion?: string;
  /** Premium: share of HTTP traffic on the slot (rampUpRules), 0..1. */
  readonly weight: number;
  readonly hosts: readonly string[];
}

export interface AzureDeployed {
  readonly resourceGroup?: { readonly tags: Readonly<Record<string, string>> };
  readonly storageAccount?: { readonly name: string; readonly blob: string };
  /** Names of the App Service plans that exist, of those fnx would use. */
  readonly plans: readonly string[];
  readonly apps: Readonly<Record<string, DeployedApp>>;
  /** fnx's Event Grid subscriptions of this stage, on the storage account and the manifest's topics. */
  readonly eventSubscriptions?: readonly EventSubscriptionSpec[];
  /** Custom topics the manifest's topic triggers name that do not exist. */
  readonly missingTopics?: readonly string[];
}

/** One function as fnx wants it in Azure: computed from the manifest and its artifact alone. */
export interface DesiredApp {
  readonly function: string;
  readonly app: string;
  readonly plan: string;
  readonly version: string;
  readonly artifactSha256: string;
  readonly runtime: { readonly name: 'node' | 'python'; readonly version: string };
  readonly instanceMemoryMb: number;
  readonly maxInstances?: number;
  readonly warm?: number;
  /** App settings fnx owns, by name: plain values, Key Vault references (never a secret value). */
  readonly settings: Readonly<Record<string, string>>;
  /** Registered functions that are not HTTP: disabled in a Premium slot. */
  readonly nonHttp: readonly string[];
  readonly http: boolean;
}

export interface AzurePlanDetail {
  readonly resourceGroup: string;
  readonly location: string;
  readonly createResourceGroup: boolean;
  readonly storageAccount: string;
  readonly createStorageAccount: boolean;
  readonly plans: readonly string[];
  /** Functions whose app is created or gets a new version, with what they become. */
  readonly apps: readonly DesiredApp[];
  /** Desired state of every selected function (also the unchanged ones). */
  readonly desired: readonly DesiredApp[];
  /** Event Grid subscriptions to create or update, and to delete (after the apps are deployed). */
  readonly subscriptions?: { readonly put: readonly EventSubscriptionSpec[]; readonly delete: readonly EventSubscriptionSpec[] };
  /** What inspect() read, for apply to continue from. */
  readonly deployed: AzureDeployed;
}
