#!/usr/bin/env bash
# orgctl skill: create/list/show/update/copy/enable/disable; rm refused while held
# (by users, groups, templates) unless --force, which takes it from them in one change set.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo ORGCTL_ORG=acme &&
	orgctl org create Acme >/dev/null &&
	orgctl user create alice --email alice@acme.example >/dev/null &&
	orgctl user create bob --email bob@acme.example >/dev/null
'

test_expect_success 'skill create writes a canonical file, one change set' '
	before=$(head_of repo) &&
	orgctl skill create spanish --description "Spanish, spoken" >out &&
	test_grep "^change set [0-9]*: skill create spanish$" out &&
	test "$(git -C repo rev-parse main^)" = "$before" &&
	git -C repo show main:orgs/acme/skills/spanish.json >actual &&
	cat >expect <<-\EOF &&
	{
	  "description": "Spanish, spoken",
	  "name": "spanish",
	  "state": "enabled"
	}
	EOF
	test_cmp expect actual &&
	orgctl skill show spanish -o json >actual &&
	test_cmp expect actual
'

test_expect_success 'skill list, with --state and --search' '
	orgctl skill create english >/dev/null &&
	orgctl skill create "c++" >/dev/null &&
	orgctl skill list -o csv >actual &&
	printf "name,state,description\nc++,enabled,\nenglish,enabled,\nspanish,enabled,\"Spanish, spoken\"\n" >expect &&
	test_cmp expect actual &&
	orgctl skill list --search NGL -o csv | cut -d, -f1 >actual &&
	printf "name\nenglish\n" >expect && test_cmp expect actual
'

test_expect_success 'a duplicate skill is refused (exit 1); a bad name too' '
	test_unchanged --status 1 repo orgctl skill create spanish 2>err &&
	test_grep "skill \"spanish\" exists already in org \"acme\"" err &&
	test_unchanged --status 1 repo orgctl skill create ".." &&
	test_unchanged --status 2 repo orgctl skill create
'

test_expect_success 'show, update, copy, enable, disable of an unknown skill: exit 3' '
	for verb in show update enable disable; do
		test_unchanged --status 3 repo orgctl skill $verb nope || return 1
	done &&
	test_unchanged --status 3 repo orgctl skill copy nope other
'

test_expect_success 'user skill set: level 0 to 10 of an existing skill' '
	orgctl user skill set alice spanish 7 >out &&
	test_grep "user skill set alice spanish 7" out &&
	orgctl user skill set bob spanish 0 >/dev/null &&
	orgctl user skill set bob english 10 >/dev/null &&
	orgctl user show alice -o json >actual &&
	test_grep "\"spanish\": 7" actual
'

test_expect_success 'user skill set refuses a level outside 0-10, a non-number, an unknown skill' '
	test_unchanged --status 1 repo orgctl user skill set alice spanish 11 2>err &&
	test_grep "level 11 is outside 0 to 10" err &&
	test_unchanged --status 1 repo orgctl user skill set alice spanish 7.5 2>err &&
	test_grep "level \"7.5\" is not a whole number" err &&
	test_unchanged --status 3 repo orgctl user skill set alice french 3 2>err &&
	test_grep "skill \"french\" does not exist in org \"acme\"" err &&
	test_unchanged --status 3 repo orgctl user skill set nobody spanish 3 &&
	test_unchanged --status 2 repo orgctl user skill set alice spanish
'

test_expect_success 'a hand-edited level outside 0-10 is refused by validation too' '
	test_unchanged --status 1 repo orgctl user create carol --email carol@acme.example \
		--skill spanish=42 2>err &&
	test_grep "level 42 is outside 0 to 10" err
'

test_expect_success 'user list --skill lists the holders through the index' '
	orgctl user list --skill spanish -o csv | cut -d, -f1 >actual &&
	printf "name\nalice\nbob\n" >expect && test_cmp expect actual &&
	orgctl user list --skill english -o json >actual &&
	test_grep "\"name\": \"bob\"" actual &&
	! grep alice actual
'

test_expect_success 'update changes the description; copy makes a new skill, holders keep the old' '
	orgctl skill update english --description "English" >/dev/null &&
	orgctl skill copy english "english (uk)" >/dev/null &&
	orgctl skill show "english (uk)" -o json >actual &&
	test_grep "\"description\": \"English\"" actual &&
	orgctl user list --skill "english (uk)" -o csv >actual &&
	test $(wc -l <actual) -eq 1 &&
	test_unchanged --status 1 repo orgctl skill copy english spanish
