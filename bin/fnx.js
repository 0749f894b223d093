#!/usr/bin/env node
// Launcher only: the CLI lives in src/cli (built to dist/).
import('../dist/src/cli/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('fnx: the CLI is not built. Run `npm run build` in the fnx-cli package first.\n');
    process.exit(1);
  }
  throw err;
});
