#!/usr/bin/env bash
# Trustees are identities, not names: every user and group gets an id when it is made
# (a copy gets its own, nothing takes one from input), which never changes; a pairing and a
# clone trust that id. A user or group removed and made again under the same name is a
# stranger until it is added again; a rollback of the removal brings the same one back, and
# its trust with it. A repository made before ids keeps working by name; two users holding
# one id in a hand-made commit are both invalid.
. "$(dirname "$0")/test-lib.sh"

# id_of ORG KIND NAME: the id shown by `KIND show`.
id_of() {
	orgctl --org "$1" "$2" show "$3" -o json | sed -n 's/^  "id": "\(.*\)",$/\1/p'
}

test_expect_success 'setup: partner asks client for bob, carol and group eng; client accepts' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo &&
	for o in Partner Client; do orgctl org create $o >/dev/null || return 1; done &&
	for u in bob carol dave; do
		orgctl --org partner user create $u --email $u@p.example >/dev/null || return 1
	done &&
	orgctl --org partner group create eng --member carol >/dev/null &&
	orgctl --org client role create Viewer --permission directory:user:view >/dev/null &&
	orgctl --org partner -q pair request --to client --user bob --group eng >link &&
	orgctl --org client -q pair accept - --role Viewer <link &&
	sed "s|orgctl://pair/||; s|/.*||" link >pid &&
	orgctl --as bob@partner --org client user list >/dev/null &&
	orgctl --as carol@partner --org client user list >/dev/null
'

test_expect_success 'init gives its administrator an id too, which a pairing records' '
	admin=$(id_of enterprise user admin) &&
	echo "$admin" | grep -qxE "[0-9a-f]{32}" &&
	orgctl --org enterprise -q pair request --to client --user admin >elink &&
	orgctl --org client pair list -o csv | grep ",enterprise," | cut -d, -f1 >epid &&
	orgctl --org client pair show "$(cat epid)" -o json >eshow &&
	test_grep "\"admin\": \"$admin\"" eshow &&
	orgctl --org enterprise pair rm "$(cat epid)" >/dev/null
'

test_expect_success 'a user and a group get an id at creation, shown by show' '
	bob=$(id_of partner user bob) && carol=$(id_of partner user carol) &&
	eng=$(id_of partner group eng) &&
	printf "%s\n" "$bob" "$carol" "$eng" >ids &&
	grep -cxE "[0-9a-f]{32}" ids >n && echo 3 >expect && test_cmp expect n &&
	sort -u ids | wc -l | tr -d " " >n && test_cmp expect n &&
	orgctl --org partner user show bob >show &&
	test_grep "^id  *$bob$" show
'

test_expect_success 'an update keeps the id; a copy gets its own' '
	bob=$(id_of partner user bob) &&
	orgctl --org partner user update bob --full-name "Bob B" --option tz=UTC >/dev/null &&
	test "$(id_of partner user bob)" = "$bob" &&
	orgctl --org partner group copy eng eng2 >/dev/null &&
	test -n "$(id_of partner group eng2)" &&
	test "$(id_of partner group eng2)" != "$(id_of partner group eng)" &&
	orgctl --org partner group rm eng2 --force >/dev/null
'

test_expect_success 'the pairing records the identity of each user and group it authorizes' '
	orgctl --org client pair show "$(cat pid)" -o json >show &&
	test_grep "\"bob\": \"$(id_of partner user bob)\"" show &&
	test_grep "\"eng\": \"$(id_of partner group eng)\"" show
'

