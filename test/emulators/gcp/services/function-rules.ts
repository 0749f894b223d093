// Validation of a Functions v2 Function resource, as the API rejects it (INVALID_ARGUMENT).
import { enumValue, invalid } from '../protocol.js';
import type { Json } from '../state.js';

/** Runtimes that deploy; anything else is unknown, and these are refused as decommissioned. */
export const RUNTIMES = ['nodejs22', 'nodejs24', 'python312', 'python313', 'go123', 'go124', 'java21', 'dotnet8'];
export const DECOMMISSIONED = ['nodejs20', 'nodejs18', 'nodejs16', 'nodejs14', 'nodejs12', 'nodejs10', 'python38', 'python37', 'go116'];

export const HTTP_MAX_TIMEOUT = 3600;
export const EVENT_MAX_TIMEOUT = 540;

/** Function ids become Cloud Run service names. */
export const FUNCTION_ID = /^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;
const MEMORY = /^(\d+(?:\.\d+)?)(k|M|G|Ki|Mi|Gi)?$/;
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED_ENV = ['FUNCTION_TARGET', 'FUNCTION_SIGNATURE_TYPE', 'K_SERVICE', 'K_REVISION', 'K_CONFIGURATION', 'PORT'];
export const PUBSUB_EVENT = 'google.cloud.pubsub.topic.v1.messagePublished';
export const STORAGE_EVENTS = ['google.cloud.storage.object.v1.finalized', 'google.cloud.storage.object.v1.deleted', 'google.cloud.storage.object.v1.archived', 'google.cloud.storage.object.v1.metadataUpdated'];

export function validateLabels(labels: unknown, field = 'labels'): void {
  if (labels === undefined) return;
  if (!labels || typeof labels !== 'object') throw invalid(`${field} must be a map`, field);
  const entries = Object.entries(labels as Record<string, unknown>);
  if (entries.length > 64) throw invalid(`A resource can have at most 64 labels, got ${entries.length}`, field);
  for (const [k, v] of entries) {
    if (!LABEL_KEY.test(k)) throw invalid(`Label key '${k}' is invalid: keys must start with a lowercase letter and have at most 63 characters of lowercase letters, digits, '_' and '-'`, `${field}.${k}`);
    if (typeof v !== 'string' || !LABEL_VALUE.test(v)) throw invalid(`Label value '${String(v)}' of key '${k}' is invalid: values have at most 63 characters of lowercase letters, digits, '_' and '-'`, `${field}.${k}`);
  }
}

function memoryBytes(m: string): number | undefined {
  const r = MEMORY.exec(m);
  if (!r) return undefined;
  const n = Number(r[1]);
  const unit = r[2] ?? '';
  const mult: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };
  return n * (mult[unit] ?? 1);
}

function validateEnv(env: unknown, field: string): void {
  if (env === undefined) return;
  for (const [k, v] of Object.entries(env as Record<string, unknown>)) {
    if (!ENV_KEY.test(k)) throw invalid(`Environment variable name '${k}' is invalid`, field);
    if (RESERVED_ENV.includes(k) || k.startsWith('X_GOOGLE_')) throw invalid(`Environment variable name '${k}' is reserved`, field);
    if (typeof v !== 'string') throw invalid(`Environment variable '${k}' must be a string`, field);
  }
}

/** CPUs of an instance: availableCpu, else what Cloud Run functions derive from the memory. */
function cpuOf(service: Json): number {
  if (service.availableCpu !== undefined) return Number(service.availableCpu);
  const mem = typeof service.availableMemory === 'string' ? (memoryBytes(service.availableMemory) ?? 256e6) : 256e6;
  const gib = mem / 1024 ** 3;
  if (gib >= 16) return 4;
  if (gib >= 4) return 2;
  if (gib >= 1.9) return 1;
  if (gib >= 0.95) return 0.583;
  if (gib >= 0.47) return 0.333;
  if (gib >= 0.23) return 0.167;
  return 0.083;
}

