#!/usr/bin/env bash
# While a bulk set runs, its index writes are made by a thread of their own (lib/
# index_writer.c) and the rows read the index before the set where that is right. These
# tests check what users would notice if that went wrong: a unique value given twice
# within one set, a value freed and taken again, and an index that, after the set, differs
# from one rebuilt from the commit.
. "$(dirname "$0")/test-lib.sh"

# queries ANSWER-FILE: what the index answers about users and groups.
queries() {
	{
		orgctl user list -o json &&
			orgctl group list -o json &&
			orgctl role list -o json &&
			orgctl user list --role Agent -o csv &&
			orgctl user list --group g1 -o csv &&
			orgctl user list --state disabled -o csv &&
			orgctl user list --search MOVED -o csv
	} >"$1"
}

# test_index_exact: the index answers as one rebuilt from the commit does.
test_index_exact() {
	queries incremental &&
		rm -f repo/orgctl/index.sqlite* &&
		queries rebuilt &&
		test_cmp rebuilt incremental
}

test_expect_success 'setup: an org with a role, a group and users' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo ORGCTL_ORG=acme &&
	orgctl org create Acme >/dev/null &&
	orgctl role create Agent --permission directory:user:view >/dev/null &&
	orgctl group create g1 >/dev/null &&
	orgctl user create old1 --email old1@acme.example >/dev/null &&
	orgctl user create old2 --email old2@acme.example >/dev/null
'

test_expect_success 'an e-mail given twice within one set: the second row fails' '
	cat >twice.csv <<-\EOF &&
	kind,op,name,email
	user,create,bob,bob@acme.example
	user,create,carl,BOB@acme.example
	EOF
	orgctl bulk create twice twice.csv >/dev/null 2>&1 &&
	test_unchanged --status 1 repo orgctl bulk exec twice 2>err &&
	test_grep "twice.csv:3:4: user create: email \"BOB@acme.example\" is already used by user \"bob\"" err
'

test_expect_success 'an e-mail freed earlier in the set can be taken by a later row' '
	cat >move.csv <<-\EOF &&
	kind,op,name,email
	user,update,old1,moved@acme.example
	user,create,dan,old1@acme.example
	user,update,dan,dan@acme.example
	user,create,eve,old1@acme.example
	EOF
	orgctl bulk create move move.csv >/dev/null 2>&1 &&
	orgctl bulk exec move >out &&
	test_grep "4 rows applied, 0 failed" out &&
	orgctl user show eve -o json >eve &&
	test_grep "\"email\": *\"old1@acme.example\"" eve &&
	test_index_exact
'

# A set bigger than the writer's queue (4096), with every kind of write in it.
test_expect_success 'a big set with creates, updates, memberships and removals' '
	awk "BEGIN {
		print \"kind,op,name,email,role,member,force\"
		for (i = 0; i < 5000; i++)
			printf \"user,create,u%04d,u%04d@acme.example,Agent,,\n\", i, i
		for (i = 0; i < 5000; i += 2)
			printf \"group,member-add,g1,,,u%04d,\n\", i
		for (i = 0; i < 5000; i += 7)
			printf \"user,disable,u%04d,,,,\n\", i
		for (i = 0; i < 5000; i += 11)
			printf \"user,rm,u%04d,,,,true\n\", i
		printf \"user,create,again,u0000@acme.example,,,\n\"
	}" >big.csv &&
	orgctl bulk create big big.csv >/dev/null 2>&1 &&
	orgctl bulk exec big >out &&
	test_grep "rows applied, 0 failed" out &&
	orgctl user list --group g1 -o csv >members &&
	test_grep "^u0002," members &&
	! test_grep "^u0022," members &&
	orgctl user show again -o json >again &&
	test_grep "\"email\": *\"u0000@acme.example\"" again &&
	test_index_exact &&
	test_fsck repo
'

test_expect_success 'a failing last row of a big set: nothing applied, the index as before' '
	queries before &&
	awk "BEGIN {
		print \"kind,op,name,email\"
		for (i = 0; i < 6000; i++)
			printf \"user,create,v%04d,v%04d@acme.example\n\", i, i
		print \"user,create,late,u0002@acme.example\"
	}" >fails.csv &&
	orgctl bulk create fails fails.csv >/dev/null 2>&1 &&
	test_unchanged --status 1 repo orgctl bulk exec fails 2>err &&
	test_grep "fails.csv:6002:4: user create: email \"u0002@acme.example\" is already used by user \"u0002\"" err &&
	queries after &&
	test_cmp before after