test_expect_success 'bulk rows and GAX rows make users with ids of their own; an id column is ignored' '
	orgctl --org partner user list -o csv >users.csv &&
	test_grep "^bob,.*,$(id_of partner user bob)," users.csv &&
	printf "%s\n" kind,op,name,email,id >rows.csv &&
	printf "%s\n" "user,create,erin,erin@p.example,$(id_of partner user bob)" >>rows.csv &&
	printf "%s\n" user,create,fred,fred@p.example, >>rows.csv &&
	orgctl --org partner bulk create rows rows.csv >/dev/null &&
	orgctl --org partner bulk exec rows >/dev/null &&
	erin=$(id_of partner user erin) && fred=$(id_of partner user fred) &&
	test -n "$erin" && test -n "$fred" && test "$erin" != "$fred" &&
	test "$erin" != "$(id_of partner user bob)" &&
	printf "%s\n" "Action,First Name,Last Name,Employee Id,Username,Is Agent,Email Address" \
		"ADD,Gina,Green,1,gina,Y,gina@p.example" >gax.csv &&
	orgctl --org partner bulk create gaxset gax.csv --format gax >/dev/null &&
	orgctl --org partner bulk exec gaxset >/dev/null &&
	orgctl --org partner user list -o json >all &&
	python3 -c "
