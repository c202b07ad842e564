#!/usr/bin/env bash
# orgctl group: agent groups, their members, roles, skills and capacity rule; membership
# found through the index; copy, enable/disable, rm refusing while in use; permissions.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo ORGCTL_ORG=acme &&
	orgctl org create Acme >/dev/null &&
	orgctl role create Agent --permission "routing:queue:view" >/dev/null &&
	orgctl role create Lead --permission "directory:user:view" >/dev/null &&
	orgctl skill create english >/dev/null &&
	orgctl skill create spanish >/dev/null &&
	orgctl capacity create std --voice 1 --chat 2 >/dev/null &&
	for u in alice bob carol; do
		orgctl user create $u --email $u@acme.example >/dev/null || return 1
	done
'

test_expect_success 'group create makes one change set with a canonical file' '
	before=$(head_of repo) &&
	orgctl group create Sales --description "inbound sales" --member bob --member alice \
		--role Agent --skill english=7 --capacity std >out &&
	test_grep "^change set [0-9]*: group create Sales$" out &&
	test "$(git -C repo rev-parse main^)" = "$before" &&
	git -C repo show main:orgs/acme/groups/Sales.json | mask_ids >actual &&
	cat >expect <<-\EOF &&
	{
	  "capacity": "std",
	  "description": "inbound sales",
	  "id": "ID",
	  "members": [
	    "alice",
	    "bob"
	  ],
	  "name": "Sales",
	  "roles": [
	    "Agent"
	  ],
	  "skills": {
	    "english": 7
	  },
	  "state": "enabled"
	}
	EOF
	test_cmp expect actual
'

test_expect_success 'a member given three times is kept once (lists are sets)' '
	orgctl --dry-run group create Trio --member carol --member carol --member carol -o json >out &&
	test "$(jq -c ".result.members" out)" = "[\"carol\"]"
'

test_expect_success 'group show -o json is the file; show and list read well' '
	orgctl group show Sales -o json | mask_ids >actual &&
	test_cmp expect actual &&
	orgctl group show Sales >actual &&
	test_grep "^members  *alice;bob$" actual &&
	orgctl group list -o csv | mask_ids >actual &&
	printf "name,state,roles,skills,capacity,description,id,members\nSales,enabled,Agent,english=7,std,inbound sales,ID,alice;bob\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'membership lives in the group only: the user file does not change' '
	git -C repo show main:$(git -C repo ls-tree -r --name-only main | grep "/alice.json$") >actual &&
	! grep -i sales actual
'

test_expect_success 'user list --group lists the members, through the index' '
	orgctl user list --group Sales -o csv | cut -d, -f1 >actual &&
	printf "name\nalice\nbob\n" >expect &&
	test_cmp expect actual &&
	orgctl user list --group Nobody -o csv >actual &&
	test $(wc -l <actual) -eq 1
'

test_expect_success 'group list filters: --member, --role, --skill, --state, --search' '
	orgctl group create Support --member carol --role Lead >/dev/null &&
	orgctl group list --member carol -o csv | cut -d, -f1 >actual &&
	printf "name\nSupport\n" >expect && test_cmp expect actual &&
	orgctl group list --role Agent -o csv | cut -d, -f1 >actual &&
	printf "name\nSales\n" >expect && test_cmp expect actual &&
	orgctl group list --skill english -o csv | cut -d, -f1 >actual &&
	test_cmp expect actual &&
	orgctl group list --search port -o csv | cut -d, -f1 >actual &&
	printf "name\nSupport\n" >expect && test_cmp expect actual &&
	orgctl group list --state disabled -o csv >actual &&
	test $(wc -l <actual) -eq 1
'

test_expect_success 'a duplicate group name is refused (exit 1)' '
	test_unchanged --status 1 repo orgctl group create Sales 2>err &&
	test_grep "group \"Sales\" exists already in org \"acme\"" err
'

test_expect_success 'a group name with / is refused' '
	test_unchanged --status 1 repo orgctl group create "a/b" 2>err &&
	test_grep "contains ./." err
'

test_expect_success 'create with an unknown member, role, skill or capacity rule: exit 3, naming it' '
	test_unchanged --status 3 repo orgctl group create X --member zed 2>err &&
	test_grep "user \"zed\" does not exist in org \"acme\"" err &&
	test_unchanged --status 3 repo orgctl group create X --role Nope 2>err &&
	test_grep "role \"Nope\" does not exist" err &&
	test_unchanged --status 3 repo orgctl group create X --skill french=3 2>err &&
	test_grep "skill \"french\" does not exist" err &&
	test_unchanged --status 3 repo orgctl group create X --capacity nope 2>err &&
	test_grep "capacity \"nope\" does not exist" err
'

test_expect_success 'create with a skill level outside 0-10 or not a number: exit 1' '
	test_unchanged --status 1 repo orgctl group create X --skill english=11 2>err &&
	test_grep "level 11 is outside 0 to 10" err &&
	test_unchanged --status 1 repo orgctl group create X --skill english=high 2>err &&
	test_grep "level \"high\" is not a whole number" err &&
	test_unchanged --status 1 repo orgctl group create X --skill english 2>err &&
	test_grep "is not KEY=VALUE" err
