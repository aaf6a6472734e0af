"""Timing and environment probes for the profiler (needs torch).

Method (README.md, "Method"): random inputs, warm-up, then on CUDA a CUDA graph of R calls that
each read a different copy of the weights (rotation: the copies together exceed 2x L2), replayed
and timed with CUDA events; the time of one call is the median over replays of elapsed / R. Where
graph capture fails the calls are timed one by one with events (recorded in metadata). On a CPU
the wall clock times each call. Every time is a median of repeats.
"""
import json
import math
import platform
import statistics
import subprocess
import time

import torch

GRAPH_TARGET_S = 1.5e-3  # one graph replay lasts about this long
MEASURE_TARGET_S = 0.02  # total timed work per shape, before the caps below
MAX_CALLS_PER_GRAPH = 256
MIN_REPLAYS, MAX_REPLAYS = 3, 25


class Timer:
    def __init__(self, device):
        self.device = device
        self.cuda = device.type == "cuda"
        self.fallbacks = 0  # shapes timed call by call because graph capture failed
        self.l2_bytes = 0
        if self.cuda:
            props = torch.cuda.get_device_properties(device)
            self.l2_bytes = int(getattr(props, "L2_cache_size", 0) or 50 << 20)
        self.stream = torch.cuda.Stream(device) if self.cuda else None

    def copies_for(self, nbytes):
        """Copies of an operand whose total exceeds 2x L2 (1 on a CPU, where L2 is not modelled)."""
        if not self.cuda or nbytes <= 0:
            return 1
        return max(1, min(MAX_CALLS_PER_GRAPH, math.ceil(2 * self.l2_bytes / nbytes) + 1))

    def _sync(self):
        if self.cuda:
            torch.cuda.synchronize(self.device)

    def _one(self, fn, i):
        if not self.cuda:
            t0 = time.perf_counter()
            fn(i)
            return time.perf_counter() - t0
        s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        s.record()
        fn(i)
        e.record()
        e.synchronize()
        return s.elapsed_time(e) * 1e-3

    def measure(self, fn, copies=1):
        """Median seconds of one fn(i) call; fn(i) must use operand copy i % copies."""
        with torch.no_grad():
            for i in range(2):  # warm-up: allocator, library heuristics, lazy init
                fn(i % copies)
            self._sync()
            est = statistics.median(self._one(fn, i % copies) for i in range(3))
            if self.cuda:
                try:
                    return self._graph(fn, copies, est)
                except Exception:  # noqa: BLE001 - some ops cannot be captured
                    self.fallbacks += 1
                    torch.cuda.synchronize(self.device)
            reps = int(min(MAX_REPLAYS * 2, max(5, MEASURE_TARGET_S / max(est, 1e-7))))
            return statistics.median(self._one(fn, i % copies) for i in range(reps))

    def _graph(self, fn, copies, est):
        calls = int(min(MAX_CALLS_PER_GRAPH, max(copies, GRAPH_TARGET_S / max(est, 1e-7), 1)))
        if calls > copies:  # whole rotations only, so every copy is read equally often
            calls = max(copies, calls // copies * copies)
        graph = torch.cuda.CUDAGraph()
        self.stream.wait_stream(torch.cuda.current_stream(self.device))
        with torch.cuda.stream(self.stream):
            fn(0)  # warm-up on the capture stream
            with torch.cuda.graph(graph, stream=self.stream):
                for i in range(calls):
                    fn(i % copies)
        torch.cuda.current_stream(self.device).wait_stream(self.stream)
        graph.replay()
        self._sync()
        replays = int(min(MAX_REPLAYS, max(MIN_REPLAYS, MEASURE_TARGET_S / max(est * calls,
                                                                                1e-7))))
        times = []
        for _ in range(replays):
            s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            s.record()
            graph.replay()
            e.record()
            e.synchronize()
            times.append(s.elapsed_time(e) * 1e-3 / calls)
        del graph
        return statistics.median(times)


def rotated(shape, copies, device, dtype=torch.bfloat16, scale=1.0):
    """`copies` random tensors of `shape` as views of one buffer (never zeros)."""
    n = math.prod(shape)
    buf = torch.randn(copies * n, device=device, dtype=dtype).mul_(scale)
    return [buf[i * n:(i + 1) * n].view(*shape) for i in range(copies)]


def nvidia_smi():
    """Clocks, power limit and driver as nvidia-smi reports them, or {} without it."""
    fields = ["name", "driver_version", "clocks.sm", "clocks.max.sm", "clocks.mem",
              "clocks.max.mem", "power.limit", "temperature.gpu"]
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=" + ",".join(fields),
                              "--format=csv,noheader,nounits", "-i", "0"],
                             capture_output=True, text=True, timeout=20, check=True).stdout
        return dict(zip(fields, [v.strip() for v in out.strip().splitlines()[0].split(",")]))
    except Exception:  # noqa: BLE001 - optional information
        return {}


def environment(device):
    """Device name and software versions for metadata.json."""
    env = {"torch": torch.__version__, "python": platform.python_version(),
           "platform": platform.platform(), "cuda": torch.version.cuda,
           "device_type": device.type, "device_name": platform.processor() or "cpu"}
    if device.type == "cuda":
        p = torch.cuda.get_device_properties(device)
        env.update(device_name=p.name, sm_count=p.multi_processor_count,
                   memory_bytes=p.total_memory, capability="%d.%d" % (p.major, p.minor),
                   l2_bytes=int(getattr(p, "L2_cache_size", 0)))
        try:
            v = torch.cuda.nccl.version()
            env["nccl"] = ".".join(map(str, v)) if isinstance(v, tuple) else str(v)
        except Exception:  # noqa: BLE001
            env["nccl"] = None
        env["cudnn"] = torch.backends.cudnn.version()
        env["nvidia_smi"] = nvidia_smi()
    return env


def device_rates(timer, device, quick=False):
    """Measured copy bandwidth (bytes read + written per second) and bf16 matmul rate."""
    n = (64 << 20) if (quick or device.type != "cuda") else (1 << 30)
    src = torch.randn(n // 2, device=device, dtype=torch.bfloat16)
    dst = torch.empty_like(src)
    t_copy = timer.measure(lambda i: dst.copy_(src))
    s = 1024 if (quick or device.type != "cuda") else 8192
    a = torch.randn(s, s, device=device, dtype=torch.bfloat16)
    b = torch.randn(s, s, device=device, dtype=torch.bfloat16)
    c = torch.empty(s, s, device=device, dtype=torch.bfloat16)
    t_mm = timer.measure(lambda i: torch.matmul(a, b, out=c))
    return {"copy_bytes": 2 * n, "copy_bandwidth_bytes_per_s": 2 * n / t_copy,
            "matmul_shape": [s, s, s], "matmul_flops_per_s": 2.0 * s ** 3 / t_mm}


HARDWARE_GUESS = [("H100", "h100-sxm"), ("H200", "h200"), ("H800", "h800"), ("H20", "h20"),
                  ("A100", "a100"), ("A800", "a800"), ("B200", "b200"), ("L40S", "l40s"),
                  ("L40", "l40"), ("4090", "rtx-4090"), ("PRO 6000", "rtx-pro-6000")]


def guess_hardware(device_name):
    """The catalog preset a device name most likely is (None if unknown)."""
    for needle, preset in HARDWARE_GUESS:
        if needle.lower() in (device_name or "").lower():
            return preset
    return None


def write_json(path, data):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2, sort_keys=True, default=str)
        f.write("\n")
