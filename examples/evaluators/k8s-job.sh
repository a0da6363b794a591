#!/usr/bin/env bash
# Runs one evaluation as a Kubernetes Job and waits for it: point the command objective at this script.
#
#   arch2vec search --space darts --objective command --parallel 4 --timeout 14400 \
#     --command 'examples/evaluators/k8s-job.sh {json}'
#
# Creates a Job (IMAGE, default your training image; EVALUATOR, default `python train.py`) with the
# cell's JSON in an environment variable written to a file in the pod, waits with `kubectl wait` until
# it completes or fails, prints its logs (the search reads the final `accuracy: 93.1` line or JSON
# object) and deletes the Job. If the search stops, the Job is deleted (its pod is killed).
# Settings: IMAGE (required), NAMESPACE (default: kubectl's), GPUS (default 1), K8S_TIMEOUT (default 24h).
set -u
cell=$1
: "${IMAGE:?set IMAGE to your training image}"
evaluator=${EVALUATOR:-python train.py}
name="arch2vec-$(basename "$cell" .json | tr '_' '-' | tr 'A-Z' 'a-z' | cut -c1-30)-$$"
ns=()
[ -n "${NAMESPACE:-}" ] && ns=(--namespace "$NAMESPACE")
cleanup() { kubectl "${ns[@]}" delete job "$name" --wait=false >/dev/null 2>&1; }
trap 'cleanup; exit 143' TERM INT HUP

kubectl "${ns[@]}" apply -f - >/dev/null <<YAML || exit 1
apiVersion: batch/v1
kind: Job
metadata:
  name: $name
spec:
  backoffLimit: 0
  ttlSecondsAfterFinished: 600
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: eval
          image: $IMAGE
          env:
            - name: ARCH2VEC_CELL_JSON_TEXT
              value: $(jq -c . < "$cell" | jq -R .)
          command: ["bash", "-c", "printf '%s' \"\$ARCH2VEC_CELL_JSON_TEXT\" > /tmp/cell.json && $evaluator /tmp/cell.json"]
          resources:
            limits:
              nvidia.com/gpu: ${GPUS:-1}
YAML

# Complete or failed, whichever comes first (kubectl wait takes one condition: wait for both at once).
kubectl "${ns[@]}" wait --for=condition=complete --timeout="${K8S_TIMEOUT:-24h}" "job/$name" >/dev/null 2>&1 &
ok=$!
kubectl "${ns[@]}" wait --for=condition=failed --timeout="${K8S_TIMEOUT:-24h}" "job/$name" >/dev/null 2>&1 &
bad=$!
rc=1
while :; do
  if ! kill -0 $ok 2>/dev/null; then wait $ok && rc=0; break; fi
  if ! kill -0 $bad 2>/dev/null; then wait $bad; rc=1; break; fi
  sleep 2
done
kill $ok $bad 2>/dev/null
kubectl "${ns[@]}" logs "job/$name"
cleanup
exit $rc
