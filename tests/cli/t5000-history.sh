#!/usr/bin/env bash
# History: one commit per change set with trailers, log/show/diff, rollback.
. "$(dirname "$0")/test-lib.sh"

# path_of USER: the file of user USER of org acme at the tip.
path_of() {
	git -C "$SCRATCH/repo" ls-tree -r --name-only main orgs/acme/users/ | grep "/$1\.json$"
}

# last_id: the id of the newest change set.
last_id() {
	orgctl log -n 1 -o csv | sed -n 2p | cut -d, -f1
}

test_expect_success 'setup' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo ORGCTL_ORG=acme &&
	orgctl org create Acme >/dev/null
'

test_expect_success 'each change set is exactly one commit on main' '
	before=$(head_of repo) &&
	orgctl user create alice --email alice@acme.example --full-name "Alice Doe" >out &&
	test_grep "^change set 3: user create alice$" out &&
	test "$(git -C repo rev-parse main^)" = "$before" &&
	git -C repo rev-list --count main >actual &&
	echo 3 >expect &&
	test_cmp expect actual
'

test_expect_success 'the commit message: a summary, then the trailers' '
	git -C repo log -1 --format=%B main >actual &&
	cat >expect <<-\EOF &&
	user create alice

	Change-Set: 3
	Actor: admin@enterprise
	Command: orgctl user create alice --email alice@acme.example --full-name '"'"'Alice Doe'"'"'
	Org: acme

	EOF
	test_cmp expect actual
'

test_expect_success 'git interpret-trailers reads the trailers' '
	git -C repo log -1 --format=%B main | git interpret-trailers --parse >actual &&
	cat >expect <<-\EOF &&
	Change-Set: 3
	Actor: admin@enterprise
	Command: orgctl user create alice --email alice@acme.example --full-name '"'"'Alice Doe'"'"'
	Org: acme
	EOF
	test_cmp expect actual &&
	git -C repo log --format="%(trailers:key=Change-Set,valueonly)" main | sed "/^$/d" >actual &&
	printf "3\n2\n1\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'the author is the actor; times are the clock ORGCTL_NOW' '
	git -C repo log -1 --format="%an <%ae>|%aI|%cI" main >actual &&
	echo "admin@enterprise <admin@enterprise.invalid>|2026-01-02T03:04:05+00:00|2026-01-02T03:04:05+00:00" >expect &&
	test_cmp expect actual
'

test_expect_success 'another clock time is recorded as given' '
	ORGCTL_NOW=2027-03-04T05:06:07Z orgctl user update alice --full-name "Alice Two" >/dev/null &&
	git -C repo log -1 --format=%aI main >actual &&
	echo 2027-03-04T05:06:07+00:00 >expect &&
	test_cmp expect actual &&
	orgctl log -n 1 -o csv >actual &&
	test_grep "^4,2027-03-04T05:06:07Z,admin@enterprise,user update alice,acme," actual
'

test_expect_success 'a bad clock is refused and changes nothing' '
	ORGCTL_NOW=yesterday test_unchanged --status 1 repo orgctl user update alice --full-name X 2>err &&
	test_grep "ORGCTL_NOW" err
'

test_expect_success 'setup: more change sets' '
	orgctl user create bob --email bob@acme.example >/dev/null &&
	orgctl role create Agent --permission "routing:queue:view" >/dev/null &&
	orgctl user role add bob Agent >/dev/null
'

test_expect_success 'log: one line per change set, newest first' '
	orgctl log >actual &&
	cat >expect <<-\EOF &&
	ID  TIME                  ACTOR             SUMMARY
	7   2026-01-02T03:04:05Z  admin@enterprise  user role add bob Agent
	6   2026-01-02T03:04:05Z  admin@enterprise  role create Agent
	5   2026-01-02T03:04:05Z  admin@enterprise  user create bob
	4   2027-03-04T05:06:07Z  admin@enterprise  user update alice
	3   2026-01-02T03:04:05Z  admin@enterprise  user create alice
	2   2026-01-02T03:04:05Z  admin@enterprise  org create acme
	1   2026-01-02T03:04:05Z  admin@enterprise  init: enterprise account
	EOF
	test_cmp expect actual
'

test_expect_success 'log -n, --this-org, -o json' '
	orgctl log -n 2 -o csv >actual &&
	test $(wc -l <actual) -eq 3 &&
	orgctl --org enterprise log --this-org -o csv | cut -d, -f1 >actual &&
	printf "id\n1\n" >expect &&
	test_cmp expect actual &&
	orgctl log --this-org -o csv | cut -d, -f1 >actual &&
	printf "id\n7\n6\n5\n4\n3\n2\n" >expect &&
	test_cmp expect actual &&
	orgctl log -n 1 -o json >actual &&
	test_json_canonical actual &&
	test_grep "\"id\": \"7\"" actual &&
	test_grep "\"commit\": \"$(git -C repo rev-parse main)\"" actual &&
	test_grep "\"command\": \"orgctl user role add bob Agent\"" actual &&
	test_grep "\"orgs\": \[$" actual &&
	test_grep "^      \"acme\"$" actual
