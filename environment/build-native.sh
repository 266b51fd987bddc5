#!/usr/bin/env bash
# Builds the engine's native kernels (environment/native: linear products and decoding attention) into
# artifacts/native/libesr_native.so, from where the Esr.Kernel build copies it next to the assemblies.
# Idempotent: rebuilds only when a source file is newer.
# No -march: the kernels pick AVX-512 or AVX2 at run time (the engine falls back to libtorch without the library).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sources="$repo/environment/native"
library="$repo/artifacts/native/libesr_native.so"
if [[ -f "$library" && -z "$(find "$sources" -newer "$library" -type f)" ]]; then exit 0; fi
mkdir -p "$(dirname "$library")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
gcc -O3 -fPIC -shared -pthread -Wall -Wextra -Werror "$sources"/*.c -o "$work/libesr_native.so"
mv "$work/libesr_native.so" "$library"
printf 'setup: built %s\n' "$library" >&2
