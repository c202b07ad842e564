#!/usr/bin/env bash
# orgctl access: access groups; members receive the group's roles while the group and the
# role are enabled; member/role add|rm, copy, rm refusing while it has members.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo ORGCTL_ORG=acme &&
	orgctl org create Acme >/dev/null &&
	orgctl role create Creator --permission directory:user:add >/dev/null &&
	orgctl role create Auditor --permission "audits:*:view" >/dev/null &&
	for u in alice bob carol; do
		orgctl user create $u --email $u@acme.example >/dev/null || return 1
	done
'

test_expect_success 'access create writes a canonical file, one change set' '
	before=$(head_of repo) &&
	orgctl access create Admins --member bob --role Creator --description "user admins" >out &&
	test_grep "^change set [0-9]*: access create Admins$" out &&
	test "$(git -C repo rev-parse main^)" = "$before" &&
	git -C repo show main:orgs/acme/access/Admins.json >actual &&
	cat >expect <<-\EOF &&
	{
	  "description": "user admins",
	  "members": [
	    "bob"
	  ],
	  "name": "Admins",
	  "roles": [
	    "Creator"
	  ],
	  "state": "enabled"
	}
	EOF
	test_cmp expect actual &&
	orgctl access show Admins -o json >actual &&
	test_cmp expect actual
'

test_expect_success 'members receive the roles: bob may create users, through Admins' '
	orgctl --as bob@acme user create dave --email dave@acme.example >/dev/null &&
	orgctl user can bob directory:user:add >out &&
	test_grep "role \"Creator\" through access group \"Admins\"" out &&
	orgctl user can bob directory:user:add -o json >actual &&
	test_grep "\"access\": \"Admins\"" actual &&
	test_grep "\"answer\": true" actual
'

test_expect_success 'a non-member receives nothing (exit 4 to act, exit 10 to ask)' '
	test_unchanged --status 4 repo orgctl --as carol@acme user create erin --email e@acme.example &&
	test_must_fail --status 10 orgctl user can carol directory:user:add
'

test_expect_success 'access list, with filters; user list --access' '
	orgctl access create Audit --role Auditor >/dev/null &&
	orgctl access list -o csv >actual &&
	printf "name,state,roles,description,members\nAdmins,enabled,Creator,user admins,bob\nAudit,enabled,Auditor,,\n" >expect &&
	test_cmp expect actual &&
	orgctl access list --member bob -o csv | cut -d, -f1 >actual &&
	printf "name\nAdmins\n" >expect && test_cmp expect actual &&
	orgctl access list --role Auditor -o csv | cut -d, -f1 >actual &&
	printf "name\nAudit\n" >expect && test_cmp expect actual &&
	orgctl user list --access Admins -o csv | cut -d, -f1 >actual &&
	printf "name\nbob\n" >expect && test_cmp expect actual
'

test_expect_success 'member add and rm; unknown users exit 3; a non-member exit 3' '
	orgctl access member add Audit alice carol >/dev/null &&
	orgctl user can carol audits:audit:view >/dev/null &&
	orgctl access member rm Audit carol >/dev/null &&
	test_must_fail --status 10 orgctl user can carol audits:audit:view &&
	test_unchanged --status 3 repo orgctl access member add Audit zed 2>err &&
	test_grep "user \"zed\" does not exist" err &&
	test_unchanged --status 3 repo orgctl access member rm Audit carol 2>err &&
	test_grep "has no member \"carol\"" err &&
	test_unchanged --status 3 repo orgctl access member add Nope alice
'

test_expect_success 'role add and rm; an unknown role is exit 3' '
	orgctl access role add Audit Creator >/dev/null &&
	orgctl user can alice directory:user:add >/dev/null &&
	orgctl access role rm Audit Creator >/dev/null &&
	test_must_fail --status 10 orgctl user can alice directory:user:add &&
	test_unchanged --status 3 repo orgctl access role add Audit Nope 2>err &&
	test_grep "role \"Nope\" does not exist" err
'

test_expect_success 'a disabled access group passes on nothing; enabling restores it' '
	orgctl access disable Admins >/dev/null &&
	test_must_fail --status 10 orgctl user can bob directory:user:add >out &&
	test_grep "^answer  *false$" out &&
	test_unchanged --status 4 repo orgctl --as bob@acme user create erin --email e@acme.example &&
	git -C repo show main:orgs/acme/access/Admins.json >actual &&
	test_grep "\"state\": \"disabled\"" actual &&
	orgctl access enable Admins >/dev/null &&
	orgctl user can bob directory:user:add >/dev/null
'

test_expect_success 'a disabled role passes on nothing through an access group' '
	orgctl role disable Creator >/dev/null &&
	test_must_fail --status 10 orgctl user can bob directory:user:add &&
	orgctl role enable Creator >/dev/null
'

test_expect_success 'a duplicate name is refused (exit 1)' '
	test_unchanged --status 1 repo orgctl access create Admins 2>err &&
	test_grep "access \"Admins\" exists already" err
'

test_expect_success 'copy makes the same group under a new name, members and all' '
	orgctl access copy Admins Admins2 >/dev/null &&
	git -C repo show main:orgs/acme/access/Admins2.json >actual &&
	git -C repo show main:orgs/acme/access/Admins.json | sed "s/\"Admins\"/\"Admins2\"/" >expect &&
	test_cmp expect actual &&
	test_unchanged --status 1 repo orgctl access copy Admins Audit &&
	test_unchanged --status 3 repo orgctl access copy Nope X
'

test_expect_success 'update changes the description' '
	orgctl access update Audit --description "read only" >/dev/null &&
	orgctl access show Audit -o json >actual &&
	test_grep "\"description\": \"read only\"" actual
'

test_expect_success 'rm of an access group with members is refused (exit 5) naming them' '
	test_unchanged --status 5 repo orgctl access rm Admins2 2>err &&
	test_grep "access \"Admins2\" has members: user \"bob\"" err
'

test_expect_success 'rm --force removes it; the members lose what it gave' '
	orgctl access rm Admins --force >/dev/null &&
	orgctl access rm Admins2 --force >/dev/null &&
	test_must_fail --status 10 orgctl user can bob directory:user:add &&
	test_unchanged --status 3 repo orgctl access rm Admins
'

test_expect_success 'a role given through an access group is in use: role rm is refused' '
	test_unchanged --status 5 repo orgctl role rm Auditor 2>err &&
	test_grep "in use by access \"Audit\"" err
'

test_expect_success 'every verb is checked against the actor (exit 4, nothing changes)' '
	orgctl role create AccessViewer --permission authorization:accessGroup:view >/dev/null &&
	orgctl user create vic --email vic@acme.example --role AccessViewer >/dev/null &&
	orgctl --as vic@acme access list >/dev/null &&
	test_unchanged --status 4 repo orgctl --as vic@acme access create X 2>err &&
	test_grep "lacks \"authorization:accessGroup:add\"" err &&
	test_unchanged --status 4 repo orgctl --as vic@acme access member add Audit vic 2>err &&
	test_grep "lacks \"authorization:accessGroup:edit\"" err &&
	test_unchanged --status 4 repo orgctl --as vic@acme access role add Audit Creator 2>err &&
	test_grep "lacks \"authorization:grant:add\"" err &&
	test_unchanged --status 4 repo orgctl --as vic@acme access rm Audit --force 2>err &&
	test_grep "lacks \"authorization:accessGroup:delete\"" err
'

test_expect_success 'the repository is sound' '
	test_fsck repo
'

test_done
