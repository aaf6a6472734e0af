"""Whole decoder layers and MoE blocks in decode (needs torch): the decode_layer and moe_block
families. README.md, "Shapes" and "Schema", documents what one call does and the columns.

One call of decode_layer: input RMSNorm, attention projections (MHA/GQA: one fused QKV GEMM;
MLA: the q and kv projections of models/step_ops.cpp, absorbed latent attention), append the
q new K/V (or latent) entries to the cache, SDPA over the cache (GQA: query heads grouped per KV
head, no K/V copy, as families.decode), output projection, residual add, post-attention
RMSNorm, FFN (dense gated FFN, or the MoE block), residual add. No RoPE.
One call of moe_block: router GEMM, softmax, top-k, tokens sorted by expert, routed experts as
one grouped GEMM (gate+up, SiLU x up, down; torch's grouped_mm when it checks out, else a loop
over the experts hit), weighted scatter-add onto the shared experts' output.
"""
import math
import statistics

import torch
import torch.nn.functional as F

import families as FA
from presets import is_moe
from timing import rotated

BF16 = torch.bfloat16


def _fits(mem, nbytes):
    try:
        mem.check(nbytes)
        return True
    except FA.Skip:
        return False


def grouped_impl(dev):
    """torch's grouped GEMM when present and equal to the loop on a case with an empty group (a
    layer's routing leaves experts empty), else None: the loop over experts is used."""
    fn = FA.grouped_mm_function() if dev.type == "cuda" else None
    if fn is None:
        return None
    try:
        e, h, i, counts = 4, 64, 32, [7, 0, 1, 32]
        w = {"w1": torch.randn(e, 2 * i, h, device=dev, dtype=BF16) * h ** -0.5,
             "w2": torch.randn(e, h, i, device=dev, dtype=BF16) * i ** -0.5}
        x = torch.randn(sum(counts), h, device=dev, dtype=BF16)
        offs = torch.tensor(list(FA._cumsum(counts)), device=dev, dtype=torch.int32)
        got = _grouped(fn, x, w, offs, True)
        want = _loop(x, w, counts, True)
        return fn if torch.allclose(got.float(), want.float(), rtol=5e-2, atol=5e-2) else None
    except Exception:  # noqa: BLE001 - unsupported shape, dtype, device or empty groups
        return None


def _act(h, gated):
    if not gated:
        return F.gelu(h)
    i = h.shape[-1] // 2
    return F.silu(h[:, :i]) * h[:, i:]


def _ffn(x, up, down, gated):
    return torch.matmul(_act(torch.matmul(x, up.t()), gated), down.t())


def _grouped(fn, xs, w, offs, gated):
    h = fn(xs, w["w1"].transpose(-2, -1), offs=offs)
    return fn(_act(h, gated), w["w2"].transpose(-2, -1), offs=offs)


def _loop(xs, w, counts, gated):
    ys, row = torch.empty_like(xs), 0
    for j, c in enumerate(counts):
        if c:
            ys[row:row + c] = _ffn(xs[row:row + c], w["w1"][j], w["w2"][j], gated)
            row += c
    return ys


class Route:
    """Routing seen per weight copy: experts hit (read once, before timing) and, for the loop,
    the rows per expert on the host, so that timed calls need no device-to-host copy."""

    def __init__(self):
        self.record, self.hits, self.host = True, {}, {}


