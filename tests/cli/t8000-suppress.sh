#!/usr/bin/env bash
# orgctl suppress: lists (create/list/show/rm/enable/disable), entries (add/remove, numbers
# and client ids, expiries), check (exit 0 / 10), export, prune, enterprise and org scopes,
# permissions, the shard files a change set writes, and bulk rows.
. "$(dirname "$0")/test-lib.sh"

export ORGCTL_NOW=2026-12-01T00:00:00Z

test_expect_success 'setup' '
	suppress_repo Acme Beta
'

test_expect_success 'create writes list.json, one change set' '
	orgctl suppress create dnc --description "our own" >out &&
	test_grep "^change set [0-9]*: suppress create dnc$" out &&
	git -C repo show main:orgs/acme/suppress/dnc/list.json >actual &&
	cat >expect <<-\EOF &&
	{
	  "description": "our own",
	  "name": "dnc",
	  "state": "enabled"
	}
	EOF
	test_cmp expect actual &&
	test_unchanged --status 1 repo orgctl suppress create dnc 2>err &&
	test_grep "exists already" err
'

test_expect_success 'add of three numbers: git show shows three lines, sorted, in their shards' '
	orgctl suppress add dnc +13175551213 +442071234567 +13175551212 >out &&
	test_grep "^change set [0-9]*: suppress add dnc" out &&
	git -C repo show --format= main | grep -v "^+++" | grep "^+" >actual &&
	printf "%s\n" "++13175551212" "++13175551213" "++442071234567" >expect &&
	test_cmp expect actual &&
	git -C repo show main:orgs/acme/suppress/dnc/numbers/131/13175.txt >actual &&
	printf "+13175551212\n+13175551213\n" >expect &&
	test_cmp expect actual &&
	git -C repo show --stat --format= main >stat &&
	test $(grep -c "|" stat) = 2
'

test_expect_success 'one added number rewrites one shard; adding it again changes nothing' '
	orgctl suppress add dnc +13175551299 >/dev/null &&
	git -C repo show --stat --format= main >stat &&
	test $(grep -c "|" stat) = 1 &&
	before=$(head_of repo) &&
	orgctl suppress add dnc +13175551299 >out &&
	test "$(head_of repo)" = "$before"
'

test_expect_success 'check: exit 10 naming the list when suppressed, 0 when not' '
	test_must_fail --status 10 orgctl suppress check dnc +13175551212 +12125559999 -o json >out &&
	test_grep "\"number\": \"+13175551212\"" out &&
	test_grep "\"list\": \"dnc\"" out &&
	! grep -q 12125559999 out &&
	orgctl suppress check dnc +12025550100 >out &&
	test_grep "answer *true" out
'

test_expect_success 'numbers are normalised: the seeds formats are one number' '
	for n in "(317) 555-1212" 317.555.1212 "+1 317 555 1212" 1-317-555-1212; do
		test_must_fail --status 10 orgctl suppress check dnc "$n" -o json >out &&
		test_grep "\"number\": \"+13175551212\"" out || return 1
	done &&
	orgctl suppress add dnc "020 7946 0000" --default-country GB >/dev/null &&
	test_must_fail --status 10 orgctl suppress check dnc +442079460000 &&
	test_unchanged --status 1 repo orgctl suppress add dnc 555-1212 2>err &&
	test_unchanged --status 1 repo orgctl suppress add dnc "(117) 555-1212" 2>err &&
	test_grep "area code" err &&
	test_unchanged --status 1 repo orgctl suppress add dnc 1-800-FLOWERS 2>err &&
	test_unchanged --status 1 repo orgctl suppress add dnc 3175551212 --default-country XX 2>err &&
	test_grep "no region" err &&
	orgctl suppress remove dnc +442079460000 >/dev/null
'

test_expect_success 'check of something that is no number is an error (exit 1), not an answer' '
	test_must_fail --status 1 orgctl suppress check dnc 317-abc 2>err &&
	test_grep "not a phone number" err &&
	test_must_fail --status 3 orgctl suppress check nolist +13175551212 &&
	test_must_fail --status 1 orgctl suppress check dnc 2>err &&
	test_grep "give a NUMBER" err
'

test_expect_success 'expiry: at most 180 days ahead, in the future, exactly yyyy-MM-ddTHH:mmZ' '
	for bad in 2027-12-01T00:00Z 2026-11-30T00:00Z 2026-12-24 2026-12-24T10:00:00Z \
		2026-02-30T10:00Z "2026-12-24T10:00Z " 2026-13-01T00:00Z; do
		test_unchanged --status 1 repo orgctl suppress add dnc +13175550001 --expires "$bad" ||
		return 1
	done &&
	orgctl suppress add dnc +13175550001 --expires 2026-12-10T12:30Z >/dev/null &&
	git -C repo show main:orgs/acme/suppress/dnc/numbers/131/13175.txt >actual &&
	test_grep "^+13175550001 2026-12-10T12:30Z$" actual
