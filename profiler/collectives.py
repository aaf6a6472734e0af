"""Collectives through torch.distributed (needs torch).

Under torchrun (WORLD_SIZE > 1) every rank takes part: groups of 1, 2, 4, ... ranks and the whole
world, NCCL on the GPUs and gloo on CPU tensors; rank 0 writes the rows. In one process the same
code runs on a world of one (group size 1), NCCL when a GPU is present and gloo always, so the
path is exercised without several GPUs. Message sizes are bytes per rank (README.md, "Schema").

Besides the uniform ops (all_reduce, all_to_all, all_gather, reduce_scatter) it measures
`all_to_all_skewed`: all_to_all_single with uneven splits from MoE dispatch / combine traffic
under a Zipf-skewed expert load (moe_traffic.py), for groups of 2 or more ranks.
NCCL_NVLS_ENABLE defaults to 0 (NVLink SHARP / multicast off), as on the lent machines.
"""
import os
import socket
import statistics
import time

import torch
import torch.distributed as dist

import moe_traffic
from presets import COLLECTIVE_OPS, collective_sizes

GLOO_CAP = 64 << 20  # CPU collectives are slow; larger messages add time, not information


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def init(device):
    """Starts torch.distributed (world of one unless torchrun set WORLD_SIZE); returns
    (world, rank). The default group is NCCL on a GPU, else gloo."""
    os.environ.setdefault("NCCL_NVLS_ENABLE", "0")  # multicast off (profiler/README.md)
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    backend = "nccl" if device.type == "cuda" else "gloo"
    if world > 1:
        dist.init_process_group(backend, rank=rank, world_size=world)
    else:
        dist.init_process_group(backend, init_method="tcp://127.0.0.1:%d" % _free_port(),
                                rank=0, world_size=1)
    return world, rank


def group_sizes(world):
    sizes, g = [], 1
    while g < world:
        sizes.append(g)
        g *= 2
    return sizes + [world]


def _caller(op, inp, out, group, g):
    """A no-argument callable running the collective once. all_gather goes through
    all_gather_into_tensor, or the list form where the backend lacks it (older gloo)."""
    if op == "all_reduce":
        return lambda: dist.all_reduce(inp, group=group)
    if op == "all_to_all":
        return lambda: dist.all_to_all_single(out, inp, group=group)
    if op == "reduce_scatter":  # RuntimeError where the backend lacks it (gloo): row skipped
        dist.reduce_scatter_tensor(out, inp, group=group)
        return lambda: dist.reduce_scatter_tensor(out, inp, group=group)
    try:
        dist.all_gather_into_tensor(out, inp, group=group)
        return lambda: dist.all_gather_into_tensor(out, inp, group=group)
    except RuntimeError:
        parts = list(out.chunk(g))
        return lambda: dist.all_gather(parts, inp, group=group)


