"""Runs the moesim binary as a subprocess and loads what it wrote."""
import os
import shutil
import subprocess

from .results import load_run, load_sweep


class MoesimError(RuntimeError):
    """moesim exited non-zero; `returncode` and `stderr` say why (exit 2: bad input, located)."""

    def __init__(self, cmd, returncode, stderr):
        super().__init__("%s exited %d:\n%s" % (" ".join(cmd), returncode, stderr.strip()))
        self.returncode = returncode
        self.stderr = stderr


def find_binary(binary=None):
    """The moesim executable: `binary`, else $MOESIM, else build/moesim of this checkout, else
    moesim on PATH."""
    candidates = [binary, os.environ.get("MOESIM"),
                  os.path.join(os.path.dirname(__file__), "..", "..", "build", "moesim")]
    for c in candidates:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return os.path.abspath(c)
    found = shutil.which("moesim")
    if found:
        return found
    raise FileNotFoundError("moesim binary not found: build it (make build) or set $MOESIM")


def _sets(sets):
    args = []
    for key, value in (sets or {}).items():
        if isinstance(value, bool):
            value = "true" if value else "false"
        args += ["--set", "%s=%s" % (key, value)]
    return args


def _call(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise MoesimError(cmd, p.returncode, p.stderr)
    return p


def run(scenario, out, sets=None, binary=None, extra_args=()):
    """`moesim run SCENARIO --out OUT [--set k=v]...`, then load_run(OUT)."""
    cmd = [find_binary(binary), "run", scenario, "--out", out, "--quiet", *_sets(sets),
           *extra_args]
    _call(cmd)
    return load_run(out)


def sweep(sweep_file, out, binary=None, extra_args=()):
    """`moesim sweep FILE --out OUT`, then load_sweep(OUT)."""
    _call([find_binary(binary), "sweep", sweep_file, "--out", out, *extra_args])
    return load_sweep(out)
