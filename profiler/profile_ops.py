#!/usr/bin/env python3
"""Measures the operators moesim's cost model prices, on the local accelerator, for the shapes
of the model presets, and writes one CSV per operator family plus metadata.json.

    python3 profiler/profile_ops.py --model all --out models/profiles/h100-sxm
    python3 profiler/profile_ops.py --model llama-3-8b --out /tmp/p --quick
    python3 profiler/profile_ops.py --model all --dry-run          # shapes only, no torch
    torchrun --nproc-per-node 8 profiler/profile_ops.py --out DIR  # collectives over 8 GPUs

README.md beside this file documents the method and the CSV schemas.
"""
import argparse
import csv
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import presets as P  # noqa: E402  (standard library only)

FAMILIES = ["gemm", "grouped_gemm", "attention_decode", "attention_prefill", "elementwise",
            "decode_layer", "moe_block", "collective"]
LAYER_FAMILIES = ("decode_layer", "moe_block")  # whole layers: any error skips the shape
# Share of the time budget per family; what a family leaves unused passes to the next ones.
# The operator families keep the seconds they had under the former 420 s default.
SHARES = {"gemm": 0.12, "grouped_gemm": 0.13, "attention_decode": 0.31,
          "attention_prefill": 0.11, "elementwise": 0.05, "decode_layer": 0.16,
          "moe_block": 0.07, "collective": 0.05}
COLUMNS = {
    "gemm": ["m", "n", "k", "dtype", "time_s", "flops", "bytes", "used_by"],
    "grouped_gemm": ["tokens", "experts_active", "hidden", "inter", "dtype", "impl", "routing",
                     "time_s", "max_expert_tokens", "used_by"],
    "attention_decode": ["kind", "heads", "kv_heads", "head_dim", "v_head_dim", "kv_lora",
                         "rope_dim", "batch", "q", "context", "time_s", "flops", "bytes",
                         "used_by"],
    "attention_prefill": ["kind", "heads", "kv_heads", "head_dim", "v_head_dim", "kv_lora",
                          "rope_dim", "chunk", "context", "time_s", "flops", "bytes", "used_by"],
    "elementwise": ["kernel", "rows", "width", "bytes", "time_s"],
    "decode_layer": ["model", "batch", "q", "context", "tokens", "time_s", "graph",
                     "experts_hit", "dtype", "ffn", "impl", "copies"],
    "moe_block": ["model", "batch", "q", "tokens", "time_s", "graph", "experts_hit", "dtype",
                  "impl", "copies"],
    # case/tokens/skew/mean_bytes: all_to_all_skewed rows only (empty elsewhere)
    "collective": ["op", "backend", "bytes", "group", "time_s", "case", "tokens", "skew",
                   "mean_bytes"],
}


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default="all", help="preset name, comma list, or 'all'")
    ap.add_argument("--out", default="profile-out", help="output folder (created)")
    ap.add_argument("--quick", action="store_true", help="a small subset (smoke test)")
    ap.add_argument("--budget-s", type=float, default=540.0,
                    help="stop adding shapes once this many seconds are spent (default 540)")
    ap.add_argument("--tp", default="1", help="tensor-parallel splits to measure, e.g. 1,2,8")
    ap.add_argument("--families", default=",".join(FAMILIES), help="subset of: " +
                    ",".join(FAMILIES))
    ap.add_argument("--hardware", default=None,
                    help="catalog hardware preset these tables are for (default: guessed)")
    ap.add_argument("--layer-models", default=None,
                    help="presets of decode_layer and moe_block (default: --model, or when that "
                    "is 'all' the presets of presets.LAYER_MODELS)")
    ap.add_argument("--layer-context", default="1024",
                    help="cached tokens per sequence for decode_layer, comma list (default 1024)")
    ap.add_argument("--cpu", action="store_true", help="measure on the CPU even with a GPU")
    ap.add_argument("--dry-run", action="store_true", help="list shapes; needs no torch")
    args = ap.parse_args(argv)
    args.models = [m.strip() for m in args.model.split(",") if m.strip()]
    args.tps = tuple(int(x) for x in args.tp.split(","))
    args.families = [f.strip() for f in args.families.split(",") if f.strip()]
    bad = [f for f in args.families if f not in FAMILIES]
    if bad:
        ap.error("unknown families %s" % bad)
    try:
        args.layer_contexts = [int(c) for c in args.layer_context.split(",") if c.strip()]
    except ValueError:
        ap.error("--layer-context wants a comma list of integers, got %r" % args.layer_context)
    if not args.layer_contexts or min(args.layer_contexts) < 0:
        ap.error("--layer-context wants integers >= 0")
    return args


