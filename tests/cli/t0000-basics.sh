#!/usr/bin/env bash
# Basics: help, version, usage errors with suggestions, repository discovery, output
# formats, and a failing stdout.
. "$(dirname "$0")/test-lib.sh"

commands='init org user role log show diff rollback help version'

test_expect_success 'help lists every command and exits 0' '
	orgctl help >out &&
	for c in $commands; do
		grep "^  $c " out || return 1
	done
'

test_expect_success 'version and --version print the version' '
	orgctl version >out &&
	grep -E "^orgctl [0-9]+\.[0-9]+\.[0-9]+$" out &&
	orgctl --version >out2 &&
	test_cmp out out2
'

test_expect_success 'no command at all is a usage error (exit 2, the usage on stderr)' '
	test_must_fail --status 2 orgctl >out 2>err &&
	test_grep "^usage: orgctl" err &&
	test ! -s out &&
	orgctl --help >out 2>err &&
	test_grep "^usage: orgctl" out &&
	test ! -s err
'

test_expect_success 'an unknown command exits 2 with a suggestion' '
	test_must_fail --status 2 orgctl usr 2>err &&
	test_grep "unknown command \"usr\" (did you mean \"user\"?)" err &&
	test_must_fail --status 2 orgctl rolback 5 2>err &&
	test_grep "did you mean \"rollback\"" err
'

test_expect_success 'an unknown verb exits 2 with a suggestion' '
	test_must_fail --status 2 orgctl user crate alice 2>err &&
	test_grep "orgctl: user: unknown verb \"crate\" (did you mean \"create\"?)" err &&
	test_must_fail --status 2 orgctl role grnt x y 2>err &&
	test_grep "did you mean \"grant\"" err &&
	test_must_fail --status 2 orgctl org lst 2>err &&
	test_grep "did you mean \"list\"" err
'

test_expect_success 'an unknown option exits 2 with a suggestion' '
	test_must_fail --status 2 orgctl --hepl 2>err &&
	test_grep "unknown option \"--hepl\" (did you mean \"--help\"?)" err &&
	test_must_fail --status 2 orgctl user create bob --emial b@x.com 2>err &&
	test_grep "unknown option \"--emial\" (did you mean \"--email\"?)" err &&
	test_must_fail --status 2 orgctl log --max-cont 3 2>err &&
	test_grep "did you mean \"--max-count\"" err &&
	test_must_fail --status 2 orgctl rollback 3 --forse 2>err &&
	test_grep "did you mean \"--force\"" err
'

test_expect_success 'a bad output format or a missing option value exits 2' '
	test_must_fail --status 2 orgctl -o yaml help 2>err &&
	test_grep "unknown output format \"yaml\"" err &&
	test_must_fail --status 2 orgctl log -n 2>err &&
	test_must_fail --status 2 orgctl log -n many 2>err &&
	test_must_fail --status 2 orgctl user create 2>err &&
	test_grep "missing NAME" err
'

test_expect_success 'every command answers --help and help COMMAND outside a repository' '
	mkdir norepo &&
	for c in $commands; do
		(cd norepo && orgctl $c --help) >out 2>err || { echo "$c --help failed"; cat err; return 1; }
		test "$c" = version || grep -i "usage" out || { echo "$c --help: no usage"; return 1; }
		(cd norepo && orgctl $c -h) >out 2>err || { echo "$c -h failed"; cat err; return 1; }
		(cd norepo && orgctl help $c) >out2 || return 1
		test -s out2 || return 1
	done
'

test_expect_success 'every operation of the op table answers --help with its permission' '
	orgctl __ops >ops &&
	test $(wc -l <ops) -gt 40 &&
	while read -r kind verb rest; do
		set -- $rest
		mode=$1 perm=$2
		v="$kind $verb"
		(cd norepo && orgctl $v --help) >out 2>err || { echo "$v --help failed"; cat err; return 1; }
		grep "^usage:" out || { echo "$v --help: no usage"; cat out; return 1; }
		test "$perm" = - || grep -F "needs permission: $perm" out ||
			{ echo "$v --help does not name $perm:"; cat out; return 1; }
	done <ops
'

test_expect_success 'help on an unknown command exits 2' '
	test_must_fail --status 2 orgctl help nosuch 2>err &&
	test_grep "unknown command \"nosuch\"" err
'

test_expect_success 'outside any repository: exit 3 with a hint' '
	(cd norepo && test_must_fail --status 3 orgctl log) 2>err &&
	test_grep "not an orgctl repository" err &&
	test_grep "orgctl init" err &&
	test_must_fail --status 3 orgctl -C "$SCRATCH/nowhere" log 2>err
'

test_expect_success 'setup: a repository' '
	orgctl init repo >out &&
	repo=$SCRATCH/repo &&
	orgctl -C repo org create "Acme Corp" >/dev/null &&
	orgctl -C repo --org acmecorp user create alice --email alice@acme.example \
		--full-name "Alice Doe" >/dev/null
'

test_expect_success 'discovery: -C DIR' '
	(cd norepo && orgctl -C "$repo" log -n 1 -o csv) >out &&
	test_grep "user create alice" out &&
	(cd norepo && orgctl -C ../repo log -n 1 -o csv) >out &&
	test_grep "user create alice" out
'

