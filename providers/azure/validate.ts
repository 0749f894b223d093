/**
 * The Azure rules that depend only on the manifest, run by `fnx validate` and every command
 * through the registry, and again by the driver's plan (the same functions). No SDK.
 *   - plan settings: `sku` only with `plan: premium`
 *   - memory: Flex runs 512, 2048 or 4096 MB instances; other values up to 4096 round up (a
 *     warning naming the size); Premium: at most the plan size's memory
 *   - timeout: HTTP functions at most 230 s (Azure's front end), others at most the schema's
 *   - triggers: what bindings.ts can register (NCRONTAB schedules, queue and container names,
 *     created blobs only, topics need a Service Bus namespace)
 *   - secrets: a Key Vault (`providers.azure.keyVault`) and Key Vault secret names
 *   - `network` has no Azure equivalent in fnx: an error (the settings fnx does not apply on
 *     Azure, such as `deadLetter` or arm64, are plan notes)
 * The strategy a traffic model cannot do (a canary on Flex) is the core's check, from
 * capabilitiesFor().
 */
import { ExitCode, FnxError, type ManifestProblem, type ManifestRules, type ResolvedManifest } from '../../src/driver.js';
import { bindingOf } from './bindings.js';
import { azureConfig, azureFunctions, FLEX_MEMORY_MB, flexInstanceMemory, HTTP_RESPONSE_LIMIT_SECONDS, PREMIUM_SKUS, premiumSku } from './config.js';
import { keyVaultSecretName } from './secrets.js';

function attempt(out: ManifestProblem[], path: ManifestProblem['path'], rule: () => unknown): void {
  try {
    rule();
  } catch (err) {
    if (!(err instanceof FnxError)) throw err;
    out.push({ path, error: err });
  }
}

/** App settings the Flex Consumption plan rejects (its runtime and deployment are site properties there). */
export const FLEX_REJECTED_SETTINGS = [
  'FUNCTIONS_EXTENSION_VERSION', 'FUNCTIONS_WORKER_RUNTIME', 'FUNCTIONS_WORKER_RUNTIME_VERSION', 'FUNCTIONS_MAX_HTTP_CONCURRENCY', 'FUNCTIONS_WORKER_PROCESS_COUNT',
  'FUNCTIONS_WORKER_DYNAMIC_CONCURRENCY_ENABLED', 'SCM_DO_BUILD_DURING_DEPLOYMENT', 'ENABLE_ORYX_BUILD', 'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING', 'WEBSITE_CONTENTSHARE',
  'WEBSITE_CONTENTOVERVNET', 'WEBSITE_NODE_DEFAULT_VERSION', 'WEBSITE_RUN_FROM_PACKAGE', 'WEBSITE_SKIP_CONTENTSHARE_VALIDATION', 'WEBSITE_VNET_ROUTE_ALL',
];

/** Settings fnx writes itself on Azure (storage, its bookkeeping, the Service Bus connection). */
const OWN_SETTINGS = /^(AzureWebJobsStorage|AzureWebJobs_|DEPLOYMENT_STORAGE_CONNECTION_STRING$|FNX_SETTINGS$|FNX_SERVICE_BUS)/;

/** Tags left for the user: fnx uses up to 30 of an app's 50 (release history, packages, ownership). */
const USER_TAGS_MAX = 20;

const usage = (code: string, message: string, hint: string) => new FnxError(code, message, { hint, exitCode: ExitCode.usage });

