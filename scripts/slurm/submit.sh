#!/usr/bin/env bash
# Runs a moesim sweep on a Slurm cluster: a job array with one `moesim sweep --shard i/N` per task,
# and a merge job that starts when every task has succeeded (--dependency=afterok) and joins the
# shards into OUT/results.csv, byte-identical to `moesim sweep FILE` run on one machine.
#
#   scripts/slurm/submit.sh [options] SWEEP.yaml [-- MOESIM_SWEEP_ARGS...]
#
#   --shards N        tasks in the job array, one shard each (default 4)
#   --jobs J          points each task runs at a time; also its --cpus-per-task (default 1)
#   --time T          time limit of each task, as sbatch --time (e.g. 02:00:00; default: the
#                     partition's)
#   --merge-time T    time limit of the merge job (default 00:30:00)
#   --partition P     sbatch --partition, for both jobs
#   --account A       sbatch --account, for both jobs
#   --max-running K   at most K tasks of the array at once (--array=0-(N-1)%K)
#   --sbatch ARG      one more sbatch option for both jobs (repeatable; e.g. --sbatch --mem=8G)
#   --out DIR         the sweep's folder (default results/<sweep file name>-slurm)
#   --moesim PATH     the binary, on a file system the compute nodes share (default build/moesim
#                     of this checkout)
#   --dry-run         check the sweep file, write the job scripts and print the sbatch commands;
#                     submit nothing
#
# Everything after `--` goes to every `moesim sweep` (e.g. -- --set workload.source.requests=500).
# Paths are made absolute; OUT must be on a file system the compute nodes share.
#
# Layout of OUT: shard-<i>/ (each task's sweep folder), slurm/shard.sbatch and slurm/merge.sbatch
# (the job scripts), slurm/shard-<i>.log and slurm/merge.log (their output), slurm/jobs (the job
# ids), and after the merge base.yaml, sweep.json, journal.jsonl and results.csv.
# Each task runs with --resume: running this script again with the same options and OUT (after
# tasks ran out of time, or a node failed) finishes what the killed tasks left; shards already
# done end at once.
# Progress while it runs: `moesim sweep --status OUT`.
set -euo pipefail

usage() {  # the comment above, to stderr, and exit status $1
  sed -n '2,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//' >&2
  exit "$1"
}
die() { echo "submit.sh: $*" >&2; exit 2; }

repo=$(cd "$(dirname "$0")/../.." && pwd)
shards=4 jobs=1 time_limit="" merge_time=00:30:00 partition="" account="" max_running=""
out="" moesim="$repo/build/moesim" dry_run=0 file=""
extra_sbatch=() sweep_args=()
while [ $# -gt 0 ]; do
  case $1 in
    --shards) shards=${2:?--shards needs a value}; shift 2 ;;
    --jobs) jobs=${2:?--jobs needs a value}; shift 2 ;;
    --time) time_limit=${2:?--time needs a value}; shift 2 ;;
    --merge-time) merge_time=${2:?--merge-time needs a value}; shift 2 ;;
    --partition) partition=${2:?--partition needs a value}; shift 2 ;;
    --account) account=${2:?--account needs a value}; shift 2 ;;
    --max-running) max_running=${2:?--max-running needs a value}; shift 2 ;;
    --sbatch) extra_sbatch+=("${2:?--sbatch needs a value}"); shift 2 ;;
    --out) out=${2:?--out needs a value}; shift 2 ;;
    --moesim) moesim=${2:?--moesim needs a value}; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) usage 0 ;;
    --) shift; sweep_args=("$@"); break ;;
    -*) die "unknown option '$1' (--help lists them)" ;;
    *) [ -z "$file" ] || die "one sweep file expected, got '$file' and '$1'"; file=$1; shift ;;
  esac
