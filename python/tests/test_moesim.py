"""The moesim Python package against real runs of the binary (ctest: python_package).

    MOESIM=build/moesim python3 -m unittest discover -s python/tests
"""
import json
import math
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import moesim  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
QUICKSTART = os.path.join(ROOT, "scenarios", "quickstart.yaml")


class RunTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="moesim-python-%d-" % os.getpid())
        cls.result = moesim.run(QUICKSTART, out=os.path.join(cls.tmp, "q"),
                             sets={"workload.source.requests": 40,
                                   "speculative.compare_without_speculation": False,
                                   "output.steps_csv": True})

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_tables_agree_with_the_summary(self):
        s, r = self.result.summary, self.result.requests
        self.assertEqual(len(r), s["requests_total"])
        self.assertEqual(len(self.result.completed), s["requests_completed"])
        self.assertEqual(int(self.result.completed.output_tokens.sum()), s["output_tokens"])
        # summary.json's mean TTFT is the mean of requests.csv's column (printed to 9 digits).
        self.assertAlmostEqual(self.result.completed.ttft_s.mean(), s["ttft_s"]["mean"], places=6)
        self.assertEqual(len(self.result.steps), s["steps"])
        self.assertLessEqual(self.result.steps.start_s.max(), s["simulated_time_s"])

    def test_latency_cdf(self):
        cdf = moesim.latency_cdf(self.result.completed.e2e_s)
        self.assertEqual(len(cdf), len(self.result.completed))
        self.assertTrue(cdf.value.is_monotonic_increasing)
        self.assertEqual(cdf.fraction.iloc[-1], 1.0)
        # nearest-rank p90, as summary.json computes it
        n = len(cdf)
        self.assertAlmostEqual(cdf.value.iloc[math.ceil(0.9 * n) - 1],
                               self.result.summary["e2e_s"]["p90"], places=6)

    def test_bad_input_raises_with_exit_status_2(self):
        with self.assertRaises(moesim.MoesimError) as ctx:
            moesim.run(QUICKSTART, out=os.path.join(self.tmp, "bad"),
                       sets={"serving.no_such_key": 1})
        self.assertEqual(ctx.exception.returncode, 2)
        self.assertIn("no_such_key", ctx.exception.stderr)

    def test_missing_folder_is_not_a_run(self):
        with self.assertRaises(FileNotFoundError):
            moesim.load_run(os.path.join(self.tmp, "nothing-here"))


class SweepTest(unittest.TestCase):
    def test_results_csv_one_row_per_point(self):
        tmp = tempfile.mkdtemp(prefix="moesim-python-sweep-%d-" % os.getpid())
        try:
            sweep_file = os.path.join(tmp, "s.yaml")
            with open(QUICKSTART) as f:
                base = f.read().replace("requests: 300", "requests: 20")
            with open(sweep_file, "w") as f:
                f.write(base.replace("compare_without_speculation: true",
                                     "compare_without_speculation: false"))
                f.write("sweep:\n  grid:\n    speculative.gamma: [1, 2, 3]\n")
            results = moesim.sweep(sweep_file, out=os.path.join(tmp, "out"),
                                   extra_args=["--jobs", "1", "--quiet"])
            self.assertEqual(len(results), 3)
            self.assertEqual(sorted(results["speculative.gamma"].tolist()), [1, 2, 3])
            with open(os.path.join(tmp, "out", "sweep.json")) as f:
                self.assertTrue(json.load(f))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
