#!/usr/bin/env bash
# orgctl init: a bare git repository with the enterprise account and its administrator.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'init prints where and who the administrator is' '
	orgctl init repo >out &&
	cat >expect <<-EOF &&
	initialized orgctl repository in repo
	enterprise administrator: admin@enterprise
	EOF
	test_cmp expect out
'

test_expect_success 'the repository is a bare git repository on branch main' '
	test "$(git -C repo rev-parse --is-bare-repository)" = true &&
	test "$(git -C repo symbolic-ref HEAD)" = refs/heads/main &&
	head_of repo &&
	test_fsck repo
'

test_expect_success 'plain git reads its history: one commit by the administrator' '
	git -C repo log --format="%an <%ae>|%aI|%s" >actual &&
	echo "admin@enterprise <admin@enterprise.invalid>|2026-01-02T03:04:05+00:00|init: enterprise account" >expect &&
	test_cmp expect actual &&
	git -C repo log --stat >/dev/null
'

test_expect_success 'the tree holds the enterprise, its org, Master Admin and the admin' '
	git -C repo ls-tree -r --name-only main >actual &&
	cat >expect <<-\EOF &&
	enterprise.json
	orgs/enterprise/org.json
	orgs/enterprise/roles/Master%20Admin.json
	orgs/enterprise/users/de/admin.json
	EOF
	test_cmp expect actual
'

test_expect_success 'state is canonical JSON: sorted keys, two-space indent, final newline' '
	git -C repo show main:enterprise.json >actual &&
	cat >expect <<-\EOF &&
	{
	  "admin": "admin",
	  "name": "Enterprise",
	  "org": "enterprise"
	}
	EOF
	test_cmp expect actual &&
	git -C repo show "main:orgs/enterprise/roles/Master%20Admin.json" >actual &&
	cat >expect <<-\EOF &&
	{
	  "description": "all permissions (default role)",
	  "name": "Master Admin",
	  "permissions": [
	    "*:*:*"
	  ],
	  "state": "enabled"
	}
	EOF
	test_cmp expect actual
'

test_expect_success 'the index is kept out of what git transfers' '
	test_grep "^orgctl/$" repo/info/exclude
'

test_expect_success 'the enterprise org exists and is marked as such' '
	orgctl -C repo org show enterprise -o json >actual &&
	test_grep "\"enterprise\": true" actual &&
	test_grep "\"state\": \"enabled\"" actual
'

test_expect_success 'org list shows the enterprise org' '
	orgctl -C repo org list -o csv >actual &&
	cat >expect <<-\EOF &&
	shortname,name,state,enterprise,settings
	enterprise,Enterprise,enabled,true,
	EOF
	test_cmp expect actual
'

test_expect_success 'the enterprise org has Master Admin with *:*:*, held by the admin' '
	orgctl -C repo --org enterprise role show "Master Admin" -o csv >actual &&
	test_grep ",Master Admin,\*:\*:\*,enabled$" actual &&
	orgctl -C repo --org enterprise user show admin -o json >actual &&
	test_grep "\"Master Admin\"" actual &&
	test_grep "\"state\": \"enabled\"" actual
'

test_expect_success 'the administrator is the default actor' '
	orgctl -C repo org create "First Org" >/dev/null &&
	git -C repo log -1 --format=%an >actual &&
	echo admin@enterprise >expect &&
	test_cmp expect actual
'

test_expect_success 'init twice refuses and changes nothing' '
	test_unchanged --status 1 repo orgctl init repo 2>err &&
	test_grep "orgctl repository already" err &&
	git -C repo rev-list --count main >actual &&
	echo 2 >expect &&
	test_cmp expect actual
'

test_expect_success 'init refuses a directory that holds another git repository' '
	git init -q --bare other.git &&
	test_must_fail orgctl init other.git 2>err &&
	test_grep "git repository already" err &&
	! test -d other.git/orgctl
'

test_expect_success 'init names the enterprise and its administrator' '
	orgctl init big --enterprise "Big Co" --admin root --email root@big.example >out &&
	test_grep "enterprise administrator: root@bigco" out &&
	orgctl -C big --org bigco user show root -o json >actual &&
	test_grep "\"email\": \"root@big.example\"" actual &&
	git -C big log -1 --format="%an <%ae>" >actual &&
	echo "root@bigco <root@big.example>" >expect &&
	test_cmp expect actual
'

test_expect_success 'init with no directory uses -C, then $ORGCTL_DIR, then the current one' '
	orgctl -C viac init >/dev/null &&
	test -d viac/orgctl &&
	ORGCTL_DIR=$SCRATCH/viaenv orgctl init >/dev/null &&
	test -d viaenv/orgctl &&
	mkdir here &&
	(cd here && orgctl init >/dev/null) &&
	test -d here/orgctl && test_fsck here
'

test_expect_success 'init -o json reports the administrator as valid JSON' '
	orgctl -o json init "j\"son" >actual &&
	test_json_canonical actual &&
	test_grep "\"admin\": \"admin@enterprise\"" actual &&
	test_grep "\"repository\": \"j\\\\\"son\"" actual
'

test_expect_success 'init refuses a bad administrator name or e-mail' '
	test_must_fail --status 1 orgctl init bad1 --admin "a/b" 2>err &&
	test_grep "contains .\/." err &&
	test_must_fail --status 1 orgctl init bad2 --email not-an-email 2>err &&
	test_grep "invalid e-mail" err
'

test_expect_success 'a failed init can be retried in the same directory' '
	test_must_fail orgctl init retry --admin "a/b" 2>err &&
	orgctl init retry >out &&
	test_grep "admin@enterprise" out &&
	test_fsck retry
'

test_done
