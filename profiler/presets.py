"""Model presets and the operator shapes the profiler measures (standard library only).

Reads models/catalog/models/*.yaml with a small parser for the subset those files use
(`key: value  # comment`, one level of nested maps, quoted strings); PyYAML is used instead when
it can be imported. Shapes mirror models/step_ops.cpp, so a measured row is the op the C++ cost
model asks for (README.md, "Schema", says which op maps to which rows).
"""
import glob
import math
import os

try:  # optional: the hand parser below reads the same files
    import yaml as _yaml
except Exception:  # noqa: BLE001 - any import problem means "not available"
    _yaml = None

CATALOG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "catalog",
                       "models")


def _scalar(text):
    text = text.strip()
    if text.startswith('"') or text.startswith("'"):
        end = text.find(text[0], 1)
        return text[1:end if end > 0 else len(text)]
    if " #" in text:
        text = text[:text.index(" #")].strip()
    if text.startswith("#"):
        text = ""
    low = text.lower()
    if low in ("true", "false"):
        return low == "true"
    if low in ("", "null", "~"):
        return None
    for conv in (int, float):
        try:
            return conv(text)
        except ValueError:
            pass
    return text


def parse_flat_yaml(text):
    """Parses `key: value` lines with at most one level of indented sub-maps."""
    root, current = {}, None
    for raw in text.splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        key, sep, rest = raw.strip().partition(":")
        if not sep:
            raise ValueError("not a 'key: value' line: %r" % raw)
        value = _scalar(rest)
        if indent == 0:
            if value is None and rest.strip().split("#")[0].strip() == "":
                current = root.setdefault(key, {})
            else:
                root[key], current = value, None
        elif current is not None:
            current[key] = value
        else:
            raise ValueError("indented line outside a map: %r" % raw)
    return root


def load_presets(names=None, folder=CATALOG):
    """Returns {name: preset dict}; `names` None or ['all'] means every preset."""
    presets = {}
    for path in sorted(glob.glob(os.path.join(folder, "*.yaml"))):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        data = _yaml.safe_load(text) if _yaml is not None else parse_flat_yaml(text)
        presets[data["name"]] = data
    if names and names != ["all"]:
        missing = [n for n in names if n not in presets]
        if missing:
            raise SystemExit("unknown preset(s) %s; valid: %s" % (", ".join(missing),
                                                                    ", ".join(sorted(presets))))
        presets = {n: presets[n] for n in names}
    return presets


def log_spaced(lo, hi, per_octave=1):
    """Powers of two (per_octave points per doubling) from lo to hi inclusive, integers."""
    out, steps = [], int(round(math.log2(hi / lo) * per_octave))
    for i in range(steps + 1):
        v = int(round(lo * 2 ** (i / per_octave)))
        if not out or v != out[-1]:
            out.append(v)
    return out


M_FULL = log_spaced(1, 16384)  # 1, 2, 4, ..., 16384 tokens
M_QUICK = [1, 16, 256]


def _add(table, key, used):
    table.setdefault(key, set()).add(used)


