#!/usr/bin/env bash
# Rollback restores only what the change set changed, field by field (its parent, itself,
# HEAD): later edits of other fields stay; a field changed again since is a conflict that
# names object and field; --force takes the rolled-back value for those fields only; a dry
# run shows the plan field by field, never a password hash.
. "$(dirname "$0")/test-lib.sh"

# path_of USER: the file of user USER of org acme at the tip.
path_of() {
	git -C "$SCRATCH/repo" ls-tree -r --name-only main orgs/acme/users/ | grep "/$1\.json$"
}

# field_of USER FIELD: the field's line in the user's file at the tip.
field_of() {
	git -C "$SCRATCH/repo" show "main:$(path_of "$1")" | grep "^  \"$2\":"
}

# json_field USER FIELD: the field of `user show -o json`, as compact JSON.
json_field() {
	orgctl user show "$1" -o json |
		python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin).get(sys.argv[1])))' "$2"
}

# last_id: the id of the newest change set.
last_id() {
	orgctl log -n 1 -o csv | sed -n 2p | cut -d, -f1
}

test_expect_success 'setup' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo ORGCTL_ORG=acme &&
	orgctl org create Acme >/dev/null &&
	orgctl role create Agent --permission directory:user:view >/dev/null &&
	orgctl role create Sup --permission directory:user:view >/dev/null &&
	orgctl skill create java >/dev/null &&
	orgctl skill create go >/dev/null &&
	printf "First-secret-123\n" >pw1 &&
	printf "Second-secret-456\n" >pw2 &&
	orgctl user create bob --email bob@acme.example --full-name "Bob Zero" >/dev/null
'

test_expect_success 'an old full-name change rolled back: a later password and e-mail stay' '
	orgctl user update bob --full-name "Bob One" >/dev/null &&
	named=$(last_id) &&
	orgctl user passwd bob --password-file pw1 >/dev/null &&
	orgctl user update bob --email bob2@acme.example >/dev/null &&
	field_of bob password_hash >hash-before &&
	orgctl rollback "$named" >out &&
	test_grep "rollback $named: user update bob" out &&
	field_of bob full_name >actual &&
	echo "  \"full_name\": \"Bob Zero\"," >expect &&
	test_cmp expect actual &&
	field_of bob password_hash >hash-after &&
	test_cmp hash-before hash-after &&
	orgctl user show bob -o json >bob.json &&
	test_grep "\"email\": \"bob2@acme.example\"" bob.json &&
	test_grep "\"password_set\": true" bob.json &&
	orgctl log -n 1 -o json >log.json &&
	test_grep "\"rolls_back\": \"$named\"" log.json
'

test_expect_success 'list items: rolling back a role add takes away that role only' '
	orgctl user role add bob Agent >/dev/null &&
	added=$(last_id) &&
	orgctl user role add bob Sup >/dev/null &&
	orgctl rollback "$added" >/dev/null &&
	json_field bob roles >actual &&
	echo "[\"Sup\"]" >expect &&
	test_cmp expect actual
'

test_expect_success 'list items: an item the change set removed comes back, later ones stay' '
	orgctl user role rm bob Sup >/dev/null &&
	removed=$(last_id) &&
	orgctl user role add bob Agent >/dev/null &&
	orgctl rollback "$removed" >/dev/null &&
	json_field bob roles >actual &&
	echo "[\"Agent\", \"Sup\"]" >expect &&
	test_cmp expect actual
'

test_expect_success 'map keys: rolling back a skill set takes away that key only' '
	orgctl user skill set bob java 3 >/dev/null &&
	java=$(last_id) &&
	orgctl user skill set bob go 5 >/dev/null &&
	orgctl rollback "$java" >/dev/null &&
	json_field bob skills >actual &&
	echo "{\"go\": 5}" >expect &&
	test_cmp expect actual
'

test_expect_success 'map keys: a changed level comes back, a later key stays' '
	orgctl user skill set bob go 7 >/dev/null &&
	raised=$(last_id) &&
	orgctl user skill set bob java 2 >/dev/null &&
	orgctl rollback "$raised" >/dev/null &&
	json_field bob skills >actual &&
	echo "{\"go\": 5, \"java\": 2}" >expect &&
	test_cmp expect actual
