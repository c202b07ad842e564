#!/usr/bin/env bash
# Data in the tree that breaks the rules is not believed. Each case is a commit made with
# plain git: a file whose JSON has the wrong shape, an unknown field, a role that does not
# exist, a name that is not its path's, a file in the wrong shard. Such a file is neither
# served nor honoured (a warning names it), writes to its object refuse, and `orgctl check`
# lists it and exits 1; once the commit is undone, all is as before and check exits 0.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo ORGCTL_ORG=acme &&
	orgctl org create Acme >/dev/null &&
	orgctl role create viewer --permission directory:user:view >/dev/null &&
	orgctl user create alice --email alice@acme.example --role viewer >/dev/null &&
	orgctl user create bob --email bob@acme.example >/dev/null &&
	orgctl user can alice directory:user:view >/dev/null &&
	orgctl --as alice@acme user list >/dev/null
'

# path_of NAME: the path of the user file NAME.json in the tree at HEAD.
path_of() {
	git -C repo ls-tree -r --name-only HEAD | grep "/users/../$1\.json$"
}

# by_hand MESSAGE SCRIPT: runs SCRIPT (python3 editing JSON, or shell) in a fresh clone,
# commits all it changed with plain git and pushes it to main.
by_hand() {
	rm -rf work &&
		git clone -q repo work &&
		(cd work && eval "$2" && git add -A && git commit -q -m "$1" &&
			git push -q origin HEAD:main)
}

# edit_json FILE PYTHON: runs PYTHON on the object `d` read from FILE, writes it back.
edit_json() {
	python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
$2
json.dump(d, open(sys.argv[1], 'w'), indent=2, sort_keys=True)
" "$1"
}

# role_file NAME: a role file as orgctl would write it, made by hand.
role_file() {
	mkdir -p orgs/acme/roles &&
		printf '{"name": "%s", "state": "enabled"}\n' "$1" >"orgs/acme/roles/$1.json"
}

# revert REV: reverts the commit REV of main with plain git.
revert() {
	rm -rf work &&
		git clone -q repo work &&
		git -C work revert --no-edit "$1" >/dev/null &&
		git -C work push -q origin HEAD:main
}

# undo: reverts the last hand-made commit; check is then clean again.
undo() {
	revert HEAD &&
		orgctl check >out 2>&1 &&
		! test -s out
}

test_expect_success 'check on a clean repository prints nothing and exits 0' '
	orgctl check >out &&
	! test -s out &&
	orgctl -o json check >out.json &&
	test "$(jq length out.json)" = 0
'

test_expect_success 'JSON of the wrong shape is not served: show, list and check say so' '
	bob=$(path_of bob) &&
	by_hand "bob by hand" "edit_json $bob \"d[\\\"email\\\"] = 42\"" &&
	test_must_fail --status 1 orgctl user show bob 2>err &&
	test_grep "$bob" err &&
	orgctl user list -o csv >list 2>err &&
	! grep "^bob," list &&
	grep "^alice," list &&
	test_grep "$bob" err &&
	test_must_fail --status 1 orgctl check >out &&
	test_grep "^$bob: " out &&
	test "$(wc -l <out)" = 1 &&
	undo &&
	orgctl user show bob >/dev/null
'

test_expect_success 'a state that is neither enabled nor disabled is the wrong shape too' '
	bob=$(path_of bob) &&
	by_hand "bob by hand" "edit_json $bob \"d[\\\"state\\\"] = \\\"maybe\\\"\"" &&
	test_must_fail --status 1 orgctl user show bob 2>err &&
	test_grep "$bob" err &&
	test_must_fail --status 1 orgctl check >out &&
	test_grep "^$bob: .*state" out &&
	undo
'

test_expect_success 'an unknown field: the user is not served and is no actor' '
	alice=$(path_of alice) &&
	by_hand "alice by hand" "edit_json $alice \"d[\\\"superuser\\\"] = True\"" &&
	test_must_fail --status 1 orgctl user show alice 2>err &&
	test_grep "$alice" err &&
	test_must_fail --status 4 orgctl --as alice@acme user list &&
	test_must_fail --status 1 orgctl check >out &&
	test_grep "^$alice: .*superuser" out &&
	undo &&
	orgctl --as alice@acme user list >/dev/null
'

test_expect_success 'a role that does not exist: the user is not honoured by user can' '
	bob=$(path_of bob) &&
	by_hand "bob by hand" "edit_json $bob \"d[\\\"roles\\\"] = [\\\"ghost\\\", \\\"viewer\\\"]\"" &&
	test_must_fail orgctl user can bob directory:user:view 2>err &&
	test_grep "$bob" err &&
	test_must_fail --status 4 orgctl --as bob@acme user list &&
	test_must_fail --status 1 orgctl check >out &&
	test_grep "^$bob: .*ghost" out
