#!/usr/bin/env bash
# Runs one evaluation as a Ray job and waits for it: point the command objective at this script.
#
#   export RAY_ADDRESS=http://head-node:8265
#   arch2vec search --space nasbench101 --objective command --parallel 16 \
#     --command 'examples/evaluators/ray-job.sh {json}'
#
# `ray job submit` (without --no-wait) blocks until the job ends, streams its logs to stdout (so the
# search reads the final `accuracy: 93.1` line or JSON object) and exits non-zero when the job fails.
# The cell's JSON travels inside the job's entrypoint (base64), so no shared filesystem is needed;
# your script gets it back as a file path. WORKING_DIR (default .) is uploaded with the job;
# EVALUATOR (default `python train.py`) is run there. If the search stops, the job is stopped.
set -u
cell=$1
evaluator=${EVALUATOR:-python train.py}
payload=$(base64 < "$cell" | tr -d '\n')
name=$(basename "$cell" .json)
job="arch2vec-$name-$$"
entry="echo $payload | base64 -d > /tmp/$name.json && $evaluator /tmp/$name.json"
stop() { ray job stop --address "${RAY_ADDRESS:?set RAY_ADDRESS}" "$job" >/dev/null 2>&1; exit 143; }
trap stop TERM INT HUP
ray job submit --address "${RAY_ADDRESS:?set RAY_ADDRESS}" --submission-id "$job" --working-dir "${WORKING_DIR:-.}" -- bash -c "$entry" &
pid=$!
wait "$pid"