'

test_expect_success '--continue-on-error in a big set: the good rows, an exact index' '
	awk "BEGIN {
		print \"kind,op,name,email\"
		for (i = 0; i < 6000; i++)
			printf \"user,create,w%04d,%s@acme.example\n\", i, (i % 1000 == 999 ? \"u0002\" : sprintf(\"w%04d\", i))
	}" >some.csv &&
	orgctl bulk create some some.csv >/dev/null 2>&1 &&
	test_must_fail orgctl bulk exec some --continue-on-error >out 2>&1 &&
	test_grep "5994 rows applied, 6 failed" out &&
	test_index_exact
'

test_expect_success 'removing a role its holders got in the same set (--force)' '
	cat >force.csv <<-\EOF &&
	kind,op,name,email,role,force
	role,create,Temp,,,
	user,create,tim,tim@acme.example,Temp,
	user,create,tom,tom@acme.example,Temp,
	role,rm,Temp,,,true
	EOF
	orgctl bulk create force force.csv >/dev/null 2>&1 &&
	orgctl bulk exec force >/dev/null &&
	orgctl user show tim -o json >tim &&
	! test_grep Temp tim &&
	test_index_exact
'

# A row reads back an object the set wrote before (a group getting members row by row, not
# merged: other rows in between) from the set's pack, not from the index, which its writer
# may not have reached yet. The group is written in a first batch of rows (2048) and again
# in the next one, which a failing row sends back to its start and runs again row by row:
# each row must read the version the change set holds, the first batch's after the undo.
test_expect_success 'a group read back row after row, a failing batch undone in between' '
	awk "BEGIN {
		print \"kind,op,name,email,member\"
		print \"group,create,gx,,\"
		for (i = 0; i < 1100; i++) {
			printf \"user,create,m%04d,m%04d@acme.example,\n\", i, i
			printf \"group,member-add,gx,,m%04d\n\", i
			if (i == 1060)
				print \"group,member-add,gx,,nobody\"
		}
	}" >readback.csv &&
	orgctl bulk create readback readback.csv >/dev/null 2>&1 &&
	{ orgctl bulk plan readback -o json >plan 2>&1 || :; } &&
	test_grep "nobody" plan &&
	test_must_fail orgctl bulk exec readback --continue-on-error >out 2>&1 &&
	test_grep "2201 rows applied, 1 failed" out &&
	orgctl group show gx -o json >gx &&
	test "$(grep -c "\"m[0-9][0-9][0-9][0-9]\"" gx)" = 1100 &&
	orgctl user list --group gx -o csv >members &&
	test_grep "^m0000," members &&
	test_grep "^m1099," members &&
	test_index_exact
'

# A group's members added by many rows at once (merged into one write) have their index
# rows kept and inserted together later (lib/store/index.c, deferred inserts). Here: kept in a
# first batch of rows (2048), then written in the second when a row removes a member (its
# groups are looked up in the index, read as a whole), and that batch, sent back to its
# start by a failing row, is undone: the first batch's members must be inserted again, the
# second batch's, dropped with it, come back when its rows run again one by one.
test_expect_success 'group members kept for later, written, then undone with a batch' '
	awk "BEGIN {
		print \"kind,op,name,email,member,force\"
		print \"group,create,gk,,,\"
		for (i = 0; i < 100; i++)
			printf \"user,create,k%03d,k%03d@acme.example,,\n\", i, i
		for (i = 0; i < 100; i++)
			printf \"group,member-add,gk,,k%03d,\n\", i
		for (i = 0; i < 1900; i++)
			printf \"user,create,h%04d,h%04d@acme.example,,\n\", i, i
		for (i = 0; i < 80; i++)
			printf \"group,member-add,gk,,h%04d,\n\", i
		print \"user,rm,k099,,,true\"
		print \"user,create,dup,k000@acme.example,,\"
	}" >kept.csv &&
	orgctl bulk create kept kept.csv >/dev/null 2>&1 &&
	test_must_fail orgctl bulk exec kept --continue-on-error >out 2>err &&
	test_grep "2182 rows applied, 1 failed" out &&
	test_grep "kept.csv:2184:4: user create: email" err &&
	orgctl user list --group gk -o csv >members &&
	test "$(grep -c "^[kh][0-9]" members)" = 179 &&
	! test_grep "^k099," members &&
	test_grep "^k000," members &&
	test_grep "^h0079," members &&
	test_index_exact