'

test_expect_success 'a field changed again since is a conflict: exit 5, object and field named, HEAD unchanged' '
	orgctl user update bob --full-name "Bob Two" >/dev/null &&
	two=$(last_id) &&
	orgctl user update bob --full-name "Bob Three" >/dev/null &&
	orgctl user update bob --email bob3@acme.example >/dev/null &&
	test_unchanged --status 5 repo orgctl rollback "$two" 2>err &&
	test_grep "change set $two cannot be rolled back: later change sets changed user \"bob\" (org acme): full_name;" err &&
	test_grep "give --force" err &&
	test $(wc -l <err) -eq 1
'

test_expect_success 'a map key changed again since is a conflict named with its key' '
	orgctl user skill set bob java 4 >/dev/null &&
	four=$(last_id) &&
	orgctl user skill set bob java 6 >/dev/null &&
	test_unchanged --status 5 repo orgctl rollback "$four" 2>err &&
	test_grep "user \"bob\" (org acme): skills \"java\";" err
'

test_expect_success '--force takes the rolled-back value for the conflicting field only' '
	field_of bob password_hash >hash-before &&
	orgctl rollback "$two" --force >/dev/null &&
	orgctl user show bob -o json >bob.json &&
	test_grep "\"full_name\": \"Bob Zero\"" bob.json &&
	test_grep "\"email\": \"bob3@acme.example\"" bob.json &&
	test_grep "\"java\": 6" bob.json &&
	field_of bob password_hash >hash-after &&
	test_cmp hash-before hash-after
'

test_expect_success 'a field set back already by a later change set is no conflict' '
	orgctl user update bob --full-name "Bob Four" >/dev/null &&
	four=$(last_id) &&
	orgctl user update bob --full-name "Bob Zero" >/dev/null &&
	before=$(head_of repo) &&
	orgctl rollback "$four" >out &&
	test_grep "^nothing to change: rollback $four" out &&
	test "$(head_of repo)" = "$before"
'

test_expect_success 'an object the change set created goes; later objects stay' '
	orgctl user create carol --email carol@acme.example >/dev/null &&
	made=$(last_id) &&
	orgctl user create dave --email dave@acme.example >/dev/null &&
	orgctl rollback "$made" >/dev/null &&
	test_must_fail --status 3 orgctl user show carol &&
	orgctl user show dave >/dev/null
'

test_expect_success 'an object created by the change set and changed since: conflict naming the fields; --force removes it' '
	orgctl user create erin --email erin@acme.example >/dev/null &&
	made=$(last_id) &&
	orgctl user update erin --full-name "Erin E" >/dev/null &&
	test_unchanged --status 5 repo orgctl rollback "$made" 2>err &&
	test_grep "user \"erin\" (org acme): full_name (changed since the change set created it)" err &&
	orgctl rollback "$made" --force >/dev/null &&
	test_must_fail --status 3 orgctl user show erin
'

test_expect_success 'an object created by the change set and removed since: nothing to change' '
	orgctl user create fay --email fay@acme.example >/dev/null &&
	made=$(last_id) &&
	orgctl user rm fay >/dev/null &&
	before=$(head_of repo) &&
	orgctl rollback "$made" >out &&
	test_grep "^nothing to change" out &&
	test "$(head_of repo)" = "$before"
'

test_expect_success 'an object the change set deleted comes back exactly, after later change sets' '
	orgctl user create gil --email gil@acme.example --role Agent >/dev/null &&
	git -C repo show "main:$(path_of gil)" >gil-before &&
	orgctl user rm gil >/dev/null &&
	removed=$(last_id) &&
	orgctl skill create rust >/dev/null &&
	orgctl rollback "$removed" >/dev/null &&
	git -C repo show "main:$(path_of gil)" >gil-after &&
	test_cmp gil-before gil-after
'

