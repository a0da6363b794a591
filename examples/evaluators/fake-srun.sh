#!/usr/bin/env bash
# A stand-in for a cluster scheduler, to try the scale-out wrappers (slurm.sh, ray-job.sh, k8s-job.sh)
# and test `arch2vec search --objective command` without a cluster.
#
#   fake-srun.sh [--job-name NAME] [--] COMMAND [ARGS...]
#
# Behaves like `srun` / `sbatch --wait`: submits COMMAND as a job — a detached session with its own
# output files in $FAKE_SCHEDULER_SPOOL (default ${TMPDIR:-/tmp}/fake-scheduler-$(id -u)) — prints
# "Submitted batch job N" on stderr, BLOCKS until the job ends, then prints the job's stdout on stdout
# (its stderr on stderr) and exits with the job's exit code. So the search sees the evaluator's output
# (the `accuracy: 93.1` line or final JSON object) exactly as if it had run locally.
#
# Cancellation: SIGTERM / SIGINT / SIGHUP while waiting cancels the job (as `scancel`); if this process
# is killed outright (SIGKILL, after the search's timeout grace), the job notices its submitter is
# gone and cancels itself, as Slurm cancels a step whose srun died. No job outlives the search.
#
# FAKE_SCHEDULER_QUEUE_SECONDS: seconds a job "waits in the queue" before it starts (default 0).
set -u
name=job
if [ "${1:-}" = "--job-name" ]; then name=$2; shift 2; fi
if [ "${1:-}" = "--" ]; then shift; fi
if [ $# -eq 0 ]; then echo "usage: fake-srun.sh [--job-name NAME] [--] COMMAND [ARGS...]" >&2; exit 2; fi

spool=${FAKE_SCHEDULER_SPOOL:-${TMPDIR:-/tmp}/fake-scheduler-$(id -u)}
mkdir -p "$spool"
id=$(date +%s%N | tail -c 10)$$
out="$spool/$name-$id.out"
err="$spool/$name-$id.err"
queue=${FAKE_SCHEDULER_QUEUE_SECONDS:-0}
submitter=$$

# The job: its own session (so it can be cancelled as a whole), a watchdog that cancels it when the
# submitter disappears, then the command itself.
setsid bash -c '
  submitter=$1 queue=$2; shift 2
  ( while kill -0 "$submitter" 2>/dev/null; do sleep 0.5; done; kill -TERM -- -$$ 2>/dev/null ) &
  watchdog=$!
  sleep "$queue"
  "$@"
  rc=$?
  kill "$watchdog" 2>/dev/null
  exit $rc
' fake-job "$submitter" "$queue" "$@" >"$out" 2>"$err" </dev/null &
job=$!
echo "Submitted batch job $id ($name)" >&2

cancel() {
  kill -TERM -- -"$job" 2>/dev/null
  sleep 0.2
  kill -KILL -- -"$job" 2>/dev/null
  echo "fake-srun: job $id cancelled" >&2
  rm -f "$out" "$err"
  exit 143
}
trap cancel TERM INT HUP

wait "$job"
rc=$?
cat "$err" >&2
cat "$out"
rm -f "$out" "$err"
exit $rc
