#!/usr/bin/env bash
# orgctl bulk: sets stored in the repository, plan, exec as one change set (all or
# nothing), --continue-on-error and its failures file, rollback of a whole set, rows that
# refer to each other, --kind, the org column, .gz and .zip input, list/show/rm, columns.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo ORGCTL_ORG=acme &&
	orgctl org create Acme >/dev/null &&
	cat >onboard.csv <<-\EOF
	kind,op,name,email,member,role,permission,level,skill
	role,create,Agent,,,,directory:user:view,,
	group,create,tier1,,,,,,
	skill,create,billing,,,,,,
	user,create,ann,ann@acme.example,,,,,
	group,member-add,tier1,,ann,,,,
	user,role-add,ann,,,Agent,,,
	user,skill-set,ann,,,,,7,billing
	EOF
	cp onboard.csv onboard.orig
'

test_expect_success 'create stores the set as a change set of its own, status ready' '
	before=$(head_of repo) &&
	orgctl bulk create onboard onboard.csv >out &&
	test_grep "^change set 3: bulk set onboard: 7 rows, ready$" out &&
	test "$(git -C repo rev-parse main^)" = "$before" &&
	git -C repo show --stat --format=%B main >commit &&
	test_grep "^Bulk-Set: onboard$" commit &&
	test_grep "bulk/onboard/set.json" commit &&
	test_grep "bulk/onboard/rows.csv" commit &&
	test_must_fail git -C repo cat-file -e main:orgs/acme/users &&
	test_fsck repo
'

test_expect_success 'the stored rows are the source with its line numbers' '
	git -C repo show main:bulk/onboard/rows.csv >rows &&
	head -2 rows >actual &&
	cat >expect <<-\EOF &&
	line,kind,op,name,email,member,role,permission,level,skill
	2,role,create,Agent,,,,directory:user:view,,
	EOF
	test_cmp expect actual &&
	git -C repo show main:bulk/onboard/set.json >set &&
	test_grep "\"status\": \"ready\"" set &&
	test_grep "\"source\": \"onboard.csv\"" set &&
	test_grep "\"org\": \"acme\"" set
'

test_expect_success 'the set reads from the repository even when the file is gone' '
	rm onboard.csv &&
	orgctl bulk plan onboard >out &&
	cp onboard.orig onboard.csv &&
	test_grep "^bulk set onboard: 7 rows from onboard.csv, ready$" out
'

test_expect_success 'plan counts per kind and op and changes nothing' '
	before=$(head_of repo) &&
	orgctl bulk plan onboard -o json >plan.json &&
	test "$(head_of repo)" = "$before" &&
	test_grep "\"status\": \"ready\"" plan.json &&
	orgctl bulk plan onboard >out &&
	test_grep "^user   create      1$" out &&
	test_grep "^group  member-add  1$" out &&
	test_must_fail orgctl user show ann
'

test_expect_success 'list and show' '
	orgctl bulk list >out &&
	test_grep "^onboard  ready   7     native              onboard.csv$" out &&
	orgctl bulk list --completed >out &&
	test_must_fail test_grep onboard out &&
	orgctl bulk show onboard >out &&
	test_grep "^     5  kind=user op=create name=ann email=ann@acme.example$" out &&
	orgctl bulk show onboard -o json >out &&
	test_grep "\"member\": \"ann\"" out
'

test_expect_success 'exec applies every row as ONE change set that also completes the set' '
	before=$(head_of repo) &&
	orgctl bulk exec onboard >out 2>err &&
	test_grep "^change set 4: bulk set onboard completed: 7 rows applied, 0 failed$" out &&
	test ! -s err &&
	test "$(git -C repo rev-parse main^)" = "$before" &&
	git -C repo show --stat --format=%B main >commit &&
	test_grep "^bulk exec onboard: 7 rows applied$" commit &&
	test_grep "^Bulk-Set: onboard$" commit &&
	test_grep "bulk/onboard/set.json" commit &&
	test_grep "orgs/acme/groups/tier1.json" commit &&
	git -C repo show main:bulk/onboard/set.json >set &&
	test_grep "\"status\": \"completed\"" set &&
	test_grep "\"change_set\": \"4\"" set &&
	orgctl user show ann -o json >ann &&
	test_grep "\"billing\": 7" ann &&
	test_grep "\"Agent\"" ann &&
	orgctl group show tier1 -o json >g &&
	test_grep "\"ann\"" g &&
	test_fsck repo
