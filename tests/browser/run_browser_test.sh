#!/usr/bin/env bash
# The browser test (`make test-browser`; also the ctest `browser_report`): reports on a small
# run and on a small sweep (tests/browser/sweep.yaml) with `moesim report`, loads each page in
# headless Chromium (DOM dump and a 1200 x 2000 screenshot) and checks it with check_page.py:
# no script error, the content drawn, one chart mark per sweep point with its knobs on hover, and
# the screenshot not blank with the chart colours present. The sweep page's controls: the
# expression corpus (expr_corpus.txt) evaluated by the page's expr.js agrees with sweep_expr's
# record of it (expr_page.py), the front ringed for several axes and directions (set through the
# page address's #fragment) is the one check_front.py computes from results.csv, and bad filter
# text shows its error and column under the box. Then it breaks a copy of the run page (a script
# that throws) and of the corpus page (one operator of expr.js), and requires the checks to fail
# on them, so a broken page cannot pass.
#   tests/browser/run_browser_test.sh [MOESIM]   (default build/moesim)
# Exit status 77 (ctest: skipped) when Chromium is not installed; `make test-browser` installs
# it first (scripts/bootstrap.sh browser). KEEP=1 keeps the work folder.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
moesim=$(cd "$(dirname "${1:-$repo/build/moesim}")" && pwd)/$(basename "${1:-$repo/build/moesim}")
[ -x "$moesim" ] || { echo "run_browser_test: $moesim not built (make build)" >&2; exit 2; }
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
  echo "run_browser_test: chromium not installed (scripts/bootstrap.sh browser): skipped" >&2
  exit 77
fi
python=/usr/bin/python3
"$python" -c "import PIL" 2>/dev/null || {
  echo "run_browser_test: python3-pil not installed (scripts/bootstrap.sh browser): skipped" >&2
  exit 77
}

work=$(mktemp -d "${TMPDIR:-/tmp}/moesim-browser-test.XXXXXX")
cleanup() {
  local rc=$?
  if [ "${KEEP:-0}" = 1 ]; then echo "run_browser_test: kept $work" >&2; else rm -rf "$work"; fi
  exit $rc
}
trap cleanup EXIT

# One page in Chromium: DOM dump, stderr log, screenshot. Its own profile folder, so that
# concurrent runs do not share one.
browse() {  # PAGE PREFIX
  local page=$1 prefix=$2
  local flags=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run
               --user-data-dir="$work/profile-$(basename "$prefix")" --enable-logging=stderr
               --virtual-time-budget=5000)
  timeout 120 "$chromium" "${flags[@]}" --dump-dom "file://$page" >"$prefix.dom.html" \
    2>"$prefix.log"
  timeout 120 "$chromium" "${flags[@]}" --hide-scrollbars --window-size=1200,2000 \
    --screenshot="$prefix.png" "file://$page" >/dev/null 2>>"$prefix.log"
}

# The DOM of a page (a #fragment allowed) alone, without a screenshot.
dump() {  # URL-PATH PREFIX
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --no-first-run --user-data-dir="$work/profile-$(basename "$2")" --enable-logging=stderr \
    --virtual-time-budget=5000 --dump-dom "file://$1" >"$2.dom.html" 2>"$2.log"
}

"$moesim" run --quiet --set workload.source.requests=40 --out "$work/run" >/dev/null
"$moesim" sweep "$repo/tests/browser/sweep.yaml" --jobs 2 --quiet --out "$work/sweep" >/dev/null
"$moesim" report "$work/run" >/dev/null
"$moesim" report "$work/sweep" >/dev/null

status=0
browse "$work/run/report.html" "$work/run-page"
"$python" "$repo/tests/browser/check_page.py" run "$work/run-page.dom.html" "$work/run-page.log" \
  "$work/run-page.png" || status=1
browse "$work/sweep/report.html" "$work/sweep-page"
"$python" "$repo/tests/browser/check_page.py" sweep "$work/sweep-page.dom.html" \
  "$work/sweep-page.log" "$work/sweep-page.png" "$work/sweep/results.csv" || status=1