def weight_shapes(p, ffn, attention):
    """{name: (shape, fan_in)} of the weights one call reads (bf16, nn.Linear layout)."""
    H, h = p["hidden"], p["heads"]
    gated = p.get("ffn_gated", True)
    out = {}
    if attention and p["attention"] == "mla":
        a = p["mla"]
        qk, lora = a["qk_nope_head_dim"] + a["qk_rope_head_dim"], a["kv_lora_rank"]
        if a.get("q_lora_rank"):
            out["q_a"] = ((a["q_lora_rank"], H), H)
            out["q_b"] = ((h * qk, a["q_lora_rank"]), a["q_lora_rank"])
        else:
            out["q"] = ((h * qk, H), H)
        out["kv_a"] = ((lora + a["qk_rope_head_dim"], H), H)
        out["uk"] = ((h, a["qk_nope_head_dim"], lora), a["qk_nope_head_dim"])  # absorbed W_UK
        out["uv"] = ((h, lora, a["v_head_dim"]), lora)  # absorbed W_UV
        out["o"] = ((H, h * a["v_head_dim"]), h * a["v_head_dim"])
    elif attention:
        hd, kv = p["head_dim"], p["kv_heads"]
        out["qkv"] = (((h + 2 * kv) * hd, H), H)
        out["o"] = ((H, h * hd), h * hd)
    g = 2 if gated else 1
    if ffn == "dense":
        i = p["ffn_intermediate"]
        out["up"], out["down"] = ((g * i, H), H), ((H, i), i)
    else:
        m = p["moe"]
        e, i = m["experts"], m["expert_intermediate"]
        out["router"] = ((e, H), H)
        out["w1"], out["w2"] = ((e, g * i, H), H), ((e, H, i), i)
        si = (m.get("shared_experts") or 0) * (m.get("shared_expert_intermediate") or 0)
        if si:
            out["s_up"], out["s_down"] = ((g * si, H), H), ((H, si), si)
    return out


