// ESLint flat config. The one architectural rule: the core (src/) never imports a cloud SDK;
// only providers/<cloud>/ may.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
  { files: ['src/**/*.ts'], rules: { 'no-restricted-imports': ['error', cloudSdks] } },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**'],
    rules: { 'no-restricted-properties': ['error', { object: 'process', property: 'exit', message: 'Only src/cli may exit: throw an FnxError.' }] },
  },
  { files: ['providers/aws/**'], rules: { 'no-restricted-imports': ['error', { patterns: cloudSdks.patterns.filter((p) => !p.group[0].startsWith('@aws-sdk')) }] } },
);
