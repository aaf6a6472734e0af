#!/usr/bin/env bash
# Runs each libFuzzer target for SECONDS, starting from a copy of its committed seed corpus
# (fuzz/corpus/<target>/) under BUILD_DIR/fuzz-work/<target>/, so the repository is never
# modified. Fails when any target reports a crash, a sanitizer error, an unexpected exception,
# a timeout (> 30 s for one input) or more than 2 GiB of memory.
# The mutation seed is fixed (FUZZ_SEED, default 1) so a run explores the same inputs in the same
# order on every machine: CI repeats what was checked before a submission, only as far as its
# speed allows in SECONDS. Set FUZZ_SEED=0 for a time-based seed (longer hunts by hand).
# Usage (from the repository root): fuzz/run.sh BUILD_DIR SECONDS TARGET...
set -euo pipefail
build=$1
seconds=$2
shift 2
export UBSAN_OPTIONS=print_stacktrace=1
failed=()
for t in "$@"; do
  work="$build/fuzz-work/$t"
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"
  cp fuzz/corpus/"$t"/* "$work/corpus/"
  echo "fuzz: $t for ${seconds}s"
  if "$build/fuzz/$t" -seed="${FUZZ_SEED:-1}" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/corpus" >"$work/log" 2>&1; then
    grep -E '^stat::number_of_executed_units|^Done' "$work/log" | sed "s/^/fuzz: $t: /" || true
  else
    echo "fuzz: $t FAILED (log: $work/log); reproducers:" >&2
    ls -1 "$work/artifacts" | sed "s|^|  $work/artifacts/|" >&2
    tail -n 40 "$work/log" >&2
    failed+=("$t")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failed: ${failed[*]}" >&2
  exit 1
fi
