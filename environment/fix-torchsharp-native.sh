#!/usr/bin/env bash
# Makes TorchSharp's native library load on systems whose libstdc++ predates GLIBCXX_3.4.32 (Debian 12).
# See PLATFORM.md: exactly one unused symbol needs that version, so its requirement is marked weak.
# Usage: fix-torchsharp-native.sh DIR...   (every libLibTorchSharp.so under each DIR). Idempotent.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# awk reads ldconfig's whole output (no early exit): an early exit would kill ldconfig with SIGPIPE, and under
# pipefail the script would fail now and then (exit status 141).
libstdcxx="$(ldconfig -p | awk '/libstdc\+\+\.so\.6 .*x86-64/ && !found {print $NF; found = 1}')"
if [[ -n "$libstdcxx" ]] && grep -aq 'GLIBCXX_3\.4\.32' "$libstdcxx"; then
  exit 0  # the system libstdc++ is new enough: leave TorchSharp's files untouched
fi

for dir in "$@"; do
  [[ -d "$dir" ]] || continue
  find "$dir" -name libLibTorchSharp.so -type f -print0 |
    while IFS= read -r -d '' library; do
      python3 "$here/weaken_glibcxx_requirement.py" "$library" >/dev/null
    done
done
