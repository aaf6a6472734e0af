"""Skewed MoE all-to-all traffic matrices (standard library only; no torch).

Per-token bytes as moesim's step_ops.cpp counts them (models/README.md, ep_dispatch/ep_combine):
  deepseek-v3      hidden 7168, 256 routed experts, top-8; dispatch FP8 + per-token scales
                   (7168 + 512 = 7680 B), combine BF16 (14336 B)
  qwen3-235b-a22b  hidden 4096, 128 routed experts, top-8; dispatch and combine BF16 (8192 B)
Expert popularity is Zipf-like, p_j ~ 1/(j+1)^s (moesim's `skewed` routing), experts placed
contiguously (E/g per rank, the hottest on rank 0: the worst case for that skew). Every token of
every rank draws top-k distinct experts with these weights from a seeded stream; one
(token, expert) pair moves one token's bytes (no de-duplication per destination rank, as moesim
counts pairs). The matrix is the same on every rank (same seed), so splits agree.
"""
import random

CASES = {
    # name: (hidden, experts, top_k, dispatch bytes per token, combine bytes per token)
    "deepseek-v3": (7168, 256, 8, 7168 + 512, 7168 * 2),
    "qwen3-235b-a22b": (4096, 128, 8, 4096 * 2, 4096 * 2),
}
TOKENS = [128, 1024, 4096]  # tokens per rank per step (decode batch .. prefill chunk)
TOKENS_QUICK = [128, 1024]
SKEWS = [1.0]  # Zipf exponent; 0 would be uniform routing


def pair_counts(experts, top_k, ranks, tokens, skew, seed=1234):
    """counts[r][q]: (token, expert) pairs from rank r's tokens to experts on rank q."""
    rng = random.Random(seed)
    weights = [1.0 / (j + 1) ** skew for j in range(experts)]
    cum, acc = [], 0.0
    for w in weights:
        acc += w
        cum.append(acc)
    per_rank = experts // ranks
    counts = [[0] * ranks for _ in range(ranks)]
    for r in range(ranks):
        for _ in range(tokens):
            chosen = set()
            while len(chosen) < top_k:
                chosen.add(rng.choices(range(experts), cum_weights=cum)[0])
            for e in chosen:
                counts[r][e // per_rank] += 1
    return counts


def traffic(case, phase, ranks, tokens, skew, seed=1234):
    """Bytes matrix b[r][q] (rank r sends to rank q) for `phase` dispatch or combine, and a
    summary: max_peer = max over ranks of max(bytes sent to peers, bytes received from peers)
    (self excluded): the busiest rank's bytes, what the table's `bytes` column holds; mean_peer =
    mean over ranks of bytes sent to peers."""
    hidden, experts, top_k, disp, comb = CASES[case]
    del hidden
    counts = pair_counts(experts, top_k, ranks, tokens, skew, seed)
    per_token = disp if phase == "dispatch" else comb
    if phase == "dispatch":
        b = [[counts[r][q] * per_token for q in range(ranks)] for r in range(ranks)]
    else:  # combine returns every pair's output to the token's rank: the transpose
        b = [[counts[q][r] * per_token for q in range(ranks)] for r in range(ranks)]
    sent = [sum(b[r][q] for q in range(ranks) if q != r) for r in range(ranks)]
    recv = [sum(b[q][r] for q in range(ranks) if q != r) for r in range(ranks)]
    max_peer = max(max(s, v) for s, v in zip(sent, recv))
    return b, {"max_peer": max_peer, "mean_peer": sum(sent) / ranks}


def plan(quick=False):
    """(case, phase, tokens, skew) in measurement order."""
    out = []
    for case in CASES:
        for phase in ("dispatch", "combine"):
            for t in (TOKENS_QUICK if quick else TOKENS):
                for s in SKEWS:
                    out.append((case, phase, t, s))
    return out


if __name__ == "__main__":  # a look at the matrices, no torch needed
    for case, phase, t, s in plan(quick=True):
        for g in (2, 4, 8):
            _, m = traffic(case, phase, g, t, s)
            print("%-16s %-8s tokens %5d ranks %d  busiest %10d B  mean %12.0f B  ratio %.2f"
                  % (case, phase, t, g, m["max_peer"], m["mean_peer"],
                     m["max_peer"] / max(1.0, m["mean_peer"])))
