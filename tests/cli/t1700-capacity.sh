#!/usr/bin/env bash
# orgctl capacity: rules with per-media maxima and a checked combination rule; assign and
# unassign to users and groups; copy, enable/disable, rm refusing while assigned.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo ORGCTL_ORG=acme &&
	orgctl org create Acme >/dev/null &&
	orgctl user create alice --email alice@acme.example >/dev/null &&
	orgctl user create bob --email bob@acme.example >/dev/null &&
	orgctl group create Sales --member bob >/dev/null
'

test_expect_success 'capacity create writes every maximum and the rule, one change set' '
	before=$(head_of repo) &&
	orgctl capacity create blended --voice 1 --chat 3 --email 5 \
		--combine "voice AND chat" >out &&
	test_grep "^change set [0-9]*: capacity create blended$" out &&
	test "$(git -C repo rev-parse main^)" = "$before" &&
	git -C repo show main:orgs/acme/capacity/blended.json >actual &&
	cat >expect <<-\EOF &&
	{
	  "callback": 0,
	  "chat": 3,
	  "combine": "voice AND chat",
	  "email": 5,
	  "message": 0,
	  "name": "blended",
	  "state": "enabled",
	  "voice": 1
	}
	EOF
	test_cmp expect actual &&
	orgctl capacity show blended -o json >actual &&
	test_json_contains expect actual &&
	test_grep "\"description\": null" actual
'

test_expect_success 'list shows the maxima' '
	orgctl capacity create digital --chat 2 --message 4 --combine "(chat or message)" >/dev/null &&
	orgctl capacity list -o csv >actual &&
	cat >expect <<-\EOF &&
	name,state,voice,chat,email,message,callback,combine,description
	blended,enabled,1,3,5,0,0,voice AND chat,
	digital,enabled,0,2,0,4,0,(chat or message),
	EOF
	test_cmp expect actual
'

test_expect_success 'good combination rules are accepted' '
	orgctl capacity create all --voice 1 --chat 1 --email 1 --message 1 --callback 1 \
		--combine "(voice OR callback) AND (chat OR email OR message)" >/dev/null &&
	orgctl capacity create solo --voice 1 --combine voice >/dev/null
'

test_expect_success 'bad combination rules are refused, naming the fault (exit 1)' '
	test_unchanged --status 1 repo orgctl capacity create x --voice 1 --combine "voice AND fax" 2>err &&
	test_grep "unknown media type \"fax\"" err &&
	test_unchanged --status 1 repo orgctl capacity create x --voice 1 --combine "voice AND chat" 2>err &&
	test_grep "names chat, whose maximum is 0" err &&
	test_unchanged --status 1 repo orgctl capacity create x --voice 1 --chat 1 --combine "voice chat" 2>err &&
	test_grep "\"chat\" is not AND or OR" err &&
	test_unchanged --status 1 repo orgctl capacity create x --voice 1 --combine "(voice" 2>err &&
	test_grep "a .(. is not closed" err &&
	test_unchanged --status 1 repo orgctl capacity create x --voice 1 --combine "voice)" 2>err &&
	test_grep "a .). has no .(." err &&
	test_unchanged --status 1 repo orgctl capacity create x --voice 1 --combine "voice AND" 2>err &&
	test_grep "a media type is missing at the end" err &&
	test_unchanged --status 1 repo orgctl capacity create x --voice 1 --combine "AND voice" 2>err &&
	test_grep "missing before an operator" err &&
	test_unchanged --status 1 repo orgctl capacity create x --voice 1 --combine "voice OR voice" 2>err &&
	test_grep "names voice twice" err
'

test_expect_success 'maxima must be whole numbers from 0 to 100' '
	test_unchanged --status 1 repo orgctl capacity create x --voice 101 2>err &&
	test_grep "voice 101 is outside 0 to 100" err &&
	test_unchanged --status 1 repo orgctl capacity create x --chat two 2>err &&
	test_grep "chat \"two\" is not a whole number" err &&
	test_unchanged --status 2 repo orgctl capacity create x --fax 1
'

test_expect_success 'a duplicate rule is refused (exit 1)' '
	test_unchanged --status 1 repo orgctl capacity create blended --voice 1 2>err &&
	test_grep "capacity \"blended\" exists already in org \"acme\"" err
'

test_expect_success 'update changes maxima and the rule; "" drops the rule; a broken update is refused' '
	orgctl capacity update digital --chat 5 --combine "" >/dev/null &&
	orgctl capacity show digital -o json >actual &&
	test_grep "\"chat\": 5" actual &&
	test_grep "\"combine\": null" actual &&
	test_unchanged --status 1 repo orgctl capacity update blended --chat 0 2>err &&
	test_grep "names chat, whose maximum is 0" err &&
	test_unchanged --status 3 repo orgctl capacity update nope --chat 1
'