/** Enum fields given by name (plain JSON callers) become numbers, as stored and answered. */
export function normalizeEnums(fn: Json): void {
  const sc = fn.serviceConfig as Json | undefined;
  if (sc) {
    if (sc.ingressSettings !== undefined) sc.ingressSettings = enumValue(sc.ingressSettings, ['INGRESS_SETTINGS_UNSPECIFIED', 'ALLOW_ALL', 'ALLOW_INTERNAL_ONLY', 'ALLOW_INTERNAL_AND_GCLB']);
    if (sc.vpcConnectorEgressSettings !== undefined) sc.vpcConnectorEgressSettings = enumValue(sc.vpcConnectorEgressSettings, ['VPC_CONNECTOR_EGRESS_SETTINGS_UNSPECIFIED', 'PRIVATE_RANGES_ONLY', 'ALL_TRAFFIC']);
    if (sc.securityLevel !== undefined) sc.securityLevel = enumValue(sc.securityLevel, ['SECURITY_LEVEL_UNSPECIFIED', 'SECURE_ALWAYS', 'SECURE_OPTIONAL']);
  }
  const et = fn.eventTrigger as Json | undefined;
  if (et?.retryPolicy !== undefined) et.retryPolicy = enumValue(et.retryPolicy, ['RETRY_POLICY_UNSPECIFIED', 'RETRY_POLICY_DO_NOT_RETRY', 'RETRY_POLICY_RETRY']);
  if (fn.environment !== undefined) fn.environment = enumValue(fn.environment, ['ENVIRONMENT_UNSPECIFIED', 'GEN_1', 'GEN_2']);
}

