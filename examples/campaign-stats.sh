#!/usr/bin/env bash
# A supervisor's afternoon with outbound statistics: a generated file of call result records
# (three campaigns and their sub-campaigns, a working day of calls, some still in progress),
# the campaign dashboard's figures as a table, one campaign in JSON, the afternoon as CSV,
# and the HTML page to open in a browser. The records are a file: no repository is needed.
# Run from the source tree after building; ORGCTL names another binary, DIR (the first
# argument) where the files go.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
orgctl=${ORGCTL:-$here/build/cmd/orgctl}
dir=${1:-$(mktemp -d)}
export ORGCTL_NOW=${ORGCTL_NOW:-2026-03-02T16:30:00Z}
step() { printf '\n$ %s\n' "$*" >&2; "$@"; }

# 6,000 calls from 08:00 to 16:30 UTC, as a dialer writes them: a fixed pseudo-random
# sequence, so every run makes the same file.
records=$dir/call-results.csv
awk 'BEGIN {
	srand(17)
	split("Spring Renewals|Win-back|Survey Q1", campaign, "|")
	split("Day 1|Day 2", subs, "|")
	split("connected connected connected busy no-answer no-answer answering-machine fax dropped invalid-number", results, " ")
	print "time,campaign,sub-campaign,number,result,duration,agent"
	for (i = 0; i < 6000; i++) {
		t = 8 * 3600 + int(i * 30600 / 6000)
		c = campaign[1 + int(rand() * 3)]
		r = results[1 + int(rand() * 10)]
		if (t > 16 * 3600 + 1500 && rand() < 0.5) r = "in-progress"
		d = r == "connected" ? 30 + int(rand() * 400) : r == "dropped" ? int(rand() * 20) : r == "in-progress" ? int(rand() * 300) : 0
		a = (r == "connected" || r == "in-progress") && c != "Survey Q1" ? "agent" (1 + int(rand() * 12)) : ""
		printf "2026-03-02T%02d:%02d:%02dZ,%s,%s,+1212555%04d,%s,%d,%s\n", t / 3600, t % 3600 / 60, t % 60, c, subs[1 + int(rand() * 2)], i, r, d, a
	}
}' >"$records"
echo "$(($(wc -l <"$records") - 1)) call result records in $records"

step "$orgctl" campaign stats "$records"
step "$orgctl" campaign stats --campaign "Spring Renewals" "$records" -o json |
	jq '.total | {records, success, failure, dc_success, avg_length, busy_agents}'
step "$orgctl" campaign stats --from 2026-03-02T12:00:00Z --to 2026-03-02T16:00:00Z "$records" -o csv |
	cut -d, -f1-8
gzip -kf "$records"
step "$orgctl" campaign stats "$records.gz" --html "$dir/dashboard.html" -q
echo
echo "open $dir/dashboard.html in a browser: the figures, calls per hour, results per campaign"
