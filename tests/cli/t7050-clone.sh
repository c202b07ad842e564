#!/usr/bin/env bash
# Cloned users (orgctl-clone(1)): the trustee clones a trusted user into the trusting org;
# the clone holds what the pairing grants its source, acts only while the trust is in
# force and trusts the source, and there are at most 5 per trust and per org.
. "$(dirname "$0")/test-lib.sh"

# pair TRUSTEE USERS...: a pairing of client admitting the users, accepted with Viewer;
# prints its id.
pair() {
	local t=$1 args= u
	shift
	for u in "$@"; do args="$args --user $u"; done
	orgctl --org "$t" -q pair request --to client $args >link &&
		orgctl --org client -q pair accept - --role Viewer <link &&
		sed "s|orgctl://pair/||; s|/.*||" link
}

test_expect_success 'setup: two partners, a client, pairings' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo &&
	for o in Partner Other Client; do orgctl org create $o >/dev/null || return 1; done &&
	for u in bob u1 u2 u3 u4 u5; do
		orgctl --org partner user create $u --email $u@p.example >/dev/null || return 1
	done &&
	orgctl --org partner user create padmin --email pa@p.example --role "Master Admin" >/dev/null &&
	orgctl --org partner user create eve --email eve@p.example >/dev/null &&
	for u in o1 o2; do
		orgctl --org other user create $u --email $u@o.example >/dev/null || return 1
	done &&
	orgctl --org client user create cadmin --email ca@c.example --role "Master Admin" >/dev/null &&
	orgctl --org client role create Viewer --permission directory:user:view >/dev/null &&
	pair partner bob u1 u2 u3 u4 u5 >pid &&
	pair other o1 o2 >opid &&
	test -s pid && test -s opid
'

test_expect_success 'clone create: by the trustee, of a trusted user, with orgClonedUser:add' '
	test_unchanged --status 4 repo orgctl --as eve@partner --org partner clone create \
		"$(cat pid)" --user bob &&
	test_unchanged --status 4 repo orgctl --as cadmin@client --org client clone create \
		"$(cat pid)" --user bob &&
	test_unchanged --status 3 repo orgctl --org partner clone create "$(cat pid)" --user nobody &&
	test_unchanged --status 4 repo orgctl --org partner clone create "$(cat pid)" --user eve &&
	orgctl --as padmin@partner --org partner clone create "$(cat pid)" --user bob >/dev/null &&
	orgctl --org client user show bob@partner -o json >show &&
	test_grep "clone_of" show
'

test_expect_success 'the clone acts with what the pairing grants its source, and no more' '
	orgctl --as bob@partner@client --org client user list >/dev/null &&
	test_unchanged --status 4 repo orgctl --as bob@partner@client --org client user create z \
		--email z@c.example &&
	orgctl --org client clone list -o csv >list &&
	test_grep "^bob@partner,client,.*,true$" list &&
	orgctl --org client user can bob@partner directory:user:view >out &&
	test_grep "Viewer" out &&
	test_must_fail --status 10 orgctl --org client user can bob@partner directory:user:add
'

test_expect_success 'a change set made by a clone names the person: bob@partner in client' '
	orgctl --org client role create Maker --permission directory:user:add \
		--permission directory:user:view >/dev/null &&
	orgctl --org client pair grant "$(cat pid)" --user bob@partner --role Maker >/dev/null &&
	orgctl --as bob@partner@client --org client user create byclone \
		--email byclone@c.example >/dev/null &&
	git -C repo log -1 --format=%an%n%B >log &&
	test_grep "^bob@partner in client$" log &&
	test_grep "^Actor: bob@partner@client$" log &&
	test_grep "^Clone-Of: bob@partner$" log &&
	test_grep "^Acting-In: client$" log &&
	orgctl log -n 1 >log &&
	test_grep " bob@partner in client  *user create byclone$" log &&
	orgctl --org client pair revoke "$(cat pid)" --user bob@partner --role Maker >/dev/null &&
	orgctl --org client user rm byclone >/dev/null
'

test_expect_success 'nobody turns a user into a clone, or a clone into another' '
	test_unchanged repo orgctl --org client user option set cadmin clone_of=bob@partner &&
	test_unchanged repo orgctl --org client user option set bob@partner clone_of=u1@partner &&
	test_unchanged repo orgctl --org client user option rm bob@partner clone_pairing &&
	test_unchanged --status 4 repo orgctl --as cadmin@client --org client user create u1@partner \
		--email x@c.example --option clone_of=u1@partner --option "clone_pairing=$(cat pid)" &&
	test_unchanged repo orgctl --as padmin@partner --org partner user update bob \
		--option clone_of=x
'

