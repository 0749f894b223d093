// The emulator's Node.js Lambda runtime: one execution environment. Loads the handler the way
// Lambda's Node runtime does (`path/file.export[.nested]`, extensionless, .js, .mjs, .cjs), then
// runs one invocation per line read on stdin ({requestId, payload, context}) and answers each on
// fd 3 ({log} lines in order, then {done, ok, result | error, maxMemoryMB}). Console output is
// formatted as Lambda's (`time\trequestId\tLEVEL\tmessage`) and also goes to fd 3, so the parent
// attributes every line to its invocation.
import { existsSync, statSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';

const [task, setting] = process.argv.slice(2);

function send(msg) {
  const bytes = Buffer.from(JSON.stringify(msg) + '\n');
  let off = 0;
  while (off < bytes.length) {
    try {
      off += writeSync(3, bytes, off);
    } catch (err) {
      if (err.code !== 'EAGAIN') throw err;
    }
  }
}

let requestId;
const line = (level) => (...args) => send({ log: `${new Date().toISOString()}\t${requestId ?? 'undefined'}\t${level}\t${format(...args)}\n` });
console.log = line('INFO');
console.info = line('INFO');
console.warn = line('WARN');
console.error = line('ERROR');
console.debug = line('DEBUG');
console.trace = line('TRACE');
for (const stream of [process.stdout, process.stderr]) {
  stream.write = (chunk, encoding, cb) => {
    send({ log: typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8') });
    const done = typeof encoding === 'function' ? encoding : cb;
    if (typeof done === 'function') done();
    return true;
  };
}

function errorBody(err) {
  if (err instanceof Error) return { errorType: err.name || 'Error', errorMessage: err.message, trace: String(err.stack ?? '').split('\n') };
  return { errorType: typeof err, errorMessage: String(err), trace: [] };
}

const isFile = (p) => existsSync(p) && statSync(p).isFile();

async function load() {
  const m = /^([^.]*)\.(.*)$/.exec(setting ?? '');
  if (!m) return { error: { errorType: 'Runtime.MalformedHandlerName', errorMessage: 'Bad handler', trace: [] } };
  const [, modulePath, nested] = m;
  const base = join(task, modulePath);
  const file = [base, `${base}.js`, `${base}.mjs`, `${base}.cjs`].find(isFile);
  if (!file) {
    return { error: { errorType: 'Runtime.ImportModuleError', errorMessage: `Error: Cannot find module '${basename(modulePath)}'\nRequire stack:\n- /var/runtime/index.mjs`, trace: [] } };
  }
  let mod;
  try {
    mod = file === base ? createRequire(join(task, 'index.js'))(file) : await import(pathToFileURL(file).href);
  } catch (err) {
    const type = err instanceof SyntaxError ? 'Runtime.UserCodeSyntaxError' : 'Runtime.ImportModuleError';
    return { error: { ...errorBody(err), errorType: type, errorMessage: `${err?.name ?? 'Error'}: ${err?.message ?? String(err)}` } };
  }
  const fn = nested.split('.').reduce((o, k) => (o == null ? undefined : (o[k] ?? o.default?.[k])), mod);
  if (typeof fn !== 'function') return { error: { errorType: 'Runtime.HandlerNotFound', errorMessage: `${basename(modulePath)}.${nested} is undefined or not exported`, trace: [] } };
  return { fn };
}

const loaded = await load();

function call(fn, payload, context) {
  if (fn.length >= 3) {
    return new Promise((resolve, reject) => {
      const r = fn(payload, context, (err, value) => (err ? reject(err) : resolve(value)));
      if (r && typeof r.then === 'function') r.then(resolve, reject);
    });
  }
  return fn(payload, context);
}

const maxMemoryMB = () => Math.ceil(process.resourceUsage().maxRSS / 1024);

for await (const input of createInterface({ input: process.stdin })) {
  const { requestId: id, payload, context } = JSON.parse(input);
  requestId = id;
  if (loaded.error) {
    send({ log: `${new Date().toISOString()}\tundefined\tERROR\tUncaught Exception \t${JSON.stringify(loaded.error)}\n` });
    send({ done: true, ok: false, error: loaded.error, maxMemoryMB: maxMemoryMB(), fatal: true });
    continue;
  }
  const deadline = Date.now() + context.timeoutMs;
  const ctx = { ...context, callbackWaitsForEmptyEventLoop: true, awsRequestId: id, getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) };
  delete ctx.timeoutMs;
  try {
    const result = await call(loaded.fn, payload, ctx);
    send({ done: true, ok: true, result: JSON.stringify(result === undefined ? null : result), maxMemoryMB: maxMemoryMB() });
  } catch (err) {
    const body = errorBody(err);
    send({ log: `${new Date().toISOString()}\t${id}\tERROR\tInvoke Error \t${JSON.stringify(body)}\n` });
    send({ done: true, ok: false, error: body, maxMemoryMB: maxMemoryMB() });
  }
}
