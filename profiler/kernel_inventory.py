#!/usr/bin/env python3
"""Lists the GPU kernels that one call of the decode_layer and moe_block families launches, and
times the same call as a CUDA graph, so that a whole-layer error can be split into the kernels
moesim prices and the ones it does not (README.md, "Kernel inventory").

    python3 profiler/kernel_inventory.py --out DIR [--models a,b] [--batches 1,8,64,256]

Writes DIR/layer_kernels.csv (one row per distinct kernel name of one call: how many launches,
their summed GPU time from the CUDA profiler, eager) and DIR/layer_kernel_summary.csv (per call:
kernels launched, summed kernel time, CUDA-graph time of the same call as profile_ops.py
measures it). The kernel names are whatever the installed PyTorch and its libraries launch.
"""
import argparse
import csv
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import presets as P  # noqa: E402

DEFAULT_MODELS = "qwen1.5-moe-a2.7b,qwen2-57b-a14b,qwen3-30b-a3b,mixtral-8x7b,deepseek-v2-lite," \
                 "qwen2-0.5b"
CALLS = 4  # eager calls profiled per shape; counts and times are divided by this


def kernel_events(prof, device_type):
    """(name, launches, summed device seconds) of every device kernel the profiler saw."""
    out = []
    for e in prof.key_averages():
        if getattr(e, "device_type", None) != device_type:
            continue
        total_us = getattr(e, "device_time_total", None)
        if total_us is None:
            total_us = getattr(e, "cuda_time_total", 0.0)
        if e.count == 0 or total_us <= 0:
            continue
        out.append((e.key, e.count, total_us * 1e-6))
    return out


def clean(name):
    return " ".join(name.replace(",", ";").split())[:160]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="output folder (created)")
    ap.add_argument("--models", default=DEFAULT_MODELS, help="comma list of model presets")
    ap.add_argument("--batches", default="1,8,64,256", help="decode batch sizes (q = 1)")
    ap.add_argument("--context", type=int, default=1024, help="cached tokens per sequence")
    args = ap.parse_args(argv)

    import torch  # noqa: E402
    from torch.autograd import DeviceType  # noqa: E402
    from torch.profiler import ProfilerActivity, profile  # noqa: E402
    import families as F  # noqa: E402
    import layers as L  # noqa: E402
    import timing as T  # noqa: E402

    if not torch.cuda.is_available():
        print("kernel_inventory: needs a CUDA device", file=sys.stderr)
        return 2
    dev = torch.device("cuda", 0)
    torch.manual_seed(1234)
    os.makedirs(args.out, exist_ok=True)
    timer, mem = T.Timer(dev), F.Memory(dev)
    grouped = L.grouped_impl(dev)
    presets = P.load_presets([m.strip() for m in args.models.split(",") if m.strip()])
    batches = [int(b) for b in args.batches.split(",")]
    kernels, summary = [], []
    for name, p in sorted(presets.items()):
        for fam in ("decode_layer", "moe_block"):
            ffns = ["moe"] if fam == "moe_block" else P.layer_ffn_kinds(p)
            for ffn in ffns:
                torch.cuda.empty_cache()
                try:
                    block = L.Block(timer, mem, dev, name, p, ffn, fam == "decode_layer", grouped)
                except F.Skip as e:
                    print("skip %s %s: %s" % (name, fam, e), file=sys.stderr)
                    continue
                for b in batches:
                    tokens, ctx = b, args.context
                    if fam == "decode_layer":
                        row = L.decode_layer(timer, mem, block, b, 1, ctx)
                        shapes = block.cache_shapes(b, ctx + 1)
                        cache = [T.rotated(sh, 1, dev)[0] for sh in shapes]
                        cache = cache[0] if len(cache) == 1 else tuple(cache)
                        x = torch.randn(tokens, p["hidden"], device=dev, dtype=L.BF16)
                        route = L.Route()
                        call = lambda: block.layer(x, 0, cache, b, 1, ctx, route)  # noqa: E731
                    else:
                        row = L.moe_block(timer, mem, block, b, 1)
                        x = torch.randn(tokens, p["hidden"], device=dev, dtype=L.BF16)
                        route = L.Route()
                        call = lambda: block.moe(x, block.w[0], 0, route)  # noqa: E731
                    with torch.no_grad():
                        call()  # records the routing (host rows of the loop implementation)
                        route.record = False
                        call()
                        torch.cuda.synchronize()
                        with profile(activities=[ProfilerActivity.CUDA]) as prof:
                            for _ in range(CALLS):
                                call()
                            torch.cuda.synchronize()
                    n_total, t_total = 0.0, 0.0
                    for kname, count, secs in kernel_events(prof, DeviceType.CUDA):
                        kernels.append([name, fam, ffn, b, 1, ctx if fam == "decode_layer" else "",
                                        clean(kname), count / CALLS, secs / CALLS])
                        n_total += count / CALLS
                        t_total += secs / CALLS
                    summary.append([name, fam, ffn, b, 1, ctx if fam == "decode_layer" else "",
                                    n_total, t_total, row["time_s"], row["graph"],
                                    row["experts_hit"], row.get("impl", "")])
                    print("%s %s %s b=%d: %.1f kernels, %.1f us kernels, %.1f us graph" %
                          (name, fam, ffn, b, n_total, t_total * 1e6, row["time_s"] * 1e6))
                del block
    with open(os.path.join(args.out, "layer_kernels.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["model", "family", "ffn", "batch", "q", "context", "kernel", "launches",
                    "gpu_time_s"])
        w.writerows(kernels)
    with open(os.path.join(args.out, "layer_kernel_summary.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["model", "family", "ffn", "batch", "q", "context", "kernels", "kernel_time_s",
                    "graph_time_s", "graph", "experts_hit", "impl"])
        w.writerows(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
