// ESLint flat config. The architectural rules (docs/providers.md, "The driver surface"):
// - the core (src/) never imports a cloud SDK; only providers/<cloud>/ may;
// - providers/** import from src/ only src/driver.ts, the sealed driver surface;
// - src/** reaches providers/ only through src/registry.ts, which imports only providers/index.ts;
// - nothing under providers/ reads process.env: a driver gets the command's `env`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The core's imports of providers/: only src/registry.ts may, and only the registry (providers/index.ts). */
const providersFromCore = [{ regex: '^(\\.\\./)+providers(/|$)', message: 'The core reaches providers only through src/registry.ts (which imports providers/index.ts).' }];

/** A driver's imports from the core: only src/driver.ts (which re-exports everything a driver needs). */
const coreFromProviders = [{ regex: '^(\\.\\./)+src/(?!driver\\.js$)', message: 'Providers import the core only through src/driver.ts: re-export what a driver needs there.' }];

/** Drivers read the `env` they are given, never the process environment. */
const processEnv = { object: 'process', property: 'env', message: 'A driver reads the `env` it is given (DriverFactory), not process.env.' };

/** The same two rules for dynamic import() (no-restricted-imports sees only static imports). */
const dynamicProviders = { selector: 'ImportExpression[source.value=/^(\\.\\.\\u002F)+providers(\\u002F|$)/]', message: 'The core loads drivers only through src/registry.ts (loadDriver).' };
const dynamicCore = { selector: 'ImportExpression[source.value=/^(\\.\\.\\u002F)+src\\u002F(?!driver\\.js$)/]', message: 'Providers import the core only through src/driver.ts.' };

const cloudSdks = {
  patterns: [
    { group: ['@aws-sdk/*', '@smithy/*'], message: 'Cloud SDKs live in providers/aws only.' },
    { group: ['@azure/*'], message: 'Cloud SDKs live in providers/azure only.' },
    { group: ['@google-cloud/*', 'google-gax'], message: 'Cloud SDKs live in providers/gcp only.' },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'templates/**', '**/*.generated.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', fetch: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/registry.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...cloudSdks.patterns, ...providersFromCore] }], 'no-restricted-syntax': ['error', dynamicProviders] },
  },
  {
    files: ['src/registry.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...cloudSdks.patterns, { regex: '^(\\.\\./)+providers/(?!index\\.js$)', message: 'The core reaches providers only through the registry, providers/index.ts.' }] }] },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**'],
    rules: { 'no-restricted-properties': ['error', { object: 'process', property: 'exit', message: 'Only src/cli may exit: throw an FnxError.' }] },
  },
  { files: ['providers/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [...cloudSdks.patterns, ...coreFromProviders] }], 'no-restricted-properties': ['error', processEnv], 'no-restricted-syntax': ['error', dynamicCore] } },
  { files: ['providers/aws/**'], rules: { 'no-restricted-imports': ['error', { patterns: [...cloudSdks.patterns.filter((p) => !p.group[0].startsWith('@aws-sdk')), ...coreFromProviders] }] } },
  { files: ['providers/azure/**'], rules: { 'no-restricted-imports': ['error', { patterns: [...cloudSdks.patterns.filter((p) => !p.group[0].startsWith('@azure')), ...coreFromProviders] }] } },
);
