#!/usr/bin/env python3
"""Writes protocol/examples/*.json: one exchange per method, as sent to and received from a real minosd.

Each example is {method, description, handshake, exchange: [{send: msg} | {receive: msg}], volatile,
exitCode?}. The Swift test suite replays every example against the built daemon and compares the
replies (paths listed in `volatile` are compared by JSON type only). Run this after changing a
method, read the diff, and commit it:  MINOSD=.build/debug/minosd python3 scripts/make-protocol-examples.py
"""
import json
import os
import subprocess
import sys

MINOSD = os.environ.get("MINOSD", ".build/debug/minosd")
OUT = os.path.join(os.path.dirname(__file__), "..", "protocol", "examples")


def rpc(id, method, params=None):
    msg = {"jsonrpc": "2.0", "id": id, "method": method}
    if params is not None:
        msg["params"] = params
    return msg


def note(method, params=None):
    msg = {"jsonrpc": "2.0", "method": method}
    if params is not None:
        msg["params"] = params
    return msg


HANDSHAKE = [rpc(0, "initialize", {"clientInfo": {"name": "examples"}}), note("initialized")]

# (file name, method, description, handshake, messages to send, volatile paths)
EXAMPLES = [
    ("initialize", "initialize", "Start a session; the reply lists every method.", False,
     [rpc(1, "initialize", {"processId": 4242, "clientInfo": {"name": "my-editor", "version": "1.0"}})], []),
    ("initialized", "initialized", "Notification after initialize; no reply. The next request is served.", False,
     [rpc(1, "initialize", {}), note("initialized"), rpc(2, "daemon/ping", {"echo": "after initialized"})], []),
    ("shutdown", "shutdown", "Prepare to exit; later requests get -32600.", True,
     [rpc(1, "shutdown"), rpc(2, "daemon/ping")], []),
    ("exit", "exit", "Exit after shutdown: the process ends with code 0.", True,
     [rpc(1, "shutdown"), note("exit")], []),
    ("cancelRequest", "$/cancelRequest", "Cancel an in-flight request; it replies -32800 at once.", True,
     [rpc(1, "daemon/sleep", {"milliseconds": 60000}), note("$/cancelRequest", {"id": 1})], []),
    ("rpc.discover", "rpc.discover", "The OpenRPC document (methods elided here; see minos.openrpc.json).", True,
     [rpc(1, "rpc.discover")], ["result.methods"]),
    ("daemon.status", "daemon/status", "What the daemon is and holds right now.", True,
     [rpc(1, "daemon/status")],
     ["result.pid", "result.uptimeSeconds", "result.residentMemoryBytes", "result.requests.served"]),
    ("daemon.ping", "daemon/ping", "Echo a value back.", True,
     [rpc(1, "daemon/ping", {"echo": {"hello": ["world", 1, True]}})], []),
    ("daemon.sleep", "daemon/sleep", "Sleep with work-done progress (begin, reports, end, then the reply).", True,
     [rpc(1, "daemon/sleep", {"milliseconds": 20, "steps": 2, "workDoneToken": "sleep-1"})], []),
]


def frame(msg):
    body = json.dumps(msg, separators=(",", ":")).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read_messages(data):
    out = []
    while data:
        header, _, rest = data.partition(b"\r\n\r\n")
        length = int(header.split(b":")[1])
        out.append(json.loads(rest[:length]))
        data = rest[length:]
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, method, description, handshake, messages, volatile in EXAMPLES:
        sent = (HANDSHAKE if handshake else []) + messages
        proc = subprocess.run([MINOSD, "--db", ":memory:", "--log-level", "error"],
                              input=b"".join(frame(m) for m in sent), capture_output=True, timeout=60)
        received = read_messages(proc.stdout)
        if handshake:
            received = [m for m in received if m.get("id") != 0]
        exchange = [{"send": m} for m in messages] + [{"receive": m} for m in received]
        example = {"method": method, "description": description, "handshake": handshake,
                   "exchange": exchange, "volatile": volatile}
        if method == "exit":
            example["exitCode"] = proc.returncode
        if method == "rpc.discover":
            exchange[-1]["receive"]["result"]["methods"] = []
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            json.dump(example, f, indent=2, sort_keys=True)
            f.write("\n")
        print(f"{name}: {len(received)} messages received", file=sys.stderr)


if __name__ == "__main__":
    main()
