#!/usr/bin/env bash
# The campaign statistics page in a real browser: Debian's chromium renders the page that
# `orgctl campaign stats --html` writes, headless, and the figures of the rendered DOM
# (chromium --dump-dom) must be those of `-o json` of the same run, read by the checker
# tests/cli/t8600 uses on the page as written (tests/cli/campaign-stats-html.py): the
# hand-computed file of tests/data/campaign-stats, a page with hostile names, a bigger
# generated one (examples/campaign-stats.sh). Run by CI (.ci/run), which installs chromium.
#
# Usage: ORGCTL_BUILD_DIR=build bash tests/browser/campaign-stats.sh
#   CHROMIUM names the browser (default: chromium). Prints TAP (tests/cli/test-lib.sh),
#   then "N passed, N failed".
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${ORGCTL_BUILD_DIR:-$top/build}" && pwd)
chromium=${CHROMIUM:-chromium}
. "$top/tests/cli/test-lib.sh" "$build/cmd/orgctl" "$top"
export ORGCTL_NOW=2026-03-02T12:00:00Z

if ! command -v "$chromium" >/dev/null; then
	echo "Bail out! no $chromium (CI installs Debian's chromium; CHROMIUM names another)"
	echo "0 passed, 1 failed"
	exit 1
fi

# render PAGE DOM: the DOM chromium builds from PAGE, serialized (no sandbox: CI runs as
# root; a fresh profile each time).
render() {
	timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run \
		--user-data-dir="$SCRATCH/profile-$test_count" --dump-dom "file://$SCRATCH/$1" \
		>"$2" 2>"$2.err" && test -s "$2" || { cat "$2.err"; return 1; }
}

# page NAME RECORDS: the page and -o json of one run, the DOM rendered, and the figures
# compared.
page() {
	orgctl campaign stats "$2" --html "$1.html" -o json >"$1.json" &&
		render "$1.html" "$1.dom.html" &&
		test_grep "<svg id=\"hours-chart\"" "$1.dom.html" &&
		python3 "$TEST_SOURCE_DIR/tests/cli/campaign-stats-html.py" "$1.dom.html" "$1.json"
}

test_expect_success "chromium runs: $("$chromium" --version 2>/dev/null | head -n 1)" '
	"$chromium" --version
'

test_expect_success 'the hand-computed records: every figure of the rendered DOM is that of -o json' '
	cp "$TEST_SOURCE_DIR/tests/data/campaign-stats/records.csv" records.csv &&
	page records records.csv
'

test_expect_success 'the rendered DOM holds the hand-computed total (13 records, 7 this hour)' '
	test_grep "data-scope=\"total\" data-figure=\"records\">13<" records.dom.html &&
	test_grep "data-scope=\"total\" data-figure=\"current_hourly_rate\">7<" records.dom.html
'

test_expect_success 'hostile names: the rendered DOM has their figures, as -o json' '
	name="<script>alert(1)</script> & \"quoted\" '"'"'x'"'"'" &&
	{
		echo "time,campaign,sub-campaign,number,result,duration,agent" &&
		printf "2026-03-02T11:00:00Z,\"%s\",\"</td><td data-figure=\"\"records\"\">999\",+1,connected,60,ann\n" \
			"$(printf "%s" "$name" | sed "s/\"/\"\"/g")" &&
		echo "2026-03-02T11:10:00Z,<img src=x onerror=alert(2)>,Day 1,+1,busy,0,"
	} >hostile.csv &&
	page hostile hostile.csv
'

test_expect_success 'hostile names: no script, no image made of them in the rendered DOM' '
	! grep -qi "<script" hostile.dom.html &&
	! grep -qi "<img" hostile.dom.html
'

test_expect_success "the example's generated records (6,000 calls): the rendered DOM as -o json" '
	mkdir example &&
	ORGCTL=$ORGCTL_BIN bash "$TEST_SOURCE_DIR/examples/campaign-stats.sh" example >/dev/null 2>&1 &&
	page example example/call-results.csv
'

echo "$((test_count - test_failed)) passed, $test_failed failed"
test_done