# The page's expression language against sweep_expr, over the corpus.
"$python" "$repo/tests/browser/expr_page.py" make "$work/sweep/report.html" \
  "$repo/tests/browser/expr_corpus.txt" "$repo/tests/browser/expr_harness.js" "$work/expr.html"
dump "$work/expr.html" "$work/expr-page"
"$python" "$repo/tests/browser/expr_page.py" check "$work/expr-page.dom.html" \
  "$repo/tests/browser/expr_expected.txt" || status=1

# The front on chosen axes and directions, and the filter's messages, set through the #fragment.
fragment() {  # KEY=VALUE...
  "$python" -c 'import sys, urllib.parse as u
print("&".join(k + "=" + u.quote(v, safe="") for k, v in (a.split("=", 1) for a in sys.argv[1:])))' "$@"
}
front() {  # NAME X Y X_LOWER Y_LOWER [COLUMN=VALUE]
  local name=$1 x=$2 y=$3 xl=$4 yl=$5 where=${6:-}
  local frag
  frag=$(fragment "x=$x" "y=$y" "x-lower=$xl" "y-lower=$yl" ${where:+"filter=${where/=/ == }"})
  dump "$work/sweep/report.html#$frag" "$work/front-$name"
  "$python" "$repo/tests/browser/check_front.py" front "$work/front-$name.dom.html" \
    "$work/sweep/results.csv" "$x" "$y" "$xl" "$yl" ${where:+"$where"} || status=1
}
front default tpot_s.mean throughput_output_tokens_per_s_per_device 1 0
front both-lower ttft_s.p90 tpot_s.p90 1 1
front both-higher throughput_output_tokens_per_s ttft_s.mean 0 0
front x-higher-y-lower throughput_output_tokens_per_s_per_device tpot_s.mean 0 1
front filtered tpot_s.mean throughput_output_tokens_per_s_per_device 1 0 \
  serving.scheduler.max_num_seqs=64
message() {  # NAME FILTER EXPECTED
  dump "$work/sweep/report.html#$(fragment "filter=$2")" "$work/message-$1"
  "$python" "$repo/tests/browser/check_front.py" message "$work/message-$1.dom.html" "$3" ||
    status=1
}
message unit "tpot_s.p90 <= 30parsec" "unknown unit 'parsec'"
message unit-column "tpot_s.p90 <= 30parsec" "at column 17"
message column "tpot_s.p99x < 1" "unknown column 'tpot_s.p99x' at column 1"
message and "tpot_s.p90 < 1 && 2" "'&&' joins comparisons such as 'a <= 1' at column 16"

# The check itself: a page whose script throws must fail it.
sed 's|<main id="report"></main>|&<script>window.moesimBrokenOnPurpose();</script>|' \
  "$work/run/report.html" >"$work/broken.html"
browse "$work/broken.html" "$work/broken-page"
if "$python" "$repo/tests/browser/check_page.py" run "$work/broken-page.dom.html" \
     "$work/broken-page.log" "$work/broken-page.png" >"$work/broken-check.txt"; then
  echo "run_browser_test: the check passed a page with a script error" >&2
  status=1
elif ! grep -q "script error" "$work/broken-check.txt"; then
  echo "run_browser_test: the broken page failed for another reason:" >&2
  cat "$work/broken-check.txt" >&2
  status=1
fi
# And a page whose expression language disagrees with sweep_expr (a product that adds) must
# fail the corpus check.
sed 's|case "\*": return x \* y;|case "*": return x + y;|' "$work/expr.html" >"$work/expr-broken.html"
if cmp -s "$work/expr.html" "$work/expr-broken.html"; then
  echo "run_browser_test: could not break the corpus page (expr.js changed?)" >&2
  status=1
else
  dump "$work/expr-broken.html" "$work/expr-broken-page"
  if "$python" "$repo/tests/browser/expr_page.py" check "$work/expr-broken-page.dom.html" \
       "$repo/tests/browser/expr_expected.txt" >"$work/expr-broken-check.txt"; then
    echo "run_browser_test: the corpus check passed a page whose '*' adds" >&2
    status=1
  fi
fi
[ $status -eq 0 ] && echo "run_browser_test: run and sweep pages ok; the page's expressions" \
  "agree with sweep_expr; the front follows the axes; broken pages are caught"
exit $status