'

test_expect_success 'member add adds users; adding a member again changes nothing' '
	orgctl group member add Sales carol >out &&
	test_grep "group member add Sales carol" out &&
	orgctl user list --group Sales -o csv | cut -d, -f1 >actual &&
	printf "name\nalice\nbob\ncarol\n" >expect &&
	test_cmp expect actual &&
	before=$(head_of repo) &&
	orgctl group member add Sales carol >out &&
	test_grep "nothing to change" out &&
	test "$(head_of repo)" = "$before"
'

test_expect_success 'member add of an unknown user: exit 3, nothing changes' '
	test_unchanged --status 3 repo orgctl group member add Sales carol zed 2>err &&
	test_grep "user \"zed\" does not exist" err
'

test_expect_success 'member rm takes users out; a non-member is exit 3' '
	orgctl group member rm Sales carol >/dev/null &&
	orgctl group show Sales -o json >actual &&
	! grep carol actual &&
	test_unchanged --status 3 repo orgctl group member rm Sales carol 2>err &&
	test_grep "has no member \"carol\"" err
'

test_expect_success 'member add needs a user argument (usage, exit 2)' '
	test_unchanged --status 2 repo orgctl group member add Sales 2>err &&
	test_grep "group member add: missing USER" err
'

test_expect_success 'role add and rm; unknown role exit 3; a role not held exit 3' '
	orgctl group role add Sales Lead >/dev/null &&
	orgctl group list --role Lead -o csv | cut -d, -f1 >actual &&
	printf "name\nSales\nSupport\n" >expect && test_cmp expect actual &&
	orgctl group role rm Sales Lead >/dev/null &&
	test_unchanged --status 3 repo orgctl group role add Sales Nope &&
	test_unchanged --status 3 repo orgctl group role rm Sales Lead 2>err &&
	test_grep "has no role \"Lead\"" err
'

test_expect_success 'skill set and rm; level checked; unknown skill exit 3' '
	orgctl group skill set Sales spanish 4 >/dev/null &&
	orgctl group show Sales -o json >actual &&
	test_grep "\"spanish\": 4" actual &&
	orgctl group skill set Sales spanish 10 >/dev/null &&
	test_unchanged --status 1 repo orgctl group skill set Sales spanish 11 &&
	test_unchanged --status 1 repo orgctl group skill set Sales spanish -- -1 &&
	test_unchanged --status 3 repo orgctl group skill set Sales french 1 &&
	orgctl group skill rm Sales spanish >/dev/null &&
	test_unchanged --status 3 repo orgctl group skill rm Sales spanish 2>err &&
	test_grep "has no skill \"spanish\"" err
'

test_expect_success 'update changes the description; "" removes it' '
	orgctl group update Support --description "second line" >/dev/null &&
	orgctl group show Support -o json >actual &&
	test_grep "\"description\": \"second line\"" actual &&
	orgctl group update Support --description "" >/dev/null &&
	orgctl group show Support -o json >actual &&
	test_grep "\"description\": null" actual &&
	git -C repo show main:orgs/acme/groups/Support.json >blob &&
	! grep description blob
'

test_expect_success 'copy makes a new group with the same settings and members, one change set' '
	before=$(head_of repo) &&
	orgctl group copy Sales "Sales EMEA" >/dev/null &&
	test "$(git -C repo rev-parse main^)" = "$before" &&
	git -C repo show "main:orgs/acme/groups/Sales%20EMEA.json" | mask_ids >actual &&
	git -C repo show main:orgs/acme/groups/Sales.json | sed "s/\"Sales\"/\"Sales EMEA\"/" |
		mask_ids >expect &&
	test_cmp expect actual &&
	git -C repo show "main:orgs/acme/groups/Sales%20EMEA.json" | jq -r .id >copy.id &&
	git -C repo show main:orgs/acme/groups/Sales.json | jq -r .id >orig.id &&
	! cmp -s copy.id orig.id &&
	orgctl group list --member alice -o csv | cut -d, -f1 >actual &&
	printf "name\nSales\nSales EMEA\n" >expect && test_cmp expect actual
'

test_expect_success 'copy onto an existing name is exit 1, of an unknown group exit 3' '
	test_unchanged --status 1 repo orgctl group copy Sales Support 2>err &&
	test_grep "group \"Support\" exists already" err &&
	test_unchanged --status 3 repo orgctl group copy Nope Other &&
	test_unchanged --status 2 repo orgctl group copy Sales
'

test_expect_success 'members receive the roles of an enabled group; disable passes on nothing' '
	orgctl user can alice routing:queue:view >out &&
	test_grep "role \"Agent\" through agent group \"Sales\"" out &&
	orgctl group disable Sales >/dev/null &&
	orgctl group disable "Sales EMEA" >/dev/null &&
	test_must_fail --status 10 orgctl user can alice routing:queue:view >out &&
	test_grep "^answer  *false$" out &&
	orgctl group list --state disabled -o csv | cut -d, -f1 >actual &&
	printf "name\nSales\nSales EMEA\n" >expect && test_cmp expect actual &&
	orgctl group enable Sales >/dev/null &&
	orgctl user can alice routing:queue:view >/dev/null
