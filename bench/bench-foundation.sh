#!/usr/bin/env bash
# Issue 2's targets, each against its baseline in the same run:
#  1. `orgctl user update` (a whole process) in an org of 100k users vs `git commit -qam`
#     of one changed file in a worktree holding the same 100k files: want >= 5x faster;
#  2. the same update in an org of 100 users: want the 100k one within 1.5x of it;
#  3. `orgctl user show` in the 100k org: want <= 10 ms.
# Usage: bench/bench-foundation.sh [BUILD-DIR] (default ./build). fsync stays on, as users
# run it. Prints medians and ratios.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
orgctl=$build/cmd/orgctl
gen=$build/bench/gen-users
runs=${RUNS:-15}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ORGCTL_NOW= ORGCTL_ORG=
unset ORGCTL_ACTOR # an empty one is an error, not the administrator

now_ns() { date +%s%N; }
# median of the wall times (ms) of running "$@" $runs times; $i is the run number
median_ms() {
  local times=() t0 t1
  for i in $(seq 1 "$runs"); do
    t0=$(now_ns); eval "$@" >/dev/null; t1=$(now_ns)
    times+=($(( (t1 - t0) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]/1000}'
}

make_org() { # DIR N
  "$orgctl" init "$1" >/dev/null
  "$orgctl" -C "$1" org create acme >/dev/null
  "$gen" acme "$2" "$(git -C "$1" rev-parse refs/heads/main)" | git -C "$1" fast-import --quiet
  "$orgctl" -C "$1" --org acme user show u000000 >/dev/null # index catches up
}

echo "building orgs of 100 and 100k users..."
make_org "$work/small" 100
t0=$(now_ns); make_org "$work/big" 100000; t1=$(now_ns)
echo "  100k org made and indexed in $(( (t1 - t0) / 1000000 )) ms"

big_update=$(median_ms '"$orgctl" -C "$work/big" --org acme user update u000042 --full-name "Name $i"')
small_update=$(median_ms '"$orgctl" -C "$work/small" --org acme user update u000042 --full-name "Name $i"')
big_show=$(median_ms '"$orgctl" -C "$work/big" --org acme user show u050000')

git clone -q "$work/big" "$work/wt"
file=$(cd "$work/wt" && git ls-files 'orgs/acme/users/*/u000042.json')
git_commit=$(median_ms 'echo "$i" >> "$work/wt/$file" && git -C "$work/wt" commit -qam "edit $i"')

awk -v bu="$big_update" -v su="$small_update" -v bs="$big_show" -v gc="$git_commit" 'BEGIN {
  printf "\n%-52s %10s\n", "what (median of runs)", "ms"
  printf "%-52s %10.2f\n", "orgctl user update, org of 100k users", bu
  printf "%-52s %10.2f\n", "orgctl user update, org of 100 users", su
  printf "%-52s %10.2f\n", "git commit -qam, worktree of 100k files (baseline)", gc
  printf "%-52s %10.2f\n", "orgctl user show, org of 100k users", bs
  printf "\nupdate vs git commit -qam: %.1fx faster (target >= 5x)\n", gc / bu
  printf "100k vs 100 users: %.2fx (target <= 1.5x)\n", bu / su
  printf "user show: %.2f ms (target <= 10 ms)\n", bs
}'
