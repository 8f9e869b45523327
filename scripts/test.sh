#!/usr/bin/env bash
# `npm test`: typecheck, lint, unit + integration tests (vitest), a production build, and the
# Playwright end-to-end suite in Debian's Chromium. Every stage runs even when an earlier one
# fails; the last line totals them all as `N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 NO_COLOR=1 FORCE_COLOR=0
mkdir -p .tmp
passed=0
failed=0

stage() { echo; echo "=== $1 ==="; }
count_check() { if [ "$1" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "stage failed: $2"; fi; }

# Sums `passed failed` pairs printed by a small node reader of a JSON report.
add_counts() {
  local counts
  counts=$(node -e "$1" 2>/dev/null) || counts="0 1"
  passed=$((passed + ${counts% *}))
  failed=$((failed + ${counts#* }))
}

stage "typecheck"
npx tsc --noEmit -p .
count_check $? typecheck

stage "lint"
npx eslint . --max-warnings=0
count_check $? lint

stage "unit and integration tests (vitest)"
rm -f .tmp/vitest-results.json
npx vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest-results.json
vitest_status=$?
add_counts "const r=require('./.tmp/vitest-results.json');console.log(r.numPassedTests+' '+(r.numFailedTests+(r.numRuntimeErrors??0)))"
if [ $vitest_status -ne 0 ] && [ ! -s .tmp/vitest-results.json ]; then failed=$((failed + 1)); fi

stage "build"
npx next build
build_status=$?
count_check $build_status build

stage "end-to-end (Playwright, Chromium)"
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "installing Debian's chromium (Playwright cannot download browsers here)"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || echo "chromium install failed"
fi
if [ $build_status -eq 0 ]; then
  rm -f .tmp/playwright-results.json
  npx playwright test
  add_counts "const r=require('./.tmp/playwright-results.json');const s=r.stats;console.log(s.expected+s.flaky+' '+(s.unexpected))"
else
  echo "skipped: the build failed"
  failed=$((failed + 1))
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