class Block:
    """Rotated weights of one layer (attention=True) or one MoE block of a preset: as many
    copies as the 2 x L2 rule asks, fewer where they would take over half the memory limit."""

    def __init__(self, timer, mem, dev, name, p, ffn, attention, grouped_fn):
        if ffn == "moe" and not is_moe(p):
            raise FA.Skip("not an MoE model")
        self.name, self.p, self.ffn, self.dev, self.timer, self.mem = name, p, ffn, dev, timer, mem
        self.gated = p.get("ffn_gated", True)
        self.fn = grouped_fn if ffn == "moe" else None
        self.impl = "grouped_mm" if self.fn is not None else "loop"
        shapes = weight_shapes(p, ffn, attention)
        self.wbytes = 2 * sum(math.prod(s) for s, _ in shapes.values())
        copies = timer.copies_for(self.wbytes)
        while copies > 1 and not _fits(mem, 2 * copies * self.wbytes):
            copies -= 1
        mem.check(self.wbytes)  # the layer does not fit: Skip
        self.copies = copies
        ws = {n: rotated(s, copies, dev, scale=fan ** -0.5) for n, (s, fan) in shapes.items()}
        self.w = [{n: v[c] for n, v in ws.items()} for c in range(copies)]
        H = p["hidden"]
        self.norm = torch.rand(H, device=dev, dtype=BF16) + 0.5  # not re-read from HBM: tiny
        if p["attention"] == "mla":
            a = p["mla"]
            self.kv_norm = torch.rand(a["kv_lora_rank"], device=dev, dtype=BF16) + 0.5
            self.q_norm = torch.rand(a.get("q_lora_rank") or 1, device=dev, dtype=BF16) + 0.5

    # ------------------------------------------------------------ MoE block
    def moe(self, x, w, i, route):
        """Router, top-k, routed experts (grouped), shared experts; returns their sum."""
        m = self.p["moe"]
        k = m["top_k"]
        probs = torch.softmax(torch.matmul(x, w["router"].t()).float(), -1)
        topv, topi = torch.topk(probs, k, dim=-1)
        flat = topi.reshape(-1)
        order = torch.argsort(flat)
        rows = torch.div(order, k, rounding_mode="floor")  # token of each sorted (token, expert)
        gate = topv.reshape(-1).index_select(0, order).to(x.dtype)
        xs = x.index_select(0, rows)
        counts = torch.zeros(m["experts"], dtype=torch.int64, device=x.device)
        counts.scatter_add_(0, flat, torch.ones_like(flat))
        if route.record:  # before timing only: these read the device
            route.hits[i] = int((counts > 0).sum())
            if self.fn is None:
                route.host[i] = [int(c) for c in counts.tolist()]
        if self.fn is not None:
            ys = _grouped(self.fn, xs, w, torch.cumsum(counts, 0).to(torch.int32), self.gated)
        else:
            ys = _loop(xs, w, route.host[i], self.gated)
        out = _ffn(x, w["s_up"], w["s_down"], self.gated) if "s_up" in w else torch.zeros_like(x)
        return out.index_add_(0, rows, ys * gate[:, None])

    # ------------------------------------------------------------ attention
    def _gqa(self, a, w, cache, batch, q, context):
        h, kv, hd = self.p["heads"], self.p["kv_heads"], self.p["head_dim"]
        qkv = torch.matmul(a, w["qkv"].t())
        qt = qkv[:, :h * hd].view(batch, q, kv, h // kv, hd).permute(0, 2, 3, 1, 4)
        qt = qt.reshape(batch, kv, (h // kv) * q, hd)
        kc, vc = cache
        kc[:, :, context:].copy_(qkv[:, h * hd:(h + kv) * hd].view(batch, q, kv, hd)
                                 .transpose(1, 2))
        vc[:, :, context:].copy_(qkv[:, (h + kv) * hd:].view(batch, q, kv, hd).transpose(1, 2))
        o = _attend(qt, kc, vc).reshape(batch, kv, h // kv, q, hd).permute(0, 3, 1, 2, 4)
        return torch.matmul(o.reshape(batch * q, h * hd), w["o"].t())

    def _mla(self, a, w, cache, batch, q, context):
        """Absorbed MLA decode: W_UK folded into the queries, attention over the latent
        (values = its first kv_lora dims), W_UV applied to the latent output."""
        p, t = self.p, a.shape[0]
        h, m = p["heads"], p["mla"]
        nope, lora = m["qk_nope_head_dim"], m["kv_lora_rank"]
        if "q_a" in w:
            qf = torch.matmul(FA._rms(torch.matmul(a, w["q_a"].t()), self.q_norm), w["q_b"].t())
        else:
            qf = torch.matmul(a, w["q"].t())
        qf = qf.view(t, h, -1)
        q_lat = torch.bmm(qf[:, :, :nope].transpose(0, 1), w["uk"]).transpose(0, 1)
        qt = torch.cat([q_lat, qf[:, :, nope:]], -1).view(batch, 1, q * h, -1)
        kv = torch.matmul(a, w["kv_a"].t())
        new = cache[:, 0, context:]
        new[..., :lora].copy_(FA._rms(kv[:, :lora], self.kv_norm).view(batch, q, lora))
        new[..., lora:].copy_(kv[:, lora:].view(batch, q, -1))
        o = _attend(qt, cache, cache[..., :lora]).reshape(t, h, lora).transpose(0, 1)
        o = torch.bmm(o, w["uv"]).transpose(0, 1).reshape(t, -1)
        return torch.matmul(o, w["o"].t())

    def layer(self, x, i, cache, batch, q, context, route):
        w = self.w[i]
        attn = self._mla if self.p["attention"] == "mla" else self._gqa
        hres = x + attn(FA._rms(x, self.norm), w, cache, batch, q, context)
        n = FA._rms(hres, self.norm)
        if self.ffn == "moe":
            return hres + self.moe(n, w, i, route)
        return hres + _ffn(n, w["up"], w["down"], self.gated)

    def cache_shapes(self, batch, s):
        """KV cache tensors of one copy: (K, V) per KV head, or the MLA latent."""
        p = self.p
        if p["attention"] == "mla":
            return [(batch, 1, s, p["mla"]["kv_lora_rank"] + p["mla"]["qk_rope_head_dim"])]
        return [(batch, p["kv_heads"], s, p["head_dim"])] * 2

    def act_bytes(self, tokens, batch, q, s):
        """A generous bound on the activations of one call (bf16; fp32 scores if no SDPA)."""
        p, H = self.p, self.p["hidden"]
        m = p.get("moe") or {}
        inter = max(p.get("ffn_intermediate") or 0, (m.get("shared_experts") or 0) *
                    (m.get("shared_expert_intermediate") or 0))
        pairs = tokens * (m.get("top_k") or 0)
        per_token = 16 * H + 6 * p["heads"] * max(p["head_dim"], 640) + 3 * inter
        scores = 0 if FA.has_sdpa() else 4 * batch * p["heads"] * q * s
        return 2 * (tokens * per_token + pairs * (3 * (m.get("expert_intermediate") or 0) +
                                                  3 * H)) + scores


def _attend(q, k, v):
    if FA.has_sdpa():
        return F.scaled_dot_product_attention(q, k, v)
    return FA._manual(q, k, v)


def _time(timer, run, copies, route):
    """Seconds of one call, graph flag (1: CUDA graph replay), mean experts hit over copies."""
    with torch.no_grad():
        for c in range(copies):  # routing of every copy (hits; rows per expert for the loop)
            run(c)
    route.record = False
    before = timer.fallbacks
    t = timer.measure(run, copies)
    graph = int(timer.cuda and timer.fallbacks == before)
    hits = int(round(statistics.mean(route.hits.values()))) if route.hits else 0
    return t, graph, hits


def decode_layer(timer, mem, block, batch, q, context):
    """One decoder layer: `batch` sequences of q new tokens over `context` cached tokens."""
    tokens, s, dev = batch * q, context + q, block.dev
    shapes = block.cache_shapes(batch, s)
    kv_bytes = 2 * sum(math.prod(sh) for sh in shapes)
    act = block.act_bytes(tokens, batch, q, s)
    copies = min(block.copies, timer.copies_for(block.wbytes + kv_bytes))
    while copies > 1 and not _fits(block.mem, copies * kv_bytes + act):
        copies -= 1
    block.mem.check(kv_bytes + act)
    caches = list(zip(*[rotated(sh, copies, dev) for sh in shapes]))
    if len(shapes) == 1:
        caches = [c[0] for c in caches]
    x = torch.randn(tokens, block.p["hidden"], device=dev, dtype=BF16)
    route = Route()
    t, graph, hits = _time(
        timer, lambda i: block.layer(x, i, caches[i], batch, q, context, route), copies, route)
    return {"model": block.name, "batch": batch, "q": q, "context": context, "tokens": tokens,
            "time_s": t, "graph": graph, "experts_hit": hits, "dtype": "bf16",
            "ffn": block.ffn, "impl": block.impl if block.ffn == "moe" else "",
            "copies": copies}


def moe_block(timer, mem, block, batch, q):
    """Router + top-k + routed experts + shared experts for batch x q tokens."""
    tokens = batch * q
    block.mem.check(block.act_bytes(tokens, batch, q, 0))
    x = torch.randn(tokens, block.p["hidden"], device=block.dev, dtype=BF16)
    route = Route()
    t, graph, hits = _time(timer, lambda i: block.moe(x, block.w[i], i, route), block.copies,
                           route)
    return {"model": block.name, "batch": batch, "q": q, "tokens": tokens, "time_s": t,
            "graph": graph, "experts_hit": hits, "dtype": "bf16", "impl": block.impl,
            "copies": block.copies}


def measure(fam, key, ctx):
    """The row of one decode_layer key (model, ffn, batch, q, context) or moe_block key
    (model, "moe", batch, q). One weight pool is kept at a time; a preset whose pool does not
    fit raises the same Skip for each of its shapes without trying again."""
    name, ffn = key[0], key[1]
    timer, mem, dev = ctx["timer"], ctx["mem"], ctx["device"]
    if "layer_grouped" not in ctx:
        ctx["layer_grouped"] = grouped_impl(dev)
    pools, want = ctx.setdefault("layer_pools", {}), (fam, name, ffn)
    if want not in pools:
        pools.clear()
        ctx["empty_cache"]()
        try:
            pools[want] = Block(timer, mem, dev, name, ctx["layer_presets"][name], ffn,
                                fam == "decode_layer", ctx["layer_grouped"])
        except FA.Skip as e:
            pools[want] = e
    block = pools[want]
    if isinstance(block, FA.Skip):
        raise FA.Skip(str(block))
    run = decode_layer if fam == "decode_layer" else moe_block
    try:
        row = run(timer, mem, block, *key[2:])
    except (FA.Skip, ctx["oom"]):
        raise
    except Exception:  # noqa: BLE001 - grouped GEMM refused a real shape: the loop from now on
        if block.fn is None:
            raise
        block.fn, block.impl = None, "loop"
        row = run(timer, mem, block, *key[2:])
    if ffn == "moe":
        ctx["impl"]["layers"] = block.impl
    return row