'

test_expect_success 'disable and enable change the state; holders keep a disabled skill' '
	orgctl skill disable spanish >/dev/null &&
	orgctl skill list --state disabled -o csv | cut -d, -f1 >actual &&
	printf "name\nspanish\n" >expect && test_cmp expect actual &&
	orgctl user list --skill spanish -o csv >actual &&
	test $(wc -l <actual) -eq 3 &&
	orgctl skill enable spanish >/dev/null
'

test_expect_success 'setup: a group and a template hold spanish too' '
	orgctl group create Sales --skill spanish=5 >/dev/null &&
	orgctl user template create agent --skill spanish=3 >/dev/null
'

test_expect_success 'rm of a held skill is refused (exit 5) listing every holder' '
	test_unchanged --status 5 repo orgctl skill rm spanish 2>err &&
	test_grep "skill \"spanish\" is in use by user \"alice\", user \"bob\", group \"Sales\", template \"agent\"" err &&
	test_grep "give --force" err
'

test_expect_success 'rm --force takes it from every holder in the same change set' '
	before=$(head_of repo) &&
	orgctl skill rm spanish --force -o json >out &&
	test "$(git -C repo rev-parse main^)" = "$before" &&
	git -C repo diff-tree -r --no-commit-id --name-status main >actual &&
	test $(wc -l <actual) -eq 5 &&
	test_grep "^D	orgs/acme/skills/spanish.json$" actual &&
	test_grep "^M	orgs/acme/groups/Sales.json$" actual &&
	test_grep "^M	orgs/acme/templates/agent.json$" actual &&
	test_grep "^M	orgs/acme/users/.*/alice.json$" actual &&
	test_grep "^M	orgs/acme/users/.*/bob.json$" actual &&
	test_grep "\"removed\": \"spanish\"" out &&
	orgctl user show alice -o json >actual &&
	! grep spanish actual &&
	orgctl user list --skill spanish -o csv >actual &&
	test $(wc -l <actual) -eq 1
'

test_expect_success 'rollback of the forced rm brings the skill back to every holder' '
	orgctl rollback "$(git -C repo log -1 --format=%B main | sed -n "s/^Change-Set: //p")" >/dev/null &&
	orgctl user list --skill spanish -o csv | cut -d, -f1 >actual &&
	printf "name\nalice\nbob\n" >expect && test_cmp expect actual
'

test_expect_success 'rm of a skill nobody holds; rm of an unknown skill is exit 3' '
	orgctl skill rm "c++" >/dev/null &&
	test_unchanged --status 3 repo orgctl skill rm "c++"
'

test_expect_success 'user skill rm takes skills; a skill the user lacks is exit 3' '
	orgctl user skill rm alice spanish >/dev/null &&
	test_unchanged --status 3 repo orgctl user skill rm alice spanish 2>err &&
	test_grep "user \"alice\" has no skill \"spanish\"" err
'

test_expect_success 'every verb is checked against the actor (exit 4, nothing changes)' '
	orgctl role create SkillViewer --permission routing:skill:view >/dev/null &&
	orgctl user create vic --email vic@acme.example --role SkillViewer >/dev/null &&
	orgctl --as vic@acme skill list >/dev/null &&
	test_unchanged --status 4 repo orgctl --as vic@acme skill create x 2>err &&
	test_grep "lacks \"routing:skill:add\"" err &&
	test_unchanged --status 4 repo orgctl --as vic@acme skill rm english --force 2>err &&
	test_grep "lacks \"routing:skill:delete\"" err &&
	test_unchanged --status 4 repo orgctl --as vic@acme skill disable english 2>err &&
	test_grep "lacks \"routing:skill:edit\"" err &&
	test_unchanged --status 4 repo orgctl --as vic@acme user skill set vic english 3 2>err &&
	test_grep "lacks \"routing:skill:assign\"" err
'

test_expect_success 'completion offers skill names' '
	orgctl __complete skill show "" >actual &&
	test_grep "^english$" actual &&
	orgctl __complete user list --skill e >actual &&
	printf "english\nenglish (uk)\n" >expect && test_cmp expect actual
'

test_expect_success 'the repository is sound' '
	test_fsck repo
'

test_done