def gemm_shapes(presets, tps=(1,)):
    """{(n, k): {"preset/op"}}: GEMMs of step_ops.cpp for each tp (weights N x K, bf16)."""
    out = {}
    for name, p in presets.items():
        h, hd, H = p["heads"], p["head_dim"], p["hidden"]
        moe = p.get("moe") or {}
        dense_layers = p["layers"] if not moe.get("experts") else moe.get("first_dense_layers", 0)
        for tp in tps:
            if h % tp:
                continue
            tag = lambda op: "%s/%s%s" % (name, op, "" if tp == 1 else "@tp%d" % tp)  # noqa: E731
            hl = h // tp
            if p["attention"] == "mla":
                a = p["mla"]
                qk = a["qk_nope_head_dim"] + a["qk_rope_head_dim"]
                if a.get("q_lora_rank"):
                    _add(out, (a["q_lora_rank"], H), tag("attn_q_proj.a"))
                    _add(out, (hl * qk, a["q_lora_rank"]), tag("attn_q_proj.b"))
                else:
                    _add(out, (hl * qk, H), tag("attn_q_proj"))
                _add(out, (a["kv_lora_rank"] + a["qk_rope_head_dim"], H), tag("attn_kv_proj"))
                _add(out, (H, hl * a["v_head_dim"]), tag("attn_out_proj"))
            else:
                kvl = max(1, p["kv_heads"] // tp)
                _add(out, ((hl + 2 * kvl) * hd, H), tag("attn_qkv_proj"))
                _add(out, (H, hl * hd), tag("attn_out_proj"))
            gated = p.get("ffn_gated", True)
            widths = []
            if dense_layers > 0:
                widths.append(("dense_ffn", p["ffn_intermediate"] // tp))
            if moe.get("shared_experts"):
                widths.append(("shared_experts",
                               moe["shared_expert_intermediate"] * moe["shared_experts"] // tp))
            for op, inter in widths:  # gated: fused gate+up (2I x H), then down (H x I)
                _add(out, ((2 if gated else 1) * inter, H), tag(op + ".up"))
                _add(out, (H, inter), tag(op + ".down"))
            if moe.get("experts"):
                _add(out, (moe["experts"], H), tag("moe_router"))
            _add(out, (p["vocab"] // tp, H), tag("lm_head"))
    return out


def grouped_configs(presets):
    """{(hidden, inter): (max experts, {"preset"})} for routed experts (gated, tp 1)."""
    out = {}
    for name, p in presets.items():
        moe = p.get("moe") or {}
        if not moe.get("experts"):
            continue
        key = (p["hidden"], moe["expert_intermediate"])
        e, used = out.get(key, (0, set()))
        used.add(name)
        out[key] = (max(e, moe["experts"]), used)
    return out


def grouped_points(experts, quick=False):
    """(tokens, experts_active) grid: tokens = token-expert rows, each active expert >= 1 row."""
    actives = [a for a in ([1, 8, 64] if quick else log_spaced(1, 256)) if a <= experts]
    if experts not in actives and not quick:
        actives.append(experts)
    tokens = [1, 64, 1024] if quick else log_spaced(1, 65536)
    return [(t, a) for a in actives for t in tokens if t >= a]


def attention_configs(presets, tps=(1,)):
    """{(kind, heads, kv_heads, head_dim, v_head_dim, kv_lora, rope): {"preset"}}.

    MHA/GQA: the model's heads. MLA: heads, kv_heads 1, head_dim = qk_nope + rope (prefill,
    expanded form), v_head_dim, kv_lora and rope (decode runs in the absorbed latent form).
    """
    out = {}
    for name, p in presets.items():
        for tp in tps:
            if p["heads"] % tp:
                continue
            h = p["heads"] // tp
            if p["attention"] == "mla":
                a = p["mla"]
                key = ("mla", h, 1, a["qk_nope_head_dim"] + a["qk_rope_head_dim"],
                       a["v_head_dim"], a["kv_lora_rank"], a["qk_rope_head_dim"])
            else:
                key = (p["attention"], h, max(1, p["kv_heads"] // tp), p["head_dim"],
                       p["head_dim"], 0, 0)
            _add(out, key, name if tp == 1 else "%s@tp%d" % (name, tp))
    return out


DECODE_BATCH = [1, 4, 16, 64, 256]
DECODE_Q = [1, 2, 3, 4, 5]  # gamma + 1 for gamma 0..4
DECODE_CONTEXT = log_spaced(256, 16384)  # every doubling: time is affine in context
PREFILL_CHUNK = [128, 512, 2048, 8192]
PREFILL_CONTEXT = [0] + log_spaced(512, 16384)


def decode_points(quick=False):
    if quick:
        return [(b, q, c) for b in (1, 8) for q in (1, 3) for c in (256, 1024)]
    return [(b, q, c) for q in DECODE_Q for b in DECODE_BATCH for c in DECODE_CONTEXT]


def prefill_points(quick=False):
    if quick:
        return [(ch, c) for ch in (128, 512) for c in (0, 1024)]
    return [(ch, c) for ch in PREFILL_CHUNK for c in PREFILL_CONTEXT]


def attention_work(cfg, batch, q, context, prefill):
    """(tokens, kv entries read, flops, bytes) of the attn_core op, as step_ops.cpp counts them."""
    kind, h, kv, hd, vhd, kv_lora, rope = cfg
    t, n = batch * q, batch * (context + q)
    pairs = batch * q * (context + (q + 1) / 2.0)
    if kind == "mla":
        latent = kv_lora + rope
        per_pair = 2.0 * h * ((hd + vhd) if prefill else (latent + kv_lora))
        return t, n, per_pair * pairs, n * latent * 2.0 + t * h * (latent + kv_lora) * 2.0
    return t, n, 4.0 * h * hd * pairs, n * 2.0 * kv * hd * 2.0 + 2.0 * t * h * hd * 2.0


def elementwise_points(presets, quick=False):
    """[(kernel, rows, width)]: norms_residual and embedding over hidden, sampling over vocab."""
    hidden = sorted({p["hidden"] for p in presets.values()})
    vocab = sorted({p["vocab"] for p in presets.values()})
    rows = [1, 64, 1024] if quick else log_spaced(1, 16384, per_octave=0.5)
    out = []
    for w in hidden:
        out += [("norms_residual", r, w) for r in rows] + [("embedding", r, w) for r in rows]
    for v in vocab:
        out += [("sampling", r, v) for r in rows if r * v * 8 <= 4 << 30]
    out += [("copy", 1, 1 << s) for s in range(10, 31, 2 if quick else 1)]
    return out


def elementwise_bytes(kernel, rows, width):
    """Bytes as step_ops.cpp counts them (the C++ interpolates over these)."""
    if kernel == "norms_residual":
        return 6.0 * rows * width * 2
    if kernel == "embedding":
        return rows * width * 4.0
    if kernel == "sampling":
        return rows * width * 8.0
    return 2.0 * rows * width  # copy: `width` bytes read and written


COLLECTIVE_OPS = ["all_reduce", "all_to_all", "all_gather", "reduce_scatter"]


def collective_sizes(quick=False, cap=1 << 30):
    return [1 << s for s in range(10, 31, 6 if quick else 2) if (1 << s) <= cap]


# Whole decoder layers (decode_layer) and MoE blocks (moe_block): presets.LAYER_MODELS are the
# defaults when --model is `all` (those present in the catalog).
LAYER_MODELS = ["qwen1.5-moe-a2.7b", "qwen2-57b-a14b", "qwen2-0.5b", "mixtral-8x7b",
                "deepseek-v2-lite", "qwen3-30b-a3b"]
LAYER_BATCH = log_spaced(1, 256)  # 1, 2, 4, ..., 256 sequences
LAYER_Q = DECODE_Q


def is_moe(p):
    return bool((p.get("moe") or {}).get("experts"))


def layer_ffn_kinds(p):
    """FFN kinds of a preset's layers: `moe` for MoE layers, `dense` for dense models and for the
    first_dense_layers of MoE models (measured as a layer of their own)."""
    if not is_moe(p):
        return ["dense"]
    return ["moe"] + (["dense"] if p["moe"].get("first_dense_layers", 0) > 0 else [])


def layer_points(quick=False):
    """(batch, q) grid of decode_layer and moe_block."""
    if quick:
        return [(b, q) for q in (1, 3) for b in (1, 8, 64)]
    return [(b, q) for q in LAYER_Q for b in LAYER_BATCH]
