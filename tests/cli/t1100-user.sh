#!/usr/bin/env bash
# orgctl user: create/list/show/update/rm/enable/disable, roles, validation, filters,
# --dry-run, canonical JSON.
. "$(dirname "$0")/test-lib.sh"

zoe=$(printf "zo\303\253")

# user_path NAME: the file of user NAME of org acme in the tree.
user_path() {
	git -C "$SCRATCH/repo" ls-tree -r --name-only main orgs/acme/users/ | grep "/$1\.json$"
}

test_expect_success 'setup' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo ORGCTL_ORG=acme &&
	orgctl org create Acme >/dev/null &&
	orgctl org create Other >/dev/null &&
	orgctl role create Agent --permission "routing:queue:view" >/dev/null &&
	orgctl role create Supervisor --permission "directory:user:view" >/dev/null
'

test_expect_success 'user create makes one change set and prints its id' '
	orgctl user create alice --email alice@acme.example --full-name "Alice Doe" >out &&
	echo "change set 6: user create alice" >expect &&
	test_cmp expect out
'

test_expect_success 'the user is a canonical JSON file in a shard folder' '
	path=$(user_path alice) &&
	case $path in orgs/acme/users/[0-9a-f][0-9a-f]/alice.json) ;; *) false ;; esac &&
	git -C repo show "main:$path" | mask_ids >actual &&
	cat >expect <<-\EOF &&
	{
	  "email": "alice@acme.example",
	  "full_name": "Alice Doe",
	  "id": "ID",
	  "name": "alice",
	  "options": {},
	  "roles": [],
	  "state": "enabled"
	}
	EOF
	test_cmp expect actual
'

test_expect_success 'user show -o json prints the stored object, every field filled' '
	orgctl user show alice -o json >shown &&
	test_json_canonical shown &&
	mask_ids <shown >actual &&
	test_json_contains expect actual &&
	jq -e ".groups == [] and .access_groups == [] and .effective_roles == {} and
		.capacity == null and .skills == {} and .password_set == false" actual
'

test_expect_success 'user show prints a readable record' '
	orgctl user show alice >actual &&
	test_grep "^email  *alice@acme.example$" actual &&
	test_grep "^full_name  *Alice Doe$" actual &&
	test_grep "^state  *enabled$" actual
'

test_expect_success 'create with roles and options; lists are sorted sets' '
	orgctl user create bob --email bob@acme.example --role Supervisor --role Agent \
		--role Agent --option tz=UTC --option lang=fr >/dev/null &&
	git -C repo show "main:$(user_path bob)" | mask_ids >actual &&
	cat >expect <<-\EOF &&
	{
	  "email": "bob@acme.example",
	  "id": "ID",
	  "name": "bob",
	  "options": {
	    "lang": "fr",
	    "tz": "UTC"
	  },
	  "roles": [
	    "Agent",
	    "Supervisor"
	  ],
	  "state": "enabled"
	}
	EOF
	test_cmp expect actual
'

test_expect_success 'names with spaces and non-ASCII letters work and are encoded in paths' '
	orgctl user create "Jane Doe" --email jane@acme.example >/dev/null &&
	orgctl user create "$zoe" --email zoe@acme.example >/dev/null &&
	orgctl user create .dot --email dot@acme.example >/dev/null &&
	git -C repo ls-tree -r --name-only main orgs/acme/users/ >paths &&
	test_grep "/Jane%20Doe.json$" paths &&
	test_grep "/zo%C3%AB.json$" paths &&
	test_grep "/%2Edot.json$" paths &&
	orgctl user show "Jane Doe" -o csv >actual &&
	test_grep "jane@acme.example" actual &&
	orgctl user show .dot -o csv >actual &&
	test_grep "dot@acme.example" actual
'

test_expect_success 'user list: every user, sorted by name' '
	orgctl user list -o csv | mask_ids >actual &&
	cat >expect <<-\EOF &&
	name,full_name,email,state,roles,access_groups,capacity,effective_roles,groups,id,options,password_set,skills
	.dot,,dot@acme.example,enabled,,,,,,ID,,false,
	Jane Doe,,jane@acme.example,enabled,,,,,,ID,,false,
	alice,Alice Doe,alice@acme.example,enabled,,,,,,ID,,false,
	bob,,bob@acme.example,enabled,Agent;Supervisor,,,Agent=direct;Supervisor=direct,,ID,lang=fr;tz=UTC,false,
	zo\303\253,,zoe@acme.example,enabled,,,,,,ID,,false,
	EOF
	printf "%b\n" "$(cat expect)" >expect &&
	test_cmp expect actual
'

test_expect_success 'a duplicate name is refused' '
	test_unchanged --status 1 repo orgctl user create alice --email other@acme.example 2>err &&
	test_grep "user \"alice\" exists already in org \"acme\"" err
'

