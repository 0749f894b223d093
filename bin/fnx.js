#!/usr/bin/env node
// Launcher only: the CLI lives in src/cli, bundled to dist/cli/ by `npm run build`.
// It checks the Node.js version first, in syntax every Node release can parse, so an old Node
// gets one clear message instead of a crash somewhere inside the CLI.
const REQUIRED_MAJOR = 22;
const major = Number(String(process.versions.node).split('.')[0]);
if (!(major >= REQUIRED_MAJOR)) {
  process.stderr.write(
    'fnx: fnx needs Node.js ' + REQUIRED_MAJOR + ' or newer; this is Node.js ' + process.versions.node + '.\n' +
      '  hint: install Node.js 22 LTS (Node 20 reached end of life on 2026-04-30), e.g. `nvm install 22`,\n' +
      '        or `actions/setup-node` with `node-version: 22` in CI.\n',
  );
  process.exit(1);
}
// V8's compile cache (Node's default folder under the temp dir; NODE_COMPILE_CACHE moves it,
// NODE_DISABLE_COMPILE_CACHE=1 turns it off): later runs skip compiling the CLI's chunks.
process.getBuiltinModule?.('node:module')?.enableCompileCache?.();
import('../dist/cli/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && /dist[\\/]cli[\\/]main\.js/.test(String(err.message))) {
    process.stderr.write('fnx: the CLI is not built. Run `npm run build` in the fnx-cli package first.\n');
    process.exit(1);
  }
  throw err;
});
