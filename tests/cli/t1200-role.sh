#!/usr/bin/env bash
# orgctl role: permission sets, validation, grant/revoke, rm with holders, disabling.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo ORGCTL_ORG=acme &&
	orgctl org create Acme >/dev/null
'

test_expect_success 'role create with permissions writes a canonical file' '
	orgctl role create Supervisor --permission "directory:user:view" \
		--permission "routing:*:view" --description "team leads" >out &&
	test_grep "change set 3: role create Supervisor" out &&
	git -C repo show main:orgs/acme/roles/Supervisor.json >actual &&
	cat >expect <<-\EOF &&
	{
	  "description": "team leads",
	  "name": "Supervisor",
	  "permissions": [
	    "directory:user:view",
	    "routing:*:view"
	  ],
	  "state": "enabled"
	}
	EOF
	test_cmp expect actual
'

test_expect_success 'role show and list' '
	orgctl role show Supervisor -o json >actual &&
	test_cmp expect actual &&
	orgctl role list -o csv >actual &&
	cat >expect <<-\EOF &&
	name,state,permissions,description
	Master Admin,enabled,*:*:*,all permissions (default role)
	Supervisor,enabled,directory:user:view;routing:*:view,team leads
	EOF
	test_cmp expect actual
'

test_expect_success 'a role without permissions is allowed' '
	orgctl role create Empty >/dev/null &&
	orgctl role show Empty -o json >actual &&
	test_grep "\"permissions\": \[\]" actual
'

test_expect_success 'permissions that are not domain:entity:action are refused' '
	for p in "directory:user" "directory" "a:b:c:d" "directory:user:view:x" "" \
		"directory::view" ":user:view" "directory:user:"; do
		test_unchanged --status 1 repo orgctl role create Bad --permission "$p" 2>err ||
			{ echo "permission \"$p\" was accepted"; return 1; }
	done &&
	test_unchanged --status 1 repo orgctl role create Bad --permission "foo:bar" 2>err &&
	test_grep "permission \"foo:bar\" is not of the form domain:entity:action" err
'

test_expect_success 'unknown domains, entities and actions are refused' '
	test_unchanged --status 1 repo orgctl role create Bad --permission "nodomain:user:view" 2>err &&
	test_grep "unknown permission \"nodomain:user:view\"" err &&
	test_unchanged --status 1 repo orgctl role create Bad --permission "directory:nothing:view" &&
	test_unchanged --status 1 repo orgctl role create Bad --permission "directory:user:fly" &&
	test_unchanged --status 1 repo orgctl role create Bad --permission "nodomain:*:*" &&
	test_unchanged --status 1 repo orgctl role create Bad --permission "directory:user:vi ew" &&
	test_unchanged --status 1 repo orgctl role create Bad --permission "directory:user:view" \
		--permission "bogus:x:y" &&
	test_must_fail --status 3 orgctl role show Bad
'

test_expect_success 'wildcards are accepted where they match the catalogue' '
	orgctl role create Wild --permission "*:*:*" --permission "directory:*:*" \
		--permission "directory:user:*" --permission "*:user:view" \
		--permission "routing:*:view" --permission "outbound:campaign:*" >/dev/null &&
	orgctl role show Wild -o csv >actual &&
	test_grep "\*:\*:\*;\*:user:view;directory:\*:\*;directory:user:\*;outbound:campaign:\*;routing:\*:view" actual
'

test_expect_success 'a duplicate role name is refused' '
	test_unchanged --status 1 repo orgctl role create Supervisor 2>err &&
	test_grep "role \"Supervisor\" exists already in org \"acme\"" err
'

test_expect_success 'role names with / or .. are refused' '
	test_unchanged --status 1 repo orgctl role create "a/b" &&
	test_unchanged --status 1 repo orgctl role create "a..b" &&
	test_unchanged --status 1 repo orgctl role create "$(printf "a\033b")"
'

test_expect_success 'role grant adds permissions' '
	orgctl role grant Supervisor "directory:user:edit" "routing:queue:edit" >out &&
	test_grep "role grant Supervisor directory:user:edit routing:queue:edit" out &&
	orgctl role show Supervisor -o csv >actual &&
	test_grep ",directory:user:edit;directory:user:view;routing:\*:view;routing:queue:edit," actual
'

test_expect_success 'granting what the role has already changes nothing' '
	before=$(head_of repo) &&
	orgctl role grant Supervisor "directory:user:edit" >out &&
	test_grep "nothing to change" out &&
	test "$(head_of repo)" = "$before"
'

test_expect_success 'role grant of an invalid permission is refused' '
	test_unchanged --status 1 repo orgctl role grant Supervisor "directory:user" &&
	test_unchanged --status 1 repo orgctl role grant Supervisor "nodomain:user:view"
'

test_expect_success 'role revoke removes permissions; revoking a missing one is exit 3' '
	orgctl role revoke Supervisor "routing:queue:edit" >/dev/null &&
	orgctl role show Supervisor -o csv >actual &&
	! grep "routing:queue:edit" actual &&
	test_unchanged --status 3 repo orgctl role revoke Supervisor "routing:queue:edit" 2>err &&
	test_grep "role \"Supervisor\" has no permission \"routing:queue:edit\"" err
'

test_expect_success 'grant/revoke/show of an unknown role is exit 3' '
	test_unchanged --status 3 repo orgctl role grant Nope "directory:user:view" &&
	test_unchanged --status 3 repo orgctl role revoke Nope "directory:user:view" &&
	test_must_fail --status 3 orgctl role show Nope
'

