#!/usr/bin/env bash
# The concurrency suite: 8 writers at once, each making 50 change sets one after another
# (users, roles and groups created; two of them also create and execute a bulk set), on
# one repository. Nothing is lost: every writer's every command succeeds, every object is
# in the tree and in orgctl's answers; the change-set ids are distinct and contiguous and
# are the ones each writer was told; git fsck --strict is clean. Prints TAP, ends with
# "N passed, N failed"; records its figures in build/guarantees/concurrency.txt.
#   CONCURRENCY_WRITERS, CONCURRENCY_SETS  (default 8 and 50; SUITE_SMOKE=1: 2 and 5)
set -uo pipefail
. "$(dirname "$0")/../suite-lib.sh"

writers=${CONCURRENCY_WRITERS:-8}
sets=${CONCURRENCY_SETS:-50}
[ -z "$SUITE_SMOKE" ] || { writers=2 sets=5; }
repo=$SCRATCH/repo
export ORGCTL_DIR=$repo ORGCTL_ORG=acme ORGCTL_LOCK_TIMEOUT=600

# writer W: makes $sets change sets; each line of $SCRATCH/wW.out is what a command said,
# the objects it made are in $SCRATCH/wW.users; a failed command goes to $SCRATCH/wW.err.
writer() {
	local w=$1 i k out
	for i in $(seq 1 "$sets"); do
		if [ "$w" -le 2 ] && [ "$i" -eq 2 ]; then
			{
				echo "kind,op,name,email"
				for k in 1 2 3 4 5; do echo "user,create,b${w}x$k,b${w}x$k@acme.example"; done
			} >"$SCRATCH/set$w.csv"
			out=$("$ORGCTL" bulk create "set$w" "$SCRATCH/set$w.csv" 2>&1)
		elif [ "$w" -le 2 ] && [ "$i" -eq 3 ]; then
			out=$("$ORGCTL" bulk exec "set$w" 2>&1) &&
				printf 'b%sx%s\n' "$w" 1 "$w" 2 "$w" 3 "$w" 4 "$w" 5 >>"$SCRATCH/w$w.users"
		elif [ $((i % 10)) -eq 5 ]; then
			out=$("$ORGCTL" role create "Role${w}x$i" --permission directory:user:view 2>&1)
		elif [ $((i % 10)) -eq 7 ]; then
			out=$("$ORGCTL" group create "g${w}x$i" 2>&1)
		else
			out=$("$ORGCTL" user create "w${w}x$i" --email "w${w}x$i@acme.example" 2>&1) &&
				echo "w${w}x$i" >>"$SCRATCH/w$w.users"
		fi || echo "command $i: $out" >>"$SCRATCH/w$w.err"
		echo "$out" >>"$SCRATCH/w$w.out"
	done
}

start=$(now_us)
"$ORGCTL" init "$repo" >/dev/null && "$ORGCTL" org create Acme >/dev/null ||
	{ echo "Bail out! setup failed"; echo "0 passed, 1 failed"; exit 1; }
base=$(git -C "$repo" rev-list --count refs/heads/main)
for w in $(seq 1 "$writers"); do
	: >"$SCRATCH/w$w.users"
	writer "$w" &
done
wait
seconds=$((($(now_us) - start) / 1000000))
total=$((writers * sets))
echo "# $writers writers x $sets change sets in $seconds s"

errors=$(cat "$SCRATCH"/w*.err 2>/dev/null | head -n 10)
if [ -z "$errors" ]; then
	suite_ok "$writers writers at once: all $total commands succeeded"
else
	suite_why "$errors"
	suite_not_ok "$writers writers at once: all $total commands succeeded"
fi

# Every object each writer made is in the tree and in orgctl's answers.
sort "$SCRATCH"/w*.users >"$SCRATCH/made"
names_in_tree "$repo" >"$SCRATCH/tree"
missing=$(comm -23 "$SCRATCH/made" "$SCRATCH/tree" | head -n 10 | tr '\n' ' ')
if [ "$(wc -l <"$SCRATCH/made")" -gt 0 ] && [ -z "$missing" ]; then
	suite_ok "every user made is in the tree ($(wc -l <"$SCRATCH/made"))"
else
	suite_why "missing: ${missing:-no user was made}"
	suite_not_ok "every user made is in the tree"
fi
roles=$("$ORGCTL" role list -o csv 2>&1 | grep -c '^Role[0-9]')
groups=$("$ORGCTL" group list -o csv 2>&1 | grep -c '^g[0-9]')
want_roles=$(cat "$SCRATCH"/w*.out | grep -c 'role create Role')
want_groups=$(cat "$SCRATCH"/w*.out | grep -c 'group create g')
if [ "$roles" -eq "$want_roles" ] && [ "$groups" -eq "$want_groups" ] && [ "$roles" -gt 0 ]; then
	suite_ok "every role and group made is there ($roles roles, $groups groups)"
else
	suite_why "$roles roles (want $want_roles), $groups groups (want $want_groups)"
	suite_not_ok "every role and group made is there"
fi
if check_index "$repo"; then
	suite_ok "orgctl's answers are the tree's, and an index rebuilt from nothing agrees"
else
	suite_not_ok "orgctl's answers are the tree's, and an index rebuilt from nothing agrees"
fi

# The ids: one commit per change set, distinct, contiguous, each the one its writer saw.
commits=$(($(git -C "$repo" rev-list --count refs/heads/main) - base))
git -C "$repo" log -n "$total" --format='%(trailers:key=Change-Set,valueonly)' refs/heads/main |
	sed '/^$/d' | sort -n >"$SCRATCH/ids"
seq $((base + 1)) $((base + total)) >"$SCRATCH/want-ids"
if [ "$commits" -eq "$total" ] && cmp -s "$SCRATCH/ids" "$SCRATCH/want-ids"; then
	suite_ok "$total change sets, one commit each, ids $((base + 1))..$((base + total)) distinct and contiguous"
else
	suite_why "$commits commits for $total change sets; ids: $(uniq -d "$SCRATCH/ids" | head -n 3 | tr '\n' ' ') repeated; $(diff "$SCRATCH/want-ids" "$SCRATCH/ids" | grep '^[<>]' | head -n 5 | tr '\n' ' ')"
	suite_not_ok "$total change sets, one commit each, ids distinct and contiguous"
fi
cat "$SCRATCH"/w*.out | sed -n 's/^change set \([0-9]*\):.*/\1/p' | sort -n >"$SCRATCH/told"
if cmp -s "$SCRATCH/told" "$SCRATCH/want-ids"; then
	suite_ok "each writer was told the id its change set has in history"
else
	suite_why "$(diff "$SCRATCH/want-ids" "$SCRATCH/told" | grep '^[<>]' | head -n 5 | tr '\n' ' ')"
	suite_not_ok "each writer was told the id its change set has in history"
fi
if check_fsck "$repo" && check_no_leftovers "$repo"; then
	suite_ok "git fsck --strict is clean, no lock or temporary file is left"
else
	suite_not_ok "git fsck --strict is clean, no lock or temporary file is left"
fi
suite_record concurrency "writers=$writers" "change_sets=$total" "cases=$suite_count" \
	"passed=$suite_passed" "failed=$suite_failed" "seconds=$seconds"
suite_done