'

test_expect_success 'an expired entry stops suppressing by the clock, before any prune' '
	test_must_fail --status 10 orgctl suppress check dnc +13175550001 -o json >out &&
	test_grep "2026-12-10T12:30Z" out &&
	ORGCTL_NOW=2026-12-10T12:30:00Z orgctl suppress check dnc +13175550001 &&
	ORGCTL_NOW=2026-12-11T00:00:00Z orgctl suppress show dnc -o json >out &&
	test_grep "\"expired\": 1" out
'

test_expect_success 'prune removes the expired entries as one change set' '
	ORGCTL_NOW=2026-12-11T00:00:00Z orgctl suppress prune dnc >out &&
	test_grep "^change set [0-9]*: suppress prune dnc$" out &&
	git -C repo show --format= main | grep -v "^---" | grep "^-" >actual &&
	echo "-+13175550001 2026-12-10T12:30Z" >expect &&
	test_cmp expect actual
'

test_expect_success 'client ids: add, check, remove' '
	orgctl suppress add dnc --client-id cust-42 --client-id "household:7" >/dev/null &&
	test_must_fail --status 10 orgctl suppress check dnc --client-id cust-42 &&
	orgctl suppress check dnc --client-id cust-43 >/dev/null &&
	test_unchanged --status 1 repo orgctl suppress add dnc --client-id "two words" &&
	orgctl suppress remove dnc --client-id cust-42 >/dev/null &&
	orgctl suppress check dnc --client-id cust-42 >/dev/null
'

test_expect_success 'remove: the line goes, an emptied shard goes too' '
	orgctl suppress remove dnc +442071234567 >out &&
	test_grep "^change set [0-9]*: suppress remove dnc +442071234567$" out &&
	test_must_fail git -C repo cat-file -e main:orgs/acme/suppress/dnc/numbers/442/44207.txt &&
	orgctl suppress check dnc +442071234567 >/dev/null
'

test_expect_success 'export: sorted CSV, E.164 (guarded as every CSV orgctl writes)' '
	orgctl suppress add dnc +12025550100 --expires 2027-01-01T00:00Z >/dev/null &&
	orgctl suppress export dnc out.csv >/dev/null &&
	printf "%s\n" number,expires,client_id +12025550100,2027-01-01T00:00Z, +13175551212,, \
		+13175551213,, +13175551299,, ,,household:7 | sed "s/^+/\x27+/" >expect &&
	test_cmp expect out.csv &&
	orgctl suppress export dnc -o csv >actual &&
	test_cmp expect actual &&
	: "-" is the standard output, the CSV alone, appended where the shell points it &&
	echo first >stdout.csv &&
	orgctl suppress export dnc - >>stdout.csv &&
	{ echo first && cat expect; } >expect2 &&
	test_cmp expect2 stdout.csv &&
	! test -e ./- &&
	orgctl suppress export --help >help &&
	test_grep "orgctl suppress export NAME \[FILE\]" help
'

test_expect_success 'show: size, scope, required, last change set' '
	orgctl suppress show dnc -o json >out &&
	test_grep "\"numbers\": 4" out &&
	test_grep "\"client_ids\": 1" out &&
	test_grep "\"scope\": \"org\"" out &&
	id=$(orgctl log -o json | sed -n "s/.*\"id\": \"\([0-9]*\)\".*/\1/p" | head -1) &&
	test_grep "\"last_change_set\": \"$id\"" out
'

test_expect_success 'disable: the list suppresses nothing in --all; enable again' '
	orgctl suppress disable dnc >/dev/null &&
	orgctl suppress check --all +13175551212 >/dev/null &&
	orgctl suppress enable dnc >/dev/null &&
	test_must_fail --status 10 orgctl suppress check --all +13175551212
'

test_expect_success 'enterprise lists: in the enterprise org, apply to every org, read-only inside' '
	orgctl suppress create national --enterprise --required >/dev/null &&
	git -C repo cat-file -e main:orgs/enterprise/suppress/national/list.json &&
	orgctl suppress add national --enterprise +13175557777 >/dev/null &&
	test_unchanged --status 4 repo orgctl --org beta suppress add national +13175557778 2>err &&
	test_grep "read-only" err &&
	test_must_fail --status 10 orgctl --org beta suppress check --all +13175557777 -o json >out &&
	test_grep "\"list\": \"national\"" out &&
	test_must_fail --status 10 orgctl --org beta suppress check national +13175557777 &&
	orgctl --org beta suppress list -o csv >actual &&
	test_grep "^national,enterprise,enabled,true" actual &&
	test_unchanged --status 1 repo orgctl suppress create mine --required
'

