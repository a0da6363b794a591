#!/usr/bin/env bash
# Interleaved side-by-side runs of the PyTorch reference and this engine on the same machine:
# reference, ours, reference, ours, ... for each measurement, so both see the same load.
# Machines here are shared and vary by 2x between minutes: only ratios from one run mean anything.
#
#   bash bench/reference/compare.sh [ROUNDS=2] [SECONDS=5]
#
# Needs bash bench/reference/setup.sh (python3-torch + OpenBLAS) once. Prints the raw lines of both
# sides; README's performance section quotes the medians of such a run.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-2}
SECS=${2:-5}
PY=/usr/bin/python3
TORCH="$PY bench/reference/bench_torch.py --seconds $SECS"
OURS="node --import tsx"
for r in $(seq 1 "$ROUNDS"); do
  echo "== round $r: NB201 train step, batch 32"
  $TORCH --only nb201_train | tail -1
  $OURS bench/pretrain.ts --seconds "$SECS" --backends wasm --threads 1,2 | grep '^| wasm'
  echo "== round $r: NB101-shaped train step, batch 32"
  $TORCH --only nb101_train | tail -1
  $OURS bench/pretrain.ts --seconds "$SECS" --backends wasm --threads 1,2 --space nb101 | grep '^| wasm'
  echo "== round $r: DARTS-shaped step, batch 32, eval mode (what the reference's epochs 2..10 run)"
  $TORCH --only darts_eval | tail -1
  $OURS bench/pretrain.ts --seconds "$SECS" --backends wasm --threads 1,2 --space darts --mode eval | grep '^| wasm'
  echo "== round $r: embed all 15,625 NB201 cells; exact 10-NN over 423,624 x 16"
  $TORCH --only embed,knn --embed-repeats 3 | tail -2
  $OURS bench/embed.ts --backend wasm --quick | grep -E '^embed all|^k-NN \(k=10\)'
done
