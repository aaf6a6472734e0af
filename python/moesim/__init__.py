"""Load moesim's results into pandas and run moesim from Python.

    import moesim
    run = moesim.run("scenarios/quickstart.yaml", out="results/q", sets={"workload.source.requests": 100})
    run.summary["ttft_s"]["p90"]          # summary.json as nested dicts
    run.requests.ttft_s.describe()        # requests.csv as a DataFrame
    run.steps.groupby("instance").duration_s.sum()
    sweep = moesim.load_sweep("results/study")   # results.csv of a sweep, one row per point

Reads the files the README's "Results" section documents; nothing here re-computes a metric that
moesim already wrote. Needs pandas (Debian: python3-pandas).
"""
from .results import Run, load_run, load_sweep, latency_cdf  # noqa: F401
from .runner import MoesimError, find_binary, run, sweep  # noqa: F401

__all__ = ["Run", "load_run", "load_sweep", "latency_cdf", "MoesimError", "find_binary", "run",
           "sweep"]