def layer_presets(args, presets):
    """Presets of decode_layer and moe_block: --layer-models, else --model unless that is 'all',
    else presets.LAYER_MODELS (those in the catalog)."""
    if args.layer_models:
        return P.load_presets([m.strip() for m in args.layer_models.split(",") if m.strip()])
    if args.models != ["all"]:
        return presets
    everything = P.load_presets(["all"])
    return {n: everything[n] for n in P.LAYER_MODELS if n in everything}


def plan(args, presets):
    """{family: [(key, shape description, used_by)]}: every shape, deduplicated over presets."""
    q = args.quick
    ms = P.M_QUICK if q else P.M_FULL
    out = {f: [] for f in FAMILIES}
    for (n, k), used in sorted(P.gemm_shapes(presets, args.tps).items()):
        out["gemm"] += [((m, n, k), "m=%d n=%d k=%d" % (m, n, k), used) for m in ms]
    for (h, i), (e, used) in sorted(P.grouped_configs(presets).items()):
        pts = P.grouped_points(e, q)
        for idx, (t, a) in enumerate(pts):
            for routing in ("uniform", "skewed"):
                if routing == "skewed" and (a == 1 or (idx % 2 and not q)):
                    continue  # skewed on every other point: it adds the imbalance, not a grid
                out["grouped_gemm"].append(((h, i, e, t, a, routing),
                                            "hidden=%d inter=%d tokens=%d active=%d %s"
                                            % (h, i, t, a, routing), used))
    configs = sorted(P.attention_configs(presets, args.tps).items())
    # Decode q-major: a budget cut drops the largest q of some layouts, not whole layouts.
    for qq in sorted({p[1] for p in P.decode_points(q)}):
        for cfg, used in configs:
            out["attention_decode"] += [((cfg, b, qq, c), "%s b=%d q=%d ctx=%d" % (cfg, b, qq, c),
                                         used) for b, q2, c in P.decode_points(q) if q2 == qq]
    for cfg, used in configs:
        out["attention_prefill"] += [((cfg, ch, c), "%s chunk=%d ctx=%d" % (cfg, ch, c), used)
                                     for ch, c in P.prefill_points(q)]
    out["elementwise"] = [(pt, "%s rows=%d width=%d" % pt, set())
                          for pt in P.elementwise_points(presets, q)]
    out["collective"] = [("all", "collectives", set())]
    # q-major like attention_decode: a budget cut drops the largest q, not whole models.
    for qq in sorted({q2 for _, q2 in P.layer_points(q)}):
        bs = [b for b, q2 in P.layer_points(q) if q2 == qq]
        for name, p in sorted(args.layer_presets.items()):
            for ffn in P.layer_ffn_kinds(p):  # one weight pool per (model, ffn) at a time
                out["decode_layer"] += [((name, ffn, b, qq, c), "%s %s b=%d q=%d ctx=%d"
                                         % (name, ffn, b, qq, c), {name})
                                        for b in bs for c in args.layer_contexts]
            if P.is_moe(p):
                out["moe_block"] += [((name, "moe", b, qq), "%s b=%d q=%d" % (name, b, qq),
                                      {name}) for b in bs]
    return {f: out[f] for f in args.families}


def dry_run(shapes):
    total = 0
    for fam, items in shapes.items():
        print("%-18s %5d shapes" % (fam, len(items)))
        for _, desc, used in items[:3]:
            print("    %s  (%s)" % (desc, ", ".join(sorted(used))[:90]))
        if len(items) > 3:
            print("    ...")
        total += len(items)
    print("total %d shapes" % total)