test_expect_success 'deleted by the change set and re-created since: conflict; --force merges field by field' '
	orgctl user rm gil >/dev/null &&
	removed=$(last_id) &&
	orgctl user create gil --email gil2@acme.example --full-name "Gil New" >/dev/null &&
	test_unchanged --status 5 repo orgctl rollback "$removed" 2>err &&
	test_grep "user \"gil\" (org acme): email, roles \"Agent\" (re-created since)" err &&
	orgctl rollback "$removed" --force >/dev/null &&
	orgctl user show gil -o json >gil.json &&
	test_grep "\"email\": \"gil@acme.example\"" gil.json &&
	test_grep "\"full_name\": \"Gil New\"" gil.json &&
	test_grep "\"Agent\"" gil.json
'

test_expect_success 'changed by the change set and deleted since: conflict; --force brings it back' '
	orgctl user create hal --email hal@acme.example >/dev/null &&
	orgctl user update hal --full-name "Hal" >/dev/null &&
	named=$(last_id) &&
	orgctl user rm hal >/dev/null &&
	test_unchanged --status 5 repo orgctl rollback "$named" 2>err &&
	test_grep "user \"hal\" (org acme): deleted since" err &&
	orgctl rollback "$named" --force >/dev/null &&
	orgctl user show hal -o json >hal.json &&
	test "$(jq -r .full_name hal.json)" = null
'

test_expect_success 'a merged object is checked like a restored one: a value no longer unique' '
	orgctl user create ivy --email ivy@acme.example >/dev/null &&
	orgctl user update ivy --email ivy2@acme.example >/dev/null &&
	moved=$(last_id) &&
	orgctl user update ivy --full-name "Ivy I" >/dev/null &&
	orgctl user create jon --email ivy@acme.example >/dev/null &&
	test_unchanged --status 5 repo orgctl rollback "$moved" 2>err &&
	test_grep "email \"ivy@acme.example\" is already used by user \"jon\"" err
'

test_expect_success 'a merged object is checked like a restored one: a reference to nothing' '
	orgctl role create Temp --permission directory:user:view >/dev/null &&
	orgctl user create kit --email kit@acme.example --role Temp >/dev/null &&
	orgctl user role rm kit Temp >/dev/null &&
	dropped=$(last_id) &&
	orgctl user update kit --full-name "Kit K" >/dev/null &&
	orgctl role rm Temp >/dev/null &&
	test_unchanged --status 5 repo orgctl rollback "$dropped" 2>err &&
	test_grep "restoring user \"kit\": role \"Temp\" does not exist" err
'

test_expect_success 'a merged object its kind refuses is refused, with --force too (exit 1)' '
	orgctl capacity create mix --voice 2 --chat 1 --combine "voice AND chat" >/dev/null &&
	orgctl capacity update mix --combine chat >/dev/null &&
	narrowed=$(last_id) &&
	orgctl capacity update mix --voice 0 >/dev/null &&
	test_unchanged --status 1 repo orgctl rollback "$narrowed" 2>err &&
	test_grep "restoring capacity \"mix\" (org acme): .*combination rule \"voice AND chat\" names voice" err &&
	test_unchanged --status 1 repo orgctl rollback "$narrowed" --force
'

test_expect_success 'dry run: the plan field by field, conflicts marked, exit 5, HEAD unchanged' '
	orgctl user create kim --email kim@acme.example >/dev/null &&
	orgctl user update kim --full-name "Kim One" --email kim1@acme.example --option shift=day >/dev/null &&
	several=$(last_id) &&
	orgctl user passwd kim --password-file pw1 >/dev/null &&
	orgctl user update kim --full-name "Kim Two" >/dev/null &&
	test_unchanged --status 5 repo orgctl --dry-run rollback "$several" >out 2>err &&
	cat >expect <<-EOF &&
	dry run: rollback $several: user update kim would restore:
	  update user "kim" (org acme)
	    email: "kim1@acme.example" -> "kim@acme.example"
	    full_name: "Kim Two" -> (none)  (conflict)
	    options "shift": "day" -> (none)
	EOF
	test_cmp expect out &&
	test_grep "user \"kim\" (org acme): full_name;" err
'