/** Full validation of a function about to be deployed. */
export function validateFunction(fn: Json): void {
  const build = (fn.buildConfig ?? {}) as Json;
  const service = (fn.serviceConfig ?? {}) as Json;
  const trigger = fn.eventTrigger as Json | undefined;
  validateLabels(fn.labels);
  if (fn.environment !== undefined && fn.environment !== 0 && fn.environment !== 2) {
    throw invalid('Only environment GEN_2 (2) is emulated for the v2 API', 'environment');
  }
  const runtime = build.runtime;
  if (typeof runtime !== 'string' || runtime === '') throw invalid('buildConfig.runtime is required', 'build_config.runtime');
  if (DECOMMISSIONED.includes(runtime)) {
    throw invalid(`Runtime ${runtime} is decommissioned and can no longer be deployed. Use a supported runtime such as nodejs22.`, 'build_config.runtime');
  }
  if (!RUNTIMES.includes(runtime)) throw invalid(`Invalid runtime '${runtime}'. Supported: ${RUNTIMES.join(', ')}`, 'build_config.runtime');
  if (build.entryPoint !== undefined && (typeof build.entryPoint !== 'string' || !/^[A-Za-z_$][\w$.]*$/.test(build.entryPoint))) {
    throw invalid(`Invalid entry point '${String(build.entryPoint)}'`, 'build_config.entry_point');
  }
  const storage = ((build.source ?? {}) as Json).storageSource as Json | undefined;
  if (!storage || typeof storage.bucket !== 'string' || typeof storage.object !== 'string') {
    throw invalid('buildConfig.source.storageSource (bucket and object, from generateUploadUrl) is required', 'build_config.source');
  }
  validateEnv(build.environmentVariables, 'build_config.environment_variables');
  validateEnv(service.environmentVariables, 'service_config.environment_variables');
  const max = trigger ? EVENT_MAX_TIMEOUT : HTTP_MAX_TIMEOUT;
  if (service.timeoutSeconds !== undefined) {
    const t = service.timeoutSeconds;
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 1 || t > max) {
      throw invalid(`serviceConfig.timeoutSeconds must be between 1 and ${max} for ${trigger ? 'event-driven' : 'HTTP'} functions, got ${String(t)}`, 'service_config.timeout_seconds');
    }
  }
  if (service.availableMemory !== undefined) {
    const b = typeof service.availableMemory === 'string' ? memoryBytes(service.availableMemory) : undefined;
    if (b === undefined || b < 128 * 1024 ** 2 * 0.99 || b > 32 * 1024 ** 3) {
      throw invalid(`Invalid value '${String(service.availableMemory)}' for serviceConfig.availableMemory: use a quantity such as 256Mi or 1Gi between 128Mi and 32Gi`, 'service_config.available_memory');
    }
  }
  const maxI = service.maxInstanceCount;
  const minI = service.minInstanceCount;
  for (const [k, v] of [['max_instance_count', maxI], ['min_instance_count', minI]] as const) {
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 1000)) throw invalid(`serviceConfig.${k} must be 0..1000`, `service_config.${k}`);
  }
  if (typeof maxI === 'number' && typeof minI === 'number' && maxI > 0 && minI > maxI) {
    throw invalid('serviceConfig.minInstanceCount cannot exceed maxInstanceCount', 'service_config.min_instance_count');
  }
  const conc = service.maxInstanceRequestConcurrency;
  if (conc !== undefined && (typeof conc !== 'number' || conc < 1 || conc > 1000)) throw invalid('serviceConfig.maxInstanceRequestConcurrency must be 1..1000', 'service_config.max_instance_request_concurrency');
  if (typeof conc === 'number' && conc > 1 && cpuOf(service) < 1) {
    throw invalid(`Total cpu < 1 is not supported with concurrency > 1: set serviceConfig.availableCpu to at least 1 (or memory of 2Gi or more), or maxInstanceRequestConcurrency to 1`, 'service_config.max_instance_request_concurrency');
  }
  if (service.availableCpu !== undefined && !(Number(service.availableCpu) > 0)) throw invalid(`Invalid value '${String(service.availableCpu)}' for serviceConfig.availableCpu`, 'service_config.available_cpu');
  if (service.availableCpu !== undefined && typeof service.availableMemory === 'string') {
    const gib = (memoryBytes(service.availableMemory) ?? 0) / 1024 ** 3;
    const need = gib > 24 ? 8 : gib > 16 ? 6 : gib > 8 ? 4 : gib > 4 ? 2 : 0;
    if (Number(service.availableCpu) < need) {
      throw invalid(`availableMemory ${service.availableMemory} needs at least ${need} CPUs, got availableCpu ${String(service.availableCpu)}`, 'service_config.available_cpu');
    }
  }
  if (service.ingressSettings !== undefined && ![0, 1, 2, 3].includes(service.ingressSettings as number)) {
    throw invalid(`Invalid value for serviceConfig.ingressSettings: ${String(service.ingressSettings)}`, 'service_config.ingress_settings');
  }
  if (service.serviceAccountEmail !== undefined && !/^[^@\s]+@[^@\s]+$/.test(String(service.serviceAccountEmail))) {
    throw invalid(`Invalid service account '${String(service.serviceAccountEmail)}'`, 'service_config.service_account_email');
  }
  const secrets = service.secretEnvironmentVariables;
  if (secrets !== undefined) {
    if (!Array.isArray(secrets)) throw invalid('secretEnvironmentVariables must be a list', 'service_config.secret_environment_variables');
    const plain = Object.keys((service.environmentVariables ?? {}) as Record<string, string>);
    for (const s of secrets as Json[]) {
      if (plain.includes(String(s.key))) throw invalid(`Secret environment variable '${String(s.key)}' overlaps a plain environment variable of the same name`, 'service_config.secret_environment_variables.key');
      if (typeof s.key !== 'string' || !ENV_KEY.test(s.key)) throw invalid(`Invalid secret environment variable key '${String(s.key)}'`, 'service_config.secret_environment_variables.key');
      if (typeof s.secret !== 'string' || !/^[A-Za-z0-9_-]{1,255}$/.test(s.secret)) {
        throw invalid(`Invalid secret id '${String(s.secret)}': at most 255 letters, digits, '-' and '_'`, 'service_config.secret_environment_variables.secret');
      }
      if (typeof s.version !== 'string' || !/^(latest|\d+)$/.test(s.version)) throw invalid(`Invalid secret version '${String(s.version)}'`, 'service_config.secret_environment_variables.version');
    }
  }
  if (trigger) validateTrigger(trigger);
}

