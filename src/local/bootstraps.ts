/**
 * The child-side programs `fnx invoke --local` and `fnx dev` run a handler with, as source text
 * passed to `node -e` / `python3 -c` (nothing to ship beside the bundle). Contract with
 * run-handler.ts: argv is [root, handlerFile, exportName, functionName, memoryMb, timeoutMs]; the
 * event is JSON on stdin; the handler's own stdout/stderr are its logs; the one answer is a JSON
 * line on fd 3: `{ ok: true, payload, maxRssKb }` or `{ ok: false, error: { errorType,
 * errorMessage, trace }, maxRssKb }`, the error shaped as Lambda reports a function error.
 */

export const NODE_BOOTSTRAP = String.raw`
import { readFileSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [, file, name, functionName, memory, timeoutMs] = process.argv.slice(1);
const started = Date.now();
const answer = (value) => {
  writeSync(3, JSON.stringify({ ...value, maxRssKb: process.resourceUsage().maxRSS }) + '\n');
  process.exit(0);
};
const fail = (err) => answer({ ok: false, error: {
  errorType: err && err.name ? String(err.name) : 'Error',
  errorMessage: err && err.message !== undefined ? String(err.message) : String(err),
  trace: err && typeof err.stack === 'string' ? err.stack.split('\n') : [],
} });
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
const event = JSON.parse(readFileSync(0, 'utf8'));
const context = {
  functionName, functionVersion: '$LOCAL', memoryLimitInMB: memory, awsRequestId: 'local-' + process.pid, callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => Math.max(0, Number(timeoutMs) - (Date.now() - started)),
};
const mod = await import(pathToFileURL(file).href);
const handler = typeof mod[name] === 'function' ? mod[name] : mod.default && typeof mod.default[name] === 'function' ? mod.default[name] : undefined;
if (!handler) fail({ name: 'Runtime.HandlerNotFound', message: file + ' has no exported function "' + name + '"' });
try {
  const out = await handler(event, context);
  let payload = out === undefined ? null : JSON.parse(JSON.stringify(out));
  answer({ ok: true, payload });
} catch (err) {
  fail(err);
}
`;

export const PYTHON_BOOTSTRAP = String.raw`
import importlib, json, os, resource, sys, time, traceback
root, file, name, function_name, memory, timeout_ms = sys.argv[1:7]
started = time.time()
answer_fd = os.fdopen(3, "w")
def answer(value):
    value["maxRssKb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    answer_fd.write(json.dumps(value) + "\n")
    answer_fd.flush()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
class Context:
    function_name = function_name
    function_version = "$LOCAL"
    memory_limit_in_mb = memory
    aws_request_id = "local-%d" % os.getpid()
    def get_remaining_time_in_millis(self):
        return max(0, int(timeout_ms) - int((time.time() - started) * 1000))
try:
    event = json.load(sys.stdin)
    sys.path.insert(0, root)
    module = os.path.relpath(file, root)[:-3].replace(os.sep, ".")
    handler = getattr(importlib.import_module(module), name, None)
    if not callable(handler):
        answer({"ok": False, "error": {"errorType": "Runtime.HandlerNotFound", "errorMessage": "%s has no function %r" % (file, name), "trace": []}})
    out = handler(event, Context())
    answer({"ok": True, "payload": json.loads(json.dumps(out))})
except Exception as err:
    answer({"ok": False, "error": {"errorType": type(err).__name__, "errorMessage": str(err), "trace": traceback.format_exc().splitlines()}})
`;