test_expect_success 'permissions: outbound:dncList:* in the org, the enterprise org for its lists' '
	orgctl user create clerk --email clerk@acme.example >/dev/null &&
	orgctl role create dnc-editor --permission outbound:dncList:view \
		--permission outbound:dncList:edit >/dev/null &&
	orgctl user role add clerk dnc-editor >/dev/null &&
	orgctl user create nobody --email nobody@acme.example >/dev/null &&
	orgctl --as clerk@acme suppress add dnc +13175558888 >/dev/null &&
	test_unchanged --status 4 repo orgctl --as nobody@acme suppress add dnc +13175558889 &&
	test_must_fail --status 4 orgctl --as nobody@acme suppress check dnc +13175558888 &&
	test_unchanged --status 4 repo orgctl --as clerk@acme suppress create other &&
	test_unchanged --status 4 repo orgctl --as clerk@acme suppress rm dnc &&
	test_unchanged --status 4 repo orgctl --as clerk@acme suppress add national --enterprise +13175558887
'

test_expect_success 'rm removes the list and every shard in one change set' '
	orgctl suppress create tmp >/dev/null &&
	orgctl suppress add tmp +13175551212 +442071234567 --client-id c1 >/dev/null &&
	orgctl suppress rm tmp >/dev/null &&
	test_must_fail git -C repo cat-file -e main:orgs/acme/suppress/tmp &&
	test_must_fail --status 3 orgctl suppress show tmp
'

test_expect_success 'bulk rows: suppress add and remove' '
	cat >rows.csv <<-\EOF &&
	kind,op,name,number,client-id
	suppress,add,dnc,+13175550100,
	suppress,add,dnc,,bulk-client
	suppress,remove,dnc,+13175551213,
	EOF
	orgctl bulk create sup rows.csv >/dev/null &&
	orgctl bulk exec sup >/dev/null &&
	test_must_fail --status 10 orgctl suppress check dnc +13175550100 &&
	test_must_fail --status 10 orgctl suppress check dnc --client-id bulk-client &&
	orgctl suppress check dnc +13175551213 >/dev/null
'

test_expect_success 'bulk rows past a shard split: the later rows go to the new shards' '
	orgctl suppress create many >/dev/null &&
	{
		echo kind,op,name,number,client-id &&
		for i in $(seq 0 1199); do printf "suppress,add,many,+13175%d%05d,\n" $((i % 10)) $i; done &&
		echo suppress,add,many,+13175312345,
	} >split.csv &&
	orgctl bulk create split split.csv >/dev/null &&
	orgctl bulk exec split >/dev/null &&
	git -C repo ls-tree --name-only main:orgs/acme/suppress/many/numbers/131 >shards &&
	test "$(cat shards | tr "\n" " ")" = "131750.txt 131751.txt 131752.txt 131753.txt 131754.txt 131755.txt 131756.txt 131757.txt 131758.txt 131759.txt " &&
	test_must_fail --status 10 orgctl suppress check many +13175312345 +13175900009 &&
	orgctl suppress export many - >all.csv &&
	test "$(wc -l <all.csv)" = 1202 &&
	orgctl check
'

comp=$TEST_SOURCE_DIR/completions
test_expect_success 'completion: the verbs, the list names from the repository, the options' '
	bash --norc --noprofile -c "source $comp/orgctl.bash; COMP_WORDS=(orgctl suppress im); COMP_CWORD=2; _orgctl; printf \"%s\n\" \"\${COMPREPLY[@]}\"" >actual &&
	test_grep "^import$" actual &&
	bash --norc --noprofile -c "source $comp/orgctl.bash; COMP_WORDS=(orgctl suppress add \"\"); COMP_CWORD=3; _orgctl; printf \"%s\n\" \"\${COMPREPLY[@]}\"" >actual &&
	test_grep "^dnc$" actual &&
	bash --norc --noprofile -c "source $comp/orgctl.bash; COMP_WORDS=(orgctl suppress import dnc --re); COMP_CWORD=4; _orgctl; printf \"%s\n\" \"\${COMPREPLY[@]}\"" >actual &&
	test_grep "^--replace$" actual &&
	if command -v zsh >/dev/null; then
		zsh -f -c "compadd() { [[ \$1 == -- ]] && shift; print -rl -- \"\$@\" }; compset() { : }; source $comp/_orgctl; words=(orgctl suppress ch); CURRENT=3; _orgctl" >actual &&
		test_grep "^check$" actual
	fi &&
	if command -v fish >/dev/null; then
		fish --no-config -c "source $comp/orgctl.fish; complete -C \"orgctl suppress pr\"" | cut -f1 >actual &&
		test_grep "^prune$" actual
	fi
'

test_expect_success 'the repository passes orgctl check and git fsck' '
	orgctl check &&
	test_fsck repo
'

test_done
