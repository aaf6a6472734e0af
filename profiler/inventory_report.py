#!/usr/bin/env python3
"""Summarises a kernel inventory (kernel_inventory.py) by role: which share of a whole decoder
layer or MoE block goes to kernels moesim prices (GEMMs, grouped GEMMs, attention, norms and
residual adds, activation) and which to the routing and permutation kernels of the profiler's
PyTorch MoE block (softmax, top-k, sorts, scans, gathers, scatters, casts, fills, copies) that a
serving engine's fused MoE path replaces with about three kernels and moesim does not price.
Standard library only.

    python3 profiler/inventory_report.py models/profiles/kernel-inventory/h100-sxm
"""
import csv
import os
import re
import sys
from collections import defaultdict

# Role of a kernel by its name (first match wins). The names are those of PyTorch 2.11 with
# cuBLAS, cuDNN and CUTLASS on Hopper (the inventory's own GPU and library versions).
ROLES = [
    ("grouped_gemm", r"enable_3x_kernel_for_sm9x|prepare_grouped_gemm_data"),
    ("gemm", r"nvjet|cutlass::Kernel2|splitKreduce|dot_kernel|reduce_1Block|gemv"),
    ("attention", r"sdpa|fmha|flash|lean_reduction"),
    ("routing", r"softmax_warp|gatherTopK|SortKV|elementwise_kernel_with_index|scatter_gather|"
                r"vectorized_gather|indexSelect|DeviceScan|FillFunc|BUnaryFunctor|bfloat16_copy|"
                r"Memset|CatArrayBatchedCopy"),
    ("combine", r"indexFunc"),
    ("cache_copy", r"direct_copy|Memcpy"),
    ("norm_residual_activation", r"layer_norm|elementwise_kernel|CUDAFunctor|BinaryFunctor"),
]


def role(name):
    for r, pattern in ROLES:
        if re.search(pattern, name):
            return r
    return "other"


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    folder = argv[1]
    path = os.path.join(folder, "layer_kernels.csv")
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
        with open(os.path.join(folder, "layer_kernel_summary.csv"), newline="") as f:
            summary = list(csv.DictReader(f))
    except OSError as e:
        print("inventory_report: %s" % e, file=sys.stderr)
        return 2
    per = defaultdict(lambda: defaultdict(lambda: [0.0, 0.0]))
    for r in rows:
        key = (r["model"], r["family"], r["ffn"], int(r["batch"]))
        acc = per[key][role(r["kernel"])]
        acc[0] += float(r["launches"])
        acc[1] += float(r["gpu_time_s"])
    roles = [r for r, _ in ROLES] + ["other"]
    print("| model | call | ffn | batch | kernels | graph us | " +
          " | ".join("%s (n, us)" % r for r in roles) + " | routing share |")
    print("|---|---|---|---|---|---|" + "---|" * len(roles) + "---|")
    for s in summary:
        key = (s["model"], s["family"], s["ffn"], int(s["batch"]))
        acc = per[key]
        total = sum(v[1] for v in acc.values())
        routing = acc["routing"][1] + acc["combine"][1]
        cells = ["%g, %.0f" % (acc[r][0], acc[r][1] * 1e6) if acc[r][0] else "-" for r in roles]
        print("| %s | %s | %s | %d | %g | %.0f | %s | %.0f%% |" %
              (key[0], key[1], key[2], key[3], float(s["kernels"]), float(s["graph_time_s"]) * 1e6,
               " | ".join(cells), 100 * routing / total if total else 0))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