'

test_expect_success 'show: who, when, what, and each object changed' '
	orgctl show 7 >actual &&
	test_grep "^actor  *admin@enterprise$" actual &&
	test_grep "^command  *orgctl user role add bob Agent$" actual &&
	test_grep "^id  *7$" actual &&
	test_grep "^summary  *user role add bob Agent$" actual &&
	test_grep "^updated  *user  *acme  *bob$" actual &&
	orgctl show 7 -o csv >actual &&
	cat >expect <<-EOF &&
	op,kind,org,name,path,actor,command,commit,id,orgs,rolls_back,summary,time
	updated,user,acme,bob,$(path_of bob),admin@enterprise,orgctl user role add bob Agent,$(git -C repo rev-parse main),7,acme,,user role add bob Agent,2026-01-02T03:04:05Z
	EOF
	test_cmp expect actual
'

test_expect_success 'show -o json lists the changes' '
	orgctl show 2 -o json >actual &&
	test_json_canonical actual &&
	test_grep "\"op\": \"created\"" actual &&
	test_grep "\"path\": \"orgs/acme/org.json\"" actual &&
	test_grep "\"path\": \"orgs/acme/roles/Master%20Admin.json\"" actual &&
	test_grep "\"name\": \"Master Admin\"" actual
'

test_expect_success 'show and diff take a commit id too; unknown ids are exit 3' '
	orgctl show "$(git -C repo rev-parse main)" -o csv >a &&
	orgctl show 7 -o csv >b &&
	test_cmp a b &&
	test_must_fail --status 3 orgctl show 999 2>err &&
	test_grep "change set \"999\" not found" err &&
	test_must_fail --status 3 orgctl diff nosuchref &&
	test_must_fail --status 3 orgctl rollback 999
'

test_expect_success 'diff: the change set as a unified diff of the JSON files' '
	p=$(path_of bob) &&
	orgctl diff 7 | mask_ids >actual &&
	cat >expect <<-EOF &&
	diff --git a/$p b/$p
	index $(git -C repo rev-parse --short=7 "main~1:$p")..$(git -C repo rev-parse --short=7 "main:$p") 100644
	--- a/$p
	+++ b/$p
	@@ -3,6 +3,8 @@
	   "id": "ID",
	   "name": "bob",
	   "options": {},
	-  "roles": [],
	+  "roles": [
	+    "Agent"
	+  ],
	   "state": "enabled"
	 }
	EOF
	test_cmp expect actual
'

test_expect_success 'diff of a create shows a new file; git diff agrees' '
	orgctl diff 6 >actual &&
	test_grep "^new file mode 100644$" actual &&
	test_grep "^+  \"name\": \"Agent\",$" actual &&
	git -C repo diff main~2 main~1 >gitdiff &&
	sed -n "/^@@/,\$p" gitdiff >g && sed -n "/^@@/,\$p" actual >o &&
	test_cmp g o
'

test_expect_success 'diff -o json wraps the patch' '
	orgctl diff 6 -o json >actual &&
	test_grep "\"change_set\": \"6\"" actual &&
	test_grep "\"diff\": \"diff --git" actual
'

test_expect_success 'rollback of a create removes the object, with a new commit' '
	orgctl user create carol --email carol@acme.example >/dev/null &&
	git -C repo rev-list main >history-before-rollbacks &&
	created=$(last_id) &&
	before=$(head_of repo) &&
	tree_before=$(git -C repo rev-parse main~1^{tree}) &&
	orgctl rollback "$created" >out &&
	test_grep "change set [0-9]*: rollback $created: user create carol" out &&
	test "$(git -C repo rev-parse main^)" = "$before" &&
	test "$(git -C repo rev-parse main^{tree})" = "$tree_before" &&
	test_must_fail --status 3 orgctl user show carol &&
	git -C repo log -1 --format=%B main | git interpret-trailers --parse >trailers &&
	test_grep "^Rolls-Back: $created$" trailers
'

test_expect_success 'rollback of an update restores the exact bytes' '
	p=$(path_of alice) &&
	git -C repo show "main:$p" >before &&
	orgctl user update alice --full-name "Changed" --email changed@acme.example --option k=v >/dev/null &&
	updated=$(last_id) &&
	git -C repo show "main:$p" >after &&
	! test_cmp before after >/dev/null &&
	orgctl rollback "$updated" >/dev/null &&
	git -C repo show "main:$p" >restored &&
	test_cmp before restored &&
	test "$(git -C repo rev-parse "main:$p")" = "$(git -C repo rev-parse "main~2:$p")"
'

