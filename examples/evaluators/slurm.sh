#!/usr/bin/env bash
# Runs one evaluation as a Slurm job and waits for it: point the command objective at this script.
#
#   arch2vec search --space darts --objective command --parallel 8 --timeout 14400 \
#     --command 'examples/evaluators/slurm.sh {json}'
#
# Each evaluation becomes `sbatch --wait` of your training script (EVALUATOR, default
# `python train.py`), which gets the cell's JSON file as its argument. `sbatch --wait` blocks until the
# job ends and exits with its exit code; the job's output file is then printed, so the search reads
# the result line (`accuracy: 93.1`, or a final JSON object) as if the script had run here. --parallel
# N keeps N jobs in the queue at once. If the search stops (Ctrl-C, --timeout) the job is cancelled.
#
# The cell file must be readable on the compute node: keep $TMPDIR (where the search writes it) or
# ARCH2VEC_SLURM_SHARED (copied there first) on a shared filesystem.
# Settings: SLURM_PARTITION, SLURM_GRES (e.g. gpu:1), SLURM_TIME (e.g. 04:00:00), SLURM_EXTRA (more sbatch flags).
# Try it without a cluster: SBATCH='examples/evaluators/fake-srun.sh --' runs the job through the fake scheduler.
set -u
cell=$1
evaluator=${EVALUATOR:-python train.py}
if [ -n "${ARCH2VEC_SLURM_SHARED:-}" ]; then
  mkdir -p "$ARCH2VEC_SLURM_SHARED" && cp "$cell" "$ARCH2VEC_SLURM_SHARED/" && cell="$ARCH2VEC_SLURM_SHARED/$(basename "$cell")"
fi
if [ -n "${SBATCH:-}" ]; then exec $SBATCH $evaluator "$cell"; fi

out=$(mktemp "${ARCH2VEC_SLURM_SHARED:-${TMPDIR:-/tmp}}/arch2vec-slurm-XXXXXX.out")
args=(--wait --parsable --job-name "arch2vec-$(basename "$cell" .json)" --output "$out" --error "$out")
[ -n "${SLURM_PARTITION:-}" ] && args+=(--partition "$SLURM_PARTITION")
[ -n "${SLURM_GRES:-}" ] && args+=(--gres "$SLURM_GRES")
[ -n "${SLURM_TIME:-}" ] && args+=(--time "$SLURM_TIME")
# shellcheck disable=SC2206
[ -n "${SLURM_EXTRA:-}" ] && args+=($SLURM_EXTRA)

jobid=""
cancel() { [ -n "$jobid" ] && scancel "$jobid"; rm -f "$out"; exit 143; }
trap cancel TERM INT HUP
# --parsable prints the job id at submission; --wait then blocks. Run in the background so the trap
# can fire while waiting.
sbatch "${args[@]}" --wrap "$evaluator $(printf '%q' "$cell")" > "$out.id" &
pid=$!
for _ in $(seq 1 50); do [ -s "$out.id" ] && break; sleep 0.2; done
jobid=$(cut -d';' -f1 < "$out.id" 2>/dev/null)
wait "$pid"
rc=$?
cat "$out"
rm -f "$out" "$out.id"
exit $rc