test_expect_success 'a duplicate e-mail is refused, case-insensitively, naming the holder' '
	test_unchanged --status 1 repo orgctl user create carol --email ALICE@Acme.Example 2>err &&
	test_grep "orgctl: user create: email \"ALICE@Acme.Example\" is already used by user \"alice\"" err &&
	test_unchanged --status 1 repo orgctl user update bob --email Alice@acme.example 2>err &&
	test_grep "already used by user \"alice\"" err
'

test_expect_success 'a stored mixed-case e-mail still blocks its lowercase twin' '
	orgctl user create dana --email Dana@Acme.Example >/dev/null &&
	test_unchanged --status 1 repo orgctl user create dan --email dana@acme.example 2>err &&
	test_grep "already used by user \"dana\"" err
'

test_expect_success 'a user may change the case of their own e-mail' '
	orgctl user update alice --email Alice@Acme.Example >/dev/null &&
	orgctl user show alice -o csv >actual &&
	test_grep "Alice@Acme.Example" actual &&
	orgctl user update alice --email alice@acme.example >/dev/null
'

test_expect_success 'e-mails are unique per org, not across orgs' '
	orgctl --org other user create alice --email alice@acme.example >/dev/null &&
	orgctl --org other user list -o csv >actual &&
	test_grep "^alice,,alice@acme.example,enabled,," actual
'

test_expect_success 'names with /, .., control bytes or edge spaces are refused' '
	test_unchanged --status 1 repo orgctl user create "a/b" --email ab@acme.example 2>err &&
	test_grep "contains ./." err &&
	test_unchanged --status 1 repo orgctl user create "a..b" --email ab@acme.example 2>err &&
	test_grep "contains \"..\"" err &&
	test_unchanged --status 1 repo orgctl user create .. --email ab@acme.example &&
	test_unchanged --status 1 repo orgctl user create "$(printf "a\tb")" --email ab@acme.example 2>err &&
	test_grep "control character" err &&
	test_unchanged --status 1 repo orgctl user create "$(printf "a\nb")" --email ab@acme.example &&
	test_unchanged --status 1 repo orgctl user create "$(printf "a\177b")" --email ab@acme.example &&
	test_unchanged --status 1 repo orgctl user create " lead" --email ab@acme.example &&
	test_unchanged --status 1 repo orgctl user create "" --email ab@acme.example &&
	test_unchanged --status 1 repo orgctl user create "$(printf "\377bad")" --email ab@acme.example 2>err &&
	test_grep "UTF-8" err
'

test_expect_success 'lookups by a bad name are refused too' '
	test_must_fail --status 1 orgctl user show "../../enterprise" &&
	test_must_fail --status 1 orgctl user show "a/b"
'

test_expect_success 'a missing --email is refused' '
	test_unchanged repo orgctl user create carol 2>err &&
	test_grep "email" err &&
	test_must_fail --status 3 orgctl user show carol
'

test_expect_success 'invalid e-mails are refused' '
	for e in plain @acme.example carol@ carol@acme "carol@acme..x" "a b@acme.example" \
		"a@b@acme.example" "carol@acme."; do
		test_unchanged --status 1 repo orgctl user create carol --email "$e" 2>err ||
			{ echo "e-mail \"$e\" was accepted"; return 1; }
	done
'

test_expect_success 'an unknown role is refused (exit 3) and nothing changes' '
	test_unchanged --status 3 repo orgctl user create carol --email carol@acme.example --role Nope 2>err &&
	test_grep "role \"Nope\" does not exist in org \"acme\"" err &&
	test_unchanged --status 3 repo orgctl user role add alice Nope &&
	test_must_fail --status 3 orgctl user show carol
'

test_expect_success 'a role of another org is unknown here' '
	orgctl --org other role create OtherOnly --permission "routing:queue:view" >/dev/null &&
	test_unchanged --status 3 repo orgctl user role add alice OtherOnly
'

test_expect_success 'a bad --option is refused' '
	test_unchanged --status 1 repo orgctl user create carol --email carol@acme.example --option novalue 2>err &&
	test_grep "not KEY=VALUE" err
'

test_expect_success 'an option given twice that takes one value is a usage error' '
	test_unchanged --status 2 repo orgctl user create carol --email a@acme.example --email b@acme.example
'

test_expect_success 'user update changes the full name, e-mail and options' '
	orgctl user update bob --full-name "Robert Roe" --email robert@acme.example --option tz=CET >out &&
	test_grep "change set [0-9]*: user update bob" out &&
	orgctl user show bob -o json >actual &&
	test_grep "\"full_name\": \"Robert Roe\"" actual &&
	test_grep "\"email\": \"robert@acme.example\"" actual &&
	test_grep "\"tz\": \"CET\"" actual &&
	test_grep "\"lang\": \"fr\"" actual
'

test_expect_success 'the old e-mail is free again after an update' '
	orgctl user create bobby --email bob@acme.example >/dev/null &&
	orgctl user rm bobby >/dev/null
'

test_expect_success 'user update of an unknown user: exit 3, nothing changes' '
	test_unchanged --status 3 repo orgctl user update nosuch --full-name X 2>err &&
	test_grep "user \"nosuch\" not found in org \"acme\"" err