test_expect_success 'the index follows a rollback: queries see the restored state' '
	orgctl user show alice -o json >actual &&
	test_json_contains before actual &&
	orgctl user create someone --email changed@acme.example >/dev/null &&
	orgctl user rm someone >/dev/null
'

test_expect_success 'rollback of a delete restores the exact bytes' '
	p=$(path_of bob) &&
	git -C repo show "main:$p" >before &&
	orgctl user rm bob >/dev/null &&
	deleted=$(last_id) &&
	test_must_fail git -C repo cat-file -e "main:$p" &&
	orgctl rollback "$deleted" >/dev/null &&
	git -C repo show "main:$p" >restored &&
	test_cmp before restored &&
	orgctl user list --role Agent -o csv >actual &&
	test_grep "^bob," actual
'

test_expect_success 'rollback of a multi-object change set restores every object' '
	orgctl role rm Agent --force >/dev/null &&
	removed=$(last_id) &&
	orgctl show "$removed" -o csv >objs &&
	test $(wc -l <objs) -eq 3 &&
	orgctl rollback "$removed" >/dev/null &&
	orgctl role show Agent >/dev/null &&
	orgctl user show bob -o csv >actual &&
	test_grep ",Agent,,enabled$" actual
'

test_expect_success 'rollback refuses (exit 5) when a later change set touched the objects' '
	orgctl user update bob --full-name "Bob One" >/dev/null &&
	first=$(last_id) &&
	orgctl user update bob --full-name "Bob Two" >/dev/null &&
	test_unchanged --status 5 repo orgctl rollback "$first" 2>err &&
	test_grep "change set $first cannot be rolled back: later change sets changed user \"bob\" (org acme)" err &&
	test_grep "give --force" err &&
	orgctl user show bob -o csv >actual &&
	test_grep "Bob Two" actual
'

test_expect_success 'rollback --force restores them anyway' '
	p=$(path_of bob) &&
	git -C repo show "main~2:$p" >before_first &&
	orgctl rollback "$first" --force >/dev/null &&
	git -C repo show "main:$p" >restored &&
	test_cmp before_first restored &&
	orgctl user show bob -o csv >actual &&
	! grep "Bob" actual
' 

test_expect_success 'rollback of a deleted object that was re-created later conflicts' '
	orgctl user create dave --email dave@acme.example --full-name "Dave One" >/dev/null &&
	orgctl user rm dave >/dev/null &&
	removed=$(last_id) &&
	orgctl user create dave --email dave2@acme.example >/dev/null &&
	test_unchanged --status 5 repo orgctl rollback "$removed" 2>err &&
	test_grep "user \"dave\" (org acme): email, full_name (re-created since)" err
'

test_expect_success 'rollback --dry-run shows what it would undo and commits nothing' '
	orgctl user create erin --email erin@acme.example >/dev/null &&
	made=$(last_id) &&
	before=$(head_of repo) &&
	orgctl --dry-run rollback "$made" >out &&
	test_grep "erin" out &&
	test "$(head_of repo)" = "$before" &&
	orgctl user show erin >/dev/null
'

test_expect_success 'a rollback can itself be rolled back' '
	orgctl rollback "$made" >/dev/null &&
	undo=$(last_id) &&
	test_must_fail --status 3 orgctl user show erin &&
	orgctl rollback "$undo" >/dev/null &&
	orgctl user show erin -o csv >actual &&
	test_grep "erin@acme.example" actual
'

test_expect_success 'the first change set (init) cannot be rolled back' '
	test_unchanged --status 1 repo orgctl rollback 1 2>err &&
	test_grep "created the repository" err
'

test_expect_success 'history is never rewritten: every earlier commit is still on main' '
	test $(wc -l <history-before-rollbacks) -ge 8 &&
	while read c; do
		git -C repo merge-base --is-ancestor "$c" main || { echo "lost $c"; return 1; }
	done <history-before-rollbacks &&
	git -C repo rev-list --first-parent main >now &&
	tail -n $(wc -l <history-before-rollbacks) now >tail &&
	test_cmp history-before-rollbacks tail
'

test_expect_success 'change-set ids are unique and count up' '
	git -C repo log --format="%(trailers:key=Change-Set,valueonly)" main | sed "/^$/d" >ids &&
	sort -n ids | uniq -d >dups &&
	! test -s dups &&
	sort -rn ids >sorted &&
	test_cmp sorted ids
'

test_expect_success 'values with newlines cannot forge trailers: they are refused' '
	test_unchanged --status 1 repo orgctl user update alice \
		--full-name "$(printf "x\nActor: evil@acme\nChange-Set: 999")" &&
	test_unchanged --status 1 repo orgctl user option set alice \
		"k=$(printf "x\nActor: evil@acme")" &&
	git -C repo log -1 --format=%B main | git interpret-trailers --parse >actual &&
	test $(grep -c "^Actor:" actual) -eq 1 &&
	! grep -q "evil" actual
'

test_expect_success 'the repository is sound' '
	test_fsck repo
'

test_done