'

# A row of several steps that changes a group and then fails is undone alone: the rows
# after it read back the group as it was before that row (the version the change set
# holds again), not the version the undone row wrote into the pack. The group has members
# enough for its index rows to be kept for later: the undone row's must be dropped.
test_expect_success 'a group read back after a row that changed it failed' '
	awk "BEGIN {
		print \"kind,op,name,member\"
		print \"group,create,tier,\"
		for (i = 0; i < 70; i++)
			printf \"group,member-add,tier,k%03d\n\", i
	}" >tier.csv &&
	orgctl bulk create tier tier.csv >/dev/null 2>&1 &&
	orgctl bulk exec tier >/dev/null &&
	orgctl skill create gone >/dev/null &&
	cat >undone.csv <<-\EOF &&
	Action,First Name,Last Name,Employee Id,Username,Is Agent,Email Address,Agent Group:tier,Skill:gone
	ADD,A,One,1,a1,Y,a1@acme.example,Y,
	ADD,A,Two,2,a2,Y,a2@acme.example,Y,5
	ADD,A,Three,3,a3,Y,a3@acme.example,Y,
	EOF
	orgctl bulk create undone undone.csv --format gax >/dev/null &&
	orgctl skill rm gone >/dev/null &&
	test_must_fail orgctl bulk exec undone --continue-on-error >out 2>err &&
	test_grep "2 rows applied, 1 failed" out &&
	test_grep "undone.csv:3:9: user skill-set: skill \"gone\" does not exist" err &&
	orgctl group show tier -o json >tier &&
	test_grep "\"a1\"" tier &&
	test_grep "\"a3\"" tier &&
	! test_grep "\"a2\"" tier &&
	orgctl user create a2 --email a2@acme.example >/dev/null &&
	orgctl user list --group tier -o csv >tier.members &&
	test_grep "^a3," tier.members &&
	! test_grep "^a2," tier.members &&
	test_index_exact
'

# Batches grow after clean ones (2048 rows, then 4096, 8192) and start again small after a
# failing one; memberships spread over groups join their group's unit across a grown batch.
# Rows failing only late in the file (the 8192-row batch) are undone alone, the rest kept.
test_expect_success 'grown batches: spread memberships, late failing rows undone alone' '
	awk "BEGIN {
		print \"kind,op,name,email,member\"
		for (j = 0; j < 3; j++)
			printf \"group,create,sp%d,,\n\", j
		for (i = 0; i < 6000; i++) {
			late = i >= 5000 && i % 500 == 1
			printf \"user,create,s%04d,%s@acme.example,\n\", i, late ? \"u0002\" : sprintf(\"s%04d\", i)
			printf \"group,member-add,sp%d,,s%04d\n\", i % 3, i
		}
	}" >grow.csv &&
	orgctl bulk create grow grow.csv >/dev/null 2>&1 &&
	test_must_fail orgctl bulk exec grow --continue-on-error >out 2>err &&
	test_grep "11999 rows applied, 4 failed" out &&
	test_grep "grow.csv:10007:4: user create: email \"u0002@acme.example\" is already used" err &&
	test_grep "grow.csv:10008:5: group member-add: user \"s5001\" does not exist" err &&
	orgctl user list --group sp0 -o csv >sp0 &&
	test $(grep -c "^s" sp0) = 1999 &&
	! test_grep "^s5001," sp0 &&
	test_grep "^s5997," sp0 &&
	test_index_exact
'

