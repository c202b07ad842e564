#!/usr/bin/env bash
# Rollback never leaves a dangling reference, an orphaned object or a duplicate; nothing
# may lock the enterprise administrator out.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup: a role, then a user given it' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo ORGCTL_ORG=acme &&
	orgctl org create Acme >/dev/null &&
	orgctl role create Agent --permission directory:user:view >/dev/null &&
	orgctl user create ann --email ann@acme.example --role Agent >/dev/null &&
	orgctl log -o csv >log.csv &&
	test_grep "^3,.*role create Agent" log.csv &&
	test_grep "^4,.*user create ann" log.csv
'

test_expect_success 'rolling back a role that a later user holds is refused, naming both' '
	test_unchanged repo --status 5 orgctl rollback 3 2>err &&
	test_grep "role \"Agent\" would be removed while user \"ann\" refers to it" err &&
	test_grep "give --force" err
'

test_expect_success 'rolling back an org that later objects live in is refused' '
	test_unchanged repo --status 5 orgctl rollback 2 2>err &&
	test_grep "org \"acme\" would be removed while it holds 2 objects" err
'

test_expect_success '--dry-run reports the same refusal' '
	test_unchanged repo --status 5 orgctl --dry-run rollback 3 2>err &&
	test_grep "refers to it" err
'

test_expect_success 'restoring an e-mail that another user took since is refused' '
	orgctl user update ann --email ann2@acme.example >/dev/null &&
	orgctl user create bob --email ann@acme.example >/dev/null &&
	id=$(orgctl log -n 2 -o csv | sed -n 3p | cut -d, -f1) &&
	test_unchanged repo --status 5 orgctl rollback "$id" 2>err &&
	test_grep "email \"ann@acme.example\" is already used by user \"bob\"" err
'

test_expect_success 'once the referrer is gone, the rollback goes through' '
	orgctl user rm ann >/dev/null &&
	orgctl rollback 3 >out &&
	test_grep "rollback 3: role create Agent" out &&
	test_must_fail --status 3 orgctl role show Agent
'

# The last change set is rolled back without the checks above (its parent's tree comes
# back whole); the result must be exactly that tree.
test_expect_success 'rolling back the last change set gives back its parent tree exactly' '
	orgctl group create late >/dev/null &&
	orgctl user create cal --email cal@acme.example >/dev/null &&
	orgctl group member-add late cal >/dev/null &&
	git -C repo rev-parse HEAD^^{tree} >expect &&
	id=$(orgctl log -n 1 -o csv | sed -n 2p | cut -d, -f1) &&
	orgctl rollback "$id" >/dev/null &&
	git -C repo rev-parse HEAD^{tree} >actual &&
	test_cmp expect actual &&
	orgctl user list --group late -o csv >members &&
	! test_grep "^cal," members
'

test_expect_success 'disabling the enterprise administrator is refused' '
	test_unchanged repo --status 1 orgctl --org enterprise user disable admin 2>err &&
	test_grep "enterprise administrator admin@enterprise unable to act" err
'

test_expect_success 'removing Master Admin from the enterprise is refused, even with --force' '
	test_unchanged repo --status 1 orgctl --org enterprise role rm "Master Admin" --force 2>err &&
	test_grep "unable to act" err &&
	test_unchanged repo --status 1 orgctl --org enterprise user role rm admin "Master Admin"
'

test_expect_success 'another org may change its own Master Admin freely' '
	orgctl role revoke "Master Admin" "*:*:*" >/dev/null &&
	orgctl role show "Master Admin" -o json >role.json &&
	! grep -q "\*:\*:\*" role.json
'

test_expect_success 'a damaged index file is thrown away and rebuilt from the commit' '
	echo "not a database" >repo/orgctl/index.sqlite &&
	rm -f repo/orgctl/index.sqlite-wal repo/orgctl/index.sqlite-shm &&
	orgctl user show bob -o json >out &&
	test_grep "\"email\": \"ann@acme.example\"" out
'

test_done