test_expect_success 'discovery: $ORGCTL_DIR, and -C wins over it' '
	(cd norepo && ORGCTL_DIR=$repo orgctl log -n 1 -o csv) >out &&
	test_grep "user create alice" out &&
	(cd norepo && ORGCTL_DIR=$SCRATCH/nowhere orgctl -C "$repo" log -n 1 -o csv) >out &&
	test_grep "user create alice" out
'

test_expect_success 'discovery: the current directory and its subdirectories' '
	(cd repo && orgctl log -n 1 -o csv) >out &&
	test_grep "user create alice" out &&
	(cd repo/refs/heads && orgctl log -n 1 -o csv) >out &&
	test_grep "user create alice" out &&
	(cd repo/orgctl && orgctl log -n 1 -o csv) >out &&
	test_grep "user create alice" out
'

test_expect_success 'discovery: a directory holding the repository as .git' '
	mkdir -p wt &&
	cp -R repo wt/.git &&
	mkdir -p wt/sub/dir &&
	(cd wt/sub/dir && orgctl log -n 1 -o csv) >out &&
	test_grep "user create alice" out
'

test_expect_success '-o json: an object with sorted keys' '
	cat >expect <<-\EOF &&
	{
	  "enterprise": false,
	  "name": "Acme Corp",
	  "settings": {},
	  "shortname": "acmecorp",
	  "state": "enabled"
	}
	EOF
	orgctl -C repo -o json org show acmecorp >actual &&
	test_cmp expect actual
'

test_expect_success '-o json: a list is an array; every field, empty ones too' '
	cat >expect <<-\EOF &&
	[
	  {
	    "access_groups": [],
	    "capacity": null,
	    "effective_roles": {},
	    "email": "alice@acme.example",
	    "full_name": "Alice Doe",
	    "groups": [],
	    "id": "ID",
	    "name": "alice",
	    "options": {},
	    "password_set": false,
	    "roles": [],
	    "skills": {},
	    "state": "enabled"
	  }
	]
	EOF
	orgctl -C repo --org acmecorp user list -o json | mask_ids >actual &&
	test_cmp expect actual
'

test_expect_success '-o csv: a header line, then one line per object, every field' '
	cat >expect <<-\EOF &&
	name,full_name,email,state,roles,access_groups,capacity,effective_roles,groups,id,options,password_set,skills
	alice,Alice Doe,alice@acme.example,enabled,,,,,,ID,,false,
	EOF
	orgctl -C repo --org acmecorp user list -o csv | mask_ids >actual &&
	test_cmp expect actual
'

test_expect_success '-o csv quotes fields holding commas and quotes' '
	orgctl -C repo --org acmecorp user create bob --email bob@acme.example \
		--full-name "Bob \"B\", Jr" >/dev/null &&
	orgctl -C repo --org acmecorp user list -o csv >actual &&
	test_grep "^bob,\"Bob \"\"B\"\", Jr\",bob@acme.example,enabled,," actual
'

test_expect_success '-o table: upper-case headers and aligned columns' '
	cat >expect <<-\EOF &&
	NAME          STATE    PERMISSIONS
	Master Admin  enabled  *:*:*
	EOF
	orgctl -C repo --org acmecorp role list >actual &&
	test_cmp expect actual
'

test_expect_success 'the output option works before and after the verb' '
	orgctl -C repo -o csv --org acmecorp role list >a &&
	orgctl -C repo --org acmecorp role list -o csv >b &&
	orgctl -C repo --org acmecorp role list --output=csv >c &&
	test_cmp a b && test_cmp a c &&
	test_grep "^name,state,permissions,description$" a
'

test_expect_success '-q silences a change; -o json reports it' '
	orgctl -C repo -q org create "Quiet Inc" >out &&
	! test -s out &&
	orgctl -C repo -o json org create "Loud Inc" >out &&
	test_grep "\"change_set\": \"" out &&
	test_grep "\"summary\": \"org create loudinc\"" out
'

test_expect_success 'a full stdout is an error, not a silent success' '
	test_must_fail orgctl -C repo log >/dev/full 2>err &&
	test_grep "cannot write output" err &&
	test_must_fail orgctl help >/dev/full 2>err &&
	test_must_fail orgctl -C repo --org acmecorp user list -o json >/dev/full 2>err
'

test_expect_success 'errors go to stderr as "orgctl: <what>: <why>"' '
	test_must_fail --status 3 orgctl -C repo org show nosuch >out 2>err &&
	! test -s out &&
	test_grep "^orgctl: org show: org \"nosuch\" not found$" err
'

test_expect_success 'the repository is still sound' '
	test_fsck repo
'

test_expect_success 'one parser for every command: -- ends the options, an option is given once' '
	orgctl -C repo --org acmecorp user create --email dash@acme.example -- -dash >/dev/null &&
	orgctl -C repo --org acmecorp user show -o json -- -dash >out &&
	test_grep "dash@acme.example" out &&
	test_must_fail --status 2 orgctl -C repo log --since 2020-01-01 --since 2021-01-01 2>err &&
	test_grep "given twice" err &&
	test_must_fail --status 2 orgctl -C repo --org acmecorp user update alice --email a@acme.example \
		--email b@acme.example 2>err &&
	test_grep "given twice" err &&
	test_must_fail --status 2 orgctl -C repo --org acmecorp user update alice --email 2>err &&
	test_grep "needs a value (EMAIL)" err
'

test_done
