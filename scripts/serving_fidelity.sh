#!/bin/bash
# Re-runs the serving-run fidelity check of README "Accuracy" (serving runs): fits the vllm_v1
# engine overheads on both vLLM 0.19 runs (what the preset ships), then leave-one-run-out (fit on
# one run, report on the other), and prints each run's headline errors. Re-run it whenever the
# kernel cost model changes, and copy the "both runs" values into sim/engine_overhead_vllm_v1.cpp.
# Usage: scripts/serving_fidelity.sh [MOESIM] [RUNS_DIR]
set -euo pipefail
M=${1:-build/moesim}
R=${2:-data/serving-runs/vllm-0.19}
A=$R/rtx4090-llama-3.1-8b
B=$R/rtxpro6000-llama-3.1-8b
HW="--hardware rtx-pro-6000"  # the RTX PRO 6000 run's meta.json names no GPU

fitted() {  # the --set flags printed by --fit-engine
  "$M" fidelity "$@" $HW --fit-engine | sed -n 's/^Fitted [^:]*: //p'
}
headline() {  # run label, then fidelity arguments
  local label=$1; shift
  "$M" fidelity "$@" $HW | awk -v l="$label" '
    /^## /{run=$2; sub(".*/", "", run)}
    /^\| (throughput|TTFT mean|TPOT mean|E2E mean)/{printf "%s\t%s\t%s\t%s\t%s\n", l, run, $2" "$3, $(NF-5) " -> " $(NF-3), $(NF-1)}'
}

BOTH=$(fitted --serving "$A" --serving "$B")
ON_A=$(fitted --serving "$A")
ON_B=$(fitted --serving "$B")
echo "fitted on both runs: $BOTH"
echo "fitted on $A: $ON_A"
echo "fitted on $B: $ON_B"
echo
printf "fit\trun\tmetric\tmeasured -> predicted\terror\n"
headline "in-sample (both)" --serving "$A" --serving "$B" $BOTH
headline "held out (fit on rtxpro6000)" --serving "$A" $ON_B
headline "held out (fit on rtx4090)" --serving "$B" $ON_A
