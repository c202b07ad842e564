#!/usr/bin/env bash
# orgctl bulk and bad input: each problem reported as FILE:LINE:COLUMN, every problem of a
# file at once, exit status 1, nothing stored and the branch where it was.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo ORGCTL_ORG=acme &&
	orgctl org create Acme >/dev/null &&
	orgctl group create tier1 >/dev/null &&
	orgctl user create ann --email ann@acme.example >/dev/null
'

# bad_create FILE: create fails with status 1, stores nothing; its stderr is in err.
bad_create() {
	test_unchanged --status 1 repo orgctl bulk create bad "$1" 2>err &&
	orgctl bulk list >list &&
	test "$(wc -l <list)" = 1
}

test_expect_success 'a wrong column name' '
	printf "kind,op,name,emial\nuser,create,bob,bob@acme.example\n" >f.csv &&
	bad_create f.csv &&
	cat >expect <<-\EOF &&
	f.csv:1:4: unknown column "emial": no operation takes it (see "orgctl bulk columns")
	orgctl: bulk create: 1 problem in f.csv
	EOF
	test_cmp expect err
'

test_expect_success 'a column the row'"'"'s operation does not take' '
	printf "kind,op,name,email,permission\nuser,create,bob,bob@acme.example,a:b:c\n" >f.csv &&
	bad_create f.csv &&
	test_grep "^f.csv:2:5: user create takes no \"permission\" (it takes: email, full-name," err
'

test_expect_success 'an unknown kind and an unknown op' '
	printf "kind,op,name,email\nusr,create,bob,b@acme.example\nuser,crate,bob,b@acme.example\n" >f.csv &&
	bad_create f.csv &&
	test_grep "^f.csv:2:1: unknown kind \"usr\" (kinds: org, user, role, group, skill, access, capacity" err &&
	test_grep "^f.csv:3:2: user has no op \"crate\" (user ops: create, update, rm," err &&
	test_grep "^orgctl: bulk create: 2 problems in f.csv$" err
'

test_expect_success 'an op that changes nothing' '
	printf "kind,op,name\nuser,show,ann\n" >f.csv &&
	bad_create f.csv &&
	test_grep "^f.csv:2:2: user show changes nothing: a bulk row must be a change" err
'

test_expect_success 'missing required fields: a parameter, the name (no op column: a create)' '
	printf "kind,op,name,email\nuser,create,bob,\nuser,create,,c@acme.example\n" >f.csv &&
	bad_create f.csv &&
	cat >expect <<-\EOF &&
	f.csv:2:4: user create needs "email"
	f.csv:3:3: user must not be empty
	orgctl: bulk create: 2 problems in f.csv
	EOF
	test_cmp expect err &&
	printf "kind,op,name\nuser,create,bob\n" >f.csv &&
	bad_create f.csv &&
	test_grep "^f.csv:2:2: user create needs \"email\"$" err &&
	printf "kind,name\nuser,bob\n" >f.csv &&
	bad_create f.csv &&
	test_grep "^f.csv:2:1: user create needs \"email\"$" err
'

test_expect_success 'duplicate rows' '
	printf "kind,op,name,member\ngroup,member-add,tier1,ann\ngroup,member-add,tier1,bob\ngroup,member-add,tier1,ann\n" >f.csv &&
	bad_create f.csv &&
	test_grep "^f.csv:4:1: duplicate row: the same as line 2$" err
'

test_expect_success 'more fields than the header, a bad name, a bad flag' '
	printf "kind,op,name,force\nuser,rm,ann,1,x\nuser,rm,a/b,\nuser,rm,ann,maybe\n" >f.csv &&
	bad_create f.csv &&
	cat >expect <<-\EOF &&
	f.csv:2:5: 5 fields, but the header has 4
	f.csv:3:3: user "a/b" contains '"'"'/'"'"'
	f.csv:4:4: "force" is a flag: give 1 or 0, not "maybe"
	orgctl: bulk create: 3 problems in f.csv
	EOF
	test_cmp expect err
'

test_expect_success 'invalid UTF-8' '
	printf "kind,op,name,email\nuser,create,bob,b\377@acme.example\n" >f.csv &&
	bad_create f.csv &&
	test_grep "^f.csv:2:4: invalid UTF-8 (byte 0xFF); save the file as UTF-8$" err
'

test_expect_success 'a NUL byte' '
	printf "kind,op,name,email\nuser,create,bob,b\000@acme.example\n" >f.csv &&
	bad_create f.csv &&
	test_grep "^f.csv:2:4: NUL byte$" err
'

test_expect_success 'an unterminated quote' '
	printf "kind,op,name,email\nuser,create,\"bob,b@acme.example\nuser,create,carl,c@acme.example\n" >f.csv &&
	bad_create f.csv &&
	test_grep "^f.csv:2:3: unterminated quoted field$" err
'

test_expect_success 'an empty file' '
	: >f.csv &&
	bad_create f.csv &&
	cat >expect <<-\EOF &&
	f.csv:1:1: empty file
	orgctl: bulk create: 1 problem in f.csv
	EOF
	test_cmp expect err
'

