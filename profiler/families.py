"""One measurement per operator family and shape (needs torch). Each function returns the CSV
row (a dict) or raises Skip with the reason; README.md, "Schema", documents the columns."""
import math

import torch
import torch.nn.functional as F

from presets import attention_work, elementwise_bytes
from timing import rotated

BF16 = torch.bfloat16


class Skip(Exception):
    """A shape that is not measured (memory, unsupported); recorded in skipped.csv."""


class Memory:
    """Refuses shapes whose operands would not fit in `fraction` of the device's free memory."""

    def __init__(self, device, fraction=0.6, cpu_limit=4 << 30):
        self.device, self.fraction, self.cpu_limit = device, fraction, cpu_limit

    def check(self, nbytes):
        if self.device.type == "cuda":  # blocks cached by torch's allocator count as free
            free, _ = torch.cuda.mem_get_info(self.device)
            free += torch.cuda.memory_reserved(self.device) - torch.cuda.memory_allocated(
                self.device)
            limit = self.fraction * free
        else:
            limit = self.cpu_limit
        if nbytes > limit:
            raise Skip("needs %.1f GB, limit %.1f GB" % (nbytes / 1e9, limit / 1e9))


# ---------------------------------------------------------------- GEMM
def gemm(timer, mem, dev, m, n, k):
    """x[m, k] @ W[n, k]^T in bf16 (nn.Linear layout); W rotated over enough copies."""
    w_bytes = 2 * n * k
    copies = timer.copies_for(w_bytes)
    mem.check(copies * w_bytes + 2 * m * (n + k))
    ws = rotated((n, k), copies, dev, scale=k ** -0.5)
    x = torch.randn(m, k, device=dev, dtype=BF16)
    out = torch.empty(m, n, device=dev, dtype=BF16)
    t = timer.measure(lambda i: torch.matmul(x, ws[i].t(), out=out), copies)
    return {"m": m, "n": n, "k": k, "dtype": "bf16", "time_s": t, "flops": 2.0 * m * n * k,
            "bytes": 2.0 * (n * k + m * k + m * n)}


# ---------------------------------------------------------------- grouped GEMM (routed experts)
def grouped_mm_function():
    """torch's grouped GEMM if this build has one, else None (the loop is used)."""
    return getattr(F, "grouped_mm", None) or getattr(torch, "_grouped_mm", None)