'

test_expect_success 'its objects are in one pack, not loose' '
	ls "$SCRATCH"/repo/objects/pack/*.pack >packs &&
	test "$(wc -l <packs)" = 1 &&
	git -C repo verify-pack "$(sed s/pack$/idx/ packs)"
'

test_expect_success 'an executed set runs no more and is not removed' '
	test_unchanged --status 1 repo orgctl bulk exec onboard 2>err &&
	test_grep "was executed already (change set 4, completed)" err &&
	test_unchanged --status 1 repo orgctl bulk rm onboard 2>err &&
	test_grep "orgctl rollback 4" err &&
	orgctl bulk list --completed >out &&
	test_grep "^onboard  completed" out &&
	orgctl bulk list --pending >out &&
	test_must_fail test_grep onboard out
'

test_expect_success 'rollback of the set undoes every row and makes it pending again' '
	orgctl rollback 4 >out &&
	test_grep "^change set 5: rollback 4: bulk exec onboard" out &&
	test_must_fail orgctl user show ann &&
	test_must_fail orgctl role show Agent &&
	test_must_fail orgctl group show tier1 &&
	orgctl bulk list --pending >out &&
	test_grep "^onboard  ready" out &&
	git -C repo diff --quiet main~2 main -- orgs bulk &&
	test_fsck repo
'

test_expect_success 'a set that was rolled back runs again' '
	orgctl bulk exec onboard >out &&
	test_grep "^change set 6: bulk set onboard completed" out &&
	orgctl user show ann >/dev/null
'

test_expect_success 'one failing row: nothing is applied and every failing row is reported' '
	cat >bad.csv <<-\EOF &&
	kind,op,name,email,member
	user,create,bob,bob@acme.example,
	group,member-add,tier1,,ghost
	user,create,carl,carl@acme.example,
	user,create,dora,ann@acme.example,
	group,member-add,tier1,,bob
	EOF
	orgctl bulk create bad bad.csv >out 2>err &&
	test_grep "^change set 7: bulk set bad: 5 rows, incomplete$" out &&
	cat >expect <<-\EOF &&
	warning: bad.csv:3:5: group member-add: user "ghost" does not exist in org "acme"
	warning: bad.csv:5:4: user create: email "ann@acme.example" is already used by user "ann"
	EOF
	test_cmp expect err &&
	test_unchanged --status 1 repo orgctl bulk exec bad >out 2>err &&
	cat >expect <<-\EOF &&
	bad.csv:3:5: group member-add: user "ghost" does not exist in org "acme"
	bad.csv:5:4: user create: email "ann@acme.example" is already used by user "ann"
	orgctl: bulk exec: 2 problems in bad.csv
	orgctl: bulk exec: nothing was applied (--continue-on-error applies the rows that work)
	EOF
	test_cmp expect err &&
	test_must_fail orgctl user show bob &&
	test_must_fail orgctl user show carl &&
	orgctl bulk list --pending >out &&
	test_grep "^bad " out
'

test_expect_success 'plan reports the same problems, exits 1, changes nothing' '
	test_unchanged --status 1 repo orgctl bulk plan bad >out 2>err &&
	test_grep "^bad.csv:3:5: group member-add" err &&
	test_grep "^bulk set bad: 5 rows from bad.csv, incomplete$" out &&
	test_must_fail orgctl bulk plan bad -o json >plan.json &&
	test_grep "\"line\": 5" plan.json
'

test_expect_success '--continue-on-error applies the good rows, writes the others to a CSV' '
	test_must_fail --status 1 orgctl bulk exec bad --continue-on-error >out 2>err &&
	test_grep "^change set 8: bulk set bad failed: 3 rows applied, 2 failed$" out &&
	test_grep "2 rows failed; they are in bad-failures.csv" err &&
	orgctl user show bob >/dev/null &&
	orgctl user show carl >/dev/null &&
	orgctl group show tier1 -o json >g &&
	test_grep "\"bob\"" g &&
	cat >expect <<-\EOF &&
	kind,op,name,email,member,error
	group,member-add,tier1,,ghost,"bad.csv:3:5: group member-add: user ""ghost"" does not exist in org ""acme"""
	user,create,dora,ann@acme.example,,"bad.csv:5:4: user create: email ""ann@acme.example"" is already used by user ""ann"""
	EOF
	test_cmp expect bad-failures.csv &&
	git -C repo show main:bulk/bad/set.json >set &&
	test_grep "\"status\": \"failed\"" set &&
	test_grep "\"failed\": 2" set &&
	test_fsck repo
'

test_expect_success 'the failures file, fixed, runs as a new set' '
	sed -e "s/,ghost,/,carl,/" -e "s/dora,ann@/dora,dora@/" bad-failures.csv >fixed.csv &&
	orgctl bulk create fixed fixed.csv >out &&
	test_grep "2 rows, ready$" out &&
	orgctl bulk exec fixed >out &&
	test_grep "completed: 2 rows applied" out &&
	orgctl user show dora >/dev/null
'

test_expect_success 'a failures file that cannot be written stops exec before any change' '
	printf "kind,op,name,email\nuser,create,ann,x@acme.example\n" >allbad.csv &&
	orgctl bulk create allbad allbad.csv >/dev/null 2>&1 &&
	test_unchanged --status 1 repo \
		orgctl bulk exec allbad --continue-on-error --failures nodir/f.csv 2>err &&
	test_grep "cannot write nodir/f.csv" err &&
	orgctl bulk list --pending >out &&
	test_grep "^allbad " out
'

test_expect_success '--failures names the file; every row failing leaves the set not executed' '
	test_must_fail orgctl bulk exec allbad --continue-on-error --failures f.csv &&
	test "$(wc -l <f.csv)" = 2 &&
	orgctl bulk list >out &&
	test_grep "^allbad  *not executed" out
'

test_expect_success '--kind: a file about one kind leaves the kind column out' '
	printf "op,name,email,role\ncreate,erin,erin@acme.example,Agent\ncreate,fred,fred@acme.example,\n" >users.csv &&
	orgctl bulk create users users.csv --kind user >out &&
	test_grep "2 rows, ready$" out &&
	orgctl bulk exec users >/dev/null &&
	orgctl user show erin -o json >erin &&
	test_grep "\"Agent\"" erin
'

test_expect_success 'an org created by the set is used by later rows (org column)' '
	cat >orgs.csv <<-\EOF &&
	kind,op,name,org,shortname,email
	org,create,Globex Corp,,globex,
	user,create,gina,globex,,gina@globex.example
	role,create,Lead,globex,,
	EOF
	orgctl bulk create orgs orgs.csv >out &&
	test_grep "3 rows, ready$" out &&
	orgctl bulk exec orgs >/dev/null &&
	orgctl --org globex user show gina >/dev/null &&
	orgctl --org globex role show Lead >/dev/null
'

test_expect_success 'gzip and zip files are read' '
	printf "kind,op,name,email\nuser,create,hank,hank@acme.example\n" >gz.csv &&
	gzip -c gz.csv >users.csv.gz &&
	orgctl bulk create gz users.csv.gz >out &&
	test_grep "1 rows, ready$" out &&
	printf "kind,op,name,email\nuser,create,ivan,ivan@acme.example\n" >zipped.csv &&
	python3 -c "import zipfile; zipfile.ZipFile(\"users.zip\", \"w\").write(\"zipped.csv\")" &&
	orgctl bulk create zip users.zip >out &&
	test_grep "1 rows, ready$" out &&
	orgctl bulk exec gz >/dev/null && orgctl bulk exec zip >/dev/null &&
	orgctl user show hank >/dev/null && orgctl user show ivan >/dev/null
'

test_expect_success 'quoted fields, CRLF and a byte order mark' '
	printf "\357\273\277kind,op,name,email,full-name\r\nuser,create,jo,jo@acme.example,\"Smith, \"\"Jo\"\"\"\r\n" >crlf.csv &&
	orgctl bulk create crlf crlf.csv >/dev/null &&
	orgctl bulk exec crlf >/dev/null &&
	orgctl user show jo -o json >jo &&
	test_grep "\"full_name\": \"Smith, \\\\\"Jo\\\\\"\"" jo
'

test_expect_success 'a header without rows makes an empty set' '
	printf "kind,op,name\n" >empty.csv &&
	orgctl bulk create nothing empty.csv >out &&
	test_grep "0 rows, empty$" out
'

test_expect_success 'rm removes a pending set' '
	orgctl bulk rm nothing >out &&
	test_grep "^change set [0-9]*: bulk rm nothing$" out &&
	test_must_fail git -C repo cat-file -e main:bulk/nothing &&
	test_must_fail --status 3 orgctl bulk show nothing 2>err &&
	test_grep "bulk set \"nothing\" not found" err
'

test_expect_success 'a set name is checked; a taken name is refused' '
	test_unchanged --status 1 repo orgctl bulk create "../x" onboard.csv 2>err &&
	test_grep "invalid bulk set name" err &&
	test_unchanged --status 1 repo orgctl bulk create onboard onboard.csv 2>err &&
	test_grep "bulk set \"onboard\" exists already" err
'

test_expect_success 'rows that add to one group run as one step, failures still found' '
	{
		echo "kind,op,name,email,member" &&
		for i in 1 2 3 4 5; do echo "user,create,m$i,m$i@acme.example,"; done &&
		echo "group,create,big,," &&
		for i in 1 2 3 nobody 4 5; do echo "group,member-add,big,,m$i"; done
	} >merge.csv &&
	orgctl bulk create merge merge.csv >/dev/null 2>&1 &&
	test_must_fail orgctl bulk exec merge 2>err &&
	test_grep "^merge.csv:11:5: group member-add: user \"mnobody\" does not exist" err &&
	test_must_fail orgctl bulk exec merge --continue-on-error >out 2>&1 &&
	test_grep "11 rows applied, 1 failed" out &&
	orgctl group show big -o json >g &&
	test_grep "\"m5\"" g
'

# The issue's own shape: each user created, then added to one of a few groups, given a
# role and a skill. A group's member-adds run as one step after the rows in between; the
# result must be the file order's, row for row.
test_expect_success 'each user created, then added to its group: the groups get them all' '
	orgctl skill create chat >/dev/null &&
	awk "BEGIN {
		print \"kind,op,name,email,member,role,level,skill\"
		for (g = 0; g < 3; g++) printf \"group,create,q%d,,,,,\n\", g
		for (i = 0; i < 300; i++) {
			printf \"user,create,q%03d,q%03d@acme.example,,,,\n\", i, i
			printf \"group,member-add,q%d,,q%03d,,,\n\", i % 3, i
			printf \"user,role-add,q%03d,,,Agent,,\n\", i
			printf \"user,skill-set,q%03d,,,,5,chat\n\", i
		}
	}" >spread.csv &&
	orgctl bulk create spread spread.csv >/dev/null 2>&1 &&
	orgctl bulk exec spread >out &&
	test_grep "1203 rows applied, 0 failed" out &&
	test "$(awk "/^(group|user) / {printf \"%s %s %s;\", \$1, \$2, \$3}" out)" = \
		"group create 3;user create 300;group member-add 300;user role-add 300;user skill-set 300;" &&
	orgctl user list --group q1 -o csv >q1 &&
	test "$(grep -c "^q[0-9]" q1)" = 100 &&
	test_grep "^q001," q1 &&
	test_grep "^q298," q1 &&
	orgctl group show q2 -o json >q2 &&
	test "$(grep -c "\"q[0-9]*\"" q2)" = 101 &&
	orgctl user show q299 -o json >u &&
	test_grep "Agent" u &&
	test_grep "\"chat\": *5" u
'

# What the file order says still holds: a member added before the row creating it fails
# there, though rows adding to its group after that creation succeed; so does a member
# added to a group before the row creating the group. (Each set fails by that row alone:
# any other failure would run the rows in file order anyway.)
test_expect_success 'a group filled among other rows: the file order decides' '
	cat >late1.csv <<-\EOF &&
	kind,op,name,email,member
	group,create,o1,,
	user,create,oa,oa@acme.example,
	group,member-add,o1,,oa
	group,member-add,o1,,olate
	user,create,ob,ob@acme.example,
	group,member-add,o1,,ob
	user,create,olate,olate@acme.example,
	user,create,oc,oc@acme.example,
	group,member-add,o1,,oc
	EOF
	orgctl bulk create late1 late1.csv >/dev/null 2>&1 &&
	test_unchanged --status 1 repo orgctl bulk exec late1 2>err &&
	test_grep "^late1.csv:5:5: group member-add: user \"olate\" does not exist" err &&
	test "$(grep -c "^late1.csv" err)" = 1 &&
	cat >late2.csv <<-\EOF &&
	kind,op,name,email,member
	user,create,pa,pa@acme.example,
	user,create,pb,pb@acme.example,
	group,member-add,o2,,pa
	group,create,o2,,
	group,member-add,o2,,pb
	EOF
	orgctl bulk create late2 late2.csv >/dev/null 2>&1 &&
	test_unchanged --status 1 repo orgctl bulk exec late2 2>err &&
	test_grep "^late2.csv:4:3: group member-add: group \"o2\" not found" err &&
	test "$(grep -c "^late2.csv" err)" = 1 &&
	test_must_fail orgctl bulk exec late1 --continue-on-error >out 2>&1 &&
	test_grep "8 rows applied, 1 failed" out &&
	orgctl user list --group o1 -o csv >o1 &&
	test "$(cut -d, -f1 o1 | grep "^o" | sort | tr "\n" " ")" = "oa ob oc "
'

# A user create row with a group column joins its groups in the batch's group units (as
# member-add rows do); the summary counts the rows as they are, and a row whose group
# fails fails alone, in its place, its user not created.
test_expect_success 'user create rows with a group column: every group gets its users' '
	awk "BEGIN {
		print \"kind,op,name,email,group,access-group\"
		for (g = 0; g < 3; g++) printf \"group,create,c%d,,,\n\", g
		for (i = 0; i < 300; i++)
			printf \"user,create,c%03d,c%03d@acme.example,c%d,%s\n\", i, i, i % 3, i == 7 ? \"nosuch\" : \"\"
	}" >gcol.csv &&
	orgctl bulk create gcol gcol.csv >/dev/null 2>&1 &&
	test_unchanged --status 1 repo orgctl bulk exec gcol 2>err &&
	test_grep "^gcol.csv:12:.*\"nosuch\" not found" err &&
	test "$(grep -c "^gcol.csv" err)" = 1 &&
	test_must_fail orgctl bulk exec gcol --continue-on-error >out 2>&1 &&
	test_grep "302 rows applied, 1 failed" out &&
	test "$(awk "/^(group|user) / {printf \"%s %s %s;\", \$1, \$2, \$3}" out)" = \
		"group create 3;user create 299;" &&
	orgctl user list --group c0 -o csv >c0 &&
	test "$(grep -c "^c[0-9]" c0)" = 100 &&
	orgctl user list --group c1 -o csv >c1 &&
	test "$(grep -c "^c[0-9]" c1)" = 99 &&
	! grep "^c007," c1 &&
	test_must_fail orgctl user show c007 2>/dev/null
'

test_expect_success 'columns lists every change of the operation table, and the man page too' '
	orgctl bulk columns >cols &&
	test_grep "^user,create,name,email\*," cols &&
	test_grep "^group,member-add,name,member\*+$" cols &&
	test_must_fail test_grep "^user,list," cols &&
	orgctl bulk columns user >ucols &&
	test_must_fail test_grep "^group," ucols &&
	while IFS=, read -r kind op rest; do
		grep -qF "*$kind $op*" "$TEST_SOURCE_DIR/man/orgctl-bulk.1.scd" ||
		{ echo "orgctl-bulk(1) lacks $kind $op"; return 1; }
	done <cols &&
	orgctl bulk columns -o json >cols.json &&
	test_grep "\"help\": \"e-mail address, unique in the org\"" cols.json
'

test_expect_success 'completion offers the verbs and the names of pending sets' '
	orgctl bulk create later onboard.csv >/dev/null &&
	orgctl __complete bulk "" >out &&
	test_grep "^exec$" out && test_grep "^columns$" out &&
	orgctl __complete bulk exec "" >out &&
	test_grep "^later$" out &&
	test_must_fail test_grep "^onboard$" out &&
	orgctl __complete bulk show o >out &&
	test_grep "^onboard$" out &&
	test_grep "^orgs$" out
'

test_expect_success 'permissions: the actor needs the bulk permission and each row its own' '
	orgctl role create Clerk --permission outbound:bulkChangeSet:add \
		--permission outbound:bulkChangeSet:execute >/dev/null &&
	orgctl user create clerk --email clerk@acme.example --role Clerk >/dev/null &&
	printf "kind,op,name,email\nuser,create,zed,zed@acme.example\n" >z.csv &&
	test_unchanged --status 4 repo orgctl --as admin@enterprise --as clerk@acme bulk plan onboard &&
	orgctl --as clerk@acme bulk create z z.csv >out 2>err &&
	test_grep "incomplete" out &&
	test_grep "lacks \"directory:user:add\"" err &&
	test_unchanged --status 4 repo orgctl --as clerk@acme bulk exec z 2>err &&
	test_grep "^orgctl: bulk exec: z.csv:2: user create: permission denied: clerk@acme lacks \"directory:user:add\"" err
'

test_done