def _buffers(op, nbytes, g, device):
    """Per-rank tensors: all_reduce buffer = message; all_to_all sends and receives the message
    (message/g to each peer); all_gather receives the message (message/g from each rank);
    reduce_scatter reduces the message (its input) and keeps message/g.
    bf16 on a GPU; fp32 on the CPU (gloo reduces no bf16)."""
    dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
    width = 2 if device.type == "cuda" else 4
    n = max(g, (nbytes // width) // g * g)
    inp = torch.randn(n // g if op == "all_gather" else n, device=device, dtype=dtype)
    out = torch.empty(n // g if op == "reduce_scatter" else n, device=device, dtype=dtype)
    return inp, out, width * n


def _time(op, inp, out, group, g, device, reps, call=None):
    cuda = device.type == "cuda"
    call = call or _caller(op, inp, out, group, g)
    for _ in range(3):
        call()
    times = []
    for _ in range(reps):
        dist.barrier(group=group)
        if cuda:
            torch.cuda.synchronize(device)
            s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            s.record()
            call()
            e.record()
            e.synchronize()
            times.append(s.elapsed_time(e) * 1e-3)
        else:
            t0 = time.perf_counter()
            call()
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def measure(device, world, rank, quick, deadline, skipped):
    """Rows of collective.csv (rank 0; other ranks return [])."""
    rows = []
    reps = 5 if quick else 20
    backends = [("nccl", device)] if device.type == "cuda" else []
    backends.append(("gloo", torch.device("cpu")))
    everyone = dist.new_group(list(range(world)), backend="gloo")
    for g in group_sizes(world):
        ranks = list(range(g))
        groups = {name: dist.new_group(ranks, backend=name) for name, _ in backends}
        member_gloo = groups["gloo"]
        for name, dev in backends:
            cap = GLOO_CAP if name == "gloo" else 1 << 30
            for op in COLLECTIVE_OPS:
                for size in collective_sizes(quick, cap):
                    flag = torch.tensor([1.0 if time.monotonic() < deadline else 0.0])
                    dist.all_reduce(flag, op=dist.ReduceOp.MIN, group=everyone)
                    if flag.item() == 0.0:  # every rank agrees the budget is spent
                        skipped.append(("collective", "%s %s group=%d bytes=%d"
                                        % (name, op, g, size), "budget"))
                        continue
                    if rank >= g:
                        continue
                    inp, out, nbytes = _buffers(op, size, g, dev)
                    try:
                        t = _time(op, inp, out, groups[name], g, dev, reps)
                    except RuntimeError as e:  # every rank fails alike (backend lacks the op)
                        t = -1.0
                        reason = str(e).splitlines()[0][:80]
                    worst = torch.tensor([t])
                    dist.all_reduce(worst, op=dist.ReduceOp.MAX, group=member_gloo)
                    if rank == 0 and t < 0:
                        skipped.append(("collective", "%s %s group=%d bytes=%d"
                                        % (name, op, g, size), reason))
                    elif rank == 0:
                        rows.append({"op": op, "backend": name, "bytes": nbytes, "group": g,
                                     "time_s": worst.item()})
                    del inp, out
            if g >= 2:
                rows += _skewed(name, dev, groups[name], member_gloo, everyone, g, rank,
                                quick, reps, deadline, skipped)
    return rows


def _skewed(name, dev, group, member_gloo, everyone, g, rank, quick, reps, deadline, skipped):
    """all_to_all_skewed rows over the first g ranks: all_to_all_single with the uneven splits of
    moe_traffic.traffic (bytes as uint8 on a GPU, fp32 elements on the CPU: every per-token size
    is a multiple of 4). `bytes` = the busiest rank's bytes to/from its peers."""
    rows = []
    for case, phase, tokens, skew in moe_traffic.plan(quick):
        b, summary = moe_traffic.traffic(case, phase, g, tokens, skew)
        flag = torch.tensor([1.0 if time.monotonic() < deadline else 0.0])
        dist.all_reduce(flag, op=dist.ReduceOp.MIN, group=everyone)
        if flag.item() == 0.0 or (name == "gloo" and summary["max_peer"] > GLOO_CAP):
            skipped.append(("collective", "%s all_to_all_skewed %s:%s tokens=%d group=%d"
                            % (name, case, phase, tokens, g),
                            "budget" if flag.item() == 0.0 else "gloo cap"))
            continue
        if rank >= g:
            continue
        width = 1 if dev.type == "cuda" else 4
        dtype = torch.uint8 if dev.type == "cuda" else torch.float32
        send = [x // width for x in b[rank]]
        recv = [b[q][rank] // width for q in range(g)]
        inp = torch.ones(sum(send), device=dev, dtype=dtype)
        out = torch.empty(sum(recv), device=dev, dtype=dtype)

        def call(inp=inp, out=out, send=send, recv=recv):
            dist.all_to_all_single(out, inp, output_split_sizes=recv, input_split_sizes=send,
                                   group=group)

        t = _time("all_to_all_skewed", inp, out, group, g, dev, reps, call=call)
        worst = torch.tensor([t])
        dist.all_reduce(worst, op=dist.ReduceOp.MAX, group=member_gloo)
        if rank == 0:
            rows.append({"op": "all_to_all_skewed", "backend": name,
                         "bytes": summary["max_peer"], "group": g, "time_s": worst.item(),
                         "case": "%s:%s" % (case, phase), "tokens": tokens, "skew": skew,
                         "mean_bytes": summary["mean_peer"]})
        del inp, out
    return rows


def finish():
    if dist.is_initialized():
        dist.destroy_process_group()
