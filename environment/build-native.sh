#!/usr/bin/env bash
# Builds the engine's small-batch linear kernels (environment/native/esr_linear.c) into artifacts/native, from where
# the Esr.Kernel build copies them next to the assemblies. Idempotent: rebuilds only when the source is newer.
# No -march: the kernels pick AVX-512 or AVX2 at run time (the engine falls back to libtorch without the library).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source_file="$repo/environment/native/esr_linear.c"
library="$repo/artifacts/native/libesr_linear.so"
[[ -f "$library" && "$library" -nt "$source_file" ]] && exit 0
# libtorch's own OpenMP runtime (soname libgomp.so.1, already loaded with libtorch), so both share one thread pool.
gomp="$(find "${NUGET_PACKAGES:-$HOME/.nuget/packages}/libtorch-cpu-linux-x64" -name 'libgomp-*.so.1' -print -quit 2>/dev/null || true)"
mkdir -p "$(dirname "$library")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
gcc -O3 -fPIC -fopenmp -Wall -Wextra -Werror -c "$source_file" -o "$work/esr_linear.o"
if [[ -n "$gomp" ]]; then
  gcc -shared "$work/esr_linear.o" -o "$work/libesr_linear.so" -L"$(dirname "$gomp")" -l:"$(basename "$gomp")"
else
  gcc -shared -fopenmp "$work/esr_linear.o" -o "$work/libesr_linear.so"
fi
mv "$work/libesr_linear.so" "$library"
printf 'setup: built %s\n' "$library" >&2
