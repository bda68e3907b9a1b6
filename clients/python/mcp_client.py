#!/usr/bin/env python3
"""Talks to `minosd --mcp` with the official MCP Python SDK and prints what it got as JSON.

Usage: mcp_client.py [MINOSD]   (default: $MINOSD, else minosd on PATH)

Needs the `mcp` package (scripts/setup-mcp-sdk.sh installs it into a venv). Starts
`minosd --mcp --db :memory:` over stdio, lists the tools, calls verify_answer and
instructions_check, loads a tiny model made with `minos-bench make-model` ($MINOS_BENCH, default
beside minosd) and generates with a progress token, cancels a long daemon_sleep, and prints
{"serverInfo", "protocolVersion", "tools", "calls", "progress", "cancelled"} on stdout.
"""

import asyncio
import inspect
import json
import os
import subprocess
import sys
import tempfile
import time

import anyio

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


def call_summary(result):
    return {
        "isError": result.is_error if hasattr(result, "is_error") else result.isError,
        "text": [c.text for c in result.content if getattr(c, "type", None) == "text"],
        "structuredContent": getattr(result, "structured_content", None)
        if hasattr(result, "structured_content") else getattr(result, "structuredContent", None),
    }


async def main(minosd):
    server = StdioServerParameters(command=minosd, args=["--mcp", "--db", ":memory:", "--log-level", "warning"])
    async with stdio_client(server) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            tools = await session.list_tools()
            answer = await session.call_tool("verify_answer", {"answer": "1/2", "reference": "0.5"})
            check = await session.call_tool("instructions_check", {
                "response": "THE SKY IS BLUE",
                "instructions": [{"id": "change_case:english_capital"}, {"id": "punctuation:no_comma"}],
            })
            failing = await session.call_tool("verify_answer", {"reference": "0.5"})
            # A generation with a progress token: the daemon's progress arrives as notifications.
            bench = os.environ.get("MINOS_BENCH") or os.path.join(os.path.dirname(os.path.abspath(minosd)), "minos-bench")
            model = os.path.join(tempfile.mkdtemp(), "tiny.gguf")
            subprocess.run([bench, "make-model", "--output", model], check=True, capture_output=True)
            await session.call_tool("model_load", {"path": model, "name": "tiny"})
            progress = []

            async def on_progress(value, total, message):
                progress.append(value)

            kwargs = {"progress_callback": on_progress} if "progress_callback" in inspect.signature(session.call_tool).parameters else {}
            generated = await session.call_tool("text_generate", {"model": "tiny", "prompt": "once upon a time", "maxTokens": 6,
                                                                  "temperature": 0}, **kwargs)
            # A long call cancelled by the client: the SDK sends notifications/cancelled.
            started = time.monotonic()
            with anyio.move_on_after(0.5):
                await session.call_tool("daemon_sleep", {"milliseconds": 20000})
            waited = time.monotonic() - started
            await anyio.sleep(0.2)
            status = await session.call_tool("daemon_status", {})
            server_info = init.server_info if hasattr(init, "server_info") else init.serverInfo
            version = init.protocol_version if hasattr(init, "protocol_version") else init.protocolVersion
            print(json.dumps({
                "serverInfo": {"name": server_info.name, "version": server_info.version},
                "protocolVersion": version,
                "tools": sorted(tool.name for tool in tools.tools),
                "calls": {
                    "verify_answer": call_summary(answer),
                    "instructions_check": call_summary(check),
                    "verify_answer_without_answer": call_summary(failing),
                    "text_generate": call_summary(generated),
                },
                "progress": progress,
                "progressSupported": bool(kwargs),
                "cancelled": {"waitedSeconds": waited,
                              "daemonCancelled": call_summary(status)["structuredContent"]["requests"]["cancelled"]},
            }, indent=2, sort_keys=True))


if __name__ == "__main__":
    path = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("MINOSD", "minosd")
    asyncio.run(main(path))
