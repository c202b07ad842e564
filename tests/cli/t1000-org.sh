#!/usr/bin/env bash
# orgctl org: shortnames, create/list/show/update/enable/disable, unknown orgs.
. "$(dirname "$0")/test-lib.sh"

cafe=$(printf "A&B Caf\303\251, Ltd.")

test_expect_success 'setup' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo
'

test_expect_success 'a company name becomes a lowercase shortname without spaces' '
	orgctl org create "Acme Corp" >out &&
	echo "change set 2: org create acmecorp" >expect &&
	test_cmp expect out &&
	git -C repo show main:orgs/acmecorp/org.json >actual &&
	cat >expect <<-\EOF &&
	{
	  "enterprise": false,
	  "name": "Acme Corp",
	  "settings": {},
	  "shortname": "acmecorp",
	  "state": "enabled"
	}
	EOF
	test_cmp expect actual
'

test_expect_success 'a taken shortname gets a number: acmecorp1, acmecorp2' '
	orgctl org create "Acme Corp" >out &&
	test_grep "org create acmecorp1$" out &&
	orgctl org create "ACME  corp" >out &&
	test_grep "org create acmecorp2$" out &&
	orgctl org show acmecorp2 -o json >actual &&
	test_grep "\"name\": \"ACME  corp\"" actual
'

test_expect_success 'spaces and special characters are removed, dashes kept (not leading ones)' '
	orgctl org create "$cafe" >out &&
	test_grep "org create abcafltd$" out &&
	orgctl org create -- "--Foo -- Bar--" >out &&
	test_grep "org create foo--bar--$" out &&
	orgctl org create "Tab Co_op #1" >out &&
	test_grep "org create tabcoop1$" out &&
	orgctl org create "Dash-Line  Co" >out &&
	test_grep "org create dash-lineco$" out
'

test_expect_success 'a company name with nothing usable needs --shortname' '
	test_unchanged --status 1 repo orgctl org create "!!!" 2>err &&
	test_grep "give --shortname" err &&
	orgctl org create "!!!" --shortname bang >out &&
	test_grep "org create bang$" out
'

test_expect_success 'an explicit --shortname is used as given' '
	orgctl org create "Whatever Name" --shortname wn-01 >out &&
	test_grep "org create wn-01$" out &&
	orgctl org show wn-01 -o csv >actual &&
	test_grep "Whatever Name" actual
'

test_expect_success 'an explicit --shortname that is taken is refused, never numbered' '
	test_unchanged --status 1 repo orgctl org create "Acme Corp" --shortname acmecorp 2>err &&
	test_grep "shortname \"acmecorp\" is taken" err &&
	test_must_fail --status 3 orgctl org show acmecorp3
'

test_expect_success 'invalid explicit shortnames are refused' '
	for s in Acme a_b "a b" -ab "a/b" "a.b" "" \
		aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; do
		test_unchanged --status 1 repo orgctl org create "X Y Z" --shortname "$s" 2>err ||
			{ echo "shortname \"$s\" was accepted"; return 1; }
	done &&
	test_must_fail --status 3 orgctl org show xyz
'

test_expect_success 'company names with / or .. or control bytes are refused' '
	test_unchanged --status 1 repo orgctl org create "A/B" 2>err &&
	test_grep "contains ./." err &&
	test_unchanged --status 1 repo orgctl org create "A..B" &&
	test_unchanged --status 1 repo orgctl org create "$(printf "A\001B")"
'

test_expect_success 'org list shows every org, by shortname' '
	orgctl org list -o csv >actual &&
	cat >expect <<-\EOF &&
	shortname,name,state,enterprise,settings
	abcafltd,"A&B Caf\303\251, Ltd.",enabled,false,
	acmecorp,Acme Corp,enabled,false,
	acmecorp1,Acme Corp,enabled,false,
	acmecorp2,ACME  corp,enabled,false,
	bang,!!!,enabled,false,
	dash-lineco,Dash-Line  Co,enabled,false,
	enterprise,Enterprise,enabled,true,
	foo--bar--,'"'"'--Foo -- Bar--,enabled,false,
	tabcoop1,Tab Co_op #1,enabled,false,
	wn-01,Whatever Name,enabled,false,
	EOF
	printf "%b\n" "$(cat expect)" >expect &&
	test_cmp expect actual
'