'

test_expect_success 'user disable and enable' '
	orgctl user disable alice >/dev/null &&
	orgctl user show alice -o csv >actual &&
	test_grep ",disabled$" actual &&
	orgctl user enable alice >/dev/null &&
	orgctl user show alice -o csv >actual &&
	test_grep ",enabled$" actual
'

test_expect_success 'user role add and rm' '
	orgctl user role add alice Agent Supervisor >out &&
	test_grep "user role add alice Agent Supervisor" out &&
	orgctl user show alice -o json >actual &&
	test_grep "\"Agent\"" actual && test_grep "\"Supervisor\"" actual &&
	orgctl user role rm alice Agent >/dev/null &&
	orgctl user show alice -o json >actual &&
	! grep "\"Agent\"" actual && test_grep "\"Supervisor\"" actual
'

test_expect_success 'removing a role the user does not hold: exit 3, nothing changes' '
	test_unchanged --status 3 repo orgctl user role rm alice Agent 2>err &&
	test_grep "has no role \"Agent\"" err
'

test_expect_success 'user role add needs a role' '
	test_unchanged repo orgctl user role add alice
'

test_expect_success 'list filters: --state, --role, --search' '
	orgctl user disable "Jane Doe" >/dev/null &&
	orgctl user list --state disabled -o csv >actual &&
	cut -d, -f1-5 actual >names &&
	printf "name,full_name,email,state,roles\nJane Doe,,jane@acme.example,disabled,\n" >expect &&
	test_cmp expect names &&
	orgctl user list --state enabled -o csv | cut -d, -f1 >actual &&
	printf "name\n.dot\nalice\nbob\ndana\nzo\303\253\n" >expect &&
	test_cmp expect actual &&
	orgctl user list --role Supervisor -o csv | cut -d, -f1 >actual &&
	printf "name\nalice\nbob\n" >expect &&
	test_cmp expect actual &&
	orgctl user list --role Agent --state enabled -o csv | cut -d, -f1 >actual &&
	printf "name\nbob\n" >expect &&
	test_cmp expect actual &&
	orgctl user list --search ALI -o csv | cut -d, -f1 >actual &&
	printf "name\nalice\n" >expect &&
	test_cmp expect actual &&
	orgctl user list --search ROBERT@ -o csv | cut -d, -f1 >actual &&
	printf "name\nbob\n" >expect &&
	test_cmp expect actual &&
	orgctl user list --search nobody-matches -o csv >actual &&
	echo "name,full_name,email,state,roles,access_groups,capacity,effective_roles,groups,id,options,password_set,skills" >expect &&
	test_cmp expect actual
'

test_expect_success 'list -o json of an empty result is an empty array' '
	orgctl user list --search nobody-matches -o json >actual &&
	echo "[]" >expect &&
	test_cmp expect actual
'

test_expect_success '--dry-run prints the plan and changes nothing' '
	before=$(head_of repo) &&
	orgctl --dry-run user create carol --email carol@acme.example >out &&
	test_grep "^dry run: user create carol would change 1 object(s):$" out &&
	test_grep "^  create orgs/acme/users/[0-9a-f][0-9a-f]/carol.json$" out &&
	test "$(head_of repo)" = "$before" &&
	test_must_fail --status 3 orgctl user show carol &&
	orgctl user update alice --full-name "Dry" --dry-run >out &&
	test_grep "^  update orgs/acme/users/.*/alice.json$" out &&
	orgctl user rm alice --dry-run >out &&
	test_grep "^  delete orgs/acme/users/.*/alice.json$" out &&
	test "$(head_of repo)" = "$before" &&
	orgctl user show alice -o csv >actual &&
	test_grep "Alice Doe" actual
'

test_expect_success '--dry-run -o json shows the object and no change set' '
	orgctl --dry-run -o json user create carol --email carol@acme.example >actual &&
	test_grep "\"change_set\": null" actual &&
	test_grep "\"dry_run\": true" actual &&
	test_grep "\"email\": \"carol@acme.example\"" actual &&
	test_must_fail --status 3 orgctl user show carol
'

test_expect_success '--dry-run still validates' '
	test_unchanged --status 1 repo orgctl --dry-run user create carol --email alice@acme.example
'

test_expect_success 'user rm removes the file; rm of an unknown user is exit 3' '
	path=$(user_path dana) &&
	orgctl user rm dana >out &&
	test_grep "user rm dana" out &&
	test_must_fail git -C repo cat-file -e "main:$path" &&
	test_must_fail --status 3 orgctl user show dana &&
	test_unchanged --status 3 repo orgctl user rm dana
'

test_expect_success 'JSON output is canonical: sorted keys, two-space indent' '
	orgctl user list -o json >list.json &&
	orgctl user show bob -o json >show.json &&
	test_json_canonical list.json &&
	test_json_canonical show.json &&
	git -C repo show "main:$(user_path bob)" >blob &&
	test_json_contains blob show.json
'

test_expect_success 'every command so far kept git happy' '
	test_fsck repo
'

test_done
