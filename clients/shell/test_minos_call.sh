#!/bin/sh
# Tests for minos-call against a real minosd; prints one pass/FAIL line per case and exits
# non-zero if any failed.
#
# Usage: MINOSD=/path/to/minosd sh clients/shell/test_minos_call.sh
set -u

: "${MINOSD:?set MINOSD to the minosd binary}"
call="$(cd "$(dirname "$0")" && pwd)/minos-call"
export MINOSD
export MINOS_DB=:memory:
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

pass() {
    echo "pass: $1"
    passed=$((passed + 1))
}

fail() {
    echo "FAIL: $1: $2"
    sed 's/^/    stderr: /' "$tmp/err"
    failed=$((failed + 1))
}

# check NAME STATUS STDOUT STDERR-PATTERN COMMAND...: COMMAND must exit with STATUS and print
# exactly STDOUT; its stderr must match the grep pattern, or be empty when the pattern is ''.
check() {
    name=$1 want_status=$2 want_out=$3 want_err=$4
    shift 4
    "$@" >"$tmp/out" 2>"$tmp/err"
    status=$?
    out=$(cat "$tmp/out")
    if [ "$status" -ne "$want_status" ]; then
        fail "$name" "exit status $status, wanted $want_status"
    elif [ "$out" != "$want_out" ]; then
        fail "$name" "stdout '$out', wanted '$want_out'"
    elif [ -n "$want_err" ] && ! grep -q -e "$want_err" "$tmp/err"; then
        fail "$name" "stderr does not match '$want_err'"
    elif [ -z "$want_err" ] && [ -s "$tmp/err" ]; then
        fail "$name" "unexpected stderr"
    else
        pass "$name"
    fi
}

check "result on stdout" 0 '{"echo":5}' '' "$call" daemon/ping '{"echo": 5}'
check "no params" 0 '{}' '' "$call" daemon/ping
check "multi-line params" 0 '{"echo":{"a":"x\"y","id":2}}' '' "$call" daemon/ping '{
  "echo": {"a": "x\"y", "id": 2}
}'
check "progress lines skipped" 0 '{"sleptMilliseconds":20}' '' \
    "$call" daemon/sleep '{"milliseconds": 20, "workDoneToken": "t"}'
check "unknown method exits 1" 1 '' '^{"code":-32601,"message":"method not found: no/such"}$' \
    "$call" no/such
check "bad params exits 1" 1 '' '"code":-32602' "$call" daemon/sleep '{"milliseconds": "x"}'
check "invalid JSON params exits 1" 1 '' '"code":-32700' "$call" daemon/ping '{bad'
check "quotes in method name" 1 '' 'method not found: a\\"b\\\\c' "$call" 'a"b\c'
check "no arguments exits 2" 2 '' '^usage:' "$call"
check "three arguments exits 2" 2 '' '^usage:' "$call" daemon/ping '{}' extra
check "--help" 0 'usage: minos-call METHOD [JSON-PARAMS]' '' "$call" --help
check "missing daemon exits 2" 2 '' 'minosd not found' env MINOSD="$tmp/nonexistent" "$call" daemon/ping
check "daemon that cannot start exits 3" 3 '' 'no reply' env MINOS_DB=/dev/null/store.db "$call" daemon/ping

check "MINOS_DB chooses the store" 0 '{}' '' env MINOS_DB="$tmp/store.db" "$call" daemon/ping
if [ -f "$tmp/store.db" ]; then
    pass "MINOS_DB file created"
else
    fail "MINOS_DB file created" "no $tmp/store.db"
fi

echo "minos-call: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
