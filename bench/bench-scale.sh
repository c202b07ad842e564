#!/usr/bin/env bash
# Issue 14 point 8: commands other than a plain bulk exec, at N users, each against its
# baseline in the same run (the figures of BENCHMARKS.md, "Every command at scale"):
#  - role rm --force of a role N users hold, against bulk exec of the same N role-rm rows
#    (target <= 1.5x), and the loose objects it leaves (target: none of its own);
#  - bulk exec --continue-on-error of N user create rows, 1% failing (their users exist),
#    against the same set with none failing (target <= 1.3x);
#  - bulk create and exec of N user create rows with a group column, against the same
#    users and separate member-add rows (target <= 1.5x);
#  - completion of a user name among N, user list in each format against jq -r over the
#    JSON export, show of the exec's change set.
# Usage: bench/bench-scale.sh [BUILD-DIR [N...]]   (default ./build, N = 1000 100000)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
shift || true
sizes=("${@:-1000 100000}")
[ ${#sizes[@]} -eq 1 ] && read -r -a sizes <<<"${sizes[0]}"
o=$build/cmd/orgctl
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-scale.XXXXXX")
trap 'rm -rf "$work"' EXIT
export ORGCTL_NOW= ORGCTL_ORG= ORGCTL_DIR= ORGCTL_FSYNC=1
unset ORGCTL_ACTOR

ms() { # CMD...: its wall time in ms, its output thrown away
	local t0
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1 || true
	echo $((($(date +%s%N) - t0) / 1000000))
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", b ? a / b : 0 }'; }
fresh() { # DIR: an empty repository with org acme
	rm -rf "$1" && "$o" init "$1" >/dev/null && "$o" -C "$1" org create Acme --shortname acme >/dev/null
}
set_of() { # DIR NAME CSV: stores a bulk set
	"$o" -C "$1" --org acme bulk create "$2" "$3" >/dev/null 2>&1
}

for n in "${sizes[@]}"; do
	g=$((n / 1000 > 0 ? n / 1000 : 1))
	echo "== $n users, $g groups"
	# the base: users with role Agent, each in one group (grouped member-add rows)
	awk -v n="$n" -v g="$g" 'BEGIN {
		print "kind,op,name,email,role,member"
		print "role,create,Agent,,,"
		for (j = 0; j < g; j++) printf "group,create,g%04d,,,\n", j
		for (i = 0; i < n; i++) printf "user,create,u%07d,u%07d@acme.example,Agent,\n", i, i
		for (j = 0; j < g; j++)
			for (i = j; i < n; i += g) printf "group,member-add,g%04d,,,u%07d\n", j, i
	}' >"$work/users.csv"
	base=$work/base
	fresh "$base" && set_of "$base" users "$work/users.csv" && "$o" -C "$base" bulk exec users >/dev/null
	id=$(git -C "$base" log -1 --format=%B | sed -n 's/^Change-Set: //p')

	awk -v n="$n" 'BEGIN { print "kind,op,name,role"
		for (i = 0; i < n; i++) printf "user,role-rm,u%07d,Agent\n", i }' >"$work/rolerm.csv"
	rm -rf "$work/x" && cp -a "$base" "$work/x" && sync
	loose0=$(git -C "$work/x" count-objects | cut -d' ' -f1)
	rm_t=$(ms "$o" -C "$work/x" --org acme role rm Agent --force)
	loose=$(($(git -C "$work/x" count-objects | cut -d' ' -f1) - loose0))
	rm -rf "$work/x" && cp -a "$base" "$work/x" && set_of "$work/x" rr "$work/rolerm.csv" && sync
	rr_t=$(ms "$o" -C "$work/x" bulk exec rr)
	echo "  role rm --force: $rm_t ms, bulk exec of the same role-rm rows: $rr_t ms," \
		"$(ratio "$rm_t" "$rr_t") (target <= 1.5x); loose objects left: $loose"

	awk -v n="$n" 'BEGIN { print "kind,op,name,email"
		for (i = 0; i < n; i++) printf "user,create,u%07d,u%07d@acme.example\n", i, i }' >"$work/coe.csv"
	awk -v n="$n" 'BEGIN { print "kind,op,name,email"
		for (i = 50; i < n; i += 100) printf "user,create,u%07d,u%07d@acme.example\n", i, i }' >"$work/pre.csv"
	fresh "$work/c0" && set_of "$work/c0" s "$work/coe.csv"
	fresh "$work/c1" && set_of "$work/c1" pre "$work/pre.csv" && "$o" -C "$work/c1" bulk exec pre >/dev/null &&
		set_of "$work/c1" s "$work/coe.csv"
	rm -rf "$work/x" && cp -a "$work/c0" "$work/x" && sync
	clean_t=$(ms "$o" -C "$work/x" bulk exec s --continue-on-error)
	rm -rf "$work/x" && cp -a "$work/c1" "$work/x" && sync
	fail_t=$(ms "$o" -C "$work/x" bulk exec s --continue-on-error --failures "$work/failures.csv")
	echo "  bulk exec --continue-on-error, 1% failing: $fail_t ms, none failing: $clean_t ms," \
		"$(ratio "$fail_t" "$clean_t") (target <= 1.3x)"

	awk -v n="$n" -v g="$g" 'BEGIN { print "kind,op,name,email,group"
		for (j = 0; j < g; j++) printf "group,create,g%04d,,\n", j
		for (i = 0; i < n; i++) printf "user,create,u%07d,u%07d@acme.example,g%04d\n", i, i, i % g }' >"$work/gcol.csv"
	awk -v n="$n" -v g="$g" 'BEGIN { print "kind,op,name,email,member"
		for (j = 0; j < g; j++) printf "group,create,g%04d,,\n", j
		for (i = 0; i < n; i++) printf "user,create,u%07d,u%07d@acme.example,\n", i, i
		for (j = 0; j < g; j++)
			for (i = j; i < n; i += g) printf "group,member-add,g%04d,,u%07d\n", j, i }' >"$work/madd.csv"
	for shape in gcol madd; do
		fresh "$work/x" && sync
		c=$(ms "$o" -C "$work/x" --org acme bulk create s "$work/$shape.csv")
		e=$(ms "$o" -C "$work/x" bulk exec s)
		eval "${shape}_c=$c ${shape}_e=$e"
	done
	echo "  group column: create $gcol_c ms, exec $gcol_e ms; member-add rows (grouped):" \
		"create $madd_c ms, exec $madd_e ms; $(ratio "$gcol_e" "$madd_e") (target <= 1.5x)"

	echo "  completion of u000012: $(ms "$o" -C "$base" --org acme __complete user show u000012) ms"
	"$o" -C "$base" --org acme -o json user list >"$work/users.json"
	jq_t=$(ms jq -r '.[] | [.name, .full_name, .email, .state, (.roles | join(";"))] | @tsv' "$work/users.json")
	for f in table csv json; do
		echo "  user list -o $f: $(ms "$o" -C "$base" --org acme -o "$f" user list) ms (jq -r over the JSON: $jq_t ms)"
	done
	echo "  show of the exec's change set ($((2 * n + g + 1)) rows): $(ms "$o" -C "$base" show "$id") ms," \
		"diff: $(ms "$o" -C "$base" diff "$id") ms"
done
