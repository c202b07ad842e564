#!/usr/bin/env bash
# Issue 4's targets for `orgctl bulk exec`, against baselines built in the same run from
# the very files the exec wrote:
#  1. exec of N user rows (each with a role, and a membership of one of N/1000 groups,
#     the membership rows of a group kept together): <= 1.5x `git fast-import` writing
#     the same files as one commit, and >= 3x faster than writing the files and running
#     `git add -A && git commit` in a worktree;
#  2. with several sizes (e.g. 100000 1000000): peak memory <= 512 MB and time growing no
#     worse than linearly;
#  3. `orgctl rollback` of the set's change set: <= the exec's time.
# fast-import runs twice: as is, and with glibc's heap trimming tuned away
# (GLIBC_TUNABLES, see NOTES.md), which is what `orgctl bulk` does with mallopt.
#
# Usage: bench/bench-bulk.sh [BUILD-DIR [N...]]   (default ./build-bulk, N = 100000)
#   RUNS=3 repetitions (medians); BASELINES=0 skips the git baselines (for big N);
#   SHAPE=spread puts each membership row right after its user's create row (the same
#   files result, so the same baselines), instead of a group's rows together.
# fsync stays on, as users run it. This machine's speed drifts by a fifth within minutes,
# so the runs alternate (exec, then the baselines; each size in turn) and the "paired"
# ratios are medians of run-by-run ratios: the comparison the targets mean.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build-bulk}" && pwd)
shift || true
sizes=("${@:-100000}")
[ ${#sizes[@]} -eq 0 ] && sizes=(100000)
orgctl=$build/cmd/orgctl
runs=${RUNS:-3}
baselines=${BASELINES:-1}
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-bulk.XXXXXX")
trap 'rm -rf "$work"' EXIT
export ORGCTL_NOW= ORGCTL_ORG= ORGCTL_DIR= ORGCTL_FSYNC=1
unset ORGCTL_ACTOR # an empty one is an error, not the administrator
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@bench GIT_COMMITTER_NAME=bench \
	GIT_COMMITTER_EMAIL=bench@bench
tuned='glibc.malloc.trim_threshold=536870912:glibc.malloc.top_pad=67108864'

# secs CMD...: runs CMD, prints its wall time in seconds; `time_rss` also the peak RSS.
secs() {
	local t0 t1
	t0=$(date +%s%N)
	"$@" >/dev/null
	t1=$(date +%s%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'
}
# Each timed run starts with the disk idle: the writeback of the last run's files (a
# gigabyte at 1M rows) otherwise slows the next run's fsync and steals its CPU.
settle() { sync; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

gen_csv() { # N: roles on the users; a group's membership rows together, or SHAPE=spread
	awk -v n="$1" -v spread="$([ "${SHAPE:-}" = spread ] && echo 1 || echo 0)" 'BEGIN {
		g = int(n / 1000); if (g < 1) g = 1
		print "kind,op,name,email,full-name,role,member"
		print "role,create,Agent,,,,"
		for (j = 0; j < g; j++) printf "group,create,g%04d,,,,\n", j
		for (i = 0; i < n; i++) {
			printf "user,create,u%07d,u%07d@acme.example,User %d,Agent,\n", i, i, i
			if (spread) printf "group,member-add,g%04d,,,,u%07d\n", i % g, i
		}
		for (j = 0; j < g && !spread; j++)
			for (i = j; i < n; i += g) printf "group,member-add,g%04d,,,,u%07d\n", j, i
	}'
}

# The files a commit changed, as a fast-import stream of one commit on its parent.
fast_import_stream() { # REPO COMMIT
	local repo=$1 commit=$2
	git -C "$repo" diff-tree -r --no-commit-id --name-only "$commit^" "$commit" >"$work/paths"
	printf 'commit refs/heads/main\ncommitter bench <bench@bench> 1767323045 +0000\n'
	printf 'data 6\nbench\nfrom %s\n' "$(git -C "$repo" rev-parse "$commit^")"
	sed "s|^|$commit:|" "$work/paths" | git -C "$repo" cat-file --batch |
		python3 -c '
import sys
paths = open(sys.argv[1]).read().split("\n")
inp, out = sys.stdin.buffer, sys.stdout.buffer
for p in paths:
    if not p: continue
    head = inp.readline().split()
    if len(head) < 3 or head[1] != b"blob":
        out.write(b"D " + p.encode() + b"\n"); continue
    size = int(head[2]); data = inp.read(size); inp.read(1)
    out.write(b"M 100644 inline " + p.encode() + b"\ndata %d\n" % size + data + b"\n")
' "$work/paths"
}

for n in "${sizes[@]}"; do
	echo "== $n users ($((n / 1000 > 0 ? n / 1000 : 1)) groups${SHAPE:+, $SHAPE}), $runs runs"
	gen_csv "$n" >"$work/users.csv"
	base=$work/base-$n
	"$orgctl" init "$base" >/dev/null
	"$orgctl" -C "$base" org create Acme --shortname acme >/dev/null
	t=$(secs "$orgctl" -C "$base" --org acme bulk create users "$work/users.csv")
	echo "  bulk create (reads, checks and stores $(wc -l <"$work/users.csv") rows): ${t} s"
	# The runs alternate: exec, its rollback, then the baselines on the same files. This
	# machine's speed drifts by a fifth over minutes; interleaved, each exec is compared
	# with baselines that ran beside it (the paired ratio), not minutes later.
	exec_t=() rollback_t=() rss=() fi_t=() fit_t=() add_t=() pair_fi=() pair_fit=()
	for r in $(seq 1 "$runs"); do
		rm -rf "$work/x" && cp -a "$base" "$work/x" && settle
		/usr/bin/time -f "%e %M" -o "$work/time" "$orgctl" -C "$work/x" bulk exec users >/dev/null
		exec_t+=("$(cut -d' ' -f1 "$work/time")") rss+=("$(cut -d' ' -f2 "$work/time")")
		id=$(git -C "$work/x" log -1 --format=%B | sed -n 's/^Change-Set: //p')
		settle
		rollback_t+=("$(secs "$orgctl" -C "$work/x" rollback "$id")")
		[ "$baselines" = 1 ] || continue
		if [ "$r" = 1 ]; then # the baselines write the first run's files
			commit=$(git -C "$work/x" rev-parse HEAD~1)
			fast_import_stream "$work/x" "$commit" >"$work/stream"
			git -C "$work/x" archive --format=tar "$commit" -- orgs bulk >"$work/files.tar"
			tree=$(git -C "$work/x" rev-parse "$commit^{tree}")
		fi
		rm -rf "$work/fi" && cp -a "$base" "$work/fi" && settle
		fi_t+=("$(secs git -C "$work/fi" fast-import --quiet <"$work/stream")")
		rm -rf "$work/fi" && cp -a "$base" "$work/fi" && settle
		fit_t+=("$(secs env GLIBC_TUNABLES=$tuned git -C "$work/fi" fast-import --quiet <"$work/stream")")
		test "$(git -C "$work/fi" rev-parse main^{tree})" = "$tree" ||
			echo "  (fast-import tree differs from the exec's)"
		pair_fi+=("$(awk -v e="${exec_t[-1]}" -v b="${fi_t[-1]}" 'BEGIN { printf "%.3f", e / b }')")
		pair_fit+=("$(awk -v e="${exec_t[-1]}" -v b="${fit_t[-1]}" 'BEGIN { printf "%.3f", e / b }')")
		rm -rf "$work/wt" && git clone -q "$base" "$work/wt" && settle
		# gc.auto=0: a commit of 100k files starts "git gc --auto" in the background,
		# which ran on into the next runs (and their timings) and raced the rm -rf.
		add_t+=("$(secs sh -c "tar -xf '$work/files.tar' -C '$work/wt' && git -C '$work/wt' add -A && git -c gc.auto=0 -c maintenance.auto=false -C '$work/wt' commit -qm bench")")
	done
	e=$(median "${exec_t[@]}") rb=$(median "${rollback_t[@]}") m=$(median "${rss[@]}")
	echo "  bulk exec: ${e} s (runs: ${exec_t[*]}), peak RSS $((m / 1024)) MB"
	echo "  rollback:  ${rb} s (runs: ${rollback_t[*]})"
	echo "$n $e" >>"$work/growth"
	if [ "$baselines" = 1 ]; then
		fi=$(median "${fi_t[@]}") fit=$(median "${fit_t[@]}") add=$(median "${add_t[@]}")
		pfi=$(median "${pair_fi[@]}") pfit=$(median "${pair_fit[@]}")
		echo "  git fast-import: ${fi} s, tuned malloc: ${fit} s (runs: ${fi_t[*]} / ${fit_t[*]})"
		echo "  write files + git add -A && git commit: ${add} s (runs: ${add_t[*]})"
		echo "  exec / fast-import tuned, run by run: ${pair_fit[*]}"
		awk -v e="$e" -v fi="$fi" -v fit="$fit" -v add="$add" -v rb="$rb" -v pfi="$pfi" -v pfit="$pfit" 'BEGIN {
			printf "  exec / fast-import:            %.2fx (paired: %.2fx; target <= 1.5x)\n", e / fi, pfi
			printf "  exec / fast-import tuned:      %.2fx (paired: %.2fx; target <= 1.5x)\n", e / fit, pfit
			printf "  git add+commit / exec:         %.2fx faster (target >= 3x)\n", add / e
			printf "  rollback / exec:               %.2fx (target <= 1x)\n", rb / e
		}'
	else
		awk -v e="$e" -v rb="$rb" 'BEGIN { printf "  rollback / exec: %.2fx (target <= 1x)\n", rb / e }'
	fi
	awk -v m="$m" 'BEGIN { printf "  peak RSS: %d MB (target <= 512 MB)\n", m / 1024 }'
	rm -rf "$work/x" "$work/fi" "$work/wt" "$work/stream" "$work/files.tar"
done
if [ "${#sizes[@]}" -gt 1 ]; then
	awk 'NR == 1 { n0 = $1; t0 = $2 } NR > 1 {
		printf "== growth %d -> %d rows (medians above): %.2fx the time for %.0fx the rows\n",
			n0, $1, $2 / t0, $1 / n0 }' "$work/growth"
	# The sizes one after another in each run, so that each ratio compares runs made
	# side by side (the blocks above ran minutes apart).
	echo "== growth, paired: $runs runs of each size in turn"
	for r in $(seq 1 "$runs"); do
		line=""
		for n in "${sizes[@]}"; do
			rm -rf "$work/x" && cp -a "$work/base-$n" "$work/x" && settle
			line+=" $n $(secs "$orgctl" -C "$work/x" bulk exec users)"
		done
		echo "$line" >>"$work/pairs"
	done
	for ((i = 1; i < ${#sizes[@]}; i++)); do
		n=${sizes[$i]}
		ratios=$(awk -v k="$((2 * i + 2))" '{ printf "%.2f\n", $k / $2 }' "$work/pairs")
		awk -v n0="${sizes[0]}" -v n="$n" -v m="$(median $ratios)" -v all="$(echo $ratios)" 'BEGIN {
			printf "  %d -> %d rows: %.2fx the time (median of %s; linear: <= %.0fx)\n", n0, n, m, all, n / n0 }'
	done
fi
