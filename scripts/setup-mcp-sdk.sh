#!/bin/sh
# Installs the official MCP Python SDK into a venv for the MCP client test and example.
#
# Usage: scripts/setup-mcp-sdk.sh   (prints the venv's python on success)
# The venv lives at $MINOS_MCP_VENV, default ~/.cache/minos/mcp-venv. Needs python3 >= 3.10 and
# access to PyPI; exits non-zero, saying why, when either is missing.
set -eu

venv=${MINOS_MCP_VENV:-$HOME/.cache/minos/mcp-venv}
python=${PYTHON:-python3}

if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import mcp.client.stdio' 2>/dev/null; then
    echo "$venv/bin/python"
    exit 0
fi
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' 2>/dev/null; then
    echo "setup-mcp-sdk: $python is missing or older than 3.10 (the MCP SDK needs 3.10+)" >&2
    exit 1
fi
mkdir -p "$(dirname "$venv")"
"$python" -m venv "$venv" >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check mcp >&2
"$venv/bin/python" -c 'import mcp.client.stdio' >&2
echo "$venv/bin/python"
