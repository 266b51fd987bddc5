#!/usr/bin/env bash
# Measures the toy zoo against the issue's targets with the experiment runners and the exact judge (docs/TOY_WORLD.md,
# "What it shows"). Per model: experiment 1 on its subject latents (each calibrated to a first-attempt score of 30 by
# the paper's bisection, then steered on fresh prompts) and experiment 8 (the same prompts, no steering); per
# steering-aware model, experiment 3 (its off_topic_detectors.json, which the build wrote, zero-ablated while
# steering) and 10 (random sets of the same size, drawn uniformly as the paper's code and matched to the detectors'
# firing rates over experiment 8's answers as its text says), and the five latents that best tell its off-topic sentence ends from
# its on-task ones on its experiment-1 answers (esr toy detectors --sentence-ends), how often every latent fires on its
# off-topic and on-task tokens, and experiment 9 (its restarts as episodes, boundaries from the exact judge). For the
# main steering-aware model and its base: experiment 2 (boost sweep). For the main steering-aware model: experiment 5
# (the toy meta-prompts that `esr toy prompts` writes, on its experiment-1 prompts), experiment 7 (its experiment-1
# answers graded again by the lexical judge) and the paper's detector discovery (experiment 3a).
# Usage: toy/measure-zoo.sh [OUT_DIR] [MODEL...]   (default runs/toy and every model of toy/zoo/zoo.json)
# ESR_TOY_TRIALS sets experiment 1's prompts per subject latent (5: 180 trials a model); ESR_TOY_MAIN the main model.
# Needs a build (environment/setup.sh). Runs resume: a second call skips what is stored.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
esr_dll="${ESR_DLL:-$repo/src/Esr.Cli/bin/${ESR_CONFIGURATION:-Release}/net10.0/linux-x64/esr.dll}"
[[ -f "$esr_dll" ]] || { echo "measure-zoo: $esr_dll is missing; run environment/setup.sh first" >&2; exit 1; }
esr() { dotnet "$esr_dll" "$@"; }
out="${1:-runs/toy}"
shift || true
zoo="${ESR_TOY_ZOO:-$repo/toy/zoo}"
# Models go by their toy names in this zoo, so trials carry their latents' labels ("subject:volcanoes"), and
# experiment 5's {latent_label} becomes the subject's name.
export ESR_TOY_ZOO="$zoo"
settings="$repo/toy/experiment-settings.json"
main_model="${ESR_TOY_MAIN:-toy-m-sa60}"
trials="${ESR_TOY_TRIALS:-5}"

