"""Minos client for Python: runs minosd and calls its JSON-RPC methods.

Usage:

    from minos_client import Client, MinosError

    with Client(db=":memory:") as c:            # starts minosd; initialize + initialized
        c.call("daemon/ping", {"echo": 1})      # -> {'echo': 1}
        c.call("daemon/sleep", {"milliseconds": 300},
               progress=lambda value: print(value["kind"], value.get("percentage")))
        pending = c.call_async("daemon/sleep", {"milliseconds": 5000})
        # with a model: c.load_model("model.gguf", name="m")
        #               c.generate("m", prompt="Once", maxTokens=32, on_text=print)
        pending.cancel()                        # sends $/cancelRequest
        try:
            pending.result(timeout=5)
        except MinosError as e:
            print(e.code, e.message)            # -32800 request cancelled
    # Leaving the block sends shutdown + exit and waits for minosd: c.returncode == 0.

Without `with` (a notebook, say): `c = Client(); c.initialize(); ...; c.close()`.
The daemon binary is `minosd=` if given, else $MINOSD, else `minosd` on PATH.
Python 3.8+, standard library only. Every method may be called from any thread.
"""

import itertools
import json
import logging
import os
import shutil
import subprocess
import threading

__all__ = ["Client", "MinosError", "PendingCall", "find_minosd"]
__version__ = "0.1.0"

log = logging.getLogger("minos_client")


class MinosError(Exception):
    """A JSON-RPC error reply: `code` (int), `message` (str), `data` (None when absent)."""

    def __init__(self, code, message, data=None):
        super().__init__("%s: %s" % (code, message))
        self.code = code
        self.message = message
        self.data = data


def find_minosd(explicit=None):
    """The daemon binary: `explicit`, else $MINOSD, else `minosd` on PATH."""
    path = explicit or os.environ.get("MINOSD") or shutil.which("minosd")
    if not path:
        raise FileNotFoundError("minosd not found: pass minosd=..., set $MINOSD, or put minosd on PATH")
    return path


class PendingCall:
    """A request in flight, as returned by `Client.call_async`."""

    def __init__(self, client, id, method, tokens):
        self.id = id
        self.method = method
        self._client = client
        self._tokens = tokens
        self._done = threading.Event()
        self._result = None
        self._error = None

    def done(self):
        return self._done.is_set()

    def result(self, timeout=None):
        """Waits for the reply and returns its result; raises `MinosError` for an error reply,
        `ConnectionError` if the daemon went away, `TimeoutError` if `timeout` seconds pass."""
        if not self._done.wait(timeout):
            raise TimeoutError("%s (id %s): no reply within %s s" % (self.method, self.id, timeout))
        if self._error is not None:
            raise self._error
        return self._result

    def cancel(self):
        """Asks the daemon to cancel the request, which then fails with code -32800.
        Returns False if the reply had already arrived."""
        if self.done():
            return False
        self._client.notify("$/cancelRequest", {"id": self.id})
        return True

    def _settle(self, result=None, error=None):
        self._result = result
        self._error = error
        self._done.set()


