#!/usr/bin/env python3
"""Times a 512 MB copy, three decode GEMMs, one grouped GEMM and one SDPA decode call with all
SMs (N = 0) or inside a CUDA green context of N SMs, and prints microseconds per call:

    python3 profiler/sm_probe.py N

A kernel held by its SMs slows in proportion as N falls; one held by a global limit (memory,
fabric) does not until N is small. Needs PyTorch with torch.cuda.green_contexts (2.10 or later).
"""
import sys
import time

import torch


def bench(fn, reps=20):
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    s.record()
    for _ in range(reps):
        fn()
    e.record()
    e.synchronize()
    return s.elapsed_time(e) / reps * 1e3  # us


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    dev = torch.device("cuda", 0)
    torch.cuda.init()
    _ = torch.zeros(1, device=dev)
    if n > 0:
        from torch.cuda.green_contexts import GreenContext
        try:
            ctx = GreenContext.create(num_sms=n, device_id=0)
        except TypeError:
            ctx = GreenContext.create(n, 0)
        if hasattr(ctx, "set_context"):
            ctx.set_context()
        stream = ctx.Stream() if hasattr(ctx, "Stream") else torch.cuda.Stream()
    else:
        stream = torch.cuda.Stream()
    with torch.cuda.stream(stream):
        bf = torch.bfloat16
        a = torch.empty(512 << 20, dtype=torch.uint8, device=dev)
        b = torch.empty_like(a)
        out = {"copy_512MB": bench(lambda: b.copy_(a))}
        for m in (1, 16, 256):
            x = torch.randn(m, 4096, device=dev, dtype=bf)
            w = torch.randn(14336, 4096, device=dev, dtype=bf)
            out["gemm_m%d_14336x4096" % m] = bench(lambda: torch.matmul(x, w.t()))
        E, H, I, T = 128, 2048, 768, 256
        w1 = torch.randn(E, H, 2 * I, device=dev, dtype=bf)
        xs = torch.randn(T * 8, H, device=dev, dtype=bf)
        offs = torch.arange(1, E + 1, device=dev, dtype=torch.int32) * (T * 8 // E)
        try:
            out["grouped_128x2048x1536_t2048"] = bench(lambda: torch._grouped_mm(xs, w1, offs=offs))
        except Exception as e:  # noqa: BLE001
            out["grouped_error"] = str(e)[:80]
        q = torch.randn(64, 4, 8, 128, device=dev, dtype=bf)
        k = torch.randn(64, 4, 4096, 128, device=dev, dtype=bf)
        out["sdpa_b64_ctx4096"] = bench(
            lambda: torch.nn.functional.scaled_dot_product_attention(q, k, k))
        g = torch.cuda.CUDAGraph()
        try:
            with torch.cuda.graph(g, stream=stream):
                torch.matmul(x, w.t())
            out["graph_ok"] = bench(lambda: g.replay())
        except Exception as e:  # noqa: BLE001
            out["graph_error"] = str(e)[:120]
    print(n, {k: (round(v, 1) if isinstance(v, float) else v) for k, v in out.items()})


if __name__ == "__main__":
    main()
