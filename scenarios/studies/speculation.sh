#!/usr/bin/env bash
# Speculative decoding on sparse MoE versus dense (the MoESD study), from the cost model:
# speedup and target efficiency versus batch size for gamma 2..4 and two acceptance rates, for
# Qwen2-57B-A14B and Mixtral-8x7B against the dense Qwen2-7B, all on 2 x H800 (TP2), context 1024.
# Writes a Markdown table and two SVG plots per model into OUT (default results/speculation-study).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
moesim=${MOESIM:-$here/../../build/moesim}
out=${1:-results/speculation-study}
common=(--hardware h800 --tp 2 --gamma 2,3,4 --alpha 0.6,0.8 --batch 1,2,4,8,16,32,64,128,256)
"$moesim" speculation --model qwen2-57b-a14b --draft qwen2-0.5b "${common[@]}" --out "$out/qwen2-57b-a14b"
# Mixtral has no small same-tokenizer model in the catalog: an EAGLE-style one-layer head drafts.
"$moesim" speculation --model mixtral-8x7b --method eagle "${common[@]}" --out "$out/mixtral-8x7b"
"$moesim" speculation --model qwen2-7b --draft qwen2-0.5b "${common[@]}" --out "$out/qwen2-7b"
