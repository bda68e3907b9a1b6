#!/usr/bin/env bash
# Builds the libFuzzer targets under Fuzz/ with swiftc (-sanitize=fuzzer,address) into .build-fuzz/
# and runs each for FUZZ_SECONDS, starting from its seed corpus in Fuzz/corpus/<target>.
#
#   scripts/fuzz.sh [target…]          build and run (default: every target)
#   FUZZ_SECONDS=20 scripts/fuzz.sh    a short run, as CI does
#   FUZZ_BUILD_ONLY=1 scripts/fuzz.sh  build only
#
# Each target is compiled from the source files it exercises (not through SwiftPM, whose targets
# cannot carry a libFuzzer main): a module's files are built into a static library with coverage and
# ASan, then linked with the target's main.swift. New inputs found go to .build-fuzz/corpus/<target>
# (the committed seeds stay untouched); crashes, hangs and OOMs to .build-fuzz/artifacts/<target>/,
# and the run fails.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

OUT=.build-fuzz
SECONDS_EACH=${FUZZ_SECONDS:-600}
ALL_TARGETS=(framer gguf tokenizer answers ifeval)
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=("${ALL_TARGETS[@]}")
SWIFTFLAGS=(-package-name minos -sanitize=fuzzer,address -parse-as-library -O -g -swift-version 6 -I "$OUT/modules" -I Sources/CJansson)
mkdir -p "$OUT/modules" "$OUT/lib" "$OUT/bin"

# The folder holding a source file, found by name so the script survives files moving between targets.
folder_of() {
  local hit
  hit=$(find Sources -name "$1" -print -quit)
  [ -n "$hit" ] || { echo "fuzz: cannot find $1 under Sources/" >&2; exit 1; }
  dirname "$hit"
}

# module NAME FILE… : a static library and .swiftmodule for NAME from FILEs.
declare -A BUILT=()
module() {
  local name=$1; shift
  [ -z "${BUILT[$name]:-}" ] || return 0
  BUILT[$name]=1
  swiftc "${SWIFTFLAGS[@]}" -module-name "$name" -emit-module -emit-module-path "$OUT/modules/$name.swiftmodule" \
    -emit-library -static -o "$OUT/lib/lib$name.a" "$@"
}

# executable TARGET MODULE… : the fuzzer binary for Fuzz/TARGET/main.swift.
executable() {
  local target=$1; shift
  local libs=()
  for m in "$@"; do libs+=("$OUT/lib/lib$m.a"); done
  swiftc "${SWIFTFLAGS[@]}" -o "$OUT/bin/$target" "$PWD/Fuzz/$target/main.swift" "${libs[@]}" "${EXTRA_LINK[@]}" 2>&1 | { grep -v "Cannot export local symbol" >&2 || true; }
}

EXTRA_LINK=()
build() {
  case $1 in
  framer)
    module JSON "$(folder_of JSONValue.swift)"/*.swift
    module JSONRPC "$(folder_of MessageFramer.swift)/MessageFramer.swift" Fuzz/shims/ImportFoundation.swift
    EXTRA_LINK=(-ljansson)
    executable framer JSONRPC JSON ;;
  gguf)
    # GGUF needs only Kernels' GGMLType (block sizes), not the kernels themselves.
    module Kernels "$(folder_of GGMLType.swift)/GGMLType.swift"
    module GGUF "$(folder_of GGUFReader.swift)"/*.swift
    EXTRA_LINK=()
    executable gguf GGUF Kernels ;;
  tokenizer)
    module Tokenizers "$(folder_of BytePairModel.swift)"/*.swift
    EXTRA_LINK=()
    executable tokenizer Tokenizers ;;
  answers)
    module Answers "$(folder_of AnswerChecker.swift)"/*.swift
    EXTRA_LINK=()
    executable answers Answers ;;
  ifeval)
    module JSON "$(folder_of JSONValue.swift)"/*.swift
    module IFEval "$(folder_of IFEval.swift)"/*.swift
    EXTRA_LINK=(-ljansson)
    executable ifeval IFEval JSON ;;
  *) echo "fuzz: unknown target $1 (known: ${ALL_TARGETS[*]})" >&2; exit 2 ;;
  esac
}

for t in "${TARGETS[@]}"; do
  echo "fuzz: building $t" >&2
  build "$t"
done
[ -z "${FUZZ_BUILD_ONLY:-}" ] || exit 0

# Swift's own crash handler would race ASan's report; let ASan and libFuzzer report alone.
export SWIFT_BACKTRACE=enable=no
status=0
for t in "${TARGETS[@]}"; do
  mkdir -p "$OUT/corpus/$t" "$OUT/artifacts/$t"
  echo "fuzz: running $t for ${SECONDS_EACH}s" >&2
  asan=
  # The tokenizer target loads its fixture vocabularies once through Foundation's JSONDecoder, which
  # keeps a buffer LeakSanitizer reports at exit (not a per-input leak); the other targets keep leak checks.
  [ "$t" != tokenizer ] || asan=detect_leaks=0
  ASAN_OPTIONS=${asan:-${ASAN_OPTIONS:-}} "$OUT/bin/$t" "$OUT/corpus/$t" "Fuzz/corpus/$t" \
    -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$OUT/artifacts/$t/" -print_final_stats=1 || status=1
done
exit $status