test_expect_success 'role update --permission replaces the whole set' '
	orgctl role update Empty --permission "routing:queue:view" --description "was empty" >/dev/null &&
	orgctl role show Empty -o json >actual &&
	test_grep "\"description\": \"was empty\"" actual &&
	test_grep "\"routing:queue:view\"" actual &&
	orgctl role update Empty --permission "routing:skill:view" >/dev/null &&
	orgctl role show Empty -o csv >actual &&
	test_grep ",routing:skill:view,enabled$" actual
'

test_expect_success 'role update with an invalid permission changes nothing' '
	test_unchanged --status 1 repo orgctl role update Empty --permission "bad"
'

test_expect_success 'role list filters by --state and --permission' '
	orgctl role disable Empty >/dev/null &&
	orgctl role list --state disabled -o csv | cut -d, -f1 >actual &&
	printf "name\nEmpty\n" >expect &&
	test_cmp expect actual &&
	orgctl role list --permission "routing:*:view" -o csv | cut -d, -f1 >actual &&
	printf "name\nSupervisor\nWild\n" >expect &&
	test_cmp expect actual &&
	orgctl role enable Empty >/dev/null
'

test_expect_success 'setup: users holding roles' '
	orgctl user create alice --email alice@acme.example --role Supervisor >/dev/null &&
	orgctl user create bob --email bob@acme.example --role Supervisor --role Empty >/dev/null &&
	orgctl user create carol --email carol@acme.example >/dev/null
'

test_expect_success 'rm of a role nobody holds removes it' '
	orgctl role rm Wild >out &&
	test_grep "role rm Wild" out &&
	test_must_fail --status 3 orgctl role show Wild &&
	test_must_fail git -C repo cat-file -e main:orgs/acme/roles/Wild.json
'

test_expect_success 'rm of a held role is refused (exit 5) naming the holders' '
	test_unchanged --status 5 repo orgctl role rm Supervisor 2>err &&
	test_grep "role \"Supervisor\" is in use by user \"alice\", user \"bob\"" err &&
	test_grep "give --force" err &&
	orgctl role show Supervisor >/dev/null
'

test_expect_success 'rm --force removes the role and takes it from its holders in one change set' '
	before=$(head_of repo) &&
	orgctl role rm Supervisor --force >out &&
	test "$(git -C repo rev-parse main^)" = "$before" &&
	git -C repo diff-tree -r --no-commit-id --name-status main >actual &&
	test_grep "^D	orgs/acme/roles/Supervisor.json$" actual &&
	test_grep "^M	orgs/acme/users/.*/alice.json$" actual &&
	test_grep "^M	orgs/acme/users/.*/bob.json$" actual &&
	test $(wc -l <actual) -eq 3 &&
	orgctl user show alice -o json >actual &&
	test_grep "\"roles\": \[\]" actual &&
	orgctl user show bob -o csv >actual &&
	test_grep "^,,Empty=direct,bob@acme.example,,,[0-9a-f]*,bob,,false,Empty,,enabled$" actual &&
	orgctl user list --role Supervisor -o csv >actual &&
	test $(wc -l <actual) -eq 1
'

test_expect_success 'rm --force of a role 300 users hold writes one pack, not an object each' '
	{
		echo "kind,op,name,email,role" &&
		echo "role,create,Many,," &&
		for i in $(seq 1 300); do echo "user,create,m$i,m$i@acme.example,Many"; done
	} >many.csv &&
	orgctl bulk create many many.csv >/dev/null &&
	orgctl bulk exec many >/dev/null &&
	loose=$(git -C repo count-objects | cut -d" " -f1) &&
	orgctl role rm Many --force -o json >out &&
	test $(grep -c "\"op\": \"update\"" out) -eq 300 &&
	test $(grep -c "\"op\": \"delete\"" out) -eq 1 &&
	test $(git -C repo count-objects | cut -d" " -f1) -lt $((loose + 10)) &&
	orgctl user list --role Many -o csv >actual &&
	test $(wc -l <actual) -eq 1 &&
	orgctl user show m300 -o json >actual &&
	test_grep "\"roles\": \[\]" actual &&
	test_fsck repo
'

test_expect_success 'rm of an unknown role is exit 3' '
	test_unchanged --status 3 repo orgctl role rm Supervisor
'

test_expect_success 'Master Admin held by the enterprise admin cannot be removed without --force' '
	test_unchanged --status 5 repo orgctl --org enterprise role rm "Master Admin" 2>err &&
	test_grep "user \"admin\"" err
'

test_expect_success 'setup: a role that lets its holders create users' '
	orgctl role create Creator --permission "directory:user:add" >/dev/null &&
	orgctl user role add carol Creator >/dev/null
'

test_expect_success 'a holder of an enabled role may do what it grants' '
	orgctl --as carol@acme user create dave --email dave@acme.example >/dev/null &&
	orgctl user show dave >/dev/null
'

test_expect_success 'disabling a role takes its permissions from its holders' '
	orgctl role disable Creator >/dev/null &&
	orgctl role show Creator -o csv >actual &&
	test_grep ",disabled$" actual &&
	test_unchanged --status 4 repo orgctl --as carol@acme user create erin --email erin@acme.example 2>err &&
	test_grep "lacks \"directory:user:add\"" err &&
	orgctl user show carol -o csv >actual &&
	test_grep ",Creator,,enabled$" actual
'

test_expect_success 'enabling it again gives them back' '
	orgctl role enable Creator >/dev/null &&
	orgctl --as carol@acme user create erin --email erin@acme.example >/dev/null
'

test_expect_success 'revoking a permission takes it from the holders at once' '
	orgctl role revoke Creator "directory:user:add" >/dev/null &&
	test_unchanged --status 4 repo orgctl --as carol@acme user create frank --email frank@acme.example
'

test_expect_success 'the repository is sound' '
	test_fsck repo
'

test_done