# A disk that fills while the pack is written (here a file size limit, in KB for bash; the
# set's rows, 335 KB, still fit): the set fails as a whole, the branch, the index and the
# objects are as before (no temporary pack left), and the set runs once there is room.
test_expect_success 'a write failing mid-pack: nothing changes, the set runs later' '
	awk "BEGIN {
		print \"kind,op,name,email\"
		for (i = 0; i < 8000; i++)
			printf \"user,create,f%04d,f%04d@acme.example\n\", i, i
	}" >full.csv &&
	orgctl bulk create full full.csv >/dev/null 2>&1 &&
	queries before &&
	ls repo/objects/pack >packs.before &&
	test_unchanged --status 1 repo bash -c "trap \"\" XFSZ; ulimit -f 700; exec orgctl bulk exec full" 2>err &&
	test_grep "tmp_orgctl_pack_.*File too large" err &&
	ls repo/objects/pack >packs.after &&
	test_cmp packs.before packs.after &&
	queries after &&
	test_cmp before after &&
	orgctl bulk list --pending >pending &&
	test_grep "^full " pending &&
	orgctl bulk exec full >out &&
	test_grep "8000 rows applied, 0 failed" out &&
	test_index_exact &&
	test_fsck repo
'

# With more users in the org than rows in the set, the rows ask the index instead of a copy
# in memory: the same answers.
test_expect_success 'a small set in a big org: a taken e-mail, a freed one, a new one' '
	cat >small.csv <<-\EOF &&
	kind,op,name,email
	user,create,x1,U0003@acme.example
	user,update,u0004,moved2@acme.example
	user,create,x3,u0004@acme.example
	user,create,x2,x2@acme.example
	EOF
	orgctl bulk create small small.csv >/dev/null 2>&1 &&
	test_unchanged --status 1 repo orgctl bulk exec small 2>err &&
	test_grep "small.csv:2:4: user create: email \"U0003@acme.example\" is already used by user \"u0003\"" err &&
	test_must_fail orgctl bulk exec small --continue-on-error >out 2>&1 &&
	test_grep "3 rows applied, 1 failed" out &&
	orgctl user show x3 -o json >x3 &&
	test_grep "\"email\": *\"u0004@acme.example\"" x3 &&
	test_index_exact
'

# A rollback of more than 256 paths keeps its deletes until the index is read as a whole;
# those that remove every user of an org become range deletes.
test_expect_success 'rollback of a big set: refused while a later change uses it' '
	awk "BEGIN {
		print \"kind,op,name,email,role\"
		print \"role,create,Big,,\"
		for (i = 0; i < 400; i++)
			printf \"user,create,y%04d,y%04d@acme.example,Big\n\", i, i
	}" >roll.csv &&
	orgctl bulk create roll roll.csv >/dev/null 2>&1 &&
	orgctl bulk exec roll >out &&
	id=$(sed -n "s/^change set \([0-9]*\): .*/\1/p" out) &&
	orgctl user role-add old2 Big >/dev/null &&
	queries before &&
	test_unchanged --status 5 repo orgctl rollback "$id" 2>err &&
	test_grep "role \"Big\" would be removed while user \"old2\" refers to it" err &&
	queries after &&
	test_cmp before after
'

test_expect_success 'rollback of a big set: --dry-run changes nothing, then it is undone' '
	orgctl user role-rm old2 Big >/dev/null &&
	queries before &&
	orgctl --dry-run rollback "$id" >out &&
	queries after &&
	test_cmp before after &&
	orgctl rollback "$id" >out &&
	test_must_fail orgctl user show y0001 2>err &&
	orgctl user show old2 >/dev/null &&
	test_index_exact &&
	test_fsck repo
'

# Every user of an org goes: the range delete.
test_expect_success 'rollback of a set that filled a new org' '
	orgctl org create Beta >/dev/null &&
	awk "BEGIN {
		print \"kind,op,name,email\"
		for (i = 0; i < 300; i++)
			printf \"user,create,z%04d,z%04d@beta.example\n\", i, i
	}" >beta.csv &&
	orgctl --org beta bulk create beta beta.csv >/dev/null 2>&1 &&
	orgctl --org beta bulk exec beta >out &&
	id=$(sed -n "s/^change set \([0-9]*\): .*/\1/p" out) &&
	orgctl --org beta user list -o csv >listed &&
	test_grep "^z0299," listed &&
	orgctl rollback "$id" >/dev/null &&
	orgctl --org beta user list -o csv >listed &&
	! test_grep "^z0" listed &&
	orgctl --org beta user create zed --email z0001@beta.example >/dev/null &&
	orgctl --org beta user list -o csv >listed &&
	test_index_exact &&
	rm -f repo/orgctl/index.sqlite* &&
	orgctl --org beta user list -o csv >rebuilt &&
	test_cmp rebuilt listed
'

test_done
