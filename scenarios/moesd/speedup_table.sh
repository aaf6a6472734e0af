#!/usr/bin/env bash
# Speculative-decoding speedup versus batch size (the MoESD figure) for the MoE and the dense
# scenario in this folder. Each point is one `moesim run` with the batch size set through --set;
# the speedup comes from the run's own baseline (same arrivals, speculation off).
# Usage: scenarios/moesd/speedup_table.sh [BATCHES...]   (default 1 2 4 8 16 32 64 96 128)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
moesim=${MOESIM:-$here/../../build/moesim}
batches=("$@")
[ ${#batches[@]} -gt 0 ] || batches=(1 2 4 8 16 32 64 96 128)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
field() {  # field FILE KEY -> the number after "KEY":
  sed -n "s/.*\"$2\": \([-0-9.eE+]*\).*/\1/p" "$1" | head -n 1
}
printf '| batch | MoE speedup | MoE target eff. | MoE accepted/round | dense speedup | dense target eff. |\n'
printf '|---:|---:|---:|---:|---:|---:|\n'
for b in "${batches[@]}"; do
  row="| $b"
  for model in qwen2-57b-a14b qwen2-7b; do
    dir="$out/$model-$b"
    "$moesim" run "$here/$model.yaml" --quiet --out "$dir" \
      --set workload.source.concurrency="$b" --set workload.source.requests=$((4 * b > 16 ? 4 * b : 16)) \
      --set serving.scheduler.max_num_seqs="$b" >/dev/null
    s="$dir/summary.json"
    if [ "$model" = qwen2-57b-a14b ]; then
      row="$row | $(printf %.2f "$(field "$s" speedup_throughput)") | $(printf %.3f "$(field "$s" target_efficiency)") | $(printf %.2f "$(field "$s" mean_accepted_tokens)")"
    else
      row="$row | $(printf %.2f "$(field "$s" speedup_throughput)") | $(printf %.3f "$(field "$s" target_efficiency)")"
    fi
  done
  printf '%s |\n' "$row"
done
