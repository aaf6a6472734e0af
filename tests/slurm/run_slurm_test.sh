#!/usr/bin/env bash
# The Slurm test (`make test-slurm`): starts a one-node Slurm cluster on this machine
# (tests/slurm/local_cluster.sh), runs tests/slurm/sweep.yaml through it with
# scripts/slurm/submit.sh (a job array of 3 shards and a dependent merge job), and checks that
# the merged results.csv equals a local `moesim sweep` of the same file byte for byte, and that
# `moesim sweep --status` reports every shard done. The daemons are stopped however it ends.
# Needs root and the packages of `scripts/bootstrap.sh slurm`; installs nothing itself.
#   tests/slurm/run_slurm_test.sh [MOESIM]   (default build/moesim)
# KEEP=1 keeps the work folder (cluster logs, job logs, both sweeps) for inspection.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
moesim=$(cd "$(dirname "${1:-$repo/build/moesim}")" && pwd)/$(basename "${1:-$repo/build/moesim}")
[ -x "$moesim" ] || { echo "run_slurm_test: $moesim not built (make build)" >&2; exit 2; }
sweep=$repo/tests/slurm/sweep.yaml
shards=3
timeout_s=${SLURM_TEST_TIMEOUT:-240}
SECONDS=0

work=$(mktemp -d "${TMPDIR:-/tmp}/moesim-slurm-test.XXXXXX")
cleanup() {
  local rc=$?
  "$repo/tests/slurm/local_cluster.sh" stop "$work/cluster" || true
  if [ $rc -ne 0 ]; then
    echo "run_slurm_test: FAILED after ${SECONDS}s; logs:" >&2
    for f in "$work"/cluster/log/*.log "$work"/slurm/slurm/*.log; do
      [ -f "$f" ] && { echo "--- $f" >&2; tail -n 15 "$f" >&2; }
    done
  fi
  if [ "${KEEP:-0}" = 1 ]; then echo "run_slurm_test: kept $work" >&2; else rm -rf "$work"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$repo/tests/slurm/local_cluster.sh" start "$work/cluster"
export SLURM_CONF=$work/cluster/etc/slurm.conf

# The reference: the same sweep on this machine, unsharded.
"$moesim" sweep "$sweep" --jobs 2 --quiet --out "$work/local" >/dev/null
echo "run_slurm_test: local sweep done at ${SECONDS}s"

"$repo/scripts/slurm/submit.sh" --shards "$shards" --jobs 1 --time 00:05:00 --merge-time 00:02:00 \
  --partition debug --account moesim-test --moesim "$moesim" --out "$work/slurm" "$sweep"
array=$(sed -n 's/^array=//p' "$work/slurm/slurm/jobs")
merge=$(sed -n 's/^merge=//p' "$work/slurm/slurm/jobs")

state() { scontrol show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n 1; }
while :; do
  merge_state=$(state "$merge")
  case $merge_state in
    COMPLETED) break ;;
    FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE)
      echo "run_slurm_test: merge job $merge ended $merge_state" >&2
      scontrol show job "$array" >&2 || true
      exit 1 ;;
  esac
  if [ $SECONDS -ge "$timeout_s" ]; then
    echo "run_slurm_test: merge job $merge still ${merge_state:-unknown} after ${timeout_s}s" >&2
    squeue >&2 || true
    exit 1
  fi
  sleep 1
done
echo "run_slurm_test: merge job done at ${SECONDS}s"

# Every task ran, under the partition, account and time limit given to submit.sh.
for ((i = 0; i < shards; i++)); do
  info=$(scontrol show job "${array}_$i")
  for want in JobState=COMPLETED Partition=debug Account=moesim-test TimeLimit=00:05:00; do
    [[ $info == *"$want"* ]] || { echo "run_slurm_test: task $i: no $want in: $info" >&2; exit 1; }
  done
done
if ! cmp "$work/local/results.csv" "$work/slurm/results.csv"; then
  diff "$work/local/results.csv" "$work/slurm/results.csv" | head -n 20 >&2 || true
  exit 1
fi
status=$("$moesim" sweep --status "$work/slurm")
echo "$status"
total=$(echo "$status" | grep '^  total ')
[[ $total =~ complete$ ]] || { echo "run_slurm_test: status says the sweep is incomplete" >&2; exit 1; }
[ "$(echo "$status" | grep -c ' done$')" -eq $((shards + 1)) ] ||
  { echo "run_slurm_test: not every shard and the merge reported done" >&2; exit 1; }
echo "run_slurm_test: ok: merged results.csv ($(wc -l <"$work/slurm/results.csv") lines) equals the local run byte for byte; ${SECONDS}s"