def write_csv(path, columns, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({c: ("%.6g" % v if isinstance(v, float) else v) for c, v in r.items()})


def measure_family(fam, items, ctx, deadline, skipped):
    import families as F  # noqa: E402  (torch)
    import layers as L  # noqa: E402  (torch)
    rows, experts, timer, mem, dev = [], {}, ctx["timer"], ctx["mem"], ctx["device"]
    for key, desc, used in items:
        if time.monotonic() > deadline:
            skipped.append((fam, desc, "budget"))
            continue
        try:
            if fam == "gemm":
                row = F.gemm(timer, mem, dev, *key)
            elif fam == "grouped_gemm":
                h, i, e, t, a, routing = key
                if (h, i) not in experts:
                    experts.clear()  # one pool at a time
                    ctx["empty_cache"]()
                    amax = max(k[4] for k, _, _ in items if k[:2] == (h, i))
                    experts[(h, i)] = F.Experts(timer, mem, dev, h, i, e, amax)
                    ctx["impl"]["grouped_gemm"] = experts[(h, i)].impl
                row = experts[(h, i)].measure(t, a, routing)
            elif fam == "attention_decode":
                row = F.decode(timer, mem, dev, *key)
            elif fam == "attention_prefill":
                row = F.prefill(timer, mem, dev, *key)
            elif fam in LAYER_FAMILIES:
                row = L.measure(fam, key, ctx)
            else:
                row = F.elementwise(timer, mem, dev, *key)
        except F.Skip as e:
            skipped.append((fam, desc, str(e)))
            continue
        except ctx["oom"] as e:  # the estimate missed; record and go on
            skipped.append((fam, desc, "out of memory: %s" % str(e).splitlines()[0][:80]))
            ctx["empty_cache"]()
            continue
        except Exception as e:  # noqa: BLE001 - a whole layer has many ops that can fail
            if fam not in LAYER_FAMILIES:
                raise
            first = (str(e).splitlines() or [""])[0][:120]
            skipped.append((fam, desc, "error: %s: %s" % (type(e).__name__, first)))
            try:
                ctx["empty_cache"]()
            except Exception:  # noqa: BLE001 - a broken CUDA context fails here too
                pass
            continue
        row["used_by"] = "|".join(sorted(used))
        rows.append(row)
    if ctx.get("layer_pools"):  # a layer's weights can be gigabytes: free them for what follows
        ctx["layer_pools"].clear()
        try:
            ctx["empty_cache"]()
        except Exception:  # noqa: BLE001 - a broken CUDA context fails here; rows are kept
            pass
    return rows


def main(argv=None):
    args = parse_args(argv)
    presets = P.load_presets(args.models)
    args.layer_presets = layer_presets(args, presets)
    shapes = plan(args, presets)
    if args.dry_run:
        dry_run(shapes)
        return 0
    import torch  # noqa: E402
    import collectives as C  # noqa: E402
    import families as F  # noqa: E402
    import timing as T  # noqa: E402

    start = time.monotonic()
    world = int(os.environ.get("WORLD_SIZE", "1"))
    local = int(os.environ.get("LOCAL_RANK", "0"))
    cuda = torch.cuda.is_available() and not args.cpu
    if cuda:
        torch.cuda.set_device(local)
    device = torch.device("cuda", local) if cuda else torch.device("cpu")
    torch.manual_seed(1234)
    os.makedirs(args.out, exist_ok=True)
    timer = T.Timer(device)
    ctx = {"timer": timer, "mem": F.Memory(device), "device": device, "impl": {},
           "oom": getattr(torch.cuda, "OutOfMemoryError", RuntimeError),
           "empty_cache": torch.cuda.empty_cache if cuda else (lambda: None),
           "layer_presets": args.layer_presets}
    skipped, counts, elapsed = [], {}, {}
    if world > 1:  # torchrun: every rank measures collectives together; rank 0 writes
        shapes = {"collective": shapes.get("collective", [("all", "collectives", set())])}
    env = T.environment(device)
    meta = {"generator": "profiler/profile_ops.py", "command": " ".join(sys.argv),
            "created_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "models": sorted(presets), "tp": list(args.tps), "quick": args.quick,
            "budget_s": args.budget_s, "layer_models": sorted(args.layer_presets),
            "layer_context": args.layer_contexts, **env,
            "hardware_preset": args.hardware or T.guess_hardware(env.get("device_name"))}
    if world == 1:
        meta.update(T.device_rates(timer, device, args.quick))
    deadline_all = start + args.budget_s
    pending = list(shapes)
    for fam in pending:
        t0 = time.monotonic()
        left = sum(SHARES[f] for f in pending[pending.index(fam):])
        deadline = t0 + max(0.0, deadline_all - t0) * SHARES[fam] / left
        if fam == "collective":
            w, rank = C.init(device)
            rows = C.measure(device, w, rank, args.quick, deadline, skipped)
            C.finish()
            if rank != 0:
                return 0
        else:
            rows = measure_family(fam, shapes[fam], ctx, deadline, skipped)
        write_csv(os.path.join(args.out, fam + ".csv"), COLUMNS[fam], rows)
        counts[fam], elapsed[fam] = len(rows), round(time.monotonic() - t0, 1)
        print("%-18s %5d rows  %6.1f s" % (fam, len(rows), elapsed[fam]), flush=True)
    write_csv(os.path.join(args.out, "skipped.csv"), ["family", "shape", "reason"],
              [dict(zip(["family", "shape", "reason"], s)) for s in skipped])
    meta.update(rows=counts, seconds=elapsed, skipped=len(skipped),
                elapsed_s=round(time.monotonic() - start, 1),
                timing=("cuda_graph (events per call where capture failed: %d shapes)"
                        % timer.fallbacks) if cuda else "wall_clock",
                grouped_gemm_impl=ctx["impl"].get("grouped_gemm"),
                layer_grouped_impl=ctx["impl"].get("layers"),
                attention_impl="sdpa" if F.has_sdpa() else "manual (matmul-softmax-matmul)",
                families=list(shapes))
    if world > 1:  # keep the single-GPU metadata; record the multi-GPU run beside it
        T.write_json(os.path.join(args.out, "metadata_collective.json"), meta)
    else:
        T.write_json(os.path.join(args.out, "metadata.json"), meta)
    print("wrote %s in %.0f s (%d skipped)" % (args.out, meta["elapsed_s"], len(skipped)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
