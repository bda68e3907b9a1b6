"""Tests for minos_client against a real minosd.

Run from clients/python:  MINOSD=/path/to/minosd python3 -m unittest -v
"""

import os
import signal
import tempfile
import threading
import time
import unittest
from unittest import mock

from minos_client import Client, MinosError, find_minosd


def setUpModule():
    find_minosd()  # fail at once, with the lookup's message, when there is no daemon to test


class ClientTest(unittest.TestCase):
    def start(self, initialize=True, **options):
        client = Client(db=":memory:", **options)
        self.addCleanup(client.close)
        if initialize:
            client.initialize()
        return client

    def test_call_returns_result(self):
        c = self.start()
        echo = {"text": "héllo \"wörld\"\n", "list": [1, 2.5, None, True], "nested": {"a": {}}}
        self.assertEqual(c.call("daemon/ping", {"echo": echo}, timeout=5), {"echo": echo})
        status = c.call("daemon/status", timeout=5)
        self.assertEqual(status["pid"], c.pid)
        self.assertEqual(status["store"]["path"], ":memory:")

    def test_initialize_result(self):
        c = self.start()
        self.assertEqual(c.server["serverInfo"]["name"], "minosd")
        self.assertIn("daemon/ping", c.server["capabilities"]["methods"])

    def test_unknown_method(self):
        c = self.start()
        with self.assertRaises(MinosError) as caught:
            c.call("no/such/method", timeout=5)
        self.assertEqual(caught.exception.code, -32601)
        self.assertIn("no/such/method", caught.exception.message)

    def test_bad_params(self):
        c = self.start()
        with self.assertRaises(MinosError) as caught:
            c.call("daemon/sleep", {"milliseconds": "soon"}, timeout=5)
        self.assertEqual(caught.exception.code, -32602)
        self.assertEqual(caught.exception.data, {"path": "params.milliseconds"})

    def test_notify(self):
        c = self.start()
        c.notify("no/such/notification", {"x": 1})  # notifications get no reply, not even errors
        pending = c.call_async("daemon/sleep", {"milliseconds": 5000})
        c.notify("$/cancelRequest", {"id": pending.id})
        with self.assertRaises(MinosError) as caught:
            pending.result(timeout=2)
        self.assertEqual(caught.exception.code, -32800)
        self.assertEqual(c.call("daemon/ping", {"echo": 1}, timeout=5), {"echo": 1})

    def test_progress(self):
        c = self.start()
        values = []
        result = c.call("daemon/sleep", {"milliseconds": 60, "steps": 3}, timeout=5, progress=values.append)
        self.assertEqual(result, {"sleptMilliseconds": 60})
        self.assertEqual([v["kind"] for v in values], ["begin", "report", "report", "report", "end"])
        self.assertEqual([v.get("percentage") for v in values[1:4]], [33, 66, 100])

    def test_cancel(self):
        c = self.start()
        started = time.monotonic()
        pending = c.call_async("daemon/sleep", {"milliseconds": 5000})
        self.assertTrue(pending.cancel())
        with self.assertRaises(MinosError) as caught:
            pending.result(timeout=2)
        self.assertEqual(caught.exception.code, -32800)
        self.assertLess(time.monotonic() - started, 2)
        self.assertFalse(pending.cancel())

    def test_timeout_cancels_the_request(self):
        c = self.start()
        with self.assertRaises(TimeoutError):
            c.call("daemon/sleep", {"milliseconds": 5000}, timeout=0.2)
        deadline = time.monotonic() + 2
        while c.call("daemon/status", timeout=5)["requests"]["cancelled"] == 0:
            self.assertLess(time.monotonic(), deadline, "the timed-out request was not cancelled")
            time.sleep(0.02)

    def test_slow_request_does_not_block_others(self):
        c = self.start()
        slow = c.call_async("daemon/sleep", {"milliseconds": 3000})
        started = time.monotonic()
        self.assertEqual(c.call("daemon/ping", {"echo": "fast"}, timeout=2), {"echo": "fast"})
        self.assertLess(time.monotonic() - started, 1)
        self.assertFalse(slow.done())
        slow.cancel()

    def test_calls_from_many_threads(self):
        c = self.start()
        results = {}

        def ping(n):
            results[n] = c.call("daemon/ping", {"echo": n}, timeout=5)

        threads = [threading.Thread(target=ping, args=(n,)) for n in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(results, {n: {"echo": n} for n in range(16)})

    def test_context_manager_shuts_down_cleanly(self):
        with Client(db=":memory:") as c:
            self.assertEqual(c.call("daemon/ping", {"echo": 1}, timeout=5), {"echo": 1})
        self.assertEqual(c.returncode, 0)
        with self.assertRaises(ConnectionError):
            c.call("daemon/ping")

    def test_requests_before_initialize_are_refused(self):
        c = self.start(initialize=False)
        with self.assertRaises(MinosError) as caught:
            c.call("daemon/ping", timeout=5)
        self.assertEqual(caught.exception.code, -32002)
        self.assertEqual(c.close(), 0)  # end of input, not exit: a clean stop

    def test_exit_without_shutdown_exits_1(self):
        c = self.start(initialize=False, args=["--no-handshake"])
        c.notify("exit")
        self.assertEqual(c.close(), 1)

    def test_daemon_death_fails_pending_calls(self):
        c = self.start()
        pending = c.call_async("daemon/sleep", {"milliseconds": 5000})
        os.kill(c.pid, signal.SIGKILL)
        with self.assertRaises(ConnectionError):
            pending.result(timeout=2)
        with self.assertRaises(ConnectionError):
            c.call("daemon/ping")
        self.assertEqual(c.close(), -signal.SIGKILL)

    def test_model_helpers_stream_generated_text(self):
        bench = os.environ.get("MINOS_BENCH") or os.path.join(os.path.dirname(find_minosd()), "minos-bench")
        if not os.access(bench, os.X_OK):
            self.skipTest("minos-bench not found beside minosd (set MINOS_BENCH)")
        path = os.path.join(tempfile.mkdtemp(), "tiny.gguf")
        import subprocess
        subprocess.run([bench, "make-model", "--output", path], check=True, capture_output=True)
        c = self.start()
        info = c.load_model(path, name="tiny", timeout=30)
        self.assertEqual(info["name"], "tiny")
        pieces = []
        result = c.generate("tiny", prompt="the quick brown fox", on_text=pieces.append,
                            maxTokens=12, temperature=0, timeout=30)
        self.assertEqual(result["tokenCount"], 12)
        self.assertEqual("".join(pieces), result["text"])
        self.assertTrue(pieces)
        scored = c.score("tiny", "the quick", " brown", top_k=2, timeout=30)
        self.assertTrue(all(t["logprob"] <= 0 for t in scored["tokens"]))
        with self.assertRaises(MinosError) as caught:
            c.generate("missing", prompt="x", timeout=10)
        self.assertEqual(caught.exception.code, -33000)

    def test_data_tools_example_runs(self):
        bench = os.environ.get("MINOS_BENCH") or os.path.join(os.path.dirname(find_minosd()), "minos-bench")
        if not os.access(bench, os.X_OK):
            self.skipTest("minos-bench not found beside minosd (set MINOS_BENCH)")
        import contextlib
        import io
        import data_tools_example
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            work = data_tools_example.main()
        for name in ("dmt/stage1.json", "dmt/stage2.json", "dmt/dataset_info.json", "merged.gguf", "curie.jsonl"):
            self.assertTrue(os.path.exists(os.path.join(work, name)), name)
        self.assertIn("refused: -32602", printed.getvalue())
        self.assertIn("{'deleted': 'math'}", printed.getvalue())

    def test_binary_lookup_order(self):
        real = find_minosd()
        with mock.patch.dict(os.environ, {"MINOSD": "/nonexistent/minosd"}):
            self.assertEqual(find_minosd(real), real)
            self.assertEqual(find_minosd(), "/nonexistent/minosd")
        with tempfile.TemporaryDirectory() as bin_dir:
            os.symlink(os.path.abspath(real), os.path.join(bin_dir, "minosd"))
            environ = {k: v for k, v in os.environ.items() if k != "MINOSD"}
            environ["PATH"] = bin_dir
            with mock.patch.dict(os.environ, environ, clear=True):
                self.assertEqual(find_minosd(), os.path.join(bin_dir, "minosd"))


if __name__ == "__main__":
    unittest.main()
