#!/usr/bin/env python3
"""Writes tests/profiles/data/synthetic/: a SMALL profile in the profiler's schema whose times
are NOT measured but computed from the roofline formula below, so tests know every answer.

Device "test-ideal": bf16 peak P = 1e15 FLOP/s, memory bandwidth W = 2e12 B/s.
    time = max(F / (eta_c * P), B / (eta_m * W)) + L
with F and B counted as models/step_ops.cpp counts them (profiler/presets.py, the same code the
profiler uses) and, per operator class:
    gemm         eta_c 0.70  eta_m 0.80  L 5 us
    grouped_gemm eta_c 0.60  eta_m 0.75  L 8 us   (skewed rows: the uniform time x 1.1)
    attention    eta_c 0.50  eta_m 0.70  L 6 us
    elementwise              eta_m 0.80  L 3 us
    collective   10 us + bytes / 100e9 B/s
Shapes: a small GQA model (hidden 4096, 32 heads / 8 KV heads x 128, gated FFN 1024, vocab
4096), routed experts hidden 2048 x inter 768, and an MLA layout of 16 heads.

    python3 tests/profiles/data/make_synthetic.py   # rewrites the folder (deterministic)
"""
import csv
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "profiler"))
from presets import attention_work  # noqa: E402

P, W = 1e15, 2e12
ETA = {"gemm": (0.70, 0.80, 5e-6), "grouped_gemm": (0.60, 0.75, 8e-6),
       "attention": (0.50, 0.70, 6e-6), "elementwise": (1.0, 0.80, 3e-6)}


def roofline(cls, flops, nbytes):
    ec, em, launch = ETA[cls]
    return max(flops / (ec * P), nbytes / (em * W)) + launch


def write(folder, name, columns, rows):
    with open(os.path.join(folder, name), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow(["%.9g" % v if isinstance(v, float) else v for v in r])


def main():
    out = os.path.join(HERE, "synthetic")
    os.makedirs(out, exist_ok=True)
    gemm = []
    for n, k in [(2048, 4096), (4096, 1024), (4096, 4096), (6144, 4096)]:
        for m in [1, 4, 16, 64, 256, 1024, 4096]:
            f, b = 2.0 * m * n * k, 2.0 * (n * k + m * k + m * n)
            gemm.append((m, n, k, "bf16", roofline("gemm", f, b), f, b))
    write(out, "gemm.csv", ["m", "n", "k", "dtype", "time_s", "flops", "bytes"], gemm)

    grouped, h, i = [], 2048, 768
    for a in [1, 4, 16]:
        for t in [1, 4, 16, 64, 256, 1024, 4096]:
            if t < a:
                continue
            f = 6.0 * h * i * t
            b = a * 3.0 * h * i * 2 + t * h * 2 * 2.0 + t * i * 2 * 2.0
            base = roofline("grouped_gemm", f, b)
            grouped.append((t, a, h, i, "bf16", "grouped_mm", "uniform", base))
            if a > 1:
                grouped.append((t, a, h, i, "bf16", "grouped_mm", "skewed", base * 1.1))
    write(out, "grouped_gemm.csv", ["tokens", "experts_active", "hidden", "inter", "dtype",
                                    "impl", "routing", "time_s"], grouped)

    cfgs = [("gqa", 32, 8, 128, 128, 0, 0), ("mla", 16, 1, 192, 128, 512, 64)]
    decode, prefill = [], []
    for cfg in cfgs:
        for q in [1, 2]:
            for batch in [1, 8]:
                for ctx in [256, 1024, 4096]:
                    _, _, f, b = attention_work(cfg, batch, q, ctx, False)
                    decode.append(cfg + (batch, q, ctx, roofline("attention", f, b)))
        for chunk in [128, 512]:
            for ctx in [0, 1024, 4096]:
                _, _, f, b = attention_work(cfg, 1, chunk, ctx, True)
                prefill.append(cfg + (chunk, ctx, roofline("attention", f, b)))
    cols = ["kind", "heads", "kv_heads", "head_dim", "v_head_dim", "kv_lora", "rope_dim"]
    write(out, "attention_decode.csv", cols + ["batch", "q", "context", "time_s"], decode)
    write(out, "attention_prefill.csv", cols + ["chunk", "context", "time_s"], prefill)

    elem = []
    for kernel in ["norms_residual", "embedding", "sampling", "copy"]:
        for s in range(10, 31, 4):
            elem.append((kernel, float(1 << s), roofline("elementwise", 0.0, float(1 << s))))
    write(out, "elementwise.csv", ["kernel", "bytes", "time_s"], elem)

    coll = [(op, "nccl", 1 << s, 1, 10e-6 + (1 << s) / 100e9)
            for op in ["all_reduce", "all_to_all", "all_gather"] for s in (10, 20, 30)]
    write(out, "collective.csv", ["op", "backend", "bytes", "group", "time_s"], coll)

    with open(os.path.join(out, "metadata.json"), "w") as f:
        json.dump({"device_name": "synthetic roofline (not measured)",
                   "hardware_preset": "test-ideal",
                   "generator": "tests/profiles/data/make_synthetic.py"}, f, indent=2,
                  sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
