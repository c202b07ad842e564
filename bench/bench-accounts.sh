#!/usr/bin/env bash
# Issue 3's targets, each a whole orgctl process (median of runs):
#  1. `orgctl user list --skill X -o json` in an org of 100k users and 1k agent groups:
#     want <= 300 ms. X is "english", held by 10k users; "s07" (2k holders) is shown too.
#  2. `orgctl user can` for a user in 50 groups that give 200 roles: want <= 10 ms, both
#     for a permission only the 200th role grants (yes) and for one none grants (no).
# The org is written by gen-accounts through git fast-import, then the index catches up.
# Prints medians of whole processes (wall and CPU time, with "orgctl version" as the floor
# of starting one) and of the operations alone inside one process (bench/time-op).
# Usage: bench/bench-accounts.sh [BUILD-DIR] (default ./build); RUNS, USERS, GROUPS_N.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
orgctl=$build/cmd/orgctl
gen=$build/bench/gen-accounts
runs=${RUNS:-15}
users=${USERS:-100000}
groups=${GROUPS_N:-1000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ORGCTL_NOW= ORGCTL_ORG=
unset ORGCTL_ACTOR # an empty one is an error, not the administrator

now_ns() { date +%s%N; }
# "WALL CPU": medians over $runs runs of "$@" of the wall time and of user+sys time (ms).
# On a busy machine the CPU time is the steadier figure.
median_ms() {
	local walls=() cpus=() out TIMEFORMAT='%3R %3U %3S'
	for i in $(seq 1 "$runs"); do
		out=$({ time eval "$@" >/dev/null 2>&1 || true; } 2>&1)
		walls+=("$(awk '{print $1 * 1000}' <<<"$out")")
		cpus+=("$(awk '{print ($2 + $3) * 1000}' <<<"$out")")
	done
	printf '%s %s\n' "$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')" \
		"$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
}

repo=$work/repo
echo "building an org of $users users and $groups groups..."
t0=$(now_ns)
"$orgctl" init "$repo" >/dev/null
"$orgctl" -C "$repo" org create acme >/dev/null
"$gen" acme "$users" "$groups" "$(git -C "$repo" rev-parse refs/heads/main)" |
	git -C "$repo" fast-import --quiet
t1=$(now_ns)
"$orgctl" -C "$repo" --org acme user show hub >/dev/null # the index catches up
t2=$(now_ns)
echo "  written in $(((t1 - t0) / 1000000)) ms, indexed in $(((t2 - t1) / 1000000)) ms"

o="\"$orgctl\" -C \"$repo\" --org acme"
holders=$(eval "$o user list --skill english -o json" | grep -c '"name"')
eval "$o user can hub outbound:campaign:view" | grep -q 'through agent group "g0049"'
row() { # WHAT COMMAND...: one line of the table, whole processes
	printf '%-58s %9s %9s\n' "$1" $(median_ms "$2")
}
inproc() { # WHAT ARGS...: one line, the operation alone inside one process (bench/time-op)
	printf '%-58s %9s\n' "$1" "$("$build/bench/time-op" "$repo" acme "$runs" "${@:2}" | cut -d" " -f1)"
}
printf '\n%-58s %9s %9s\n' "whole process (median of $runs runs)" "wall ms" "cpu ms"
row "orgctl version (the floor: starting a process)" "\"$orgctl\" version"
row "user show u050000" "$o user show u050000"
row "user list --skill english -o json ($holders of $users users)" \
	"$o user list --skill english -o json"
row "user list --skill s07 -o json (~2k users)" "$o user list --skill s07 -o json"
row "user can hub, granted by the 200th role (yes)" "$o user can hub outbound:campaign:view"
row "user can hub, granted by none of 200 roles (no)" "$o user can hub outbound:campaign:delete"
printf '\n%-58s %9s\n' "in-process, the operation and its JSON (median)" "ms"
inproc "user list --skill english" user list - skill=english
inproc "user can hub (yes)" user can hub permission=outbound:campaign:view
inproc "user can hub (no)" user can hub permission=outbound:campaign:delete
echo
echo "targets: user list --skill <= 300 ms; user can <= 10 ms"
