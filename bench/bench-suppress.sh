#!/usr/bin/env bash
# Issue 16's targets for `orgctl suppress`, each against its baseline in the same run:
#  1. import of N numbers into a new list, fsync on: <= 0.5x `LC_ALL=C sort -u` of the same
#     file; peak RSS <= 256 MB (at 10M); the repository grows by <= 1.2x `gzip -6` of the
#     sorted list;
#  2. check of one number against the N, as a whole process: <= 10 ms and <= 1.5x a
#     `sqlite3` shell point lookup on a table of the same N numbers;
#  3. add of one number to the N list: <= 50 ms and <= 1.3x the same add to a 1k list;
#  4. import of 10k numbers into the existing N list: <= 0.1x the N import;
#  5. rollback of the N import: <= 1x the import.
# The generator (bench/gen-numbers.c) writes numbers in E.164 unless FORMAT=mixed (the
# seeds' national formats, which need the normaliser of lib/util/phone.c).
#
# Usage: bench/bench-suppress.sh [BUILD-DIR [N]]   (default ./build, N = 10000000)
#   RUNS=5 runs of the whole-process timings (check, add), by farm-bench.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
n=${2:-10000000}
runs=${RUNS:-5}
format=${FORMAT:-e164}
orgctl=$build/cmd/orgctl
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-suppress.XXXXXX")
trap 'rm -rf "$work"' EXIT
export ORGCTL_NOW= ORGCTL_ORG=acme ORGCTL_DIR=$work/repo ORGCTL_FSYNC=1 LC_ALL=C
unset ORGCTL_ACTOR
cd "$work"

# timed OUT CMD...: runs CMD, writes "SECONDS PEAK_KB" to OUT.
timed() {
	local out=$1
	shift
	/usr/bin/time -f "%e %M" -o "$out" "$@" >/dev/null
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
median_wall() { # farm-bench output on stdin: A's (or B's) median wall seconds
	awk -v who="$1" '$1 == who && $2 == "wall" { print $5 }'
}
ratio_line() { # farm-bench's paired A/B ratio of wall seconds, when it prints one
	grep -m1 -i "ratio.*wall\|wall.*ratio\|A/B wall" || true
}

echo "# bench-suppress: N=$n format=$format, $(nproc) cores, $(date -u +%FT%TZ)"
echo "# $(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2 | sed "s/^ //")"
"$build/bench/gen-numbers" "$n" plain "$format" >numbers.txt
"$build/bench/gen-numbers" 10000 plain "$format" 7 >small.txt
"$build/bench/gen-numbers" 1000 plain "$format" 9 >tiny.txt

# --- 1. import vs sort -u ---
timed sort.t sort -u numbers.txt -o sorted.txt
gzip -6 <sorted.txt | wc -c >gzip.size
"$orgctl" init repo >/dev/null
"$orgctl" org create Acme >/dev/null
"$orgctl" suppress create big >/dev/null
"$orgctl" suppress create small >/dev/null
before=$(du -sb repo/objects | cut -f1)
timed import.t "$orgctl" suppress import big numbers.txt
after=$(du -sb repo/objects | cut -f1)
read -r sort_s _ <sort.t
read -r import_s import_kb <import.t
echo "import $n: ${import_s} s, peak $((import_kb / 1024)) MB; sort -u: ${sort_s} s; ratio $(ratio "$import_s" "$sort_s") (target <= 0.5)"
echo "repository growth: $((after - before)) bytes; gzip -6 of the sorted list: $(cat gzip.size); ratio $(ratio $((after - before)) "$(cat gzip.size)") (target <= 1.2)"
import_id=$(git -C repo log -1 --format=%B main | sed -n "s/^Change-Set: //p")

# --- 2. check vs sqlite3 ---
sed 's/^+//' sorted.txt >digits.txt
sqlite3 numbers.db "CREATE TABLE t(n INTEGER PRIMARY KEY);" ".mode csv" ".import digits.txt t"
probe=$(sed -n "$((n / 2 + 1))p" sorted.txt)
"$orgctl" suppress check big "$probe" >/dev/null || true # builds the cache once
farm-bench -n "$runs" --vs "sqlite3 numbers.db 'SELECT n FROM t WHERE n = ${probe#+}'" \
	-- "$orgctl" suppress check big "$probe" >check.bench 2>&1 || true
check_s=$(median_wall A <check.bench)
sqlite_s=$(median_wall B <check.bench)
echo "check of one number against $n: ${check_s} s; sqlite3 lookup: ${sqlite_s} s; ratio $(ratio "$check_s" "$sqlite_s") (targets <= 0.010 s, <= 1.5)"
ratio_line <check.bench

# --- 3. add one number: N list vs 1k list ---
"$orgctl" suppress import small tiny.txt >/dev/null
# add LIST: a shell command that adds one new number each run: dash with its builtins (read,
# echo), so the wrapper costs a shell's start (about 1 ms, printed below), no fork of its own.
add() {
	echo "read c <$work/ctr.$1 2>/dev/null || c=1000; echo \$((c + 1)) >$work/ctr.$1; exec $orgctl suppress add $1 +1212555\$((c + 1))"
}
farm-bench -n "$runs" --vs "sh -c '$(add small)'" -- sh -c "$(add big)" >add.bench 2>&1 || true
farm-bench -n "$runs" -- sh -c "read c <$work/ctr.big; echo \$((c + 0)) >$work/ctr.none; exec true" >wrapper.bench 2>&1 || true
echo "(the shell wrapper alone: $(median_wall A <wrapper.bench) s)"
add_big=$(median_wall A <add.bench)
add_small=$(median_wall B <add.bench)
echo "add of one number to the $n list: ${add_big} s; to a 1k list: ${add_small} s; ratio $(ratio "$add_big" "$add_small") (targets <= 0.050 s, <= 1.3)"
ratio_line <add.bench

# --- 4. import 10k into the N list ---
timed import10k.t "$orgctl" suppress import big small.txt
read -r i10k_s _ <import10k.t
echo "import of 10k into the $n list: ${i10k_s} s; ratio to the $n import $(ratio "$i10k_s" "$import_s") (target <= 0.1)"

# --- 5. rollback of the N import ---
timed rollback.t "$orgctl" rollback "$import_id" --force
read -r rb_s rb_kb <rollback.t
echo "rollback of the $n import: ${rb_s} s, peak $((rb_kb / 1024)) MB; ratio to the import $(ratio "$rb_s" "$import_s") (target <= 1)"
