#!/usr/bin/python3
"""The expression corpus in the report page's JavaScript (tests/browser/run_browser_test.sh).

  expr_page.py make REPORT.html CORPUS.txt HARNESS.js OUT.html
  expr_page.py check DOM.html EXPECTED.txt

make: a copy of a sweep report page with the corpus (tests/browser/expr_corpus.txt) and the
harness script (expr_harness.js) added after the page's own script; the page's data gives the
unit table. check: the lines the harness wrote into #expr-results (Chromium's --dump-dom) against
the record of analysis/sweep_expr's results (expr_expected.txt, kept by
tests/sweep/test_sweep_expr_corpus.cpp): values equal to 1e-12 relative, errors as errors with
the same column and message. Prints one line per difference and exits 1 when there is one.
Standard library only.
"""
import html
import re
import sys


def make(report, corpus, harness, out):
    page = open(report, encoding="utf-8").read()
    corpus_text = open(corpus, encoding="utf-8").read()
    script = open(harness, encoding="utf-8").read()
    if "</script" in corpus_text.lower() or "</script" in script.lower():
        sys.exit("expr_page: the corpus or the harness holds '</script'")
    extra = ('<script type="text/plain" id="expr-corpus">' + corpus_text + "</script>\n" +
             "<script>\n" + script + "</script>\n")
    at = page.rindex("</body>")
    open(out, "w", encoding="utf-8").write(page[:at] + extra + page[at:])
    return 0


def same(got, want):
    if got == want:
        return True
    if got.startswith("value ") and want.startswith("value "):
        try:
            a, b = float(got[6:]), float(want[6:])
        except ValueError:
            return False
        return abs(a - b) <= 1e-12 * max(abs(a), abs(b))
    return False


def check(dom_path, expected_path):
    dom = open(dom_path, encoding="utf-8").read()
    m = re.search(r'<pre id="expr-results">(.*?)</pre>', dom, re.S)
    if not m:
        print("expr_page: no #expr-results in the DOM: the harness did not run")
        return 1
    got = html.unescape(m.group(1)).splitlines()
    want = open(expected_path, encoding="utf-8").read().splitlines()
    expressions = [l for l in open(expected_path.replace("expr_expected.txt", "expr_corpus.txt"),
                                   encoding="utf-8").read().splitlines()
                   if l and not l.startswith("#") and not l.startswith("@ ")]
    failures = []
    if len(got) != len(want):
        failures.append(f"{len(got)} results from the page, {len(want)} recorded")
    for i, (g, w) in enumerate(zip(got, want)):
        if not same(g, w):
            what = expressions[i] if i < len(expressions) else f"#{i + 1}"
            failures.append(f"'{what}': the page gives '{g}', sweep_expr '{w}'")
    errors = re.search(r'<span id="js-errors">(\d+)</span>', dom)
    if not errors or errors.group(1) != "0":
        failures.append("script errors on the corpus page")
    for f in failures:
        print(f"expr_page: {f}")
    if not failures:
        print(f"expr_page: {len(got)} expressions agree with sweep_expr")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "make":
        sys.exit(make(*sys.argv[2:]))
    if len(sys.argv) == 4 and sys.argv[1] == "check":
        sys.exit(check(*sys.argv[2:]))
    sys.exit(__doc__)