import json, re, sys
users = json.load(open(\"all\"))
ids = [u.get(\"id\") for u in users]
assert all(i and re.fullmatch(\"[0-9a-f]{32}\", i) for i in ids), ids
assert len(set(ids)) == len(ids), ids
"
'

test_expect_success 'a user removed and made again is a stranger to the pairing' '
	p=$(cat pid) &&
	orgctl --org partner user rm bob --force >/dev/null &&
	orgctl --org partner user create bob --email bob@p.example >/dev/null &&
	test_unchanged --status 4 repo orgctl --as bob@partner --org client user list 2>err &&
	test_grep "permission denied" err &&
	test_unchanged --status 1 repo orgctl --org partner pair add-user "$p" --user bob 2>err &&
	test_grep "made again since the pairing authorized it" err &&
	test_unchanged --status 4 repo orgctl --org partner clone create "$p" --user bob
'

test_expect_success 'added again (rm-user, add-user, a grant), the new bob is trusted' '
	p=$(cat pid) &&
	orgctl --org partner pair rm-user "$p" --user bob >/dev/null &&
	orgctl --org partner pair add-user "$p" --user bob >/dev/null &&
	test_must_fail --status 4 orgctl --as bob@partner --org client user list &&
	orgctl --org client pair grant "$p" --user bob@partner --role Viewer >/dev/null &&
	orgctl --as bob@partner --org client user list >/dev/null &&
	orgctl --org client pair show "$p" -o json >show &&
	test_grep "\"bob\": \"$(id_of partner user bob)\"" show
'

test_expect_success 'a group removed and made again is a stranger: its members lose access' '
	orgctl --org partner group rm eng --force >/dev/null &&
	orgctl --org partner group create eng --member carol >/dev/null &&
	test_unchanged --status 4 repo orgctl --as carol@partner --org client user list
'

test_expect_success 'a rollback of the removal brings the same group back, and its trust' '
	orgctl --org partner group rm eng --force >/dev/null &&
	orgctl log -o csv --org partner --object group/eng >log &&
	n=$(grep ",group rm eng" log | sed -n 2p | cut -d, -f1) &&
	orgctl rollback "$n" >/dev/null &&
	orgctl --as carol@partner --org client user list >/dev/null
'

test_expect_success 'a clone of a source made again cannot act' '
	p=$(cat pid) &&
	orgctl --org partner clone create "$p" --user bob >/dev/null &&
	orgctl --org client user show bob@partner -o json >clone &&
	test_grep "\"clone_source_id\": \"$(id_of partner user bob)\"" clone &&
	test "$(id_of client user bob@partner)" != "$(id_of partner user bob)" &&
	orgctl --as bob@partner@client --org client user list >/dev/null &&
	orgctl --org partner user rm bob --force >/dev/null &&
	orgctl --org partner user create bob --email bob@p.example >/dev/null &&
	orgctl --org partner pair rm-user "$p" --user bob >/dev/null &&
	orgctl --org partner pair add-user "$p" --user bob >/dev/null &&
	orgctl --org client pair grant "$p" --user bob@partner --role Viewer >/dev/null &&
	orgctl --as bob@partner --org client user list >/dev/null &&
	test_unchanged --status 4 repo orgctl --as bob@partner@client --org client user list &&
	orgctl --org client clone list -o csv >list &&
	test_grep "^bob@partner,client,.*,false$" list
'

test_expect_success 'a rollback of a user'"'"'s removal brings the same id back, and the trust' '
	bob=$(id_of partner user bob) &&
	orgctl --as bob@partner --org client user list >/dev/null &&
	orgctl --org partner user rm bob --force >/dev/null &&
	test_must_fail --status 4 orgctl --as bob@partner --org client user list &&
	n=$(orgctl log -o csv | sed -n 2p | cut -d, -f1) &&
	orgctl rollback "$n" >/dev/null &&
	test "$(id_of partner user bob)" = "$bob" &&
	orgctl --as bob@partner --org client user list >/dev/null
'

test_expect_success 'a forced rollback onto a user made again since keeps the new id: no trust' '
	bob=$(id_of partner user bob) &&
	orgctl --org partner user rm bob --force >/dev/null &&
	n=$(orgctl log -o csv | sed -n 2p | cut -d, -f1) &&
	orgctl --org partner user create bob --email bob2@p.example >/dev/null &&
	new=$(id_of partner user bob) &&
	test_unchanged --status 5 repo orgctl rollback "$n" 2>err &&
	! grep -q ", id" err &&
	orgctl rollback "$n" --force >/dev/null &&
	test "$(id_of partner user bob)" = "$new" &&
	orgctl --org partner user show bob -o json >b &&
	test_grep "\"email\": \"bob@p.example\"" b &&
	test_must_fail --status 4 orgctl --as bob@partner --org client user list &&
	p=$(cat pid) &&
	orgctl --org partner pair rm-user "$p" --user bob >/dev/null &&
	orgctl --org partner pair add-user "$p" --user bob >/dev/null &&
	orgctl --org client pair grant "$p" --user bob@partner --role Viewer >/dev/null &&
	orgctl --as bob@partner --org client user list >/dev/null
'

test_expect_success 'nobody changes an id, gives one to a user without, or takes it away' '
	printf "%s\n" kind,op,name,id >upd.csv &&
	printf "%s\n" user,update,carol,00000000000000000000000000000000 >>upd.csv &&
	carol=$(id_of partner user carol) &&
	orgctl --org partner bulk create upd upd.csv >/dev/null &&
	orgctl --org partner bulk exec upd >/dev/null &&
	test "$(id_of partner user carol)" = "$carol"
'

test_expect_success 'completion: pair grant PAIRING --user <TAB> offers the trustees, USER@ORG' '
	p=$(cat pid) &&
	orgctl --org client user create zed --email zed@c.example >/dev/null &&
	orgctl __complete --org client pair grant "$p" --user "" >out &&
	printf "bob@partner\n" >expect && test_cmp expect out &&
	orgctl __complete --org client pair revoke "$p" --group "" >out &&
	printf "eng@partner\n" >expect && test_cmp expect out &&
	orgctl __complete --org client pair rm-user "$p" --user b >out &&
	printf "bob@partner\n" >expect && test_cmp expect out &&
	orgctl __complete --as zed@client --org client pair grant "$p" --user "" >out &&
	! test -s out &&
	orgctl __complete --org partner pair add-user "$p" --user "" >out &&
	test_grep "^dave$" out
'

test_expect_success 'help permissions says what each pair and clone verb needs, by side' '
	orgctl help permissions -o json |
		jq -r ".operations[] | select(.kind == \"pair\" or .kind == \"clone\") |
			[.kind, .verb, .permission] | @tsv" >perms &&
	test_grep "^pair	grant	authorization:orgTrusteeUser:edit or orgTrusteeGroup:edit, authorization:role:view, and every permission of the role" perms &&
	test_grep "^pair	disable	authorization:orgTrustee:edit (trusting org)$" perms &&
	test_grep "^pair	rm	authorization:orgTrustee:delete (trusting org) or authorization:orgTrustor:delete (trustee org)$" perms &&
	test_grep "^pair	accept	authorization:orgTrustor:view, authorization:orgTrustee:add and authorization:orgTrusteeUser:add" perms &&
	test_grep "^clone	rm	authorization:orgClonedUser:delete (trustee org) or directory:user:delete (trusting org)$" perms &&
	! grep -q "checked by the verb" perms
'

# by_hand MESSAGE SCRIPT: a commit made with plain git in a clone, pushed to main.
by_hand() {
	rm -rf work && git clone -q repo work &&
		(cd work && eval "$2" && git add -A && git commit -q -m "$1" &&
			git push -q origin HEAD:main)
}

# set_id FILE ID: sets the "id" of the JSON object in FILE (ID empty: removes it).
set_id() {
	python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
if sys.argv[2]:
    d['id'] = sys.argv[2]
else:
    d.pop('id', None)
    for k in ('user_ids', 'group_ids'):
        d.get(k, {}).pop('carol', None)
        d.get(k, {}).pop('eng', None)
json.dump(d, open(sys.argv[1], 'w'), indent=2, sort_keys=True)
" "$1" "$2"
}

test_expect_success 'a hand-made commit giving carol'"'"'s id to dave: both invalid, check says so' '
	carol=$(id_of partner user carol) &&
	by_hand "same id" "set_id \$(git ls-files | grep /users/../dave.json) $carol" &&
	test_must_fail --status 1 orgctl check -o csv >out &&
	test_grep "dave.json,\"id \"\"$carol\"\" is held by user \"\"carol\"\" too\"$" out &&
	test_grep "carol.json,\"id \"\"$carol\"\" is held by user \"\"dave\"\" too\"$" out &&
	test_must_fail orgctl --as carol@partner --org client user list
'

test_expect_success 'once the clash is undone, both are valid again' '
	rm -rf work && git clone -q repo work &&
	git -C work revert --no-edit HEAD >/dev/null && git -C work push -q origin HEAD:main &&
	orgctl check >/dev/null &&
	orgctl --as carol@partner --org client user list >/dev/null
'

test_expect_success 'the index built anew finds the same clash' '
	carol=$(id_of partner user carol) &&
	by_hand "same id again" "set_id \$(git ls-files | grep /users/../dave.json) $carol" &&
	rm -f repo/orgctl/index.sqlite* &&
	test_must_fail --status 1 orgctl check -o csv >after &&
	test_grep "dave.json,\"id \"\"$carol\"\" is held by user \"\"carol\"\" too\"$" after &&
	test_grep "carol.json,\"id \"\"$carol\"\" is held by user \"\"dave\"\" too\"$" after &&
	rm -rf work && git clone -q repo work &&
	git -C work revert --no-edit HEAD >/dev/null && git -C work push -q origin HEAD:main &&
	orgctl check >/dev/null
'

test_expect_success 'a repository made before ids: users and pairings without ids work by name' '
	by_hand "no ids" "
		for f in \$(git ls-files | grep -E \"users/../carol.json|groups/eng.json|pairings/\"); do
			set_id \$f \"\" || exit 1
		done
	" &&
	orgctl check >/dev/null &&
	orgctl --as carol@partner --org client user list >/dev/null &&
	test -z "$(id_of partner group eng)" && test -z "$(id_of partner user carol)"
'

test_expect_success '... and one of them made again since is a stranger' '
	orgctl --org partner group rm eng --force >/dev/null &&
	orgctl --org partner group create eng --member carol >/dev/null &&
	test -n "$(id_of partner group eng)" &&
	test_unchanged --status 4 repo orgctl --as carol@partner --org client user list
'

test_done
