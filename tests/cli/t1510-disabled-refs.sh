#!/usr/bin/env bash
# A disabled skill, role or capacity rule cannot be newly given to a user, an agent group
# or a template, by a verb, a bulk row or a rollback (exit 1, nothing changes); whoever
# holds it already keeps it, and stays valid.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup: alice holds java, Agent and Voice; then all three are disabled' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo &&
	orgctl org create Acme >/dev/null &&
	orgctl --org acme skill create java >/dev/null &&
	orgctl --org acme role create Agent --permission directory:user:view >/dev/null &&
	orgctl --org acme capacity create Voice --voice 1 >/dev/null &&
	orgctl --org acme user create alice --email alice@acme.example --skill java=3 \
		--role Agent --capacity Voice >/dev/null &&
	orgctl --org acme user create bob --email bob@acme.example >/dev/null &&
	orgctl --org acme group create Team >/dev/null &&
	orgctl --org acme skill disable java >/dev/null &&
	orgctl --org acme role disable Agent >/dev/null &&
	orgctl --org acme capacity disable Voice >/dev/null
'

test_expect_success 'a disabled skill cannot be newly given, by any verb' '
	test_unchanged --status 1 repo orgctl --org acme user skill set bob java 5 2>err &&
	test_grep "user \"bob\": skill \"java\" is disabled; enable it first" err &&
	test_unchanged --status 1 repo orgctl --org acme user create carol --email carol@acme.example --skill java=2 &&
	test_unchanged --status 1 repo orgctl --org acme group create Java --skill java=2 &&
	test_unchanged --status 1 repo orgctl --org acme group skill set Team java 2 &&
	test_unchanged --status 1 repo orgctl --org acme user template create T --skill java=2 &&
	test_must_fail --status 3 orgctl --org acme user show carol
'

test_expect_success 'a disabled role or capacity rule cannot be newly given either' '
	test_unchanged --status 1 repo orgctl --org acme user role add bob Agent 2>err &&
	test_grep "user \"bob\": role \"Agent\" is disabled; enable it first" err &&
	test_unchanged --status 1 repo orgctl --org acme group role add Team Agent &&
	test_unchanged --status 1 repo orgctl --org acme user create carol --email carol@acme.example --role Agent &&
	test_unchanged --status 1 repo orgctl --org acme user create carol --email carol@acme.example --capacity Voice &&
	test_unchanged --status 1 repo orgctl --org acme capacity assign Voice --user bob
'

test_expect_success 'holders keep it: alice is still valid, can be changed, can change its level' '
	orgctl --org acme user update alice --full-name "Alice A" >/dev/null &&
	orgctl --org acme user skill set alice java 7 >/dev/null &&
	orgctl --org acme user show alice -o json >out &&
	test_grep "\"java\": 7" out &&
	test_grep "\"Agent\"" out &&
	test_grep "\"capacity\": \"Voice\"" out
'

test_expect_success 'a bulk row giving a disabled skill fails, and nothing is applied' '
	printf "kind,op,name,email,skill\nuser,create,dan,dan@acme.example,java=4\n" >rows.csv &&
	orgctl --org acme bulk create rows rows.csv >/dev/null &&
	test_unchanged --status 1 repo orgctl bulk exec rows 2>err &&
	test_grep "skill \"java\" is disabled" err &&
	test_must_fail --status 3 orgctl --org acme user show dan
'

test_expect_success 'a rollback that would give it back is refused; once enabled, it works' '
	orgctl --org acme user skill rm alice java >/dev/null &&
	test_unchanged --status 1 repo orgctl rollback --force "$(head_of repo)" 2>err &&
	test_grep "skill \"java\" is disabled" err &&
	orgctl --org acme skill enable java >/dev/null &&
	orgctl rollback --force "$(git -C repo rev-parse HEAD~1)" >/dev/null &&
	orgctl --org acme user show alice -o json >out &&
	test_grep "\"java\": 7" out
'

test_expect_success 'enabled again, it can be given' '
	orgctl --org acme user skill set bob java 5 >/dev/null &&
	orgctl --org acme role enable Agent >/dev/null &&
	orgctl --org acme user role add bob Agent >/dev/null
'

test_done