'

test_expect_success 'once the role is made (by hand too), the user is believed again' '
	by_hand "ghost by hand" "role_file ghost" &&
	orgctl user can bob directory:user:view >/dev/null &&
	orgctl check &&
	revert HEAD &&
	test_must_fail orgctl user can bob directory:user:view &&
	test_must_fail --status 1 orgctl check >out &&
	test_grep "^$bob: .*ghost" out &&
	revert HEAD~2 &&
	orgctl check &&
	orgctl user show bob >/dev/null
'

test_expect_success 'a role removed by hand: who holds it refers to nothing' '
	by_hand "viewer removed by hand" "git rm -q orgs/acme/roles/viewer.json" &&
	alice=$(path_of alice) &&
	test_must_fail orgctl user can alice directory:user:view &&
	test_must_fail --status 1 orgctl check >out &&
	test_grep "^$alice: .*viewer" out &&
	undo &&
	orgctl user can alice directory:user:view >/dev/null
'

test_expect_success 'a name that is not its path s: shown under neither name' '
	bob=$(path_of bob) &&
	by_hand "bob renamed by hand" "edit_json $bob \"d[\\\"name\\\"] = \\\"mallory\\\"\"" &&
	test_must_fail --status 1 orgctl user show bob 2>err &&
	test_grep "$bob" err &&
	test_must_fail --status 3 orgctl user show mallory &&
	orgctl user list -o csv >list 2>/dev/null &&
	! grep -e "^bob," -e "^mallory," list &&
	test_must_fail --status 1 orgctl check >out &&
	test_grep "^$bob: .*mallory" out &&
	undo
'

test_expect_success 'a file in the wrong shard is not served, and no second copy is made' '
	alice=$(path_of alice) &&
	shard=$(basename "$(dirname "$alice")") &&
	other=$(test "$shard" = 00 && echo 01 || echo 00) &&
	wrong=orgs/acme/users/$other/alice.json &&
	by_hand "alice moved by hand" "mkdir -p orgs/acme/users/$other && git mv $alice $wrong" &&
	test_must_fail --status 1 orgctl user show alice 2>err &&
	test_grep "$wrong" err &&
	test_unchanged repo orgctl user create alice --email alice2@acme.example 2>err &&
	test_grep "$wrong" err &&
	test -z "$(git -C repo ls-tree -r --name-only HEAD -- "$alice")" &&
	test_must_fail --status 1 orgctl check >out &&
	test_grep "^$wrong: .*shard" out &&
	undo &&
	orgctl user show alice >/dev/null
'

test_expect_success 'an invalid role grants nothing, and writes to it refuse, naming it' '
	by_hand "viewer by hand" \
		"edit_json orgs/acme/roles/viewer.json \"d[\\\"extra\\\"] = 1\"" &&
	orgctl user show alice >/dev/null &&
	test_must_fail orgctl user can alice directory:user:view 2>err &&
	test_grep "roles/viewer.json" err &&
	test_must_fail --status 4 orgctl --as alice@acme user list &&
	test_unchanged repo orgctl role grant viewer directory:group:view 2>err &&
	test_grep "roles/viewer.json" err &&
	test_unchanged repo orgctl role rm viewer --force 2>err &&
	test_grep "roles/viewer.json" err &&
	test_must_fail --status 1 orgctl check >out &&
	test_grep "^orgs/acme/roles/viewer.json: .*extra" out &&
	undo &&
	orgctl --as alice@acme user list >/dev/null
'

test_expect_success 'check lists every problem of the tree at once, and only an admin may run it' '
	orgctl user create carol --email carol@acme.example >/dev/null &&
	alice=$(path_of alice) && bob=$(path_of bob) &&
	by_hand "three by hand" "edit_json $alice \"d[\\\"x\\\"] = 1\" &&
		edit_json $bob \"d[\\\"roles\\\"] = [\\\"ghost\\\"]\" &&
		echo \"{ not json\" >orgs/acme/roles/viewer.json" &&
	test_must_fail --status 1 orgctl -o json check >out.json &&
	test "$(jq length out.json)" = 3 &&
	jq -r ".[].path" out.json >paths &&
	printf "%s\n" "$alice" "$bob" orgs/acme/roles/viewer.json | sort >expect &&
	test_cmp expect paths &&
	test_must_fail --status 4 orgctl --as carol@acme check &&
	undo
'

test_expect_success 'a rebuilt index finds the same problems' '
	bob=$(path_of bob) &&
	by_hand "bob by hand" "edit_json $bob \"d[\\\"email\\\"] = [1]\"" &&
	test_must_fail orgctl check >before &&
	rm -f repo/orgctl/index.sqlite* &&
	test_must_fail orgctl check >after &&
	test_cmp before after &&
	undo
