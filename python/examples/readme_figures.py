#!/usr/bin/env python3
"""Redraws two of the README's figures from moesim's own output, through the moesim package:
the quickstart's latency CDFs (TTFT, TPOT, end-to-end; README "Results", latency_cdf.svg) and
the 910B MoE-configuration study's Pareto chart (README "Studies",
docs/studies/moe-config-910b-pareto.svg: throughput per device against 1 / mean TPOT, the points
that meet the TPOT SLO).

    python3 python/examples/readme_figures.py --out results/figures [--requests N] [--no-study]

Writes latency_cdf.png and moe-config-910b-pareto.png (matplotlib, no display needed).
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import moesim  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def latency_figure(run, path):
    done = run.completed
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.5))
    for ax, col, title in zip(axes, ("ttft_s", "tpot_s", "e2e_s"), ("TTFT", "TPOT", "E2E")):
        cdf = moesim.latency_cdf(done[col] * 1e3)
        ax.step(cdf.value, cdf.fraction, where="post")
        p90 = run.summary[col]["p90"] * 1e3
        ax.axvline(p90, color="grey", linestyle=":", label="p90 %.1f ms" % p90)
        ax.set_title(title)
        ax.set_xlabel("ms")
        ax.legend(loc="lower right")
    axes[0].set_ylabel("fraction of requests")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def pareto_figure(results, path, tpot_slo_s=0.05):
    ok = results[(results.status == "ok") & (results["tpot_s.p90"] <= tpot_slo_s)].copy()
    x = "throughput_output_tokens_per_s_per_device"
    ok["per_user"] = 1.0 / ok["tpot_s.mean"]
    front = []
    for _, r in ok.sort_values(x, ascending=False).iterrows():
        if not front or r.per_user > front[-1].per_user:
            front.append(r)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.scatter(ok[x], ok.per_user, s=12, label="meets TPOT p90 <= %g ms" % (tpot_slo_s * 1e3))
    ax.plot([r[x] for r in front], [r.per_user for r in front], "r-o", ms=4, label="Pareto front")
    ax.set_xlabel("output tokens / s per device")
    ax.set_ylabel("tokens / s per user (1 / mean TPOT)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return ok, front


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default="results/figures")
    ap.add_argument("--requests", type=int, default=300, help="quickstart requests (README: 300)")
    ap.add_argument("--no-study", action="store_true", help="skip the 108-point sweep")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    run = moesim.run(os.path.join(ROOT, "scenarios", "quickstart.yaml"),
                     out=os.path.join(args.out, "quickstart"),
                     sets={"workload.source.requests": args.requests,
                           "speculative.compare_without_speculation": False})
    latency_figure(run, os.path.join(args.out, "latency_cdf.png"))
    print("quickstart: %d requests, TTFT p90 %.1f ms, TPOT p90 %.2f ms -> %s" % (
        run.summary["requests_completed"], run.summary["ttft_s"]["p90"] * 1e3,
        run.summary["tpot_s"]["p90"] * 1e3, os.path.join(args.out, "latency_cdf.png")))
    if not args.no_study:
        results = moesim.sweep(os.path.join(ROOT, "scenarios", "studies", "moe-config-910b.yaml"),
                               out=os.path.join(args.out, "moe-config-910b"),
                               extra_args=["--jobs", str(args.jobs), "--quiet"])
        ok, front = pareto_figure(results, os.path.join(args.out, "moe-config-910b-pareto.png"))
        print("910B study: %d points, %d meet the SLO, %d on the front" % (
            len(results), len(ok), len(front)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
