#!/usr/bin/python3
"""Checks one report page as headless Chromium drew it (tests/browser/run_browser_test.sh).

  check_page.py run|sweep DOM.html CHROMIUM_STDERR.log SCREENSHOT.png [RESULTS.csv]

DOM.html is `chromium --dump-dom` of the page, the log is Chromium's stderr with
--enable-logging=stderr, the screenshot is --screenshot at --window-size=1200,2000. Checks:
no script error (the page's own counter in #js-errors, and no "Uncaught" in the log), the page
drawn to its end (#render-status), the content of its kind (run: three CDF lines and the
summary; sweep: one chart mark per row of RESULTS.csv, each with its knobs in a <title>), and
the screenshot: not blank, the CDF line colour (run) or the mark colour (sweep) in enough pixels.
Prints one line per failed check and exits 1 when any failed. Standard library and python3-pil.
"""
import csv
import re
import sys

from PIL import Image

CDF_TTFT = (0xE6, 0x9F, 0x00)  # analysis/report/run.js CDF_COLOURS.TTFT
MARK = (0x00, 0x72, 0xB2)      # analysis/report/sweep.js MARK_COLOUR


def colour_pixels(img, rgb, tolerance=12):
    count = 0
    for p in img.getdata():
        if all(abs(p[i] - rgb[i]) <= tolerance for i in range(3)):
            count += 1
    return count


def main(argv):
    kind, dom_path, log_path, png_path = argv[1:5]
    failures = []
    dom = open(dom_path, encoding="utf-8").read()
    log = open(log_path, encoding="utf-8", errors="replace").read()

    m = re.search(r'<span id="js-errors">(\d+)</span>', dom)
    if not m:
        failures.append("no #js-errors element in the DOM: the page did not load")
    elif m.group(1) != "0":
        failures.append(f"{m.group(1)} script error(s) counted by the page")
    if "Uncaught" in log:
        lines = [l for l in log.splitlines() if "Uncaught" in l]
        failures.append("Chromium logged: " + lines[0].strip())
    if '<span id="render-status">drawn</span>' not in dom:
        failures.append("the page's script did not run to its end (#render-status not 'drawn')")

    img = Image.open(png_path).convert("RGB")
    w, h = img.size
    small = img.resize((w // 4, h // 4))
    colours = len(set(small.getdata()))
    non_white = sum(1 for p in small.getdata() if p != (255, 255, 255))
    if colours < 10 or non_white < 0.02 * (w // 4) * (h // 4):
        failures.append(f"the screenshot looks blank ({colours} colours, {non_white} non-white "
                        "pixels at 1/4 scale)")

    if kind == "run":
        cdfs = re.findall(r'<path class="cdf" d="M', dom)
        if len(cdfs) != 3:
            failures.append(f"{len(cdfs)} CDF lines in the DOM, expected 3 (TTFT, TPOT, E2E)")
        if 'id="summary"' not in dom or "throughput_output_tokens_per_s" not in dom:
            failures.append("no summary table with the throughput")
        for chart in ("steps-chart", "kv-chart"):
            if f'id="{chart}"' not in dom:
                failures.append(f"no #{chart}")
        n = colour_pixels(img, CDF_TTFT)
        if n < 300:
            failures.append(f"the TTFT CDF colour #E69F00 covers {n} pixels, expected >= 300")
    else:
        with open(argv[5], newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        marks = re.findall(r'<circle class="pt[^"]*"[^>]*>(.*?)</circle>', dom, re.S)
        if len(marks) != len(rows):
            failures.append(f"{len(marks)} marks in the Pareto chart, results.csv has "
                            f"{len(rows)} rows")
        knobs = [k for k in ("speculative.gamma", "serving.scheduler.max_num_seqs",
                             "deployment.tp") if rows and k in rows[0]]
        without = [t for t in marks if not t.startswith("<title>") or
                   any(k + " = " not in t for k in knobs)]
        if without:
            failures.append(f"{len(without)} marks without a tooltip naming every knob")
        for r in rows:
            needle = f"point {r['index']} ({r['status']})"
            if not any(needle in t for t in marks):
                failures.append(f"no mark's tooltip names '{needle}'")
        if 'id="selection"' not in dom:
            failures.append("no selection table")
        ok = sum(1 for r in rows if r["status"] == "ok")
        n = colour_pixels(img, MARK)
        if n < 60 * ok:
            failures.append(f"the mark colour #0072B2 covers {n} pixels, expected >= {60 * ok} "
                            f"for {ok} points with values")

    for f in failures:
        print(f"check_page {kind}: {f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