test_expect_success 'org show prints one org; -o json is canonical' '
	orgctl org show acmecorp >actual &&
	test_grep "^shortname  *acmecorp$" actual &&
	test_grep "^name  *Acme Corp$" actual &&
	orgctl org show acmecorp -o json >actual &&
	git -C repo show main:orgs/acmecorp/org.json >expect &&
	test_cmp expect actual
'

test_expect_success 'org update changes the name and settings, never the shortname' '
	orgctl org update acmecorp --name "Acme Corporation" --setting tz=UTC --setting lang=en >out &&
	test_grep "org update acmecorp" out &&
	orgctl org show acmecorp -o json >actual &&
	cat >expect <<-\EOF &&
	{
	  "enterprise": false,
	  "name": "Acme Corporation",
	  "settings": {
	    "lang": "en",
	    "tz": "UTC"
	  },
	  "shortname": "acmecorp",
	  "state": "enabled"
	}
	EOF
	test_cmp expect actual &&
	test_must_fail --status 3 orgctl org show acmecorporation &&
	git -C repo ls-tree --name-only main orgs/ >names &&
	! grep acmecorporation names
'

test_expect_success 'org update --unset-setting removes one setting' '
	orgctl org update acmecorp --unset-setting tz >/dev/null &&
	orgctl org show acmecorp -o csv >actual &&
	test_grep ",lang=en," actual &&
	! grep tz= actual
'

test_expect_success 'org update has no --shortname option (exit 2)' '
	test_unchanged --status 2 repo orgctl org update acmecorp --shortname other
'

test_expect_success 'a bad setting or empty name is refused and changes nothing' '
	test_unchanged --status 1 repo orgctl org update acmecorp --setting novalue 2>err &&
	test_grep "not KEY=VALUE" err &&
	test_unchanged --status 1 repo orgctl org update acmecorp --name "" &&
	test_unchanged --status 1 repo orgctl org update acmecorp --setting =x
'

test_expect_success 'an update that changes nothing makes no change set' '
	before=$(head_of repo) &&
	orgctl org update acmecorp --name "Acme Corporation" >out &&
	test_grep "nothing to change" out &&
	test "$(head_of repo)" = "$before"
'

test_expect_success 'org disable and enable change the state' '
	orgctl org disable acmecorp1 >/dev/null &&
	orgctl org list -o csv >actual &&
	test_grep "^acmecorp1,Acme Corp,disabled,false,$" actual &&
	git -C repo show main:orgs/acmecorp1/org.json >blob &&
	test_grep "\"state\": \"disabled\"" blob &&
	orgctl org enable acmecorp1 >/dev/null &&
	orgctl org show acmecorp1 -o csv >actual &&
	test_grep ",enabled$" actual
'

test_expect_success 'a new org has its own Master Admin role' '
	orgctl --org acmecorp2 role list -o csv >actual &&
	cat >expect <<-\EOF &&
	name,state,permissions,description
	Master Admin,enabled,*:*:*,all permissions (default role)
	EOF
	test_cmp expect actual
'

test_expect_success 'an unknown org: exit 3 and nothing changes' '
	test_must_fail --status 3 orgctl org show nosuch 2>err &&
	test_grep "org \"nosuch\" not found" err &&
	test_unchanged --status 3 repo orgctl org update nosuch --name X &&
	test_unchanged --status 3 repo orgctl org enable nosuch &&
	test_unchanged --status 3 repo orgctl org disable nosuch &&
	test_must_fail --status 3 orgctl --org nosuch user list 2>err &&
	test_grep "org \"nosuch\" not found" err &&
	test_unchanged --status 3 repo orgctl --org nosuch user create a --email a@b.example &&
	test_unchanged --status 3 repo orgctl --org nosuch role create R
'

test_expect_success 'org create --dry-run shows the plan and commits nothing' '
	before=$(head_of repo) &&
	orgctl --dry-run org create "Dry Run Inc" >out &&
	test_grep "orgs/dryruninc/org.json" out &&
	test "$(head_of repo)" = "$before" &&
	test_must_fail --status 3 orgctl org show dryruninc
'

test_expect_success 'each org command was one commit; the repository is sound' '
	git -C repo rev-list --count main >actual &&
	echo 14 >expect &&
	test_cmp expect actual &&
	test_fsck repo
'

test_done
