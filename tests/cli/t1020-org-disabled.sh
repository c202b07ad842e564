#!/usr/bin/env bash
# Disabled means disabled: nothing inside a disabled org changes, by anyone, through any
# entry point (a verb, a bulk set, a rollback), except the enterprise administrator
# enabling it again; and the enterprise org cannot be disabled. (A bulk set's status for a
# refused row is bulk's to choose: these tests check that nothing in the org changed.)
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup: an org with users, a role, a skill; a second org' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo &&
	orgctl org create Acme >/dev/null &&
	orgctl --org acme role create Agent --permission directory:user:view >/dev/null &&
	orgctl --org acme skill create java >/dev/null &&
	orgctl --org acme user create boss --email boss@acme.example --role "Master Admin" >/dev/null &&
	orgctl --org acme user create alice --email alice@acme.example >/dev/null &&
	orgctl org create Other >/dev/null &&
	orgctl --org other user create olga --email olga@other.example --role "Master Admin" >/dev/null
'

test_expect_success 'the enterprise org cannot be disabled (exit 1), by a verb or a bulk row' '
	test_unchanged --status 1 repo orgctl org disable enterprise 2>err &&
	test_grep "org \"enterprise\" is the enterprise org: it cannot be disabled" err &&
	printf "kind,op,name\norg,disable,enterprise\n" >ent.csv &&
	orgctl bulk create ent ent.csv >/dev/null &&
	test_unchanged --status 1 repo orgctl bulk exec ent 2>err &&
	test_grep "cannot be disabled" err &&
	orgctl org show enterprise -o json >out &&
	test_grep "\"state\": \"enabled\"" out
'

test_expect_success 'a bulk set that disables an org refuses its later rows in that org' '
	printf "kind,op,name,email,org\norg,disable,acme,,\nuser,create,late,late@acme.example,acme\n" >late.csv &&
	orgctl bulk create late late.csv >/dev/null &&
	test_unchanged repo orgctl bulk exec late 2>err &&
	test_grep "org \"acme\" is disabled" err &&
	orgctl bulk rm late >/dev/null
'

test_expect_success 'while an org is disabled, the enterprise administrator changes nothing in it (4)' '
	orgctl --org acme user update alice --full-name Alice >/dev/null &&
	before_disable=$(head_of repo) &&
	orgctl org disable acme >/dev/null &&
	test_unchanged --status 4 repo orgctl --org acme user create bob --email bob@acme.example 2>err &&
	test_grep "org \"acme\" is disabled: nothing in it changes" err &&
	test_unchanged --status 4 repo orgctl --org acme user update alice --full-name A &&
	test_unchanged --status 4 repo orgctl --org acme user rm alice &&
	test_unchanged --status 4 repo orgctl --org acme role grant Agent routing:skill:view &&
	test_unchanged --status 4 repo orgctl --org acme user skill set alice java 3 &&
	test_unchanged --status 4 repo orgctl org update acme --name "Acme Renamed" &&
	test_unchanged --status 4 repo orgctl org update acme --setting region=eu &&
	test_unchanged --status 4 repo orgctl org disable acme &&
	test_unchanged --status 4 repo orgctl --dry-run --org acme user rm alice
'

test_expect_success 'reading a disabled org still works for the enterprise administrator' '
	orgctl --org acme user list >out &&
	test_grep "^alice" out &&
	orgctl org show acme -o json >out &&
	test_grep "\"state\": \"disabled\"" out
'

test_expect_success 'a bulk set with rows in a disabled org applies nothing (it may record so)' '
	printf "kind,op,name,email\nuser,create,carol,carol@acme.example\n" >rows.csv &&
	orgctl --org acme bulk create rows rows.csv >/dev/null &&
	test_unchanged repo orgctl bulk exec rows 2>err &&
	test_grep "org \"acme\" is disabled" err &&
	before=$(head_of repo) &&
	test_must_fail orgctl bulk exec rows --continue-on-error &&
	git -C repo diff --name-only "$before" HEAD >changed &&
	! grep -v "^bulk/" changed &&
	test_must_fail --status 3 orgctl --org acme user show carol
'

test_expect_success 'a rollback of a change inside a disabled org is refused' '
	test_unchanged --status 4 repo orgctl rollback "$before_disable" 2>err &&
	test_grep "org \"acme\" is disabled" err &&
	test_unchanged --status 4 repo orgctl rollback --force "$before_disable"
'

test_expect_success 'nobody else enables it: not its own admin, not another org'"'"'s' '
	test_unchanged --status 4 repo orgctl --as boss@acme org enable acme &&
	test_unchanged --status 4 repo orgctl --as olga@other org enable acme
'

test_expect_success 'a bulk set that first enables it may change it in later rows' '
	printf "kind,op,name,email,org\norg,enable,acme,,\nuser,create,dave,dave@acme.example,acme\n" >both.csv &&
	orgctl bulk create both both.csv >/dev/null &&
	orgctl bulk exec both >/dev/null &&
	orgctl --org acme user show dave >/dev/null &&
	orgctl org disable acme >/dev/null
'

test_expect_success 'the enterprise administrator enables it; then it changes again' '
	orgctl org enable acme >/dev/null &&
	orgctl --org acme user create bob --email bob@acme.example >/dev/null &&
	orgctl --as boss@acme --org acme user update bob --full-name Bob >/dev/null
'

test_expect_success 'rolling back the disabling enables it, as enabling would' '
	orgctl org disable acme >/dev/null &&
	id=$(git -C repo log -1 --format=%H) &&
	orgctl rollback "$id" >/dev/null &&
	orgctl org show acme -o json >out &&
	test_grep "\"state\": \"enabled\"" out
'

test_done
