#!/bin/bash
# The table of README "Speculative decoding on MoE versus dense" (adaptive speculation length):
# scenarios/moesd/adaptive-gamma.yaml at three loads of the same Azure window (time_scale 1, 4
# and 8: light, medium, saturated), every fixed gamma 0..4 against the adaptive policy.
# Usage: scenarios/moesd/adaptive_gamma_table.sh [MOESIM] [OUT_DIR]
set -euo pipefail
M=${1:-build/moesim}
OUT=${2:-results/adaptive-gamma}
S=scenarios/moesd/adaptive-gamma.yaml
echo "| load (time_scale) | policy | output tok/s | TPOT p50 ms | TPOT p90 ms | TTFT p90 s | mean batch | mean gamma |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
for ts in 1 4 8; do
  for policy in 0 1 2 3 4 adaptive; do
    if [ "$policy" = adaptive ]; then
      sets=(--set speculative.policy=adaptive --set speculative.gamma=4)
      label="adaptive (0-4)"
    else
      sets=(--set speculative.policy=fixed --set speculative.gamma=$policy)
      label="fixed gamma $policy"
    fi
    dir=$OUT/ts$ts-$policy
    "$M" run $S --quiet --out "$dir" --set workload.source.time_scale=$ts "${sets[@]}"
    /usr/bin/python3 - "$dir/summary.json" "$ts" "$label" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
g = d.get("spec", {}).get("mean_gamma", 0.0)
print("| %s | %s | %.0f | %.2f | %.2f | %.3f | %.1f | %.2f |" % (
    sys.argv[2], sys.argv[3], d["throughput_output_tokens_per_s"], d["tpot_s"]["p50"] * 1e3,
    d["tpot_s"]["p90"] * 1e3, d["ttft_s"]["p90"], d["mean_batch_size"], g))
PY
  done
done
