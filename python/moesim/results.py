"""Readers of a run folder (summary.json, requests.csv, steps.csv) and of a sweep's results.csv."""
import json
import os
from dataclasses import dataclass, field
from typing import Optional

import pandas as pd


@dataclass
class Run:
    """One `moesim run` output folder. `requests` and `steps` are None when the run did not write
    them (output.requests_csv / output.steps_csv false)."""
    path: str
    summary: dict
    requests: Optional[pd.DataFrame] = None
    steps: Optional[pd.DataFrame] = None
    extra: dict = field(default_factory=dict)

    @property
    def completed(self) -> pd.DataFrame:
        """Requests that completed (status 'completed')."""
        if self.requests is None:
            raise ValueError("%s has no requests.csv" % self.path)
        return self.requests[self.requests.status == "completed"]


def _csv(path):
    # keep_default_na=False: moesim writes no NA markers, and a status text must stay text.
    return pd.read_csv(path, keep_default_na=False) if os.path.exists(path) else None


def load_run(path) -> Run:
    """Reads a run folder; a folder without summary.json is not a (complete) run."""
    summary_path = os.path.join(path, "summary.json")
    if not os.path.exists(summary_path):
        raise FileNotFoundError("%s: no summary.json (not a moesim run folder, or the run "
                                "did not finish)" % path)
    with open(summary_path) as f:
        summary = json.load(f)
    requests = _csv(os.path.join(path, "requests.csv"))
    if requests is not None:
        for col in ("ttft_s", "tpot_s", "e2e_s"):  # empty cells (e.g. rejected requests) -> NaN
            if col in requests:
                requests[col] = pd.to_numeric(requests[col], errors="coerce")
    return Run(path=path, summary=summary, requests=requests,
               steps=_csv(os.path.join(path, "steps.csv")))


def load_sweep(path) -> pd.DataFrame:
    """A sweep folder's results.csv (or the file itself): one row per point, one column per knob
    and metric, as `moesim sweep` / `merge` wrote it."""
    f = path if path.endswith(".csv") else os.path.join(path, "results.csv")
    if not os.path.exists(f):
        raise FileNotFoundError("%s: no results.csv" % path)
    return pd.read_csv(f, keep_default_na=False, na_values=["", "null"])


def latency_cdf(values) -> pd.DataFrame:
    """Empirical CDF of a latency column: sorted values and the fraction of samples at or below
    each (NaN dropped), ready to plot as a step line."""
    v = pd.Series(values).dropna().sort_values().reset_index(drop=True)
    n = len(v)
    return pd.DataFrame({"value": v, "fraction": [(i + 1) / n for i in range(n)]})
