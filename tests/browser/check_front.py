#!/usr/bin/python3
"""The sweep chart's front and filter message as headless Chromium drew them
(tests/browser/run_browser_test.sh).

  check_front.py front DOM.html RESULTS.csv X Y X_LOWER Y_LOWER [COLUMN=VALUE]
  check_front.py message DOM.html EXPECTED_TEXT

front: the points ringed as the Pareto front (class "front") are the non-dominated points of
RESULTS.csv, computed here from the definition: rows with status ok, numbers in X and Y, and,
when given, COLUMN equal to VALUE (the filter the page was given); lower is better on an axis
whose *_LOWER is 1. message: #filter-message is marked bad and holds EXPECTED_TEXT. Prints one
line per failed check and exits 1 when any failed. Standard library only.
"""
import csv
import html
import re
import sys


def number(text):
    try:
        v = float(text)
    except ValueError:
        return None
    return v if v == v and abs(v) != float("inf") else None


def expected_front(rows, x, y, x_lower, y_lower, where):
    pts = []
    for i, r in enumerate(rows):
        if r["status"] != "ok":
            continue
        if where and number(r[where[0]]) != number(where[1]):
            continue
        vx, vy = number(r.get(x, "")), number(r.get(y, ""))
        if vx is None or vy is None:
            continue
        pts.append((i, -vx if x_lower else vx, -vy if y_lower else vy))

    def dominated(p):
        return any(q[1] >= p[1] and q[2] >= p[2] and (q[1] > p[1] or q[2] > p[2]) for q in pts)

    return sorted(p[0] for p in pts if not dominated(p))


def main(argv):
    kind, dom_path = argv[1], argv[2]
    dom = open(dom_path, encoding="utf-8").read()
    failures = []
    errors = re.search(r'<span id="js-errors">(\d+)</span>', dom)
    if not errors or errors.group(1) != "0":
        failures.append("script errors on the page")
    if kind == "front":
        results, x, y = argv[3], argv[4], argv[5]
        x_lower, y_lower = argv[6] == "1", argv[7] == "1"
        where = argv[8].split("=", 1) if len(argv) > 8 else None
        with open(results, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        want = expected_front(rows, x, y, x_lower, y_lower, where)
        got = sorted(int(m) for m in re.findall(
            r'<circle class="pt[^"]*\bfront\b[^"]*" data-point="(\d+)"', dom))
        label = f"x {x} ({'lower' if x_lower else 'higher'}), y {y} " \
                f"({'lower' if y_lower else 'higher'})" + (f", {argv[8]}" if where else "")
        if not want:
            failures.append(f"{label}: no front in results.csv: the test sweep is too small")
        if got != want:
            failures.append(f"{label}: the page rings points at {got}, expected {want}")
        if len(want) > 1 and '<path id="front-line" d="M' not in dom:
            failures.append(f"{label}: no step line through the front")
        if not failures:
            print(f"check_front: {label}: front {want} as expected")
    else:
        m = re.search(r'<div id="filter-message" class="bad">(.*?)</div>', dom, re.S)
        if not m:
            failures.append("no #filter-message marked bad")
        elif argv[3] not in html.unescape(m.group(1)):
            failures.append(f"#filter-message is '{html.unescape(m.group(1))}', expected it to "
                            f"hold '{argv[3]}'")
        else:
            print(f"check_front: the filter message holds '{argv[3]}'")
    for f in failures:
        print(f"check_front {kind}: {f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