class Client:
    """One minosd process, spoken to with Content-Length framing over its stdin/stdout.

    A reader thread routes each reply to the caller waiting for its id, so calls from several
    threads may be in flight at once. `on_notification(method, params)`, if given, receives every
    notification that is not progress for a `progress=` callback (partial results, for instance);
    like progress callbacks it runs on the reader thread, so it must return quickly and must not
    wait for a reply itself.
    """

    def __init__(self, minosd=None, db=None, args=(), log_level="warning", on_notification=None):
        command = [find_minosd(minosd), "--log-level", log_level]
        if db is not None:
            command += ["--db", db]
        command += list(args)
        # A session of its own keeps a Ctrl-C meant for this Python (a REPL interrupting a slow
        # call) from killing the daemon too; the daemon still exits when our end of stdin closes.
        self._proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      start_new_session=True)
        self._on_notification = on_notification
        self._ids = itertools.count(1)
        self._lock = threading.Lock()  # guards _pending, _progress, _lost, _initialized
        self._write_lock = threading.Lock()  # keeps each frame's bytes together on the pipe
        self._pending = {}
        self._progress = {}
        self._lost = None  # why calls fail once the daemon's output has ended
        self._initialized = False
        self.server = None  # the initialize result: serverInfo, protocolVersion, capabilities
        self._reader = threading.Thread(target=self._read_loop, name="minos-client-reader", daemon=True)
        self._reader.start()

    # Lifecycle

    def __enter__(self):
        try:
            self.initialize()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc_info):
        self.close()

    def initialize(self, timeout=30):
        """Sends `initialize` then `initialized`; returns (and keeps in `.server`) the result."""
        self.server = self.call("initialize", {
            "processId": os.getpid(),
            "clientInfo": {"name": "minos_client.py", "version": __version__},
        }, timeout=timeout)
        self.notify("initialized", {})
        with self._lock:
            self._initialized = True
        return self.server

    def close(self, timeout=10):
        """Stops the daemon and waits for it; returns its exit code. Sends shutdown + exit after
        `initialize`, else just closes its stdin (the daemon exits 0 at end of input). Kills it if
        it has not exited after `timeout` seconds. Safe to call more than once."""
        with self._lock:
            initialized, self._initialized = self._initialized, False
        if initialized and self._proc.poll() is None:
            try:
                self.call("shutdown", timeout=timeout)
                self.notify("exit")
            except (MinosError, ConnectionError, TimeoutError) as error:
                # Closing must still reap the process; its exit code tells what happened.
                log.warning("minos_client: minosd did not shut down cleanly: %s", error)
        with self._write_lock:
            try:
                self._proc.stdin.close()
            except OSError:
                pass  # the daemon is gone, so the last flush to it failed; nothing to save
        try:
            self._proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._reader.join()
        self._proc.stdout.close()
        return self._proc.returncode

    @property
    def returncode(self):
        """The daemon's exit code, or None while it runs."""
        return self._proc.poll()

    @property
    def pid(self):
        return self._proc.pid

    # Requests

    def call(self, method, params=None, timeout=None, progress=None, partial=None):
        """Calls `method` and returns its result; raises `MinosError` for an error reply.
        `progress(value)` receives each `$/progress` value (kind begin/report/end) for this call;
        `partial(value)` each partial result (e.g. `{"text": ...}` from text/generate).
        On timeout the request is cancelled and `TimeoutError` raised."""
        pending = self.call_async(method, params, progress, partial)
        try:
            return pending.result(timeout)
        except TimeoutError:
            pending.cancel()
            raise

    def call_async(self, method, params=None, progress=None, partial=None):
        """Sends a request and returns a `PendingCall` at once (`.result(timeout)`, `.cancel()`)."""
        if (progress or partial) is not None and not isinstance(params, (dict, type(None))):
            raise TypeError("progress and partial need params to be a dict (or None)")
        with self._lock:
            if self._lost:
                raise ConnectionError(self._lost)
            id = next(self._ids)
            tokens = []
            for key, callback, suffix in (("workDoneToken", progress, ""), ("partialResultToken", partial, "-partial")):
                if callback is not None:
                    token = "minos-py-%d%s" % (id, suffix)
                    params = dict(params or {}, **{key: token})
                    self._progress[token] = callback
                    tokens.append(token)
            pending = self._pending[id] = PendingCall(self, id, method, tokens)
        message = {"jsonrpc": "2.0", "id": id, "method": method}
        if params is not None:
            message["params"] = params
        try:
            self._send(message)
        except BaseException:
            with self._lock:
                self._pending.pop(id, None)
                for token in tokens:
                    self._progress.pop(token, None)
            raise
        return pending

    # Conveniences for the engine's methods

    def load_model(self, path, name=None, context_length=None, timeout=None):
        """Loads a GGUF model; returns its description (name, architecture, parameters, …)."""
        params = {"path": path}
        if name is not None:
            params["name"] = name
        if context_length is not None:
            params["contextLength"] = context_length
        return self.call("model/load", params, timeout)

    def generate(self, model, prompt=None, messages=None, on_text=None, timeout=None, **options):
        """Generates text; `on_text(piece)` receives the text as it streams. Options are
        text/generate's params (maxTokens, temperature, topK, topP, minP, seed, stop, …)."""
        params = dict(options, model=model)
        if prompt is not None:
            params["prompt"] = prompt
        if messages is not None:
            params["messages"] = messages
        partial = (lambda value: on_text(value["text"])) if on_text is not None else None
        return self.call("text/generate", params, timeout, partial=partial)

    def score(self, model, prompt, continuation, top_k=0, timeout=None):
        """Log-probabilities of `continuation`'s tokens given `prompt`."""
        return self.call("text/score", {"model": model, "prompt": prompt, "continuation": continuation,
                                        "topK": top_k}, timeout)

    def notify(self, method, params=None):
        """Sends a notification (no reply)."""
        message = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self._send(message)

    # Wire

    def _send(self, message):
        body = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        with self._write_lock:
            if self._proc.stdin.closed:
                raise ConnectionError("the client is closed")
            self._proc.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
            self._proc.stdin.flush()

    def _read_loop(self):
        lost = "minosd closed its output"
        try:
            while True:
                message = _read_message(self._proc.stdout)
                if message is None:
                    break
                self._dispatch(message)
        except (OSError, ValueError) as error:
            lost = "reading from minosd failed: %s" % error
        with self._lock:
            self._lost = lost
            pending, self._pending = self._pending, {}
            self._progress.clear()
        for call in pending.values():
            call._settle(error=ConnectionError(lost))

    def _dispatch(self, message):
        method = message.get("method")
        if method is not None:
            params = message.get("params") or {}
            handler = None
            if method == "$/progress":
                with self._lock:
                    handler = self._progress.get(params.get("token"))
            # A failing callback must not stop the reader, or every other caller would hang.
            try:
                if handler is not None:
                    handler(params.get("value"))
                elif self._on_notification is not None:
                    self._on_notification(method, params)
            except Exception:
                log.exception("minos_client: %s callback failed", method)
            return
        with self._lock:
            call = self._pending.pop(message.get("id"), None)
            if call is not None:
                for token in call._tokens:
                    self._progress.pop(token, None)
        error = message.get("error")
        if call is None:
            # id null: the daemon could not read one of our messages (e.g. over
            # --max-message-bytes), so it cannot say which; the caller's timeout will fire.
            log.warning("minos_client: unattributed reply from minosd: %s", error or message)
        elif error is not None:
            call._settle(error=MinosError(error.get("code"), error.get("message"), error.get("data")))
        else:
            call._settle(result=message.get("result"))


def _read_message(stream):
    """Reads one Content-Length framed message; None at end of input."""
    length = None
    while True:
        line = stream.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            if length is not None:
                break
            continue  # blank lines between messages
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    body = stream.read(length)
    if len(body) < length:
        return None
    return json.loads(body)