test_expect_success 'revoke, disable, expiry and removal of the source take its access' '
	p=$(cat pid) &&
	orgctl --org client pair revoke "$p" --user bob@partner --role Viewer >/dev/null &&
	test_must_fail --status 4 orgctl --as bob@partner@client --org client user list &&
	orgctl --org client pair grant "$p" --user bob@partner --role Viewer >/dev/null &&
	orgctl --org client pair disable "$p" >/dev/null &&
	test_must_fail --status 4 orgctl --as bob@partner@client --org client user list &&
	orgctl --org client pair enable "$p" --expires 2026-01-03 >/dev/null &&
	orgctl --as bob@partner@client --org client user list >/dev/null &&
	test_must_fail --status 4 env ORGCTL_NOW=2026-01-04T00:00:00Z \
		orgctl --as bob@partner@client --org client user list &&
	orgctl --org client pair enable "$p" --expires "" >/dev/null &&
	orgctl --org partner user disable bob >/dev/null &&
	test_must_fail --status 4 orgctl --as bob@partner@client --org client user list &&
	orgctl --org partner user enable bob >/dev/null &&
	orgctl --org client pair rm-user "$p" --user bob@partner >/dev/null &&
	test_must_fail --status 4 orgctl --as bob@partner@client --org client user list &&
	orgctl --org client clone list -o csv >list &&
	test_grep "^bob@partner,client,.*,false$" list
'

test_expect_success 'at most 5 clones per trust: the 6th is refused naming the limit' '
	p=$(cat pid) &&
	for u in u1 u2 u3 u4; do
		orgctl --org partner clone create "$p" --user $u >/dev/null || return 1
	done &&
	orgctl --org partner pair add-user "$p" --user eve >/dev/null &&
	orgctl --org client pair grant "$p" --user eve@partner --role Viewer >/dev/null &&
	test_unchanged --status 1 repo orgctl --org partner clone create "$p" --user u5 2>err &&
	test_grep "at most 5" err
'

test_expect_success 'at most 5 per org, whatever the trust' '
	orgctl --org partner clone rm "$(cat pid)" --user u4 >/dev/null &&
	orgctl --org other clone create "$(cat opid)" --user o1 >/dev/null &&
	test_unchanged --status 1 repo orgctl --org other clone create "$(cat opid)" --user o2 2>err &&
	test_grep "at most 5" err
'

test_expect_success 'clone rm: the trustee with orgClonedUser:delete, or the client' '
	test_unchanged --status 4 repo orgctl --as eve@partner --org partner clone rm "$(cat pid)" \
		--user u3 &&
	orgctl --as cadmin@client --org client clone rm "$(cat pid)" --user u3 >/dev/null &&
	orgctl --as padmin@partner --org partner clone rm "$(cat pid)" --user u2 >/dev/null &&
	test_must_fail --status 3 orgctl --org client user show u2@partner
'

test_expect_success 'removing the pairing takes every clone its access; they stay in history' '
	orgctl --as u1@partner@client --org client user list >/dev/null &&
	orgctl --org client pair rm "$(cat pid)" >/dev/null &&
	test_must_fail --status 4 orgctl --as u1@partner@client --org client user list &&
	git -C repo log --format=%s >log &&
	test_grep "clone create u1@partner in client" log
'

test_expect_success 'clones of a removed pairing count no more; the 6th is still refused' '
	op=$(cat opid) &&
	orgctl --org other clone create "$op" --user o2 >/dev/null &&
	for u in o3 o4 o5 o6; do
		orgctl --org other user create $u --email $u@o.example >/dev/null &&
			orgctl --org other pair add-user "$op" --user $u >/dev/null &&
			orgctl --org client pair grant "$op" --user $u@other --role Viewer >/dev/null ||
			return 1
	done &&
	for u in o3 o4 o5; do
		orgctl --org other clone create "$op" --user $u >/dev/null || return 1
	done &&
	test_unchanged --status 1 repo orgctl --org other clone create "$op" --user o6 2>err &&
	test_grep "at most 5 cloned users per trust and per org (org \"client\" has 5, this trust 5)" err &&
	orgctl --org client user show bob@partner >/dev/null
'

test_expect_success 'a rollback of pair rm that would bring its clones back over 5 is refused' '
	n=$(orgctl log -o csv | grep ",pair rm " | head -1 | cut -d, -f1) &&
	test -n "$n" &&
	test_unchanged --status 1 repo orgctl rollback "$n" 2>err &&
	test_grep "would bring back its clones: at most 5" err
'

test_expect_success 'bulk rows: a clone removed and another made, in one set' '
	op=$(cat opid) &&
	printf "%s\n" kind,op,name,user "clone,rm,$op,o5" "clone,create,$op,o6" >cl.csv &&
	orgctl --org other bulk create cl cl.csv >/dev/null &&
	orgctl --org other bulk exec cl >/dev/null &&
	orgctl --org client user show o6@other -o json >o6 &&
	test_grep "\"clone_of\": \"o6@other\"" o6 &&
	test_must_fail --status 3 orgctl --org client user show o5@other
'

test_done