# name<TAB>SAE block, one line per model of zoo.json
models="$(python3 -c 'import json,sys; [print(e["Name"], e["SaeBlock"], e["SteeringAware"], sep="\t") for e in json.load(open(sys.argv[1]))]' "$zoo/zoo.json")"
if (( $# > 0 )); then models="$(printf '%s\n' "$models" | grep -E "^($(IFS='|'; echo "$*"))"$'\t')"; fi
esr toy prompts --out "$out/data" >/dev/null

steer() {  # steer EXPERIMENT MODEL BLOCK RUN_DIR [OPTION...]
  local experiment="$1" name="$2" block="$3" run="$4"
  shift 4
  esr experiment "$experiment" --model "$name" --sae "$zoo/$name/sae" --layer "$block" --judge toy \
    --data-dir "$out/data" --config "$settings" --seed 1 --out "$run" "$@"
}

while IFS=$'\t' read -r name block steering_aware; do
  steer 1 "$name" "$block" "$out/exp1-$name" --latents "$zoo/$name/subject_latents.txt" --n-trials "$trials"
  steer 8 "$name" "$block" "$out/exp8-$name" --from-results "$out/exp1-$name"
  if [[ "$steering_aware" == "True" ]]; then
    # The five latents whose activation best tells its off-topic sentence ends from its on-task ones, on these answers.
    if [[ ! -f "$out/detectors-$name.json" ]]; then
      esr toy detectors --model "$zoo/$name" --from-results "$out/exp1-$name" --sentence-ends --min-auc 0 --max-detectors 5 --out "$out/detectors-$name.json"
    fi
    if [[ -f "$zoo/$name/off_topic_detectors.json" ]]; then
      steer 3 "$name" "$block" "$out/exp3-$name" --from-results "$out/exp1-$name" --ablate "$zoo/$name/off_topic_detectors.json"
      steer 10 "$name" "$block" "$out/exp10-$name" --from-results "$out/exp1-$name" --ablate "$zoo/$name/off_topic_detectors.json"
      # The same control with sets matched to the detectors' firing rates over the unsteered answers (the paper's stated control).
      steer 10 "$name" "$block" "$out/exp10-matched-$name" --from-results "$out/exp1-$name" --ablate "$zoo/$name/off_topic_detectors.json" \
        --match-random-sets "$out/exp8-$name"
      # How often each latent fires on the off-topic and on-task tokens of these answers, read with their steering.
      if [[ ! -f "$out/latents-$name.json" ]]; then
        esr toy detectors --model "$zoo/$name" --from-results "$out/exp1-$name" --min-auc 0 --max-detectors 4096 --out "$out/latents-$name.json" >/dev/null
      fi
      # Experiment 9 on these answers' restarts, boundaries from the exact judge; the best sentence-end latent above
      # takes the place of the paper's backtracking latents, which a toy SAE does not have.
      if [[ ! -f "$out/exp9-$name/summary_table.csv" ]]; then
        best="$(python3 -c 'import json,sys; print(next(iter(json.load(open(sys.argv[1]))["detector_stats"])))' "$out/detectors-$name.json")"
        esr experiment 9 --trials "$out/exp1-$name" --model "$name" --annotator toy --aligned-boundaries \
          --detectors "$zoo/$name/off_topic_detectors.json" --backtracking-latents "$best" --out "$out/exp9-$name"
      fi
    else
      echo "measure-zoo: $name has no off_topic_detectors.json, so experiments 3 and 10 have nothing to ablate" >&2
    fi
  fi
done <<< "$models"

main_block="$(printf '%s\n' "$models" | awk -F'\t' -v m="$main_model" '$1 == m {print $2}')"
if [[ -n "$main_block" ]]; then
  main_base="$(python3 -c 'import json,sys; print(next(e["BaseModel"] for e in json.load(open(sys.argv[1])) if e["Name"] == sys.argv[2]))' "$zoo/zoo.json" "$main_model")"
  for name in "$main_base" "$main_model"; do
    # Experiment 2 reuses experiment 1's thresholds: a run of a few models may have measured the main model without its base.
    if ! compgen -G "$out/exp1-$name/threshold_cache*.json" >/dev/null; then echo "measure-zoo: no experiment 1 of $name here, so no experiment 2" >&2; continue; fi
    cache="$(ls "$out/exp1-$name"/threshold_cache*.json | head -n 1)"
    steer 2 "$name" "$main_block" "$out/exp2-$name" --threshold-cache "$cache" --latents "$zoo/$name/subject_latents.txt" --n-trials 3
  done
  steer 5 "$main_model" "$main_block" "$out/exp5-$main_model" --from-results "$out/exp1-$main_model" --variants "$out/data/meta_prompts.json"
  # Experiment 7: the same answers graded again by the lexical judge, which never looks a sentence up.
  if [[ ! -f "$out/exp7-$main_model/experiment_7_judge_agreement_metrics.csv" ]]; then
    esr experiment 7 --trials "$out/exp1-$main_model" --judge toy-lexical --original-judge-name toy-exact --out "$out/exp7-$main_model"
  fi
  # The paper's contrastive rule, reported beside the toy world's detectors.
  esr experiment 3a --model "$zoo/$main_model" --sae "$zoo/$main_model/sae" --layer "$main_block" --prompts "$out/data/prompts.txt" \
    --temperature 0.6 --max-tokens 160 --repetition-penalty 1.0 --no-paper-extra-header --out "$out/detectors-3a-$main_model.json"
fi

# One line per model: experiment 1 (steered at each latent's threshold) and 8 (the same prompts, no steering), and
# what the lost first-attempt sentences were (the exact judge's per-sentence kinds in its raw reply). Then experiment 5
# on the main model, one line per meta-prompt variant.
python3 - "$out" "$zoo/zoo.json" "$main_model" "$repo/src/Esr.Kernel/Toy/ToyWorld.txt" <<'PY'
import csv, json, os, re, statistics, sys
out, zoo, main = sys.argv[1], {e["Name"]: e for e in json.load(open(sys.argv[2]))}, sys.argv[3]
def trials(run):
    path = os.path.join(out, run, "trials.jsonl")
    if not os.path.exists(path): return []
    rows = [json.loads(line) for line in open(path) if line.strip()]
    return [t for t in rows if t.get("verdict") and not t["verdict"].get("error") and t["verdict"].get("attempts")]
def detector_set(name):  # the off_topic_detectors.json the build wrote beside the model
    return json.load(open(os.path.join(os.path.dirname(sys.argv[2]), name, "off_topic_detectors.json")))["off_topic_detectors"]
def summary(rows):
    n = len(rows)
    multi = [t for t in rows if len(t["verdict"]["attempts"]) > 1]
    improved = [t for t in multi if t["verdict"]["attempts"][-1]["score"] > t["verdict"]["attempts"][0]["score"]]
    first = statistics.mean(t["verdict"]["attempts"][0]["score"] for t in rows) if n else float("nan")
    false_alarms = sum(1 for t in multi if t["verdict"]["attempts"][0]["score"] == 100)
    return n, first, 100 * len(multi) / max(n, 1), 100 * len(improved) / max(n, 1), false_alarms
print("model        n   boost/norm  first  multi%  ESR%  restarts-after-a-perfect-first | unsteered: first  multi%  ESR% | lost: steered subject  any subject  garbage")
for name, entry in zoo.items():
    steered, plain = trials(f"exp1-{name}"), trials(f"exp8-{name}")
    if not steered: continue
    n, first, multi, esr, alarms = summary(steered)
    _, first0, multi0, esr0, _ = summary(plain)
    boost = statistics.mean(t["boost"] for t in steered) / entry["MedianResidualNorm"]
    # (kind, owner, steered subjects) per first-attempt sentence; the steered latent's subjects come from zoo.json.
    kinds = [(m.group(1), m.group(2), {s for s, l in entry["SubjectLatents"].items() if l == t["latent"]}) for t in steered
             for m in re.finditer(r"^\[0\] (\w+)(?: \(([^)]*)\))?:", t["verdict"]["raw_reply"], re.M)]
    lost = [k for k in kinds if k[0] in ("Subject", "Garbage", "OtherTask")]
    share = lambda test: sum(1 for k in lost if test(k)) / max(len(lost), 1)
    own, anyone, garbage = share(lambda k: k[0] == "Subject" and k[1] in k[2]), share(lambda k: k[0] == "Subject"), share(lambda k: k[0] == "Garbage")
    print(f"{name:12} {n:3}  {boost:6.2f}     {first:5.1f}  {multi:5.1f}  {esr:4.1f}  {alarms:3} of {round(multi * n / 100):3} | {first0:16.1f}  {multi0:5.1f}  {esr0:4.1f} | {own:21.2f}  {anyone:11.2f}  {garbage:7.2f}")
# Held-out subjects (never corrected in fine-tuning, ToyWorld.txt's held-out line): steered trials of each
# steering-aware model grouped by whether the steered latent's subjects are all held out or none is; 95 % Wald intervals.
held_out = next({s.strip() for s in line.split(":", 1)[1].split("|")} for line in open(sys.argv[4]) if line.startswith("held-out:"))
def wald(percent, n): p = percent / 100; return f"{percent:4.1f} ± {196 * (p * (1 - p) / max(n, 1)) ** 0.5:4.1f}"
print("\nheld-out subjects    held-out: n  multi%        ESR%        | trained: n  multi%        ESR%")
for name, entry in zoo.items():
    steered = trials(f"exp1-{name}")
    if not entry["SteeringAware"] or not steered: continue
    line = f"{name:20}"
    for held in (True, False):
        n, _, multi, esr, _ = summary([t for t in steered if all((s in held_out) == held for s, l in entry["SubjectLatents"].items() if l == t["latent"])])
        line += f"  {n:3}  {wald(multi, n)}  {wald(esr, n)} |"
    print(line.rstrip("|"))
prompted = trials(f"exp5-{main}")
if prompted:
    print(f"\nexperiment 5 on {main} (baseline: its experiment 1 above)\nvariant                n   first  multi%  ESR%")
    for variant in sorted({t["condition"] for t in prompted}):
        n, first, multi, esr, _ = summary([t for t in prompted if t["condition"] == variant])
        print(f"{variant:20} {n:3}   {first:5.1f}  {multi:5.1f}  {esr:4.1f}")
agreement = os.path.join(out, f"exp7-{main}", "experiment_7_judge_agreement_metrics.csv")
if os.path.exists(agreement):
    for row in csv.DictReader(open(agreement)):
        print(f"\nexperiment 7 on {main}: {row['judge_a']} against {row['judge_b']} over {row['n_shared']} answers: Pearson r of first scores"
              f" {float(row['pearson_r_first_score']):.2f}, multi-attempt agreement {100 * float(row['multi_attempt_agreement']):.1f} %,"
              f" ESR-direction agreement {100 * float(row['esr_direction_agreement']):.1f} % over {row['n_both_multi']},"
              f" attempt-count agreement {100 * float(row['attempt_count_agreement']):.1f} %")
# Experiments 3 and 10 per steering-aware model: its detectors zero-ablated, then random sets of the same size.
ablations = [name for name, entry in zoo.items() if entry["SteeringAware"] and trials(f"exp3-{name}")]
for name, entry in zoo.items():
    path = os.path.join(out, f"detectors-{name}.json")
    if entry["SteeringAware"] and os.path.exists(path):
        stats = json.load(open(path))["detector_stats"]
        print(f"{name}: best sentence-end AUC " + ", ".join(f"{latent} {s['auc']:.3f}" for latent, s in stats.items()))
# Per steering-aware model: how often its detectors fire on off-topic and on-task tokens (mean over the set, and the
# best), and experiment 9's detector means by region against the answers that never drifted.
for name, entry in zoo.items():
    latents, episodes = os.path.join(out, f"latents-{name}.json"), os.path.join(out, f"exp9-{name}")
    if not entry["SteeringAware"] or not os.path.exists(latents): continue
    found = detector_set(name)
    stats = json.load(open(latents))["detector_stats"]
    off = [stats[str(l)]["off_topic_active_fraction"] for l in found]
    on = [stats[str(l)]["on_task_active_fraction"] for l in found]
    best = max(found, key=lambda l: stats[str(l)]["off_topic_active_fraction"])
    line = (f"{name}: detectors active on {100 * statistics.mean(off):.1f} % of off-topic tokens, {100 * statistics.mean(on):.1f} % of on-task"
            f" (best {best}: {100 * stats[str(best)]['off_topic_active_fraction']:.1f} / {100 * stats[str(best)]['on_task_active_fraction']:.1f})")
    if os.path.exists(os.path.join(episodes, "analysis_results.json")):
        group = json.load(open(os.path.join(episodes, "analysis_results.json")))
        baseline = json.load(open(os.path.join(episodes, "baseline_stats.json")))
        regions = group["otd_group"]
        line += (f"; experiment 9: {group['n_episodes']} episodes, off topic {regions['off_topic_mean'] / baseline['otd_mean']:.1f}x"
                 f" and back on topic {regions['on_topic_mean'] / baseline['otd_mean']:.1f}x the baseline ({baseline['n_episodes']} answers)")
    print(line)
if ablations:
    print("\nablation (experiments 3, 10)  detectors (first ones)  condition                    n   first  multi%        ESR%")
    for name in ablations:
        found = detector_set(name)
        rows = [("steered", trials(f"exp1-{name}"))] + [(c, [t for t in trials(run) if t["condition"] == c])
                for run in (f"exp3-{name}", f"exp10-{name}", f"exp10-matched-{name}") for c in sorted({t["condition"] for t in trials(run)})]
        for condition, group in rows:
            n, first, multi, esr, _ = summary(group)
            print(f"{name:29} {','.join(map(str, found))[:22]:22} {condition:28} {n:3}   {first:5.1f}  {wald(multi, n)}  {wald(esr, n)}")
PY
