#!/usr/bin/env bash
# One paper experiment across a Slurm cluster (docs/GPU.md): a job array whose task i runs shard i/n of the run on
# one GPU into runs/<name>/shard-i, and a job that starts when every task has succeeded and merges the shards into
# runs/<name>/merged. Edit the settings below, then, on the login node, from the repository root:
#
#     bash environment/slurm-experiment-array.sh
#
# This submits both jobs (sbatch runs this same file again inside each one). When a task fails or runs out of time
# the merge never starts; resubmit that shard, which resumes where it stopped, with a new merge behind it:
#
#     bash environment/slurm-experiment-array.sh resubmit <i>
#
# Merging is idempotent: a merge again, after more shards have finished, adds their trials to the same folder.
set -euo pipefail

# ---- settings: edit these --------------------------------------------------------------------------------------
EXPERIMENT=1                          # the experiment id (esr experiment --help lists them)
MODEL=llama-3.1-8b                    # a paper short name (found in $HF_HOME) or a model directory
NAME="experiment-$EXPERIMENT-$MODEL"  # the run's folder under runs/
SHARDS=8                              # array tasks = shards; the run splits by latent, so at most one per latent
JUDGE=haiku-4.5                       # judge alias, model id, local:<dir> or endpoint URL
EXTRA_ARGS=(--seed 0 --dtype bfloat16 --batch-size 16)   # any other esr experiment options; experiment 2's shards
                                      # also need one --threshold-cache file that every shard reads
PARTITION=gpu                         # the cluster's GPU partition
GPUS_PER_TASK=1                       # the engine keeps a model on one device (see docs/GPU.md for the memory)
CPUS_PER_TASK=8
MEMORY=64G                            # host memory: weights stream through a buffer the size of the largest tensor
TIME_LIMIT=24:00:00                   # a task that runs out resumes when resubmitted
export HF_HOME="${HF_HOME:-$HOME/.cache/huggingface}"           # the models and SAEs, downloaded beforehand
export ESR_DATA_DIR="${ESR_DATA_DIR:-$PWD/data/esr}"             # prompts.txt and the paper's data files
export ESR_CACHE_DIR="${ESR_CACHE_DIR:-$PWD/runs/.esr-cache}"    # concreteness cache, shared so shards select alike
# The judge's key comes from the environment (ANTHROPIC_API_KEY, OPENAI_API_KEY or OPENROUTER_API_KEY); sbatch
# passes the submitting shell's environment on, so export it before submitting. Never write it in this file.
# The built esr (dotnet build -c Release -p:EsrTorch=cuda, docs/GPU.md):
ESR=(dotnet "$PWD/src/Esr.Cli/bin/Release/net10.0/linux-x64/esr.dll")
# ------------------------------------------------------------------------------------------------------------------

run_root="runs/$NAME"

submit_shards() {  # array-spec: submits the shard tasks, prints the job id
  sbatch --parsable --job-name="esr-$NAME" --partition="$PARTITION" --gres="gpu:$GPUS_PER_TASK" \
    --cpus-per-task="$CPUS_PER_TASK" --mem="$MEMORY" --time="$TIME_LIMIT" --array="$1" \
    --output="$run_root/logs/shard-%a.log" "$0" shard
}
submit_merge() {  # job id: submits the merge to run after that job's tasks all succeed, prints its id
  sbatch --parsable --job-name="esr-$NAME-merge" --dependency="afterok:$1" --cpus-per-task=1 --mem=4G \
    --time=01:00:00 --output="$run_root/logs/merge.log" "$0" merge
}

case "${1:-submit}" in
  submit)
    mkdir -p "$run_root/logs"
    array=$(submit_shards "0-$((SHARDS - 1))")
    echo "submitted the array $array ($SHARDS shards) and the merge $(submit_merge "$array"); folders under $run_root"
    ;;
  resubmit)
    [[ "${2:-}" =~ ^[0-9]+$ && "$2" -lt "$SHARDS" ]] || { echo "usage: $0 resubmit <shard 0..$((SHARDS - 1))>" >&2; exit 2; }
    task=$(submit_shards "$2")
    echo "resubmitted shard $2 as $task and the merge $(submit_merge "$task")"
    ;;
  shard)
    i="$SLURM_ARRAY_TASK_ID"
    # Of SHARDS rather than SLURM_ARRAY_TASK_COUNT, which is 1 for a shard resubmitted alone.
    # Slurm gives the task its GPU as device 0 (CUDA_VISIBLE_DEVICES), hence plain cuda.
    "${ESR[@]}" experiment "$EXPERIMENT" --model "$MODEL" --judge "$JUDGE" --device cuda \
      --shard "$i/$SHARDS" --out "$run_root/shard-$i" "${EXTRA_ARGS[@]}"
    ;;
  merge)
    "${ESR[@]}" experiment merge --out "$run_root/merged" "$run_root"/shard-*
    ;;
  *)
    echo "usage: $0 [submit | resubmit <i> | shard | merge]" >&2
    exit 2
    ;;
esac
