#!/usr/bin/env bash
# campaign load (issue 17, Performance) against its baseline in the same run:
#  - load N contacts (default 1,000,000; two phone columns in the seeds' mixed formats)
#    against a suppression list of M numbers (default 10,000,000), with --dialable and
#    --excluded written;
#  - baseline: `LC_ALL=C sort -u` of the contacts' numbers (all of them: both phone
#    columns, about 2N), already normalised (less work), piped into `comm -23` against the
#    list already sorted.
# Prints the medians of RUNS (5) whole-process runs in turn (/usr/bin/time: wall, user +
# sys CPU), the paired ratio (the issue wants the load >= 4x faster, <= 0.25), the load's
# peak RSS (<= 256 MB) and, with --linear, the time of 10N contacts over N (<= 11).
# Needs `orgctl suppress` (the list is imported with it); without it the load runs with no
# list and the script says so.
# Usage: bench/bench-campaign.sh [BUILD-DIR] load [N] [M] [--linear]  (runs this file)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
n=${2:-1000000}
m=${3:-10000000}
linear=${4:-}
orgctl=$build/cmd/orgctl
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export ORGCTL_NOW=2026-12-01T09:00:00Z ORGCTL_DIR=$work/repo ORGCTL_ORG=acme ORGCTL_FSYNC=0

contacts() { # COUNT FILE NUMBERS: mixed formats, 10% duplicates, a few bad; NUMBERS gets
	# every number of the contacts that is one (both columns), already normalised: the
	# baseline's input
	awk -v n="$1" -v numbers="$3" 'BEGIN {
		srand(42); print "id,name,phone,mobile_phone"
		for (i = 1; i <= n; i++) {
			a = 201 + int(rand() * 780); x = 200 + int(rand() * 799); s = int(rand() * 10000)
			f = i % 4
			p = f == 0 ? sprintf("(%03d) %03d-%04d", a, x, s) : f == 1 ? sprintf("+1 %03d %03d %04d", a, x, s) \
			  : f == 2 ? sprintf("%03d.%03d.%04d", a, x, s) : sprintf("1-%03d-%03d-%04d", a, x, s)
			e = sprintf("+1%03d%03d%04d", a, x, s)
			if (i % 10 == 0) { p = prev; e = preve }
			if (i % 1000 == 0) { p = "n/a"; e = "" }
			m = sprintf("+1%03d%03d%04d", 201 + int(rand() * 780), 200 + int(rand() * 799), int(rand() * 10000))
			printf "%d,Contact %d,%s,%s\n", i, i, p, m
			if (e != "") print e >numbers
			print m >numbers
			prev = p; preve = e
		}
	}' >"$2"
}

"$orgctl" init repo >/dev/null
"$orgctl" org create Acme >/dev/null
"$orgctl" campaign compliance set --area-codes "$top/tests/data/nanpa/npa_report.csv" --skip-invalid \
	--window 08:00-21:00 --days mon-sat >/dev/null 2>&1
"$orgctl" campaign strategy create std --mode preview >/dev/null
list_args=()
if "$orgctl" suppress --help >/dev/null 2>&1; then
	# valid NANP numbers (area 200-999, exchange 200-999), printed in three parts: mawk's
	# %d stops at 2^31-1
	awk -v m="$m" 'BEGIN { srand(7); print "number"; for (i = 0; i < m; i++) printf "+1%03d%03d%04d\n", 200 + int(rand() * 800), 200 + int(rand() * 800), int(rand() * 10000) }' >list.csv
	"$orgctl" suppress create dnc >/dev/null
	"$orgctl" suppress import dnc list.csv >/dev/null
	list_args=(--suppress dnc)
	tail -n +2 list.csv | LC_ALL=C sort -u >list.sorted
else
	echo "note: no \`orgctl suppress\` in this build: the load runs against no list" >&2
	: >list.sorted
fi
"$orgctl" campaign create c --strategy std --tz America/New_York --window 09:00-20:00 \
	--days mon-fri "${list_args[@]}" >/dev/null
"$orgctl" campaign sub create c s --start 2026-12-07 --end 2026-12-12 >/dev/null
contacts "$n" contacts.csv numbers.txt

runs=${RUNS:-5}
# run CMD...: the command once, its output thrown away; prints "WALL CPU PEAK-RSS-KB".
run() {
	/usr/bin/time -f '%e %U %S %M' -o time.txt "$@" >/dev/null
	awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' time.txt
}
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# pair NAME-A NAME-B CMD-A -- CMD-B: one warm-up each, then RUNS runs in turn (the machine's
# speed drifts); prints each median and the median of the run-by-run ratios A/B.
pair() {
	local na=$1 nb=$2 a=() b=() wa=() wb=() ca=() cb=() ra=() rc=() peak=0 i
	shift 2
	while [ "$1" != -- ]; do a+=("$1"); shift; done
	shift
	b=("$@")
	"${a[@]}" >/dev/null; "${b[@]}" >/dev/null
	for ((i = 0; i < runs; i++)); do
		read -r w1 c1 m1 < <(run "${a[@]}")
		read -r w2 c2 m2 < <(run "${b[@]}")
		wa+=("$w1") wb+=("$w2") ca+=("$c1") cb+=("$c2")
		ra+=("$(awk -v x="$w1" -v y="$w2" 'BEGIN { printf "%.3f", x / y }')")
		rc+=("$(awk -v x="$c1" -v y="$c2" 'BEGIN { printf "%.3f", x / y }')")
		[ "$m1" -gt "$peak" ] && peak=$m1
	done
	echo "$na: wall $(median "${wa[@]}") s, cpu $(median "${ca[@]}") s, peak RSS $((peak / 1024)) MB"
	echo "$nb: wall $(median "${wb[@]}") s, cpu $(median "${cb[@]}") s"
	echo "$na / $nb: wall $(median "${ra[@]}"), cpu $(median "${rc[@]}") (paired medians of $runs runs)"
}

# The load against the baseline; the ratio wants <= 0.25, the peak <= 256 MB. Once with
# both output files (what a user runs), once with counts only (what the baseline does).
pair load baseline "$orgctl" campaign load s contacts.csv --dialable d.csv --excluded x.csv -q \
	-- sh -c 'LC_ALL=C sort -u numbers.txt | LC_ALL=C comm -23 - list.sorted'
pair "load (counts only)" baseline "$orgctl" campaign load s contacts.csv -q \
	-- sh -c 'LC_ALL=C sort -u numbers.txt | LC_ALL=C comm -23 - list.sorted'
if [ "$linear" = --linear ]; then
	contacts $((n * 10)) contacts10.csv numbers10.txt
	# 10N contacts against N; the ratio wants <= 11
	runs=1 pair "load of 10N" "load of N" "$orgctl" campaign load s contacts10.csv -q \
		-- "$orgctl" campaign load s contacts.csv -q
fi