test_expect_success 'dry run with --force: the same plan, exit 0, HEAD unchanged' '
	before=$(head_of repo) &&
	orgctl --dry-run rollback "$several" --force >out &&
	test_grep "^    full_name: \"Kim Two\" -> (none)  (conflict)$" out &&
	test "$(head_of repo)" = "$before" &&
	orgctl user show kim -o json >kim.json &&
	test_grep "Kim Two" kim.json
'

test_expect_success 'dry run -o json: from, to and conflict per field' '
	test_must_fail --status 5 orgctl --dry-run rollback "$several" -o json >plan.json &&
	test_json_canonical plan.json &&
	python3 - "$several" <<-\EOF
	import json, sys
	plan = json.load(open("plan.json"))
	assert plan["dry_run"] is True and plan["change_set"] is None, plan
	(obj,) = plan["changes"]
	assert (obj["op"], obj["kind"], obj["org"], obj["name"], obj["conflict"]) == \
	    ("update", "user", "acme", "kim", None), obj
	fields = {(f["field"], f["key"]): (f["from"], f["to"], f["conflict"]) for f in obj["fields"]}
	assert fields == {
	    ("email", None): ("kim1@acme.example", "kim@acme.example", False),
	    ("full_name", None): ("Kim Two", None, True),
	    ("options", "shift"): ("day", None, False),
	}, fields
	EOF
'

test_expect_success 'dry run of a password change: "changed", never the hash, in any format' '
	orgctl user passwd kim --password-file pw2 >/dev/null &&
	reset=$(last_id) &&
	orgctl user update kim --option desk=7 >/dev/null &&
	hash=$(field_of kim password_hash | sed "s/.*: \"\(.*\)\".*/\1/") &&
	test -n "$hash" &&
	orgctl --dry-run rollback "$reset" >table &&
	test_grep "^    password_hash: changed$" table &&
	orgctl --dry-run rollback "$reset" -o json >json &&
	test_grep "\"from\": \"set\"" json &&
	test_grep "\"to\": \"set\"" json &&
	orgctl --dry-run rollback "$reset" -o csv >csv &&
	test_grep "^update,user,acme,kim,,password_hash,,set,set,false$" csv &&
	for f in table json csv; do
		! grep -F "$hash" $f && ! grep -F "\$y\$" $f || return 1
	done
'

test_expect_success 'dry run -o csv: a row per field, a row for an object made or removed whole' '
	orgctl user create lee --email lee@acme.example >/dev/null &&
	made=$(last_id) &&
	orgctl skill create perl >/dev/null &&
	orgctl --dry-run rollback "$made" -o csv >actual &&
	cat >expect <<-EOF &&
	op,kind,org,name,conflict,field,key,from,to,field_conflict
	delete,user,acme,lee,,,,,,false
	EOF
	test_cmp expect actual
'

test_expect_success 'a big change set (one pack) touched since: the rest whole, that object field by field' '
	{
		echo "kind,op,name,email,full-name" &&
		for i in $(seq 1 300); do echo "user,create,u$i,u$i@acme.example,"; done
	} >make.csv &&
	{
		echo "kind,op,name,full-name" &&
		for i in $(seq 1 300); do echo "user,update,u$i,Name $i"; done
	} >name.csv &&
	orgctl bulk create make make.csv >/dev/null &&
	orgctl bulk exec make >/dev/null &&
	orgctl bulk create name name.csv >/dev/null &&
	orgctl bulk exec name >/dev/null &&
	named=$(last_id) &&
	orgctl user passwd u7 --password-file pw1 >/dev/null &&
	orgctl user update u9 --email u9new@acme.example >/dev/null &&
	field_of u7 password_hash >hash-before &&
	orgctl rollback "$named" >/dev/null &&
	orgctl user list --search "Name " -o csv >left &&
	test $(wc -l <left) -eq 1 &&
	field_of u7 password_hash >hash-after &&
	test_cmp hash-before hash-after &&
	orgctl user show u9 -o csv >u9 &&
	test_grep "u9new@acme.example" u9 &&
	test_fsck repo
'

test_expect_success 'the index agrees with the tree after every rollback' '
	orgctl user list -o csv >from-index &&
	rm -f repo/orgctl/index.sqlite* &&
	orgctl user list -o csv >rebuilt &&
	test_cmp from-index rebuilt
'

test_done