def assignment(tokens, active, routing):
    """Rows per active expert (each >= 1): uniform = as equal as possible; skewed = 1 each plus
    the rest split in proportion to a Zipf law 1/j (largest remainders)."""
    if routing == "uniform":
        return [tokens // active + (1 if j < tokens % active else 0) for j in range(active)]
    weights = [1.0 / (j + 1) for j in range(active)]
    rest, total = tokens - active, sum(weights)
    share = [rest * w / total for w in weights]
    counts = [1 + int(s) for s in share]
    order = sorted(range(active), key=lambda j: -(share[j] - int(share[j])))
    for j in order[:tokens - sum(counts)]:
        counts[j] += 1
    return counts


class Experts:
    """A pool of gated experts (gate+up fused 2I x H, down H x I) for one (hidden, inter)."""

    def __init__(self, timer, mem, dev, hidden, inter, experts, max_active):
        self.h, self.i, self.dev = hidden, inter, dev
        eb = 2 * 3 * hidden * inter
        want = max(experts, max_active + timer.copies_for(eb))
        pool = want
        while pool > max_active:
            try:
                mem.check(pool * eb)
                break
            except Skip:
                pool = max(max_active, pool // 2)
        mem.check(pool * eb)
        self.pool, self.eb, self.timer, self.mem = pool, eb, timer, mem
        self.w1 = torch.randn(pool, 2 * inter, hidden, device=dev, dtype=BF16) * hidden ** -0.5
        self.w2 = torch.randn(pool, hidden, inter, device=dev, dtype=BF16) * inter ** -0.5
        self.fn = grouped_mm_function() if dev.type == "cuda" else None
        self.impl = "loop"
        if self.fn is not None and self._grouped_ok():
            self.impl = "grouped_mm"

    def _grouped_ok(self):
        try:
            x = torch.randn(40, self.h, device=self.dev, dtype=BF16)
            counts = [7, 1, 32]
            got = self._run_grouped(x, counts, 0)
            want = self._run_loop(x, counts, 0)
            return bool(torch.allclose(got.float(), want.float(), rtol=5e-2, atol=5e-2))
        except Exception:  # noqa: BLE001 - unsupported shape, dtype or device
            return False

    def _run_grouped(self, x, counts, start, offs=None):
        a = len(counts)
        if offs is None:
            offs = torch.tensor(list(_cumsum(counts)), device=self.dev, dtype=torch.int32)
        h = self.fn(x, self.w1[start:start + a].transpose(-2, -1), offs=offs)
        g = F.silu(h[:, :self.i]) * h[:, self.i:]
        return self.fn(g, self.w2[start:start + a].transpose(-2, -1), offs=offs)

    def _run_loop(self, x, counts, start):
        y, row = torch.empty_like(x), 0
        for j, c in enumerate(counts):
            h = x[row:row + c] @ self.w1[start + j].t()
            y[row:row + c] = (F.silu(h[:, :self.i]) * h[:, self.i:]) @ self.w2[start + j].t()
            row += c
        return y

    def measure(self, tokens, active, routing):
        counts = assignment(tokens, active, routing)
        self.mem.check(2 * tokens * (2 * self.h + 3 * self.i))
        x = torch.randn(tokens, self.h, device=self.dev, dtype=BF16)
        copies = min(self.timer.copies_for(active * self.eb), max(1, self.pool // active))
        starts = [(c * active) % (self.pool - active + 1) for c in range(copies)]
        if self.impl == "grouped_mm":
            offs = torch.tensor(list(_cumsum(counts)), device=self.dev, dtype=torch.int32)
            run = lambda i: self._run_grouped(x, counts, starts[i], offs)  # noqa: E731
        else:
            run = lambda i: self._run_loop(x, counts, starts[i])  # noqa: E731
        t = self.timer.measure(run, copies)
        return {"tokens": tokens, "experts_active": active, "hidden": self.h, "inter": self.i,
                "dtype": "bf16", "impl": self.impl, "routing": routing, "time_s": t,
                "max_expert_tokens": max(counts)}


def _cumsum(xs):
    s = 0
    for x in xs:
        s += x
        yield s


# ---------------------------------------------------------------- attention
def has_sdpa():
    return hasattr(F, "scaled_dot_product_attention")


def _manual(q, k, v, mask=None):
    s = torch.matmul(q, k.transpose(-2, -1)) * q.shape[-1] ** -0.5
    if mask is not None:
        s = s.masked_fill(~mask, float("-inf"))
    return torch.matmul(torch.softmax(s.float(), -1).to(q.dtype), v)


def _kv_pool(timer, mem, dev, shape, v_dim):
    """Rotated K and V caches; for MLA (v_dim < k dim) V is a view of the latent K."""
    kv_bytes = 2 * math.prod(shape) * (1 if v_dim < shape[-1] else 2)
    copies = timer.copies_for(kv_bytes)
    mem.check(copies * kv_bytes)
    ks = rotated(shape, copies, dev)
    if v_dim < shape[-1]:
        return ks, [k[..., :v_dim] for k in ks], copies
    return ks, rotated(shape[:-1] + (v_dim,), copies, dev), copies


def decode(timer, mem, dev, cfg, batch, q, context):
    """q new tokens per sequence over a cache of context + q entries, no mask (q <= 5). Query
    heads are grouped per KV head (the GQA arithmetic without copying K/V); MLA runs in the
    absorbed form: heads x q queries of kv_lora + rope dims over one latent head."""
    kind, h, kv, hd, vhd, kv_lora, rope = cfg
    s = context + q
    if kind == "mla":
        kdim, vdim, groups = kv_lora + rope, kv_lora, 1
    else:
        kdim, vdim, groups = hd, vhd, kv
    ks, vs, copies = _kv_pool(timer, mem, dev, (batch, groups, s, kdim), vdim)
    qt = torch.randn(batch, groups, (h // groups) * q, kdim, device=dev, dtype=BF16)
    attend = F.scaled_dot_product_attention if has_sdpa() else _manual
    t = timer.measure(lambda i: attend(qt, ks[i], vs[i]), copies)
    return _attn_row(cfg, t, batch=batch, q=q, context=context)


def prefill(timer, mem, dev, cfg, chunk, context):
    """A chunk of queries over context + chunk keys, causal aligned to the bottom right. MLA
    prefill runs expanded: heads x (qk_nope + rope) keys, v_head_dim values."""
    kind, h, kv, hd, vhd, _, _ = cfg
    s = context + chunk
    kvh = h if kind == "mla" else kv
    gqa = kvh < h
    native_gqa = gqa and _supports_enable_gqa()
    heads_kv = kvh if (native_gqa or not gqa) else h  # fallback: K/V materialised per query head
    ks, vs, copies = _kv_pool(timer, mem, dev, (1, heads_kv, s, hd), vhd)
    if vhd < hd:  # _kv_pool made V a view for MLA decode; here V is its own tensor
        vs = rotated((1, heads_kv, s, vhd), copies, dev)
    qt = torch.randn(1, h, chunk, hd, device=dev, dtype=BF16)
    kwargs = {"enable_gqa": True} if native_gqa else {}
    if not has_sdpa():
        mask = torch.ones(chunk, s, dtype=torch.bool, device=dev).tril(context)
        run = lambda i: _manual(qt, ks[i], vs[i], mask)  # noqa: E731
    elif context == 0:
        run = lambda i: F.scaled_dot_product_attention(qt, ks[i], vs[i], is_causal=True,  # noqa
                                                       **kwargs)
    else:
        mask = _lower_right(chunk, s, dev)
        run = lambda i: F.scaled_dot_product_attention(qt, ks[i], vs[i], attn_mask=mask,  # noqa
                                                       **kwargs)
    t = timer.measure(run, copies)
    return _attn_row(cfg, t, chunk=chunk, context=context)


def _supports_enable_gqa():
    try:
        x = torch.zeros(1, 2, 1, 8)
        F.scaled_dot_product_attention(x, x[:, :1], x[:, :1], enable_gqa=True)
        return True
    except Exception:  # noqa: BLE001
        return False


def _lower_right(rows, cols, dev):
    try:
        from torch.nn.attention.bias import causal_lower_right
        return causal_lower_right(rows, cols)
    except Exception:  # noqa: BLE001 - older torch: an explicit boolean mask
        return torch.ones(rows, cols, dtype=torch.bool, device=dev).tril(cols - rows)


def _attn_row(cfg, t, **shape):
    kind, h, kv, hd, vhd, kv_lora, rope = cfg
    row = {"kind": kind, "heads": h, "kv_heads": kv, "head_dim": hd, "v_head_dim": vhd,
           "kv_lora": kv_lora, "rope_dim": rope}
    row.update(shape)
    prefill_row = "chunk" in shape
    b, q = (1, shape["chunk"]) if prefill_row else (shape["batch"], shape["q"])
    _, _, flops, nbytes = attention_work(cfg, b, q, shape["context"], prefill_row)
    row.update(time_s=t, flops=flops, bytes=nbytes)
    return row


# ---------------------------------------------------------------- norms and elementwise
def _rms(x, w):
    if hasattr(F, "rms_norm"):
        return F.rms_norm(x, (x.shape[-1],), w, 1e-6)
    return x * torch.rsqrt(x.float().pow(2).mean(-1, keepdim=True) + 1e-6).to(x.dtype) * w


def elementwise(timer, mem, dev, kernel, rows, width):
    nbytes = elementwise_bytes(kernel, rows, width)
    if kernel == "norms_residual":  # two (RMSNorm, residual add) pairs, as in one layer
        copies = timer.copies_for(4 * rows * width)
        mem.check(copies * 4 * rows * width + 8 * rows * width)
        xs, rs = rotated((rows, width), copies, dev), rotated((rows, width), copies, dev)
        w = torch.rand(width, device=dev, dtype=BF16) + 0.5

        def run(i):
            y = _rms(xs[i], w) + rs[i]
            return _rms(y, w) + y
    elif kernel == "embedding":  # gather `rows` rows of a table at least 2x L2
        table_rows = max(4096, math.ceil(4 * timer.l2_bytes / (2 * width)))
        table = torch.randn(table_rows, width, device=dev, dtype=BF16)
        mem.check(table.numel() * 2 + 4 * rows * width)
        copies = 8
        idx = [torch.randint(0, table.shape[0], (rows,), device=dev) for _ in range(copies)]
        run = lambda i: F.embedding(idx[i], table)  # noqa: E731
    elif kernel == "sampling":  # softmax over fp32 logits, then the argmax
        copies = timer.copies_for(4 * rows * width)
        mem.check(copies * 4 * rows * width + 4 * rows * width)
        ls = rotated((rows, width), copies, dev, dtype=torch.float32)
        run = lambda i: torch.softmax(ls[i], -1).argmax(-1)  # noqa: E731
    else:  # copy: `width` bytes read and written
        n = max(1, width // 2)
        copies = timer.copies_for(2 * n)
        mem.check(copies * 2 * n + 2 * n)
        srcs, dst = rotated((n,), copies, dev), torch.empty(n, device=dev, dtype=BF16)
        run = lambda i: dst.copy_(srcs[i])  # noqa: E731
    t = timer.measure(run, copies)
    return {"kernel": kernel, "rows": rows, "width": width, "bytes": nbytes, "time_s": t}
