#!/bin/sh
# Runs every client's tests against a real minosd; exits non-zero if any suite failed.
#
# Usage: MINOSD=/path/to/minosd clients/run-tests.sh
#
# Suites: Python, shell, and Neovim / Emacs when nvim / emacs are on PATH (skipped otherwise).
# The last line is "clients: N passed, M failed, K skipped", counting suites.
set -u

if [ -z "${MINOSD:-}" ]; then
    echo "run-tests: set MINOSD to the minosd binary (swift build --product minosd)" >&2
    exit 2
fi
if [ ! -f "$MINOSD" ] || [ ! -x "$MINOSD" ]; then
    echo "run-tests: MINOSD is not an executable file: $MINOSD" >&2
    exit 2
fi
# Each suite runs in its own directory, so a relative path would break.
case $MINOSD in
/*) ;;
*) MINOSD="$(pwd)/$MINOSD" ;;
esac
export MINOSD
export PYTHONDONTWRITEBYTECODE=1  # leave no __pycache__ in the tree

here=$(cd "$(dirname "$0")" && pwd)
passed=0
failed=0
skipped=0

# suite NAME DIR COMMAND...: runs COMMAND in clients/DIR, with a time limit so that a hung
# daemon or editor fails the run instead of stalling it.
suite() {
    name=$1 dir=$2
    shift 2
    echo "== $name"
    if (cd "$here/$dir" && timeout 300 "$@"); then
        passed=$((passed + 1))
        echo "== $name: passed"
    else
        failed=$((failed + 1))
        echo "== $name: FAILED"
    fi
}

skip() {
    skipped=$((skipped + 1))
    echo "skipped: $1 not installed"
}

suite python python python3 -m unittest -v
suite shell shell sh test_minos_call.sh
if command -v nvim >/dev/null 2>&1; then
    suite nvim nvim nvim --headless -u NONE -i NONE -c 'luafile test_minos.lua'
else
    skip nvim
fi
# The notebook: executed with jupyter nbconvert when jupyter is on PATH (or $MINOS_JUPYTER names it).
jupyter=${MINOS_JUPYTER:-$(command -v jupyter 2>/dev/null || true)}
if [ -n "$jupyter" ] && "$jupyter" nbconvert --version >/dev/null 2>&1; then
    out=$(mktemp -d)
    suite notebook notebooks "$jupyter" nbconvert --to notebook --execute quickstart.ipynb --output-dir "$out" --output executed.ipynb
    rm -rf "$out"
else
    skip notebook
fi
if command -v emacs >/dev/null 2>&1; then
    suite emacs emacs emacs -Q --batch -l minos.el -l minos-test.el -f ert-run-tests-batch-and-exit
else
    skip emacs
fi

echo "clients: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