function validateTrigger(t: Json): void {
  const type = t.eventType;
  if (typeof type !== 'string' || type === '') throw invalid('eventTrigger.eventType is required', 'event_trigger.event_type');
  if (t.retryPolicy !== undefined && ![0, 1, 2].includes(t.retryPolicy as number)) throw invalid('Invalid eventTrigger.retryPolicy', 'event_trigger.retry_policy');
  const filters = (t.eventFilters ?? []) as Json[];
  if (type === PUBSUB_EVENT) {
    if (typeof t.pubsubTopic !== 'string' || !/^projects\/[^/]+\/topics\/[A-Za-z][\w.~+%-]{2,254}$/.test(t.pubsubTopic)) {
      throw invalid(`eventTrigger.pubsubTopic must be projects/{project}/topics/{topic}, got '${String(t.pubsubTopic)}'`, 'event_trigger.pubsub_topic');
    }
  } else if (STORAGE_EVENTS.includes(type)) {
    const bucket = filters.find((f) => f.attribute === 'bucket');
    if (!bucket || typeof bucket.value !== 'string' || !/^[a-z0-9][a-z0-9._-]{1,221}[a-z0-9]$/.test(bucket.value)) {
      throw invalid(`A storage trigger needs an event filter 'bucket' with a valid bucket name`, 'event_trigger.event_filters');
    }
    if (t.pubsubTopic !== undefined) throw invalid('pubsubTopic is only valid for Pub/Sub triggers', 'event_trigger.pubsub_topic');
  } else {
    throw invalid(`Event type '${type}' is not supported by the emulator (Pub/Sub messagePublished and Storage object events are)`, 'event_trigger.event_type');
  }
  for (const f of filters) {
    if (typeof f.attribute !== 'string' || typeof f.value !== 'string') throw invalid('Each event filter needs attribute and value', 'event_trigger.event_filters');
  }
}

/** updateMask paths UpdateFunction accepts (a parent path covers its children). */
export const UPDATABLE_PATHS = [
  'description',
  'labels',
  'kmsKeyName',
  'buildConfig',
  'buildConfig.runtime',
  'buildConfig.entryPoint',
  'buildConfig.source',
  'buildConfig.source.storageSource',
  'buildConfig.environmentVariables',
  'buildConfig.serviceAccount',
  'buildConfig.dockerRepository',
  'buildConfig.workerPool',
  'buildConfig.automaticUpdatePolicy',
  'buildConfig.onDeployUpdatePolicy',
  'serviceConfig',
  'serviceConfig.timeoutSeconds',
  'serviceConfig.availableMemory',
  'serviceConfig.availableCpu',
  'serviceConfig.environmentVariables',
  'serviceConfig.maxInstanceCount',
  'serviceConfig.minInstanceCount',
  'serviceConfig.vpcConnector',
  'serviceConfig.vpcConnectorEgressSettings',
  'serviceConfig.ingressSettings',
  'serviceConfig.serviceAccountEmail',
  'serviceConfig.allTrafficOnLatestRevision',
  'serviceConfig.secretEnvironmentVariables',
  'serviceConfig.secretVolumes',
  'serviceConfig.maxInstanceRequestConcurrency',
  'serviceConfig.securityLevel',
  'serviceConfig.binaryAuthorizationPolicy',
  'eventTrigger',
  'eventTrigger.eventType',
  'eventTrigger.eventFilters',
  'eventTrigger.pubsubTopic',
  'eventTrigger.serviceAccountEmail',
  'eventTrigger.retryPolicy',
  'eventTrigger.triggerRegion',
  'eventTrigger.channel',
];

/** Copy `path` from `src` into `dst` (absent in src = cleared in dst). */
export function applyPath(dst: Json, src: Json, path: string): void {
  const keys = path.split('.');
  let d: Json = dst;
  let s: Json | undefined = src;
  for (const k of keys.slice(0, -1)) {
    if (!d[k] || typeof d[k] !== 'object') d[k] = {};
    d = d[k] as Json;
    s = s && typeof s[k] === 'object' ? (s[k] as Json) : undefined;
  }
  const last = keys[keys.length - 1] as string;
  const v = s?.[last];
  if (v === undefined) delete d[last];
  else d[last] = structuredClone(v);
}
