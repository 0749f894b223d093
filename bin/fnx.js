#!/usr/bin/env node
// Launcher only: the CLI lives in src/cli, bundled to dist/cli/ by `npm run build`.
import('../dist/cli/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && /dist[\\/]cli[\\/]main\.js/.test(String(err.message))) {
    process.stderr.write('fnx: the CLI is not built. Run `npm run build` in the fnx-cli package first.\n');
    process.exit(1);
  }
  throw err;
});
