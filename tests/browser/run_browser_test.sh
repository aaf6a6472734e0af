#!/usr/bin/env bash
# The browser test (`make test-browser`; also the ctest `browser_report`): reports on a small
# run and on a small sweep (tests/browser/sweep.yaml) with `moesim report`, loads each page in
# headless Chromium (DOM dump and a 1200 x 2000 screenshot) and checks it with check_page.py:
# no script error, the content drawn, one chart mark per sweep point with its knobs on hover, and
# the screenshot not blank with the chart colours present. Then it breaks a copy of the run page
# (a script that throws) and requires the check to fail on it, so a broken page cannot pass.
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
[ $status -eq 0 ] && echo "run_browser_test: run and sweep pages ok; a broken page is caught"
exit $status
