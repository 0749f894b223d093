// Entry point of the local Azure emulator: HTTPS listeners on 127.0.0.1 that the unmodified
// @azure/identity and @azure/arm-* clients reach through AZURE_AUTHORITY_HOST and an `endpoint`
// override (fnx: AZURE_RESOURCE_MANAGER_ENDPOINT). See README.md in this folder.
import { Emulator } from './emulator.js';
import type { AlertStatus, AppHandler, AzureEmulatorOptions, CallRecord, DeploymentFailure, FaultOptions, OperationFailure, TrafficEvent } from './types.js';
import type { AzureState } from './state.js';

export type * from './types.js';
export type * from './state.js';

export interface AzureEmulator {
  /** https://127.0.0.1:PORT — ARM endpoint and Entra ID authority host. */
  readonly armUrl: string;
  /** PEM file of the self-signed CA (NODE_EXTRA_CA_CERTS for child processes). */
  readonly caCertPath: string;
  /** The CA certificate itself (for tls.setDefaultCACertificates in-process). */
  readonly caPem: string;
  readonly subscriptionId: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Live state (read-only by convention). */
  readonly state: AzureState;
  /** Every answered request in arrival order (emptied in place by clearCalls/reset). */
  readonly calls: CallRecord[];
  /** Every routing change in order: rampUpRules set/cleared, swaps, deployments. */
  readonly traffic: TrafficEvent[];
  /** The mutating calls (CallRecord.write) that change the stage: the stage lease's own (CallRecord.lease) left out. */
  writeCalls(): CallRecord[];
  /** The mutating calls on the stage lease records (container `fnx-lease`). */
  leaseWrites(): CallRecord[];
  clearCalls(): void;
  /** Replace the fault options (undefined or rate 0 = none). Restarts the PRNG from the seed. */
  setFaults(faults: FaultOptions | undefined): void;
  /** Answer requests to sites' default hosts. */
  setAppHandler(handler: AppHandler): void;
  /** Make the next matching long-running operation end Failed (Azure-AsyncOperation status Failed with this error; a create is rolled back). */
  failNextOperation(failure: OperationFailure): void;
  /** Make the next matching deployment fail (queued; each failure is used once). */
  setNextDeploymentFailure(failure: DeploymentFailure): void;
  /** Metric value (Total, and every other aggregation) returned for a site's or slot's metric. */
  setMetric(app: string, metric: string, total: number, slot?: string): void;
  /** Status of a metric alert by name (created if needed; any resource group unless given). */
  setAlertState(name: string, status: AlertStatus, resourceGroup?: string): void;
  /** A Key Vault with these secret names (values are never stored); the resource group must exist for ARM to find it. */
  addKeyVault(resourceGroup: string, name: string, secrets?: string[], location?: string): void;
  /** A custom Event Grid topic (Microsoft.EventGrid/topics) that event subscriptions can be made on; the resource group must exist for ARM to find it. */
  addEventGridTopic(resourceGroup: string, name: string, location?: string): void;
  /** Environment for a child process (fnx CLI) to reach this emulator with the unmodified SDKs. */
  env(): Record<string, string>;
  /** Drop all state, calls and traffic; clear faults and pending failures; restore the app handler. */
  reset(): void;
  close(): Promise<void>;
}

export async function startAzureEmulator(opts: AzureEmulatorOptions = {}): Promise<AzureEmulator> {
  const emulator = new Emulator(opts);
  await emulator.start();
  return emulator;
}
