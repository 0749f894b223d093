/**
 * What each fnx trigger becomes in an Azure v4 app: one registered function per trigger, named
 * `<function>_<kind><index>` (letters, digits and `_`, so `AzureWebJobs.<name>.Disabled` is a
 * valid app setting on Linux). Pure and shared by validate, the generated entry and the driver,
 * so the package and the deployed settings always agree.
 *
 *   http     → app.http, route without Azure's `api/` prefix (host.json routePrefix ""), anonymous
 *              or function key (`auth: iam` → authLevel function: callers need the app's key)
 *   schedule → app.timer, six-field NCRONTAB (schedule.ts)
 *   queue    → app.storageQueue on the stage's storage account (AzureWebJobsStorage), or
 *              app.serviceBusQueue when `providers.azure.serviceBus` is set; one message per call
 *   storage  → app.eventGrid, fed by an Event Grid subscription on the storage account's system
 *              topic (BlobCreated / BlobDeleted, subject filters for container, prefix and
 *              suffix). Not app.storageBlob: the blob trigger has no deletions, Flex has it only
 *              through Event Grid anyway, and this way both plans behave the same
 *   topic    → app.eventGrid, fed by an Event Grid subscription on the custom topic `name` in the
 *              stage's resource group (no connection settings; a slot never gets the events,
 *              because the subscription targets the production app's function)
 */
import { ExitCode, FnxError, type ResolvedFunction, type Trigger } from '../../src/driver.js';
import type { AzureProviderConfig } from './config.js';
import { ncrontab } from './schedule.js';

/** The app setting prefix of the identity-based Service Bus connection. */
export const SERVICE_BUS_CONNECTION = 'FNX_SERVICE_BUS';
/** Storage queues and blobs use the app's own storage account. */
export const STORAGE_CONNECTION = 'AzureWebJobsStorage';
/** Storage queue batch size limit (host.json extensions.queues.batchSize). */
export const STORAGE_QUEUE_BATCH_MAX = 32;

export type Binding =
  | { readonly kind: 'http'; readonly name: string; readonly methods: readonly string[]; readonly route: string; readonly authLevel: 'anonymous' | 'function'; readonly routeKey: string }
  | { readonly kind: 'timer'; readonly name: string; readonly schedule: string }
  | { readonly kind: 'storageQueue'; readonly name: string; readonly queueName: string; readonly connection: string }
  | { readonly kind: 'serviceBusQueue'; readonly name: string; readonly queueName: string; readonly connection: string }
  | { readonly kind: 'storageEvents'; readonly name: string; readonly container: string; readonly prefix?: string; readonly suffix?: string; readonly events: readonly ('created' | 'deleted')[] }
  | { readonly kind: 'topicEvents'; readonly name: string; readonly topicName: string };

/** The Event Grid event types of storage events. */
export const BLOB_EVENT_TYPES = { created: 'Microsoft.Storage.BlobCreated', deleted: 'Microsoft.Storage.BlobDeleted' } as const;

const ALL_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

function usage(code: string, message: string, hint: string): FnxError {
  return new FnxError(code, message, { hint, exitCode: ExitCode.usage });
}

/** The registered function's name for trigger `index` of `fn`. */
export function bindingName(fn: ResolvedFunction, kind: string, index: number): string {
  return `${fn.name.replace(/-/g, '_')}_${kind}${index}`;
}

/**
 * The binding of one trigger; throws a usage FnxError for what Azure cannot do.
 */
export function bindingOf(fn: ResolvedFunction, t: Trigger, index: number, config: AzureProviderConfig): Binding {
  switch (t.kind) {
    case 'http': {
      const route = t.path.replace(/^\/+/, '').replace(/\/+$/, '');
      return {
        kind: 'http',
        name: bindingName(fn, 'http', index),
        methods: t.method === 'ANY' ? ALL_METHODS : [t.method],
        route,
        authLevel: t.auth === 'iam' ? 'function' : 'anonymous',
        routeKey: `${t.method} ${t.path}`,
      };
    }
    case 'schedule':
      return { kind: 'timer', name: bindingName(fn, 'timer', index), schedule: ncrontab(t) };
    case 'queue': {
      const queueName = t.name ?? '';
      if (config.serviceBus) return { kind: 'serviceBusQueue', name: bindingName(fn, 'queue', index), queueName, connection: SERVICE_BUS_CONNECTION };
      if (t.batchSize > STORAGE_QUEUE_BATCH_MAX) {
        throw usage('E_AZURE_QUEUE_BATCH', `Queue batchSize ${t.batchSize} is above the Azure Storage queue maximum of ${STORAGE_QUEUE_BATCH_MAX}.`, `Use batchSize ${STORAGE_QUEUE_BATCH_MAX} or less, or set \`providers.azure.serviceBus\` to read the queue from Service Bus.`);
      }
      if (!/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(queueName)) {
        throw usage('E_AZURE_QUEUE_NAME', `Queue "${queueName}" is not a valid Azure Storage queue name.`, 'Storage queue names have 3-63 lower case letters, digits and single dashes, starting and ending with a letter or digit.');
      }
      return { kind: 'storageQueue', name: bindingName(fn, 'queue', index), queueName, connection: STORAGE_CONNECTION };
    }
    case 'storage': {
      if (!/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(t.bucket)) {
        throw usage('E_AZURE_CONTAINER_NAME', `Bucket "${t.bucket}" is not a valid Azure blob container name.`, 'Container names have 3-63 lower case letters, digits and single dashes, starting and ending with a letter or digit.');
      }
      return { kind: 'storageEvents', name: bindingName(fn, 'storage', index), container: t.bucket, ...(t.prefix ? { prefix: t.prefix } : {}), ...(t.suffix ? { suffix: t.suffix } : {}), events: [...t.events] };
    }
    case 'topic':
      if (!/^[A-Za-z0-9-]{3,50}$/.test(t.name)) {
        throw usage('E_AZURE_TOPIC_NAME', `Topic "${t.name}" is not a valid Event Grid topic name.`, 'Event Grid topic names have 3-50 letters, digits and dashes.');
      }
      return { kind: 'topicEvents', name: bindingName(fn, 'topic', index), topicName: t.name };
    case 'stream':
      // Declared in capabilities.plannedTriggers: validate refuses it before any binding is made.
      throw usage('E_PROVIDER_TRIGGER', `\`stream\` triggers are not implemented on azure yet (${fn.name}).`, 'Restrict the function with `providers: [aws]`.');
  }
}
