#!/usr/bin/env bash
# Builds llama.cpp's llama-bench, llama-quantize and llama-perplexity for the side-by-side
# benchmark (docs/benchmarks.md). llama.cpp is never a dependency of Minos: its source comes
# from the llama-cpp-python source distribution on PyPI (which vendors llama.cpp under
# vendor/llama.cpp), is built CPU-only for this machine (GGML_NATIVE=ON) and stays in a cache
# folder outside the repository.
#
#   scripts/build-llama-cpp.sh            # into $MINOS_LLAMA_DIR or ~/.cache/minos/llama.cpp
#   LLAMA_CPP_PYTHON_VERSION=0.3.36 scripts/build-llama-cpp.sh
#   scripts/build-llama-cpp.sh --avx2     # llama-bench alone, AVX2/FMA/F16C only, into build-avx2/
#                                         # (the counterpart of MINOS_CPU=avx2 on an AVX-512 machine)
#
# Idempotent: a second run with the binaries present only prints where they are. Installs cmake
# (pip, else apt) when it is missing. Prints the bin folder on stdout; everything else goes to
# stderr.
set -euo pipefail

dir="${MINOS_LLAMA_DIR:-$HOME/.cache/minos/llama.cpp}"
version="${LLAMA_CPP_PYTHON_VERSION:-}"
jobs="${JOBS:-$(nproc)}"
build="$dir/build"
tools=(llama-bench llama-quantize llama-perplexity)
cpu_flags=(-DGGML_NATIVE=ON)
if [ "${1:-}" = "--avx2" ]; then
  build="$dir/build-avx2"
  tools=(llama-bench)
  cpu_flags=(-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
             -DGGML_AVX512=OFF -DGGML_AVX512_VBMI=OFF -DGGML_AVX512_VNNI=OFF -DGGML_AVX512_BF16=OFF -DGGML_AVX_VNNI=OFF)
elif [ -n "${1:-}" ]; then
  echo "usage: $0 [--avx2]" >&2; exit 2
fi
bin="$build/bin"

log() { echo "build-llama-cpp: $*" >&2; }

all_present() {
  local t
  for t in "${tools[@]}"; do [ -x "$bin/$t" ] || return 1; done
}

if all_present; then
  log "already built in $bin"
  echo "$bin"
  exit 0
fi

mkdir -p "$dir"

# cmake: pip's wheel first (no root needed), Debian's package otherwise.
PATH="$PATH:$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))' 2>/dev/null || true)"
if ! command -v cmake >/dev/null 2>&1; then
  log "installing cmake"
  if ! python3 -m pip install -q cmake >&2 || ! command -v cmake >/dev/null 2>&1; then
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends cmake >&2
  fi
fi

# Source: the llama-cpp-python sdist, unpacked once.
src="$dir/src"
if [ ! -f "$src/CMakeLists.txt" ]; then
  dl="$dir/download"
  rm -rf "$dl"; mkdir -p "$dl"
  spec="llama-cpp-python${version:+==$version}"
  log "downloading the $spec source distribution from PyPI"
  # --no-binary for this package only: with :all: pip would also build the sdist's build
  # requirements (cmake, ninja) from source just to read its metadata.
  python3 -m pip download -q --no-deps --no-binary llama-cpp-python --dest "$dl" "$spec" >&2
  archive="$(ls "$dl"/llama_cpp_python-*.tar.gz | head -n 1)"
  rm -rf "$dir/unpack"; mkdir -p "$dir/unpack"
  tar -xzf "$archive" -C "$dir/unpack"
  vendored="$(ls -d "$dir"/unpack/llama_cpp_python-*/vendor/llama.cpp | head -n 1)"
  [ -f "$vendored/CMakeLists.txt" ] || { log "no vendor/llama.cpp in $archive"; exit 1; }
  rm -rf "$src"
  mv "$vendored" "$src"
  basename "$archive" > "$dir/SOURCE"
  rm -rf "$dir/unpack" "$dl"
fi

log "building ${tools[*]} from $(cat "$dir/SOURCE" 2>/dev/null || echo "$src") with $jobs jobs"
cmake -S "$src" -B "$build" \
  -DCMAKE_BUILD_TYPE=Release \
  "${cpu_flags[@]}" \
  -DGGML_CUDA=OFF -DGGML_METAL=OFF -DGGML_VULKAN=OFF -DGGML_OPENMP=ON \
  -DBUILD_SHARED_LIBS=OFF \
  -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
  -DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_TOOLS=ON >&2
cmake --build "$build" --config Release -j "$jobs" --target "${tools[@]}" >&2

all_present || { log "build finished but a tool is missing from $bin"; exit 1; }
log "built in $bin"
echo "$bin"
