#!/usr/bin/env bash
# The main job: a tour of the workbench through the `esr` command on a fresh machine, in two parts.
# Part 1, the engine: a tiny random Llama-3 checkpoint that carries the real Llama-3.1 tokenizer (vocabulary 128256,
# d_model 64, 2 blocks): tokenize, chat template, logits and generation, with and without a steering vector (a random
# model writes word salad; what it shows is the machinery, and that steering moves it).
# Part 2, the toy world (docs/TOY_WORLD.md): a trained toy model from the committed zoo, its SAE and exact judge, a
# small experiment 1 run (latents calibrated by the paper's bisection, steered, judged) and Figure 2 drawn from it.
# Run environment/setup.sh first (it builds esr and caches the tokenizer). Takes about a minute.
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

note "9. The toy world's zoo: trained toy models with their SAEs, committed in toy/zoo"
show toy list
esr toy list
model="$repo/toy/zoo/toy-m-sa60"
show toy prompts --out "$work/toy-data"
esr toy prompts --out "$work/toy-data"

toy_prompt="$(head -n 1 "$work/toy-data/prompts.txt")"
note "10. A toy model answers a task prompt (greedy), and the exact judge scores the answer"
show generate --model toy/zoo/toy-m-sa60 --prompt "\"$toy_prompt\"" --temperature 0 --max-tokens 80
answer="$(esr generate --model "$model" --prompt "$toy_prompt" --temperature 0 --max-tokens 80)"
printf '%s\n' "$answer" | sed 's/^/    /'
show judge --judge toy --prompt "\"$toy_prompt\"" --response "\"...\"" --label cats
esr judge --judge toy --prompt "$toy_prompt" --response "$answer" --label cats | sed 's/^/    /'

note "11. Experiment 1 on the steering-aware toy model: 6 subject latents, each calibrated to a first-attempt score of 30, steered on 4 prompts, judged exactly"
latents="$(head -n 6 "$model/subject_latents.txt" | paste -sd, -)"
show experiment 1 --model toy/zoo/toy-m-sa60 --sae toy/zoo/toy-m-sa60/sae --layer 1 --judge toy --data-dir "$work/toy-data" --config toy/experiment-settings.json --latents "$latents" --labels toy/zoo/toy-m-sa60/labels.csv --grader none --n-trials 4 --calibration-steps 8 --out "$work/run"
esr experiment 1 --model "$model" --sae "$model/sae" --layer 1 --judge toy --data-dir "$work/toy-data" --config "$repo/toy/experiment-settings.json" \
  --latents "$latents" --labels "$model/labels.csv" --grader none --n-trials 4 --calibration-steps 8 --out "$work/run" 2>/dev/null | sed 's/^/    /'
note "A steered trial as the run stored it (trials.jsonl; the latent's label, the calibrated boost, the judge's attempts), one that restarted and improved if any did:"
python3 - "$work/run/trials.jsonl" <<'PY'
import json, sys
trials = [json.loads(line) for line in open(sys.argv[1])]
scores = lambda t: [a['score'] for a in (t.get('verdict') or {}).get('attempts') or []]
# an improved restart first, then any restart, then the first trial
trial = max(trials, key=lambda t: (len(scores(t)) > 1 and scores(t)[-1] > scores(t)[0], len(scores(t))))
print(f"    latent {trial['latent']} ({trial['latent_label']}), boost {trial['boost']:.2f}, prompt: {trial['prompt']}")
print(f"    response: {trial['response'][:400]}")
print(f"    attempts: {[round(a['score'], 1) for a in trial['verdict']['attempts']]}")
PY

note "12. Figure 2 of the paper drawn from that run (self-contained HTML; .png works too, through headless Chromium)"
show figure 2 --results "$work/run" --out "$work/figure2.html"
esr figure 2 --results "$work/run" --out "$work/figure2.html" | sed 's/^/    /'
echo "    $(wc -c <"$work/figure2.html") bytes"
