#!/usr/bin/env bash
# The campaign statistics page in a real browser: Debian's chromium renders the page that
# `orgctl campaign stats --html` writes, headless, and the figures of the rendered DOM
# (chromium --dump-dom) must be those of `-o json` of the same run, read by the checker
# tests/cli/t8600 uses on the page as written (tests/cli/campaign-stats-html.py): the
# hand-computed file of tests/data/campaign-stats, a page with hostile names, a bigger
# generated one (examples/campaign-stats.sh). Run by CI (.ci/run), which installs chromium.
#
# Usage: ORGCTL_BUILD_DIR=build bash tests/browser/campaign-stats.sh
#   CHROMIUM names the browser (default: chromium). Prints TAP, then "N passed, N failed".
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${ORGCTL_BUILD_DIR:-$top/build}" && pwd)
orgctl=$build/cmd/orgctl
chromium=${CHROMIUM:-chromium}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/orgctl-browser.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
cd "$scratch" || exit 1
export ORGCTL_NOW=2026-03-02T12:00:00Z LC_ALL=C
unset ORGCTL_DIR ORGCTL_ORG ORGCTL_ACTOR

n=0 failed=0
check() { # DESCRIPTION COMMAND...: one test point, the output shown on failure
	local desc=$1 out
	shift
	n=$((n + 1))
	if out=$("$@" 2>&1); then
		echo "ok $n - $desc"
	else
		failed=$((failed + 1))
		echo "not ok $n - $desc"
		printf '%s\n' "$out" | sed 's/^/# /'
	fi
}

# render PAGE DOM: the DOM chromium builds from PAGE, serialized (no network, no sandbox:
# CI runs as root; a fresh profile each time).
render() {
	timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run \
		--user-data-dir="$scratch/profile-$n" --dump-dom "file://$scratch/$1" >"$2" 2>"$2.err" &&
		test -s "$2" || { cat "$2.err"; return 1; }
}

# page NAME RECORDS: the page and -o json of one run, the DOM rendered, and the figures
# compared.
page() {
	"$orgctl" campaign stats "$2" --html "$1.html" -o json >"$1.json" &&
		render "$1.html" "$1.dom.html" &&
		grep -q "<svg id=\"hours-chart\"" "$1.dom.html" &&
		python3 "$top/tests/cli/campaign-stats-html.py" "$1.dom.html" "$1.json"
}

if ! command -v "$chromium" >/dev/null; then
	echo "Bail out! no $chromium (CI installs Debian's chromium; CHROMIUM names another)"
	echo "0 passed, 1 failed"
	exit 1
fi
check "chromium runs: $("$chromium" --version 2>/dev/null | head -n 1)" "$chromium" --version

cp "$top/tests/data/campaign-stats/records.csv" records.csv
check "the hand-computed records: every figure of the rendered DOM is that of -o json" \
	page records records.csv
check "the rendered DOM holds the hand-computed total (13 records, 7 this hour)" eval '
	grep -q "data-scope=\"total\" data-figure=\"records\">13<" records.dom.html &&
	grep -q "data-scope=\"total\" data-figure=\"current_hourly_rate\">7<" records.dom.html'

name='<script>alert(1)</script> & "quoted" '"'"'x'"'"
{
	echo "time,campaign,sub-campaign,number,result,duration,agent"
	printf '2026-03-02T11:00:00Z,"%s","</td><td data-figure=""records"">999",+1,connected,60,ann\n' \
		"${name//\"/\"\"}"
	echo '2026-03-02T11:10:00Z,<img src=x onerror=alert(2)>,Day 1,+1,busy,0,'
} >hostile.csv
check "hostile names: the rendered DOM has their figures, as -o json" page hostile hostile.csv
check "hostile names: no script, no image made of them in the rendered DOM" eval '
	! grep -qi "<script" hostile.dom.html && ! grep -qi "<img" hostile.dom.html'

mkdir example
check "the example's generated records (6,000 calls): the rendered DOM as -o json" eval '
	ORGCTL=$orgctl bash "$top/examples/campaign-stats.sh" example >/dev/null 2>&1 &&
	page example example/call-results.csv'

echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