test_expect_success 'assign gives users and groups the rule in one change set' '
	before=$(head_of repo) &&
	orgctl capacity assign blended --user alice --group Sales >out &&
	test_grep "capacity assign blended" out &&
	test "$(git -C repo rev-parse main^)" = "$before" &&
	git -C repo diff-tree -r --no-commit-id --name-status main >actual &&
	test $(wc -l <actual) -eq 2 &&
	orgctl user show alice -o json >actual &&
	test_grep "\"capacity\": \"blended\"" actual &&
	orgctl group show Sales -o json >actual &&
	test_grep "\"capacity\": \"blended\"" actual &&
	orgctl user list --capacity blended -o csv | cut -d, -f1 >actual &&
	printf "name\nalice\n" >expect && test_cmp expect actual
'

test_expect_success 'assign replaces a rule; -o json lists who got it' '
	orgctl capacity assign digital --user alice -o json >actual &&
	test_grep "\"rule\": \"digital\"" actual &&
	test_grep "\"alice\"" actual &&
	orgctl user show alice -o json >actual &&
	test_grep "\"capacity\": \"digital\"" actual
'

test_expect_success 'assign refuses: no target, an unknown user or group or rule' '
	test_unchanged --status 1 repo orgctl capacity assign blended 2>err &&
	test_grep "give --user USER or --group GROUP" err &&
	test_unchanged --status 3 repo orgctl capacity assign blended --user zed 2>err &&
	test_grep "user \"zed\" not found" err &&
	test_unchanged --status 3 repo orgctl capacity assign blended --user alice --group Nope &&
	test_unchanged --status 3 repo orgctl capacity assign nope --user alice
'

test_expect_success 'a disabled rule cannot be assigned; it stays in the repository' '
	orgctl capacity disable solo >/dev/null &&
	test_unchanged --status 1 repo orgctl capacity assign solo --user bob 2>err &&
	test_grep "capacity rule \"solo\" is disabled; enable it first" err &&
	git -C repo show main:orgs/acme/capacity/solo.json >actual &&
	test_grep "\"state\": \"disabled\"" actual &&
	orgctl capacity list --state disabled -o csv | cut -d, -f1 >actual &&
	printf "name\nsolo\n" >expect && test_cmp expect actual &&
	orgctl capacity enable solo >/dev/null &&
	orgctl capacity assign solo --user bob >/dev/null
'

test_expect_success 'unassign takes the rule; a user without it is exit 3' '
	orgctl capacity unassign solo --user bob >/dev/null &&
	orgctl user show bob -o json >actual &&
	test_grep "\"capacity\": null" actual &&
	test_unchanged --status 3 repo orgctl capacity unassign solo --user bob 2>err &&
	test_grep "user \"bob\" has no capacity rule" err &&
	test_unchanged --status 3 repo orgctl capacity unassign solo --user alice 2>err &&
	test_grep "has capacity rule \"digital\", not \"solo\"" err
'

test_expect_success 'copy makes the same rule under a new name' '
	orgctl capacity copy blended blended2 >/dev/null &&
	git -C repo show main:orgs/acme/capacity/blended2.json >actual &&
	git -C repo show main:orgs/acme/capacity/blended.json | sed "s/\"blended\"/\"blended2\"/" >expect &&
	test_cmp expect actual &&
	test_unchanged --status 1 repo orgctl capacity copy blended digital
'

test_expect_success 'rm of an assigned rule is refused (exit 5) naming users and groups' '
	test_unchanged --status 5 repo orgctl capacity rm blended 2>err &&
	test_grep "capacity \"blended\" is in use by group \"Sales\"" err
'

test_expect_success 'rm --force takes it from them in the same change set' '
	orgctl capacity rm blended --force >/dev/null &&
	git -C repo diff-tree -r --no-commit-id --name-status main >actual &&
	printf "D\torgs/acme/capacity/blended.json\nM\torgs/acme/groups/Sales.json\n" >expect &&
	test_cmp expect actual &&
	orgctl group show Sales -o json >actual &&
	test_grep "\"capacity\": null" actual &&
	orgctl capacity rm blended2 >/dev/null &&
	test_unchanged --status 3 repo orgctl capacity rm blended
'

test_expect_success 'every verb is checked against the actor (exit 4, nothing changes)' '
	orgctl role create UtilViewer --permission routing:utilization:view >/dev/null &&
	orgctl user create vic --email vic@acme.example --role UtilViewer >/dev/null &&
	orgctl --as vic@acme capacity list >/dev/null &&
	orgctl --as vic@acme capacity show digital >/dev/null &&
	for cmd in "create x --voice 1" "update digital --chat 1" "assign digital --user vic" \
		"unassign digital --user alice" "copy digital d2" "disable digital" "rm digital --force"; do
		test_unchanged --status 4 repo orgctl --as vic@acme capacity $cmd 2>err &&
		test_grep "lacks \"routing:utilization:manage\"" err || return 1
	done
'

test_expect_success 'completion offers rule names and, after --user, user names' '
	orgctl __complete capacity assign "" >actual &&
	test_grep "^digital$" actual &&
	orgctl __complete capacity assign digital --user "" >actual &&
	test_grep "^alice$" actual &&
	orgctl __complete capacity assign digital --group "" >actual &&
	printf "Sales\n" >expect && test_cmp expect actual
'

test_expect_success 'the repository is sound' '
	test_fsck repo
'

test_done