done
[ -n "$file" ] || usage 2
[ -f "$file" ] || die "$file: no such file"
whole() {
  if ! [[ $2 =~ ^[0-9]+$ ]] || [ "$2" -lt 1 ]; then die "$1 expects a whole number >= 1, got '$2'"; fi
}
whole --shards "$shards"
whole --jobs "$jobs"
[ -z "$max_running" ] || whole --max-running "$max_running"
[ -x "$moesim" ] || die "$moesim is not an executable (build it with make build, or give --moesim)"
for a in "${sweep_args[@]}"; do
  case $a in
    --shard|--shard=*|--out|--out=*|--jobs|--jobs=*|--resume|--status|--status=*|--dry-run)
      die "'$a' after -- is set by submit.sh itself" ;;
  esac
done

abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
file=$(abs "$file")
moesim=$(abs "$moesim")
name=$(basename "$file"); name=${name%.yaml}; name=${name%.yml}
out=$(abs "${out:-results/$name-slurm}")
# The sweep file and its values are checked here, before anything waits in a queue.
"$moesim" sweep "$file" --dry-run "${sweep_args[@]}" || exit $?
mkdir -p "$out/slurm"

q() {  # the words, shell-quoted, joined by spaces ("" for none)
  [ $# -gt 0 ] || return 0
  local s
  s=$(printf '%q ' "$@")
  echo "${s% }"
}

common=(--chdir="$out")
[ -z "$partition" ] || common+=(--partition="$partition")
[ -z "$account" ] || common+=(--account="$account")
common+=("${extra_sbatch[@]}")

array="0-$((shards - 1))"
[ -z "$max_running" ] || array+="%$max_running"
shard_opts=(--job-name="moesim-$name" --array="$array" --ntasks=1 --cpus-per-task="$jobs"
            --output="$out/slurm/shard-%a.log")
[ -z "$time_limit" ] || shard_opts+=(--time="$time_limit")

extra=""
[ ${#sweep_args[@]} -eq 0 ] || extra=" $(q "${sweep_args[@]}")"
cat >"$out/slurm/shard.sbatch" <<EOF
#!/bin/bash
# One shard of the sweep $(q "$file") per task of the array (scripts/slurm/submit.sh).
set -euo pipefail
i=\$SLURM_ARRAY_TASK_ID
exec $(q "$moesim") sweep $(q "$file") --jobs $jobs --shard "\$i/$shards" --resume --quiet \\
  --out $(q "$out")/shard-"\$i"$extra
EOF
shard_dirs=""
for ((i = 0; i < shards; i++)); do shard_dirs+=" $(q "$out/shard-$i")"; done
cat >"$out/slurm/merge.sbatch" <<EOF
#!/bin/bash
# Joins the $shards shards into $(q "$out") (scripts/slurm/submit.sh); runs once every task of
# the array has succeeded.
set -euo pipefail
exec $(q "$moesim") merge$shard_dirs --out $(q "$out")
EOF
chmod +x "$out/slurm/shard.sbatch" "$out/slurm/merge.sbatch"

shard_cmd=(sbatch --parsable "${common[@]}" "${shard_opts[@]}" "$out/slurm/shard.sbatch")
merge_cmd=(sbatch --parsable "${common[@]}" --job-name="moesim-$name-merge" --ntasks=1
           --cpus-per-task=1 --time="$merge_time" --output="$out/slurm/merge.log"
           --kill-on-invalid-dep=yes --dependency=afterok:ARRAY_JOB_ID "$out/slurm/merge.sbatch")
if [ "$dry_run" -eq 1 ]; then
  q "${shard_cmd[@]}"
  q "${merge_cmd[@]}"
  exit 0
fi
command -v sbatch >/dev/null || die "sbatch not found: run this on a Slurm login node"
array_id=$("${shard_cmd[@]}")
array_id=${array_id%%;*}  # --parsable prints "id" or "id;cluster"
merge_cmd=("${merge_cmd[@]/ARRAY_JOB_ID/$array_id}")
merge_id=$("${merge_cmd[@]}")
merge_id=${merge_id%%;*}
printf 'array=%s\nmerge=%s\n' "$array_id" "$merge_id" >"$out/slurm/jobs"
echo "submitted: array job $array_id ($shards shards, $jobs point(s) at a time each), merge job" \
     "$merge_id after it; progress: $(q "$moesim") sweep --status $(q "$out")"
echo "results: $out/results.csv once job $merge_id has finished"
