#!/usr/bin/env bash
# Issue 17's targets for `orgctl campaign`, against baselines run in the same run.
#
# stats: `orgctl campaign stats` over N call result records (20 campaigns of 5
# sub-campaigns, 200 agents, a week of calls in time order, every result) against
# bench/campaign-stats.awk computing the same figures (the same lines, checked equal here
# through bench/campaign-stats-lines.jq, as tests/cli/t8600 checks them on a small file):
#  1. at 10M records, >= 3x faster than the awk;
#  2. growing no worse than linearly: 10M <= 11x the 1M time;
#  3. memory follows the campaigns and hours, not the records (peak RSS at 1M and 10M).
#
# load: campaign load against sort -u | comm -23 (bench/bench-campaign-load.sh).
#
# Usage: bench/bench-campaign.sh [BUILD-DIR] stats [N...] | load [N] [M] [--linear]   (default ./build, N = 1000000
#   10000000)
#   RUNS=3 repetitions (medians); AWK=awk the baseline's awk (mawk on Debian; gawk is slower).
# This machine's speed drifts by a fifth within minutes, so the runs alternate (orgctl,
# awk; each size in turn) and the "paired" ratio is the median of run-by-run ratios.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
shift || true
part=${1:-stats}
shift || true
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(1000000 10000000)
orgctl=$build/cmd/orgctl
runs=${RUNS:-3}
awk=${AWK:-awk}
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-campaign.XXXXXX")
trap 'rm -rf "$work"' EXIT
export ORGCTL_NOW=2026-03-08T12:00:00Z
unset ORGCTL_ORG ORGCTL_DIR ORGCTL_ACTOR

# run CMD...: runs CMD with its output thrown away; prints "WALL PEAK-RSS-KB".
run() {
	/usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null
	cat "$work/time"
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

gen_records() { # N: a week from 2026-03-01T00:00:00Z, in time order
	"$awk" -v n="$1" 'BEGIN {
		srand(11)
		split("connected connected busy no-answer no-answer answering-machine fax dropped invalid-number in-progress", results, " ")
		print "time,campaign,sub-campaign,number,result,duration,agent"
		for (i = 0; i < n; i++) {
			t = int(i * 604800 / n)
			day = 1 + int(t / 86400); s = t % 86400
			r = results[1 + int(rand() * 10)]
			d = r == "connected" ? 20 + int(rand() * 600) : r == "dropped" ? int(rand() * 30) : r == "in-progress" ? int(rand() * 300) : 0
			a = r == "connected" || r == "in-progress" ? "agent" int(rand() * 200) : ""
			printf "2026-03-%02dT%02d:%02d:%02dZ,Campaign %02d,Sub %d,+1212%07d,%s,%d,%s\n", day, s / 3600, s % 3600 / 60, s % 60, int(rand() * 20), int(rand() * 5), i % 10000000, r, d, a
		}
	}'
}

stats() {
	local prev_median=
	for n in "${sizes[@]}"; do
		local file=$work/records-$n.csv
		gen_records "$n" >"$file"
		echo "== campaign stats: $n records ($(du -m "$file" | cut -f1) MB)"
		# the same figures, first
		"$orgctl" campaign stats "$file" -o json | jq -r -f "$top/bench/campaign-stats-lines.jq" |
			sort >"$work/ours"
		"$awk" -v now="$ORGCTL_NOW" -f "$top/bench/campaign-stats.awk" "$file" | sort >"$work/theirs"
		if cmp -s "$work/ours" "$work/theirs"; then
			echo "same figures: $(wc -l <"$work/ours") lines of scopes and hours"
		else
			echo "DIFFERENT figures:"
			diff "$work/ours" "$work/theirs" | head -20
			exit 1
		fi
		local ours=() theirs=() ratios=() rss=() r o t
		for ((i = 0; i < runs; i++)); do
			read -r o r < <(run "$orgctl" campaign stats "$file" -o json)
			read -r t _ < <(run "$awk" -v now="$ORGCTL_NOW" -f "$top/bench/campaign-stats.awk" "$file")
			ours+=("$o") theirs+=("$t") rss+=("$r")
			ratios+=("$(awk -v a="$t" -v b="$o" 'BEGIN { printf "%.2f", a / b }')")
			echo "run $((i + 1)): orgctl ${o} s (peak RSS $((r / 1024)) MB), awk ${t} s: ${ratios[-1]}x"
		done
		local mo mt
		mo=$(median "${ours[@]}")
		mt=$(median "${theirs[@]}")
		echo "median: orgctl $mo s, awk $mt s; paired: orgctl $(median "${ratios[@]}")x faster (target >= 3x); peak RSS $(($(median "${rss[@]}") / 1024)) MB"
		if [ -n "$prev_median" ]; then
			echo "growth: $n records take $(awk -v a="$mo" -v b="$prev_median" 'BEGIN { printf "%.2f", a / b }')x the time of $prev_n (target <= 11x for 10x the records)"
		fi
		prev_median=$mo prev_n=$n
		rm -f "$file"
	done
}

case $part in
stats) stats ;;
load) exec bash "$top/bench/bench-campaign-load.sh" "$build" "$@" ;;
*)
	echo "usage: bench/bench-campaign.sh [BUILD-DIR] stats|load [N...]" >&2
	exit 2
	;;
esac