test_expect_success 'a corrupt .gz and a .zip with two files' '
	printf "kind,op,name\n" | gzip -c | head -c 20 >f.csv.gz &&
	bad_create f.csv.gz &&
	test_grep "^f.csv.gz:" err &&
	printf "a\n" >a.csv && printf "b\n" >b.csv &&
	python3 -c "import zipfile; z = zipfile.ZipFile(\"two.zip\", \"w\"); z.write(\"a.csv\"); z.write(\"b.csv\")" &&
	test_unchanged --status 1 repo orgctl bulk create two two.zip 2>err &&
	test_grep "two.zip" err
'

test_expect_success 'a file that does not exist' '
	test_unchanged --status 3 repo orgctl bulk create x nosuch.csv 2>err &&
	test_grep "nosuch.csv" err
'

test_expect_success 'every problem of a file at once, in file order' '
	cat >f.csv <<-\EOF &&
	kind,op,name,email,role
	user,create,bob,bob@acme.example,
	user,create,carl,,
	group,create,tier9,,
	usr,create,dan,dan@acme.example,
	user,create,bob,bob@acme.example,
	EOF
	bad_create f.csv &&
	cat >expect <<-\EOF &&
	f.csv:3:4: user create needs "email"
	f.csv:5:1: unknown kind "usr" (kinds: org, user, role, group, skill, access, capacity, pair, clone, suppress, campaign)
	f.csv:6:1: duplicate row: the same as line 2
	orgctl: bulk create: 3 problems in f.csv
	EOF
	test_cmp expect err
'

test_expect_success 'references to objects that do not exist: plan and exec say where' '
	cat >f.csv <<-\EOF &&
	kind,op,name,email,role,member
	user,create,bob,bob@acme.example,Boss,
	group,member-add,tier1,,,ghost
	group,member-add,tier7,,,ann
	user,role-add,ann,,Agent,
	EOF
	orgctl bulk create refs f.csv >out 2>err &&
	test_grep "4 rows, incomplete$" out &&
	cat >expect <<-\EOF &&
	f.csv:2:5: user create: role "Boss" does not exist in org "acme"
	f.csv:3:6: group member-add: user "ghost" does not exist in org "acme"
	f.csv:4:3: group member-add: group "tier7" not found in org "acme"
	f.csv:5:5: user role-add: role "Agent" does not exist in org "acme"
	EOF
	sed "s/^warning: //" err >actual &&
	test_cmp expect actual &&
	test_unchanged --status 1 repo orgctl bulk plan refs 2>err &&
	head -4 err >actual &&
	test_cmp expect actual &&
	test_unchanged --status 1 repo orgctl bulk exec refs 2>err &&
	head -4 err >actual &&
	test_cmp expect actual &&
	test_must_fail orgctl user show bob
'

test_expect_success 'a set whose objects appear later becomes ready' '
	orgctl role create Boss >/dev/null && orgctl role create Agent >/dev/null &&
	orgctl group create tier7 >/dev/null && orgctl user create ghost --email g@acme.example >/dev/null &&
	orgctl bulk plan refs >out &&
	test_grep "ready$" out &&
	orgctl bulk exec refs >/dev/null
'

test_expect_success 'bulk without a repository, unknown verbs and options' '
	test_must_fail --status 2 orgctl bulk 2>err &&
	test_grep "usage:" err &&
	test_must_fail --status 2 orgctl bulk exce x 2>err &&
	test_grep "unknown verb \"exce\" (did you mean \"exec\"?)" err &&
	test_must_fail --status 2 orgctl bulk exec x --contine-on-error 2>err &&
	test_grep "did you mean \"--continue-on-error\"" err &&
	test_must_fail --status 2 orgctl bulk create x f.csv --format xls 2>err &&
	test_grep "unknown format \"xls\"" err &&
	(cd / && orgctl bulk --help >/dev/null && orgctl bulk exec --help >/dev/null)
'

# Member-add rows of one group run as one step; when it fails, halves of them do, down to
# rows one by one: the failing rows are reported in file order, every other one applied.
test_expect_success 'failing rows among many member-adds of one group' '
	awk "BEGIN {
		print \"kind,op,name,email,member\"
		for (i = 0; i < 40; i++)
			printf \"user,create,m%02d,m%02d@acme.example,\n\", i, i
		for (i = 0; i < 40; i++)
			printf \"group,member-add,tier1,,%s\n\", (i == 13 || i == 31) ? sprintf(\"nobody%d\", i) : sprintf(\"m%02d\", i)
	}" >halves.csv &&
	orgctl bulk create halves halves.csv >/dev/null &&
	test_must_fail orgctl bulk exec halves --continue-on-error >out 2>err &&
	test_grep "78 rows applied, 2 failed" out &&
	grep "halves.csv:" err >failed &&
	cat >expect <<-\EOF &&
	halves.csv:55:5: group member-add: user "nobody13" does not exist in org "acme"
	halves.csv:73:5: group member-add: user "nobody31" does not exist in org "acme"
	EOF
	test_cmp expect failed &&
	orgctl user list --group tier1 -o csv >members &&
	test $(grep -c "^m" members) = 38
'

test_done
