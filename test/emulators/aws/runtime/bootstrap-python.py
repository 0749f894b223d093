# The emulator's Python Lambda runtime: one execution environment. Loads `module.function` the way
# Lambda's Python runtime does (module path with / or .), then runs one invocation per line read on
# stdin ({requestId, payload, context}) and answers each on fd 3 ({log} lines in order, then
# {done, ok, result | error, maxMemoryMB}). print() and logging output go to fd 3 as well.
import importlib
import json
import logging
import os
import resource
import sys
import time
import traceback

task, setting = sys.argv[1], sys.argv[2]
_out = os.fdopen(3, "w", buffering=1)


def send(msg):
    _out.write(json.dumps(msg) + "\n")
    _out.flush()


class _Writer:
    def write(self, s):
        if s:
            send({"log": s})
        return len(s)

    def flush(self):
        pass


sys.stdout = _Writer()
sys.stderr = _Writer()
request_id = None


class _RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = request_id
        return True


_handler = logging.StreamHandler(sys.stdout)
_formatter = logging.Formatter("[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n", "%Y-%m-%dT%H:%M:%S")
_formatter.converter = time.gmtime
_handler.setFormatter(_formatter)
_handler.terminator = ""
_handler.addFilter(_RequestIdFilter())
logging.getLogger().addHandler(_handler)
logging.getLogger().setLevel(logging.WARNING)

sys.path.insert(0, task)


def _load():
    parts = setting.rsplit(".", 1)
    if len(parts) != 2:
        return None, {"errorType": "Runtime.MalformedHandlerName", "errorMessage": f"Bad handler '{setting}': not enough values to unpack (expected 2, got 1)", "stackTrace": []}
    module, name = parts
    try:
        mod = importlib.import_module(module.replace("/", "."))
    except SyntaxError as e:
        return None, {"errorType": "Runtime.UserCodeSyntaxError", "errorMessage": f"Syntax error in module '{module}': {e}", "stackTrace": []}
    except Exception as e:
        return None, {"errorType": "Runtime.ImportModuleError", "errorMessage": f"Unable to import module '{module}': {e}", "stackTrace": []}
    fn = getattr(mod, name, None)
    if fn is None:
        return None, {"errorType": "Runtime.HandlerNotFound", "errorMessage": f"Handler '{name}' missing on module '{module}'", "stackTrace": []}
    return fn, None


class Context:
    def __init__(self, rid, ctx, deadline):
        self.aws_request_id = rid
        self.function_name = ctx["functionName"]
        self.function_version = ctx["functionVersion"]
        self.invoked_function_arn = ctx["invokedFunctionArn"]
        self.memory_limit_in_mb = int(ctx["memoryLimitInMB"])
        self.log_group_name = ctx["logGroupName"]
        self.log_stream_name = ctx["logStreamName"]
        self._deadline = deadline

    def get_remaining_time_in_millis(self):
        return max(0, int((self._deadline - time.time()) * 1000))


def _max_memory_mb():
    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + 1023) // 1024


fn, init_error = _load()
for line in sys.stdin:
    msg = json.loads(line)
    request_id = msg["requestId"]
    if init_error:
        send({"log": f"[ERROR] {init_error['errorType']}: {init_error['errorMessage']}\n"})
        send({"done": True, "ok": False, "error": init_error, "maxMemoryMB": _max_memory_mb(), "fatal": True})
        continue
    ctx = Context(request_id, msg["context"], time.time() + msg["context"]["timeoutMs"] / 1000)
    try:
        result = fn(msg["payload"], ctx)
        send({"done": True, "ok": True, "result": json.dumps(result), "maxMemoryMB": _max_memory_mb()})
    except Exception as e:
        trace = traceback.format_list(traceback.extract_tb(e.__traceback__)[1:])
        body = {"errorMessage": str(e), "errorType": type(e).__name__, "requestId": request_id, "stackTrace": trace}
        send({"log": f"[ERROR] {type(e).__name__}: {e}\nTraceback (most recent call last):\n{''.join(trace)}"})
        send({"done": True, "ok": False, "error": body, "maxMemoryMB": _max_memory_mb()})
