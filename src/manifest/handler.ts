/** What a function's `handler` names: the file(s) that can hold it and the exported name. */

/** Project-relative (and archive-relative) paths of the files that can hold `handler` for `runtime`, in the order runtimes try them. */
export function handlerFiles(handler: string, runtime: string): string[] {
  const dot = handler.lastIndexOf('.');
  const base = dot > 0 ? handler.slice(0, dot) : handler;
  if (isPython(runtime)) return [`${base.includes('/') ? base : base.replace(/\./g, '/')}.py`];
  return ['.js', '.mjs', '.cjs'].map((ext) => `${base}${ext}`);
}

/** The exported function's name: what follows the last dot. */
export function handlerExport(handler: string): string {
  return handler.slice(handler.lastIndexOf('.') + 1);
}

export function isPython(runtime: string): boolean {
  return runtime.startsWith('python');
}
