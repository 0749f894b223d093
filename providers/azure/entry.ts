/**
 * The Azure packaging hooks: what makes a function's artifact a v4-model Function App.
 *   host.json             extension bundle [4.0.0, 5.0.0), no `api/` route prefix, the
 *                         function's timeout, the queue batch size
 *   Node: package.json    `main` = the generated entry, replacing the project's package.json in
 *                         the Azure artifact (its `type` is kept, so the handler loads as before)
 *         fnx_entry/<fn>.mjs   registers one Azure function per trigger with @azure/functions
 *                         and adapts the events (entry-node.ts); `events: native` registers the
 *                         handler itself
 *         fnx_entry/node_modules/  @azure/functions, vendored from fnx's installation (vendor.ts)
 *   Python: function_app.py   the v2 model's decorators, same adapters (entry-python.ts);
 *                         `azure-functions` comes with Azure's Python worker
 * Pure: the same manifest gives the same bytes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GeneratedFile, PackagingHooks, ResolvedFunction, ResolvedManifest } from '../../src/driver.js';
import { azureConfig } from './config.js';
import { bindingOf, STORAGE_QUEUE_BATCH_MAX, type Binding } from './bindings.js';
import { nodeEntry } from './entry-node.js';
import { pythonEntry } from './entry-python.js';
import { vendoredRuntime } from './vendor.js';

export const ENTRY_DIR = 'fnx_entry';

/** The registrations of `fn` on Azure, one per trigger (throws what validate reports). */
export function bindingsOf(fn: ResolvedFunction, manifest: ResolvedManifest): Binding[] {
  const config = azureConfig(manifest)!;
  return fn.triggers.map((t, i) => bindingOf(fn, t, i, config));
}

/** The generated Node entry's archive path (package.json `main`). */
export function nodeMain(fn: ResolvedFunction): string {
  return `${ENTRY_DIR}/${fn.name}.mjs`;
}

function timeSpan(seconds: number): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
}

export function hostJson(fn: ResolvedFunction, bindings: readonly Binding[]): string {
  const queue = fn.triggers.find((t) => t.kind === 'queue');
  const extensions: Record<string, unknown> = { http: { routePrefix: '' } };
  if (queue && bindings.some((b) => b.kind === 'storageQueue')) extensions.queues = { batchSize: Math.min(queue.batchSize, STORAGE_QUEUE_BATCH_MAX) };
  if (queue && bindings.some((b) => b.kind === 'serviceBusQueue')) extensions.serviceBus = { maxConcurrentCalls: queue.batchSize };
  const host = {
    version: '2.0',
    extensionBundle: { id: 'Microsoft.Azure.Functions.ExtensionBundle', version: '[4.0.0, 5.0.0)' },
    functionTimeout: timeSpan(fn.timeout),
    extensions,
    logging: { logLevel: { default: 'Information' } },
  };
  return `${JSON.stringify(host, null, 2)}\n`;
}

/** `type` of the project's package.json, kept in the generated one. */
function projectType(manifest: ResolvedManifest): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(join(manifest.rootDir, 'package.json'), 'utf8')) as { type?: unknown };
    return typeof pkg.type === 'string' ? pkg.type : undefined;
  } catch {
    return undefined;
  }
}

export function packageJson(fn: ResolvedFunction, manifest: ResolvedManifest): string {
  const type = projectType(manifest);
  const pkg = { name: `${manifest.service}-${fn.name}`.toLowerCase(), version: '1.0.0', private: true, ...(type ? { type } : {}), main: nodeMain(fn) };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

export function entryFiles(fn: ResolvedFunction, ctx: { readonly handlerFile: string; readonly manifest: ResolvedManifest }): GeneratedFile[] {
  if (!azureConfig(ctx.manifest)) return [];
  const bindings = bindingsOf(fn, ctx.manifest);
  const host = { path: 'host.json', content: hostJson(fn, bindings) };
  const exportName = fn.handler.slice(fn.handler.lastIndexOf('.') + 1);
  if (fn.runtime.startsWith('python')) {
    const module = ctx.handlerFile.replace(/\.py$/, '').split('/').join('.');
    return [host, { path: 'function_app.py', content: pythonEntry(fn, module, exportName, bindings) }];
  }
  return [
    host,
    { path: 'package.json', content: packageJson(fn, ctx.manifest), replaces: true },
    { path: nodeMain(fn), content: nodeEntry(fn, `../${ctx.handlerFile}`, exportName, bindings) },
    ...vendoredRuntime(),
  ];
}

export const azurePackaging: PackagingHooks = { entryFiles };
