/**
 * The core's one way to the providers: every file under src/ that needs a provider's data or
 * driver imports it from here, and this file imports only the registry (providers/index.ts),
 * never providers/<cloud>/ (eslint.config.js enforces both). The registry is SDK-free, so this
 * import is static; a driver and its SDK are loaded only by loadDriver(), on first use.
 */
export {
  capabilities,
  deployableExample,
  deployableProviders,
  driverAvailable,
  inlineSnippet,
  isProviderName,
  loadDriver,
  manifestRules,
  packagingHooks,
  capabilitiesFor,
  providerModule,
  providerModules,
  providerNames,
  unavailableError,
} from '../providers/index.js';
