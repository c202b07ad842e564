#!/usr/bin/env bash
# Who acts, failing closed: only an actor given nowhere (no --as, $ORGCTL_ACTOR unset) is
# the enterprise administrator. One given but empty or malformed is a usage error (2); one
# who does not exist, is disabled, or belongs to a disabled org is refused (4) before any
# command reads or writes anything.
. "$(dirname "$0")/test-lib.sh"

test_line_count_is_one() {
	test "$(wc -l <"$1")" -eq 1 || {
		cat "$1" >&2
		return 1
	}
}

test_expect_success 'setup: an org with an admin, a user without roles, a disabled one' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo &&
	orgctl org create Acme >/dev/null &&
	orgctl --org acme user create boss --email boss@acme.example --role "Master Admin" >/dev/null &&
	orgctl --org acme user create nobody --email nobody@acme.example >/dev/null &&
	orgctl --org acme user create off --email off@acme.example --role "Master Admin" >/dev/null &&
	orgctl --org acme user disable off >/dev/null
'

test_expect_success 'no actor given at all: the enterprise administrator acts' '
	env -u ORGCTL_ACTOR orgctl --org acme user update nobody --full-name "No Body" >/dev/null &&
	git -C repo log -1 --format=%an >actual &&
	echo admin@enterprise >expect &&
	test_cmp expect actual
'

test_expect_success 'an empty --as, --as= or $ORGCTL_ACTOR is a usage error, never the administrator' '
	test_unchanged --status 2 repo orgctl --as "" --org acme user rm nobody 2>err &&
	test_grep "actor is given but empty" err &&
	test_unchanged --status 2 repo orgctl --as= --org acme user rm nobody &&
	test_unchanged --status 2 repo orgctl --org acme user rm nobody --as "" &&
	test_unchanged --status 2 repo env ORGCTL_ACTOR= orgctl --org acme user rm nobody 2>err &&
	test_grep "actor is given but empty" err &&
	test_line_count_is_one err
'

test_expect_success 'an empty actor cannot read either, nor run bulk, log or rollback' '
	test_must_fail --status 2 orgctl --as "" org list &&
	test_must_fail --status 2 env ORGCTL_ACTOR= orgctl --org acme user list &&
	test_must_fail --status 2 env ORGCTL_ACTOR= orgctl log &&
	test_must_fail --status 2 orgctl --as= show 1 &&
	test_must_fail --status 2 orgctl --as= bulk list &&
	test_unchanged --status 2 repo env ORGCTL_ACTOR= orgctl rollback 3
'

test_expect_success '--as wins over an empty $ORGCTL_ACTOR' '
	ORGCTL_ACTOR= orgctl --as boss@acme --org acme user update nobody --full-name N >/dev/null &&
	git -C repo log -1 --format=%an >actual &&
	echo boss@acme >expect &&
	test_cmp expect actual
'

test_expect_success 'an actor that is no USER@ORG is a usage error' '
	for actor in boss "@acme" "boss@" " " "bo/ss@acme" "boss@ac/me" "boss@.."; do
		test_unchanged --status 2 repo orgctl --as "$actor" --org acme user rm nobody 2>err &&
		test_grep "is not of the form USER@ORG" err || return 1
	done &&
	test_unchanged --status 2 repo env ORGCTL_ACTOR=boss orgctl --org acme user rm nobody
'

test_expect_success 'an unknown actor is refused (4), reading too' '
	test_unchanged --status 4 repo orgctl --as ghost@acme --org acme user rm nobody 2>err &&
	test_grep "actor \"ghost@acme\" does not exist" err &&
	test_unchanged --status 4 repo env ORGCTL_ACTOR=ghost@nowhere orgctl --org acme user rm nobody &&
	test_must_fail --status 4 orgctl --as ghost@acme org list &&
	test_must_fail --status 4 orgctl --as ghost@acme bulk list
'

test_expect_success 'a disabled actor is refused (4), reading too' '
	test_unchanged --status 4 repo orgctl --as off@acme --org acme user rm nobody 2>err &&
	test_grep "actor \"off@acme\" is disabled" err &&
	test_must_fail --status 4 orgctl --as off@acme --org acme user list
'

test_expect_success 'the users of a disabled org cannot act, not even to read' '
	orgctl org create Closed >/dev/null &&
	orgctl --org closed user create dora --email dora@closed.example --role "Master Admin" >/dev/null &&
	orgctl --as dora@closed --org closed user list >/dev/null &&
	orgctl org disable closed >/dev/null &&
	test_must_fail --status 4 orgctl --as dora@closed --org closed user list 2>err &&
	test_grep "actor \"dora@closed\" cannot act: org \"closed\" is disabled" err &&
	test_unchanged --status 4 repo orgctl --as dora@closed org enable closed &&
	test_unchanged --status 4 repo orgctl --as dora@closed --org closed user rm dora
'

test_expect_success 'user can: a user of a disabled org holds nothing' '
	test_must_fail --status 10 orgctl --org closed user can dora directory:user:view >out &&
	test_grep "org \"closed\" is disabled" out &&
	orgctl org enable closed >/dev/null &&
	orgctl --org closed user can dora directory:user:view >out &&
	orgctl --as dora@closed --org closed user list >/dev/null
'

test_done