'

test_expect_success 'a disabled group stays in the repository' '
	git -C repo show "main:orgs/acme/groups/Sales%20EMEA.json" >actual &&
	test_grep "\"state\": \"disabled\"" actual
'

test_expect_success 'rm of a group with members is refused (exit 5) naming them' '
	test_unchanged --status 5 repo orgctl group rm "Sales EMEA" 2>err &&
	test_grep "group \"Sales EMEA\" has members: user \"alice\", user \"bob\"" err &&
	test_grep "give --force" err
'

test_expect_success 'rm of a group a template joins is refused naming the template' '
	orgctl user template create seller --group Support >/dev/null &&
	orgctl group member rm Support carol >/dev/null &&
	test_unchanged --status 5 repo orgctl group rm Support 2>err &&
	test_grep "in use by template \"seller\"" err
'

test_expect_success 'rm --force removes the group, and from the template, in one change set' '
	before=$(head_of repo) &&
	orgctl group rm Support --force >/dev/null &&
	test "$(git -C repo rev-parse main^)" = "$before" &&
	git -C repo diff-tree -r --no-commit-id --name-status main >actual &&
	printf "D\torgs/acme/groups/Support.json\nM\torgs/acme/templates/seller.json\n" >expect &&
	test_cmp expect actual &&
	orgctl group rm "Sales EMEA" --force -o json >actual &&
	test_grep "\"removed\": \"Sales EMEA\"" actual &&
	test_must_fail --status 3 orgctl group show "Sales EMEA"
'

test_expect_success 'rm of an unknown group is exit 3' '
	test_unchanged --status 3 repo orgctl group rm Nope 2>err &&
	test_grep "group \"Nope\" not found in org \"acme\"" err
'

test_expect_success 'user rm of a member is refused (exit 5) naming the group' '
	test_unchanged --status 5 repo orgctl user rm bob 2>err &&
	test_grep "user \"bob\" is in use by group \"Sales\"" err
'

test_expect_success 'user rm --force takes them out of their groups in the same change set' '
	orgctl user rm bob --force >/dev/null &&
	git -C repo diff-tree -r --no-commit-id --name-status main >actual &&
	test_grep "^M	orgs/acme/groups/Sales.json$" actual &&
	test_grep "^D	orgs/acme/users/.*/bob.json$" actual &&
	orgctl user list --group Sales -o csv | cut -d, -f1 >actual &&
	printf "name\nalice\n" >expect && test_cmp expect actual
'

test_expect_success 'setup: a user who may only view groups' '
	orgctl role create Viewer --permission directory:group:view >/dev/null &&
	orgctl user create vic --email vic@acme.example --role Viewer >/dev/null
'

test_expect_success 'every verb is checked against the actor (exit 4, nothing changes)' '
	orgctl --as vic@acme group list >/dev/null &&
	orgctl --as vic@acme group show Sales >/dev/null &&
	test_unchanged --status 4 repo orgctl --as vic@acme group create X 2>err &&
	test_grep "lacks \"directory:group:add\"" err &&
	test_unchanged --status 4 repo orgctl --as vic@acme group member add Sales vic 2>err &&
	test_grep "lacks \"directory:group:edit\"" err &&
	test_unchanged --status 4 repo orgctl --as vic@acme group role add Sales Lead 2>err &&
	test_grep "lacks \"authorization:grant:add\"" err &&
	test_unchanged --status 4 repo orgctl --as vic@acme group skill set Sales english 1 2>err &&
	test_grep "lacks \"routing:skill:assign\"" err &&
	test_unchanged --status 4 repo orgctl --as vic@acme group rm Sales --force 2>err &&
	test_grep "lacks \"directory:group:delete\"" err &&
	test_unchanged --status 4 repo orgctl --as vic@acme group disable Sales
'

test_expect_success '-o json: create reports the change set and the group' '
	orgctl group create Json --member alice -o json >actual &&
	test_grep "\"change_set\": \"[0-9]*\"" actual &&
	test_grep "\"name\": \"Json\"" actual
'

test_expect_success '--dry-run validates and writes nothing' '
	before=$(head_of repo) &&
	orgctl --dry-run group create Dry --member alice >out &&
	test_grep "would change 1 object" out &&
	test "$(head_of repo)" = "$before" &&
	test_must_fail --status 3 orgctl group show Dry
'

test_expect_success 'completion offers the verbs and the names from the index' '
	orgctl __complete group member "" >actual &&
	printf "add\nrm\n" >expect && test_cmp expect actual &&
	orgctl __complete group member add "" >actual &&
	test_grep "^Sales$" actual &&
	orgctl __complete group member add Sales "" >actual &&
	test_grep "^alice$" actual && test_grep "^vic$" actual &&
	orgctl __complete group create X --role "" >actual &&
	test_grep "^Agent$" actual &&
	orgctl __complete group skill set Sales "" >actual &&
	test_grep "^spanish$" actual
'

test_expect_success 'the repository is sound' '
	test_fsck repo
'

test_done
