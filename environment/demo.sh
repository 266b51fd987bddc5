#!/usr/bin/env bash
# The main job: a tour of the engine through the `esr` command on a fresh machine. It writes a tiny random
# Llama-3 checkpoint that carries the real Llama-3.1 tokenizer (vocabulary 128256, d_model 64, 2 blocks), then
# tokenizes, renders the chat template, computes logits and generates, with and without a steering vector.
# A random model writes word salad; what the demo shows is the machinery, and that steering moves it.
# Run environment/setup.sh first (it builds esr and caches the tokenizer). Takes well under a minute.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${ESR_CACHE:-$HOME/.cache/esr}"
configuration="${ESR_CONFIGURATION:-Release}"
esr_dll="$repo/src/Esr.Cli/bin/$configuration/net10.0/linux-x64/esr.dll"
tokenizer="$cache/npm/tokenizer-llama3_1/models"
[[ -f "$esr_dll" ]] || { echo "demo: $esr_dll is missing; run environment/setup.sh first" >&2; exit 1; }
[[ -f "$tokenizer/tokenizer.json" ]] || { echo "demo: $tokenizer/tokenizer.json is missing; run environment/setup.sh first" >&2; exit 1; }

esr() { dotnet "$esr_dll" "$@"; }
if [[ -t 1 ]]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
show() { printf '\n%s$ esr %s%s\n' "$bold" "$*" "$plain"; }
note() { printf '\n# %s\n' "$*"; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
model="$work/tiny-llama"
prompt="Explain how a bicycle works."

note "1. A tiny random Llama-3 checkpoint in Hugging Face layout, with the real Llama-3.1 tokenizer copied in"
show random-model --out "$model" --tokenizer "$tokenizer" --seed 0
esr random-model --out "$model" --tokenizer "$tokenizer" --seed 0

note "2. Token ids: plain, then with the BOS the tokenizer's post-processor adds"
show tokenize --tokenizer "$model" --text "\"$prompt\""
esr tokenize --tokenizer "$model" --text "$prompt"
show tokenize --tokenizer "$model" --text "\"$prompt\"" --add-special
esr tokenize --tokenizer "$model" --text "$prompt" --add-special

note "3. The prompt as one user turn in the model's chat template (then with the paper's extra assistant header)"
show chat-template --model "$model" --prompt "\"$prompt\""
# $(...) would drop the template's final newlines; the x keeps them.
rendered="$(esr chat-template --model "$model" --prompt "$prompt"; printf x)"
rendered="${rendered%x}"
printf '%s' "$rendered" | sed 's/^/    /'
echo
show chat-template --model "$model" --prompt "\"$prompt\"" --paper-extra-header
esr chat-template --model "$model" --prompt "$prompt" --paper-extra-header | tail -n 1 | sed 's/^/    ...(as above, then) /'
echo

ids="$(esr tokenize --tokenizer "$model" --text "$rendered" | tr -d '[]\n')"
summarize_logits() {
  python3 -c '
import json, sys
rows = json.load(sys.stdin)
last = rows[-1]
top = max(range(len(last)), key=last.__getitem__)
print(f"    {len(rows)} positions x {len(last)} logits; last position, first 5: {last[:5]}; argmax id {top}")'
}

note "4. Logits of the templated prompt ($(tr -cd , <<<"$ids" | wc -c | awk '{print $1 + 1}') tokens)"
show logits --model "$model" --ids "${ids:0:40}..."
esr logits --model "$model" --ids "$ids" | summarize_logits

note "5. Greedy generation from the chat prompt (streamed as it is generated)"
show generate --model "$model" --prompt "\"$prompt\"" --temperature 0 --max-tokens 24
esr generate --model "$model" --prompt "$prompt" --temperature 0 --max-tokens 24

note "6. Steering: add 6 x the embedding of \" bicycle\" to blocks.1.resid_post at every position"
bicycle="$(esr tokenize --tokenizer "$model" --text " bicycle" | tr -d '[]\n')"
python3 - "$model/model.safetensors" "$bicycle" "$work/bicycle.npy" <<'PY'
import json, struct, sys
path, token, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path, "rb") as f:  # safetensors: 8-byte header length, JSON header, raw data
    header_length = struct.unpack("<Q", f.read(8))[0]
    entry = json.loads(f.read(header_length))["model.embed_tokens.weight"]  # F32 [vocab, d_model], tied to the output
    d = entry["shape"][1]
    f.seek(8 + header_length + entry["data_offsets"][0] + 4 * d * token)
    row = struct.unpack(f"<{d}f", f.read(4 * d))
dict_text = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d,), }" % d
pad = (64 - (10 + len(dict_text) + 1) % 64) % 64
header_text = (dict_text + " " * pad + "\n").encode("latin1")
with open(out, "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header_text)) + header_text)
    f.write(struct.pack(f"<{d}f", *(6 * v for v in row)))
print(f"    wrote {out}: float32 [{d}], 6 x embedding row {token}")
PY
show logits --model "$model" --ids "${ids:0:40}..." --steer-vector "1:$work/bicycle.npy"
esr logits --model "$model" --ids "$ids" --steer-vector "1:$work/bicycle.npy" | summarize_logits
show generate --model "$model" --prompt "\"$prompt\"" --temperature 0 --max-tokens 24 --steer-vector "1:$work/bicycle.npy"
esr generate --model "$model" --prompt "$prompt" --temperature 0 --max-tokens 24 --steer-vector "1:$work/bicycle.npy"

note "7. The paper's sampling settings (temperature 0.6 by default), one JSON object for scripts"
show generate --model "$model" --prompt "\"$prompt\"" --max-tokens 12 --seed 1 --json
esr generate --model "$model" --prompt "$prompt" --max-tokens 12 --seed 1 --json

note "8. Bad input: one line on stderr, nothing on stdout, a non-zero exit status"
show logits --model "$model" --ids "1,two"
status=0
esr logits --model "$model" --ids "1,two" >"$work/stdout" 2>"$work/stderr" || status=$?
echo "    exit status $status; stdout $(wc -c <"$work/stdout") bytes; stderr $(wc -l <"$work/stderr") line:"
sed 's/^/    /' "$work/stderr"
