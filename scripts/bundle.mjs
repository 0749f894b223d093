#!/usr/bin/env node
// Bundles the tsc output (dist/src, dist/providers) into ESM chunks under dist/cli/, the code
// bin/fnx.js runs: one entry (main.js) plus a chunk per lazily imported module, so a command
// loads only what it needs and start-up reads a few files instead of hundreds. A second entry,
// index.js, is the programmatic API (src/index.ts; package.json `exports`). Run by
// `npm run build` after tsc.
//
// Left to node_modules (never bundled):
// - the cloud SDKs: a driver chunk imports them only when a command talks to that cloud;
// - ora: loaded only for interactive sessions;
// - esbuild (a native binary) and @vercel/nft: loaded only when packaging bundles or traces.
// Also writes dist/bundle-meta.json (esbuild's metafile: which source modules each chunk holds),
// which the start-up test reads; it is not shipped.
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = join(root, 'dist/cli');

// Bundled CommonJS dependencies call require() for Node built-ins; ESM has no require, so every
// chunk gets one bound to its own URL.
const banner = "import { createRequire as __fnxCreateRequire } from 'node:module'; const require = __fnxCreateRequire(import.meta.url);";

// commander requires node:child_process when it loads (for executable subcommands, which fnx has
// none of), and child_process brings net, dgram and worker_threads into every command's
// start-up: its require is made lazy. The build fails if commander stops matching.
const lazyChildProcess = {
  name: 'commander-lazy-child-process',
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const eager = "const childProcess = require('node:child_process');";
      if (!text.includes(eager)) throw new Error(`${args.path} no longer has ${eager}: update scripts/bundle.mjs`);
      return { contents: text.replace(eager, "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };"), loader: 'js' };
    });
  },
};

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { main: 'dist/src/cli/main.js', index: 'dist/src/index.js' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['@aws-sdk/*', '@smithy/*', '@azure/*', '@google-cloud/*', 'google-gax', 'google-auth-library', 'ora', 'esbuild', '@vercel/nft'],
  banner: { js: banner },
  chunkNames: '[name]-[hash]',
  legalComments: 'none',
  metafile: true,
  plugins: [lazyChildProcess],
  logLevel: 'warning',
});
writeFileSync(join(root, 'dist/bundle-meta.json'), JSON.stringify(result.metafile));
// The chunks' own package scope: Node looks up the nearest package.json for every module it
// resolves, and a miss (dist/cli/, dist/) is not cached, so without this file each import costs
// two failed opens. No name: findPackage (src/init/packageRoot.ts) walks on to fnx-cli's.
writeFileSync(join(outdir, 'package.json'), '{ "type": "module" }\n');