'

test_expect_success 'orgctl rollback of a hand-made commit repairs it; rolling that back refuses' '
	bob=$(path_of bob) && alice=$(path_of alice) &&
	by_hand "bob and alice by hand" "edit_json $bob \"d[\\\"zzz\\\"] = 1\" &&
		mkdir -p orgs/acme/users/00 orgs/acme/users/01 &&
		git mv $alice orgs/acme/users/\$(test $alice = orgs/acme/users/00/alice.json && echo 01 || echo 00)/alice.json" &&
	test_must_fail orgctl check >/dev/null &&
	orgctl rollback "$(head_of repo)" >/dev/null &&
	orgctl check &&
	orgctl user show bob >/dev/null &&
	orgctl user show alice >/dev/null &&
	id=$(orgctl log -n 1 -o json | jq -r ".[0].id") &&
	test_unchanged repo orgctl rollback "$id" 2>err &&
	test_grep "bob\|alice" err &&
	orgctl check
'

test_expect_success 'check finds a blob missing from the object database' '
	by_hand "a README by hand" "echo hello >orgs/acme/README" &&
	blob=$(git -C repo rev-parse HEAD:orgs/acme/README) &&
	loose=repo/objects/$(echo "$blob" | cut -c1-2)/$(echo "$blob" | cut -c3-) &&
	test -f "$loose" &&
	mv "$loose" saved-blob &&
	test_must_fail --status 1 orgctl check >out &&
	test_grep "^orgs/acme/README: .*$blob" out &&
	orgctl user list >/dev/null &&
	mkdir -p "$(dirname "$loose")" && mv saved-blob "$loose" &&
	orgctl check
'

test_expect_success 'an object whose blob is missing: its reads fail naming it (exit 1), the rest is served, check names it once' '
	bob=$(path_of bob) &&
	blob=$(git -C repo rev-parse "HEAD:$bob") &&
	loose=repo/objects/$(echo "$blob" | cut -c1-2)/$(echo "$blob" | cut -c3-) &&
	test -f "$loose" &&
	mv "$loose" saved-blob &&
	rm -f repo/orgctl/index.sqlite* &&
	test_must_fail --status 1 orgctl user show bob 2>err &&
	test_grep "$bob" err &&
	test_must_fail --status 1 orgctl user list 2>err &&
	test_grep "$bob.*missing" err &&
	orgctl user show alice >/dev/null &&
	orgctl role list >/dev/null &&
	test_must_fail --status 1 orgctl check >out &&
	test "$(grep -c "^$bob: .*$blob" out)" = 1 &&
	mv saved-blob "$loose" &&
	rm -f repo/orgctl/index.sqlite* &&
	orgctl check &&
	orgctl user show bob >/dev/null
'

test_expect_success 'a tree missing from the object database: check and reads name it, exit 1' '
	by_hand "a folder by hand" "mkdir -p orgs/acme/notes && echo hello >orgs/acme/notes/a" &&
	tree=$(git -C repo rev-parse HEAD:orgs/acme/notes) &&
	loose=repo/objects/$(echo "$tree" | cut -c1-2)/$(echo "$tree" | cut -c3-) &&
	mv "$loose" saved-tree &&
	test_must_fail --status 1 orgctl check >out 2>&1 &&
	test_grep "orgs/acme/notes" out &&
	test_must_fail --status 1 orgctl user list 2>err &&
	test_grep "orgs/acme/notes" err &&
	mv saved-tree "$loose" &&
	orgctl check &&
	undo
'

test_expect_success 'a strategy removed by hand: the campaigns of every org that use it are invalid until it comes back' '
	orgctl campaign strategy create std --mode preview --window 08:00-20:00 --days mon-fri >/dev/null &&
	orgctl org create Beta >/dev/null &&
	orgctl campaign create renew --strategy std --tz America/New_York >/dev/null &&
	orgctl --org beta campaign create win --strategy std --tz America/Chicago >/dev/null &&
	orgctl campaign show renew >/dev/null &&
	by_hand "strategy gone by hand" "git rm -q strategies/std.json" &&
	test_must_fail --status 1 orgctl check >out &&
	test_grep "orgs/acme/campaigns/renew.json: .*strategy \"std\" does not exist" out &&
	test_grep "orgs/beta/campaigns/win.json: .*strategy \"std\" does not exist" out &&
	test_must_fail orgctl --org beta campaign show win &&
	revert HEAD &&
	orgctl check >out 2>&1 &&
	! test -s out &&
	orgctl --org beta campaign show win >/dev/null &&
	orgctl campaign show renew >/dev/null
'

test_done