export const validateAzure: ManifestRules = (manifest: ResolvedManifest) => {
  const config = azureConfig(manifest);
  if (!config) return [];
  const out: ManifestProblem[] = [];
  if (config.sku && config.plan !== 'premium') {
    out.push({ path: ['providers', 'azure', 'sku'], at: 'key', error: usage('E_AZURE_SKU', `\`sku: ${config.sku}\` sizes a Premium plan, but the plan is ${config.plan}.`, 'Remove `sku`, or set `plan: premium`.') });
  }
  for (const fn of azureFunctions(manifest)) {
    const base = ['functions', fn.name] as const;
    if (config.plan === 'flex') {
      const size = flexInstanceMemory(fn.memory);
      if (size !== undefined && size !== fn.memory && fn.memory > FLEX_MEMORY_MB[0]) {
        out.push({
          path: [...base, 'memory'],
          severity: 'warning',
          error: new FnxError('W_AZURE_MEMORY_ROUNDED', `memory ${fn.memory} MB runs on ${size} MB Flex Consumption instances (${fn.name}), and is billed as ${size} MB.`, {
            hint: `Flex instances have ${FLEX_MEMORY_MB.join(', ')} MB: set one of them.`,
          }),
        });
      }
    } else {
      const sku = premiumSku(config);
      if (fn.memory > PREMIUM_SKUS[sku].memoryMb) {
        out.push({ path: [...base, 'memory'], error: usage('E_AZURE_MEMORY', `memory ${fn.memory} MB is more than a ${sku} instance has (${PREMIUM_SKUS[sku].memoryMb} MB) (${fn.name}).`, 'Lower `memory`, or choose a larger `providers.azure.sku` (EP2: 7168 MB, EP3: 14336 MB).') });
      }
    }
    if (fn.triggers.some((t) => t.kind === 'http') && fn.timeout > HTTP_RESPONSE_LIMIT_SECONDS) {
      out.push({ path: [...base, 'timeout'], error: usage('E_AZURE_HTTP_TIMEOUT', `timeout ${fn.timeout}s is above the ${HTTP_RESPONSE_LIMIT_SECONDS}s Azure's front end waits for an HTTP response (${fn.name}).`, `Lower \`timeout\` to ${HTTP_RESPONSE_LIMIT_SECONDS} or less, or move the long work to a queue-triggered function.`) });
    }
    fn.triggers.forEach((t, i) => {
      if (t.kind === 'stream') return; // capabilities.plannedTriggers: the core reports it
      const at = [...base, 'triggers', i, t.kind];
      const field = t.kind === 'schedule' ? [t.cron !== undefined ? 'cron' : 'rate'] : t.kind === 'queue' && t.batchSize > 1 && !config.serviceBus ? ['batchSize'] : [];
      attempt(out, [...at, ...field], () => bindingOf(fn, t, i, config));
    });
    for (const [from, name] of [...Object.keys(fn.environment).map((k) => ['environment', k] as const), ...Object.keys(fn.secrets).map((k) => ['secrets', k] as const)]) {
      if (OWN_SETTINGS.test(name)) {
        out.push({ path: [...base, from, name], at: 'key', error: usage('E_AZURE_RESERVED_SETTING', `${name} is an app setting fnx writes itself on Azure (${fn.name}).`, 'Rename the variable, or deploy the function elsewhere with `providers:`.') });
      } else if (config.plan === 'flex' && FLEX_REJECTED_SETTINGS.includes(name.toUpperCase())) {
        out.push({ path: [...base, from, name], at: 'key', error: usage('E_AZURE_FLEX_SETTING', `The Flex Consumption plan rejects the app setting ${name} (${fn.name}): fnx sets the runtime and the deployment as site properties there.`, 'Remove it for functions deployed to azure; runtime, memory and scale come from `runtime`, `memory` and `concurrency`.') });
      }
    }
    for (const [name, ref] of Object.entries(fn.secrets)) {
      if (!config.keyVault) {
        out.push({ path: [...base, 'secrets', name], at: 'key', error: usage('E_AZURE_KEY_VAULT', `Secret ${name} of ${fn.name} needs a Key Vault on Azure, and \`providers.azure.keyVault\` names none.`, 'Set `providers.azure.keyVault: <vault name>` (an existing vault holding the secret); the app reads it with its own identity.') });
      }
      attempt(out, [...base, 'secrets', name], () => keyVaultSecretName(ref.secret));
    }
    const tags = { ...config.tags, ...fn.tags };
    if (Object.keys(tags).length > USER_TAGS_MAX) {
      out.push({ path: [...base, 'tags'], at: 'key', error: usage('E_AZURE_TAGS', `${fn.name} has ${Object.keys(tags).length} tags; on Azure fnx keeps its release history in the app's tags too, which leaves room for ${USER_TAGS_MAX} of yours (50 per resource).`, 'Drop some tags for functions deployed to azure.') });
    }
    for (const [k, v] of Object.entries(tags)) {
      if (k.length > 512 || v.length > 256 || /[<>%&\\?/]/.test(k)) out.push({ path: [...base, 'tags'], at: 'key', error: usage('E_AZURE_TAGS', `Tag ${k.slice(0, 40)} of ${fn.name} is not a valid Azure tag (names ≤ 512 characters without < > % & \\ ? /, values ≤ 256).`, 'Shorten or rename it.') });
    }
    if (fn.network) {
      out.push({ path: [...base, 'network'], at: 'key', error: usage('E_AZURE_NETWORK', `\`network\` (subnets and security groups) has no Azure equivalent in fnx yet (${fn.name}).`, 'Remove `network` for functions deployed to azure (restrict it with `providers:`), or integrate the app with a virtual network outside fnx.') });
    }
  }
  return out;
};
