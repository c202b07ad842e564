#!/usr/bin/env bash
# Damaged repositories: a ref that holds no commit id, a branch that is gone, change-set
# ids pushed by hand. Each is a clear error (exit 1) or is counted past; never a crash,
# never a write that forgets the tree.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo ORGCTL_ORG=acme &&
	orgctl org create Acme >/dev/null &&
	orgctl --org acme user create alice --email alice@acme.example >/dev/null &&
	head_of repo >good-head
'

# with_ref CONTENT CMD...: runs CMD while the loose branch ref holds CONTENT, then puts the
# good ref back (so a failing check does not break the tests after it).
with_ref() {
	local content=$1 status
	shift
	printf "%s" "$content" >repo/refs/heads/main
	"$@"
	status=$?
	cp good-head repo/refs/heads/main
	return $status
}

for bad in 'not-hex-at-all\n' '1ccb3959\n' 'zz2fd21d1ec5a45d2ed0bd74d6fba6c0cf0b7d31\n' \
	'ref: refs/heads/other\n' '' 'AB2FD21D1EC5A45D2ED0BD74D6FBA6C0CF0B7D31\n'; do
	test_expect_success "a branch ref holding \"$bad\" is an error (exit 1), for reads and writes" '
		with_ref "$(printf "$bad")" test_must_fail --status 1 orgctl user list 2>err &&
		test_grep "damaged" err &&
		with_ref "$(printf "$bad")" test_must_fail --status 1 orgctl log 2>err &&
		with_ref "$(printf "$bad")" test_must_fail --status 1 orgctl --org acme user create eve --email e@x.example 2>err &&
		test_grep "damaged" err &&
		test "$(head_of repo)" = "$(cat good-head)" &&
		orgctl --org acme user show alice >/dev/null
	'
done

test_expect_success 'a damaged branch line in packed-refs is an error too' '
	git -C repo pack-refs --all &&
	test ! -f repo/refs/heads/main &&
	cp repo/packed-refs packed.good &&
	sed -e "s/^[0-9a-f]* refs\/heads\/main/xyz refs\/heads\/main/" packed.good >repo/packed-refs &&
	test_must_fail --status 1 orgctl user list 2>err &&
	test_grep "damaged" err &&
	cp packed.good repo/packed-refs &&
	orgctl --org acme user show alice >/dev/null
'

test_expect_success 'a missing branch is damage, not an empty repository: writes refuse' '
	rm -f repo/refs/heads/main &&
	cp repo/packed-refs packed.good &&
	grep -v "refs/heads/main" packed.good >repo/packed-refs &&
	test_must_fail --status 1 orgctl --org acme user create eve --email e@x.example 2>err &&
	test_grep "missing" err &&
	test_must_fail --status 1 orgctl org list 2>err &&
	test_grep "missing" err &&
	test_must_fail git -C repo rev-parse --verify -q refs/heads/main &&
	cp packed.good repo/packed-refs &&
	orgctl --org acme user show alice >/dev/null
'

test_expect_success 'a missing branch is found even when the index is gone too' '
	cp repo/packed-refs packed.good &&
	grep -v "refs/heads/main" packed.good >repo/packed-refs &&
	rm -f repo/orgctl/index.sqlite* &&
	test_must_fail --status 1 orgctl --org acme user create eve --email e@x.example 2>err &&
	test_grep "missing" err &&
	cp packed.good repo/packed-refs &&
	orgctl --org acme user show alice >/dev/null
'

# push_commit TRAILER: a commit made with plain git on top of main, carrying TRAILER.
push_commit() {
	rm -rf work &&
		git clone -q repo work &&
		git -C work commit -q --allow-empty -m "by hand" -m "$1" &&
		git -C work push -q origin HEAD:main
}

test_expect_success 'a pushed Change-Set id lower than the last does not make ids repeat' '
	last=$(orgctl log -o json | jq -r ".[0].id") &&
	push_commit "Change-Set: 1" &&
	orgctl --org acme user create carol --email carol@acme.example >out &&
	test_grep "change set $((last + 1))" out
'

test_expect_success 'a pushed Change-Set id that would overflow is not counted on from' '
	push_commit "Change-Set: 9223372036854775807" &&
	orgctl --org acme user create dave --email dave@acme.example >out &&
	id=$(sed -n "s/^change set \([0-9]*\).*/\1/p" out) &&
	test -n "$id" && test "$id" -gt 0 && test "$id" -lt 1000
'

test_expect_success 'ids do not repeat after the index is rebuilt from nothing' '
	push_commit "Change-Set: 2" &&
	rm -f repo/orgctl/index.sqlite* &&
	orgctl --org acme user create erin --email erin@acme.example >out &&
	id=$(sed -n "s/^change set \([0-9]*\).*/\1/p" out) &&
	orgctl log -o json | jq -r ".[].id" | grep -c "^$id\$" >count &&
	echo 1 >one && test_cmp one count
'

test_expect_success 'an object missing from the database is a storage error (exit 1), not "not found"' '
	rm -rf copy && cp -r repo copy &&
	blob=$(git -C copy rev-parse "main:orgs/acme/org.json") &&
	git -C copy cat-file -p $blob >/dev/null &&
	rm -f copy/objects/$(echo $blob | cut -c1-2)/$(echo $blob | cut -c3-) &&
	! git -C copy cat-file -e $blob 2>/dev/null &&
	id=$(ORGCTL_DIR=$SCRATCH/copy orgctl log -o json | jq -r "map(select(.summary | startswith(\"org create\"))) | .[0].commit") &&
	ORGCTL_DIR=$SCRATCH/copy test_must_fail --status 1 orgctl diff $id 2>err &&
	test_grep "org.json" err
'

test_expect_success 'a number names one change set: a pushed duplicate has none' '
	rm -rf dup && cp -r repo dup &&
	export ORGCTL_DIR=$SCRATCH/dup &&
	real3=$(orgctl log -o json | jq -r ".[] | select(.id == \"3\") | .commit") &&
	test -n "$real3" &&
	rm -rf work && git clone -q dup work &&
	git -C work commit -q --allow-empty -m "hand 3" -m "Change-Set: 3" &&
	git -C work push -q origin HEAD:main &&
	orgctl log -o json | jq -r "[.[] | select(.id == \"3\")] | length" >n &&
	echo 1 >one && test_cmp one n &&
	orgctl show 3 -o json | jq -r .commit >got &&
	echo "$real3" >want && test_cmp want got &&
	hand=$(git -C dup rev-parse main) &&
	orgctl log -o json | jq -r ".[0].id" >first &&
	echo "$hand" >want && test_cmp want first &&
	export ORGCTL_DIR=$SCRATCH/repo
'

test_done
