#!/usr/bin/env bash
# Authorized organisations (orgctl-pair(1)): a partner asks with a one-use link, the client
# accepts and grants roles, and the partner's people act in the client with exactly those
# roles, at once after every grant, revoke, toggle, removal or expiry.
. "$(dirname "$0")/test-lib.sh"

last_id() {
	orgctl log -n 1 -o csv | sed -n 2p | cut -d, -f1
}

# The only pairing of the client.
pid() {
	orgctl --org client pair list -o csv | sed -n 2p | cut -d, -f1
}

test_expect_success 'setup: a partner and a client, each with an admin' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo &&
	orgctl org create Partner >/dev/null &&
	orgctl org create Client >/dev/null &&
	orgctl --org partner user create padmin --email pa@p.example --role "Master Admin" >/dev/null &&
	orgctl --org partner user create bob --email bob@p.example >/dev/null &&
	orgctl --org partner user create carol --email carol@p.example >/dev/null &&
	orgctl --org partner user create dave --email dave@p.example >/dev/null &&
	orgctl --org partner group create support --member carol >/dev/null &&
	orgctl --org client user create cadmin --email ca@c.example --role "Master Admin" >/dev/null &&
	orgctl --org client user create clerk --email clerk@c.example >/dev/null &&
	orgctl --org client role create Viewer --permission directory:user:view >/dev/null &&
	orgctl --org client role create Maker --permission directory:user:add \
		--permission directory:user:view >/dev/null
'

test_expect_success 'a request needs a user or group, another org, and orgTrustee:add' '
	test_unchanged --status 1 repo orgctl --as padmin@partner --org partner pair request --to client &&
	test_unchanged --status 1 repo orgctl --as padmin@partner --org partner pair request \
		--to partner --user bob 2>err &&
	test_grep "itself" err &&
	test_unchanged --status 3 repo orgctl --as padmin@partner --org partner pair request \
		--to nowhere --user bob &&
	test_unchanged --status 3 repo orgctl --as padmin@partner --org partner pair request \
		--to client --user nobody &&
	test_unchanged --status 4 repo orgctl --as bob@partner --org partner pair request \
		--to client --user bob &&
	test_unchanged --status 4 repo orgctl --as cadmin@client --org partner pair request \
		--to client --user bob
'

test_expect_success 'at most 25 users and groups: the 26th is refused naming the limit' '
	for i in $(seq 1 26); do echo "user,create,u$i,u$i@p.example"; done >rows &&
	{ echo kind,op,name,email; cat rows; } >many.csv &&
	orgctl --org partner bulk create many many.csv >/dev/null &&
	orgctl --org partner bulk exec many >/dev/null &&
	args=$(for i in $(seq 1 26); do printf -- "--user u%d " $i; done) &&
	test_unchanged --status 1 repo orgctl --as padmin@partner --org partner pair request \
		--to client $args 2>err &&
	test_grep "at most 25" err
'

test_expect_success 'request: the link is printed once, only its hash is stored' '
	orgctl --as padmin@partner --org partner -q pair request --to client --user bob \
		--group support >link &&
	grep -qE "^orgctl://pair/[0-9a-f]{16}/[0-9a-f]{32}$" link &&
	token=$(sed "s|.*/||" link) &&
	echo "$token" >token &&
	orgctl --org client pair show "$(pid)" -o json >show &&
	! grep -q "$token" show &&
	! grep -q token_sha256 show &&
	orgctl --org partner pair list -o csv >list &&
	test_grep "to-other-org,client" list
'

test_expect_success 'a second pairing in the same direction is refused' '
	test_unchanged --status 1 repo orgctl --as padmin@partner --org partner pair request \
		--to client --user dave 2>err &&
	test_grep "already used by pairing" err
'

test_expect_success 'before acceptance, nobody of the partner acts in the client' '
	test_unchanged --status 4 repo orgctl --as bob@partner --org client user create x --email x@c.example &&
	test_must_fail --status 4 orgctl --as bob@partner --org client user list
'

test_expect_success 'tampered, truncated, unknown and foreign links: exit 1, nothing changes' '
	link=$(cat link) &&
	bad=$(echo "$link" | sed "s/.$/0/") && test "$bad" != "$link" || bad=$(echo "$link" | sed "s/.$/1/") &&
	test_unchanged --status 1 repo orgctl --org client pair accept "$bad" 2>err &&
	test_grep "does not match" err &&
	test_unchanged --status 1 repo orgctl --org client pair accept "${link%?}" 2>err &&
	test_grep "truncated" err &&
	test_unchanged --status 1 repo orgctl --org client pair accept \
		"orgctl://pair/0123456789abcdef/0123456789abcdef0123456789abcdef" 2>err &&
	test_grep "unknown" err &&
	test_unchanged --status 1 repo orgctl --org client pair accept "https://example.com/x" &&
	test_unchanged --status 1 repo orgctl --org client pair accept - </dev/null &&
	test_unchanged --status 1 repo orgctl --org partner pair accept "$link"
'

test_expect_success 'an expired link: exit 1, nothing changes' '
	test_unchanged --status 1 repo env ORGCTL_NOW=2026-01-09T03:04:05Z \
		orgctl --org client pair accept - <link 2>err &&
	test_grep "expired" err
'

test_expect_success 'accepting needs the trusting org permissions' '
	test_unchanged --status 4 repo orgctl --as clerk@client --org client pair accept - <link &&
	test_unchanged --status 4 repo orgctl --as padmin@partner --org client pair accept - <link
'

test_expect_success 'accept from stdin with a role; the link works once' '
	orgctl --as cadmin@client --org client pair accept - --role Viewer <link >/dev/null &&
	test_unchanged --status 1 repo orgctl --org client pair accept - <link 2>err &&
	test_grep "already used" err &&
	test_unchanged --status 4 repo orgctl rollback "$(last_id)" 2>err &&
	test_grep "works once" err
'

test_expect_success 'a trustee acts with exactly the roles granted, user and group member' '
	orgctl --as bob@partner --org client user list >/dev/null &&
	orgctl --as carol@partner --org client user show clerk >/dev/null &&
	test_unchanged --status 4 repo orgctl --as bob@partner --org client user create x \
		--email x@c.example &&
	test_must_fail --status 4 orgctl --as dave@partner --org client user list
'

test_expect_success 'a trustee cannot grant itself roles' '
	test_unchanged --status 4 repo orgctl --as bob@partner --org client pair grant "$(pid)" \
		--user bob@partner --role Maker &&
	test_unchanged --status 4 repo orgctl --as bob@partner --org partner pair grant "$(pid)" \
		--user bob --role Maker
'

test_expect_success 'a grant takes effect at once; its change set names who acted' '
	orgctl --as cadmin@client --org client pair grant "$(pid)" --user bob@partner \
		--role Maker >/dev/null &&
	orgctl --as bob@partner --org client user create made --email made@c.example >/dev/null &&
	git -C repo log -1 --format=%an%n%B >log &&
	test_grep "^bob@partner in client$" log &&
	test_grep "^Actor: bob@partner$" log &&
	test_grep "^Acting-In: client$" log &&
	test_grep "^Org: client$" log &&
	orgctl log -n 1 >log &&
	test_grep "bob@partner in client" log &&
	orgctl log --actor bob@partner -o csv >log &&
	test_grep "user create made" log &&
	orgctl log --actor bob -o csv >log &&
	test_grep "user create made" log
'

test_expect_success 'revoke takes effect at once; the revoker rolls it back, a trustee cannot' '
	orgctl --as cadmin@client --org client pair revoke "$(pid)" --user bob@partner \
		--role Maker >/dev/null &&
	revoke=$(last_id) &&
	test_unchanged --status 4 repo orgctl --as bob@partner --org client user create m2 \
		--email m2@c.example &&
	test_unchanged --status 4 repo orgctl --as bob@partner rollback "$revoke" &&
	test_unchanged --status 4 repo orgctl --as padmin@partner rollback "$revoke" &&
	orgctl --as cadmin@client rollback "$revoke" >/dev/null &&
	orgctl --as bob@partner --org client user create m2 --email m2@c.example >/dev/null
'

test_expect_success 'disable turns access off, roles kept; enable brings them back' '
	orgctl --org client pair disable "$(pid)" >/dev/null &&
	test_must_fail --status 4 orgctl --as bob@partner --org client user list &&
	test_must_fail --status 4 orgctl --as carol@partner --org client user list &&
	test_unchanged --status 4 repo orgctl --as padmin@partner --org client pair enable "$(pid)" &&
	orgctl --org client pair enable "$(pid)" >/dev/null &&
	orgctl --as bob@partner --org client user list >/dev/null
'

test_expect_success 'an expired trust grants nothing' '
	orgctl --org client pair enable "$(pid)" --expires 2026-01-03 >/dev/null &&
	orgctl --as bob@partner --org client user list >/dev/null &&
	test_must_fail --status 4 env ORGCTL_NOW=2026-01-03T00:00:01Z \
		orgctl --as bob@partner --org client user list &&
	orgctl --org client pair enable "$(pid)" --expires "" >/dev/null &&
	env ORGCTL_NOW=2026-01-03T00:00:01Z orgctl --as bob@partner --org client user list >/dev/null
'

test_expect_success 'the trustee adds people; they have no access until granted' '
	orgctl --as padmin@partner --org partner pair add-user "$(pid)" --user dave >/dev/null &&
	test_must_fail --status 4 orgctl --as dave@partner --org client user list &&
	test_unchanged --status 4 repo orgctl --as padmin@partner --org partner pair grant "$(pid)" \
		--user dave --role Viewer &&
	test_unchanged --status 4 repo orgctl --as cadmin@client --org client pair add-user "$(pid)" \
		--user dave
'

test_expect_success 'granting, revoking and seeing roles needs authorization:role:view' '
	orgctl --org client role create Granter --permission authorization:orgTrusteeUser:edit \
		--permission authorization:orgTrusteeUser:view \
		--permission authorization:orgTrusteeGroup:view \
		--permission authorization:orgTrustee:view --permission directory:user:add \
		--permission directory:user:view >/dev/null &&
	orgctl --org client user create granter --email g@c.example --role Granter >/dev/null &&
	test_unchanged --status 4 repo orgctl --as granter@client --org client pair grant "$(pid)" \
		--user bob@partner --role Maker 2>err &&
	test_grep "authorization:role:view" err &&
	test_unchanged --status 4 repo orgctl --as granter@client --org client pair grant "$(pid)" \
		--user bob@partner --role NoSuchRole &&
	test_unchanged --status 4 repo orgctl --as granter@client --org client pair revoke "$(pid)" \
		--user bob@partner --role Viewer &&
	{ echo kind,op,name,user,role; echo pair,grant,$(pid),bob@partner,Maker; } >g.csv &&
	orgctl --org client bulk create g g.csv >/dev/null &&
	test_unchanged --status 4 repo orgctl --as granter@client --org client bulk exec g &&
	orgctl --as granter@client --org client pair show "$(pid)" -o json >shown &&
	test_grep "\"bob\"" shown &&
	! grep -q "user/bob/Viewer" shown &&
	test_grep "role:view is needed" shown &&
	orgctl --as cadmin@client --org client pair show "$(pid)" -o json >full &&
	test_grep "user/bob/Viewer" full &&
	orgctl --org client role update Granter --permission authorization:orgTrusteeUser:edit \
		--permission authorization:orgTrusteeUser:view \
		--permission authorization:orgTrusteeGroup:view \
		--permission authorization:orgTrustee:view --permission directory:user:add \
		--permission directory:user:view --permission authorization:role:view >/dev/null &&
	orgctl --as granter@client --org client pair grant "$(pid)" --user bob@partner \
		--role Maker >/dev/null &&
	orgctl --as granter@client --org client pair show "$(pid)" -o json >shown &&
	test_grep "user/bob/Maker" shown &&
	orgctl --as granter@client --org client pair revoke "$(pid)" --user bob@partner \
		--role Maker >/dev/null &&
	orgctl --org client user rm granter >/dev/null &&
	orgctl --org client role rm Granter >/dev/null
'

test_expect_success 'bulk: a partner onboards engineers, the client grants them, in one set each' '
	p=$(pid) &&
	{ echo kind,op,name,email; for i in 1 2 3; do echo user,create,eng$i,eng$i@p.example; done; } >eng.csv &&
	{ echo kind,op,name,user; for i in 1 2 3; do echo pair,add-user,$p,eng$i; done; } >ask.csv &&
	{ echo kind,op,name,user,role; for i in 1 2 3; do echo pair,grant,$p,eng$i@partner,Viewer; done; } >grant.csv &&
	orgctl --org partner bulk create eng eng.csv >/dev/null &&
	orgctl --org partner bulk exec eng >/dev/null &&
	orgctl --as padmin@partner --org partner bulk create ask ask.csv >/dev/null &&
	orgctl --as padmin@partner --org partner bulk exec ask >/dev/null &&
	test_must_fail --status 4 orgctl --as eng2@partner --org client user list &&
	orgctl --as cadmin@client --org client bulk create grant grant.csv >/dev/null &&
	test_unchanged --status 4 repo orgctl --as padmin@partner --org client bulk exec grant &&
	orgctl --as cadmin@client --org client bulk exec grant >/dev/null &&
	orgctl --as eng2@partner --org client user list >/dev/null
'

test_expect_success 'only the trusted see who is in a trust' '
	orgctl --as carol@partner --org partner pair show "$(pid)" -o json >mine &&
	test_grep "\"support\"" mine &&
	orgctl --as padmin@partner --org partner pair show "$(pid)" -o json >theirs &&
	! grep -q "support" theirs &&
	test_grep "missing permissions" theirs
'

test_expect_success 'removing a user or the group takes their access at once' '
	orgctl --as padmin@partner --org partner pair rm-group "$(pid)" --group support >/dev/null &&
	test_must_fail --status 4 orgctl --as carol@partner --org client user list &&
	orgctl --as cadmin@client --org client pair rm-user "$(pid)" --user bob@partner >/dev/null &&
	test_must_fail --status 4 orgctl --as bob@partner --org client user list
'

test_expect_success 'pair rm from either side; a bulk row cannot make a request' '
	p=$(pid) &&
	test_unchanged --status 4 repo orgctl --as clerk@client --org client pair rm "$p" &&
	orgctl --as padmin@partner --org partner pair rm "$p" >/dev/null &&
	test -z "$(pid)" &&
	printf "%s\n" kind,op,name,to,user pair,request,,client,bob >req.csv &&
	test_must_fail orgctl --org partner bulk create req req.csv
'

test_expect_success 'a removed pairing comes back by rollback only with both orgs consent' '
	rm=$(orgctl log -o csv | grep ",pair rm " | head -1 | cut -d, -f1) &&
	test -n "$rm" &&
	test_unchanged --status 4 repo orgctl --as padmin@partner rollback "$rm" &&
	test_unchanged --status 4 repo orgctl --as cadmin@client rollback "$rm" &&
	orgctl rollback "$rm" >/dev/null &&
	test -n "$(pid)"
'

test_expect_success 'a link given on the command line is recorded as orgctl://pair/(link)' '
	orgctl org create Third >/dev/null &&
	orgctl --org third user create tess --email tess@t.example >/dev/null &&
	orgctl --org third -q pair request --to client --user tess >link3 &&
	sed "s|.*/||" link3 >>token &&
	orgctl --org client pair accept "$(cat link3)" >/dev/null &&
	git -C repo log -1 --format=%B >msg &&
	test_grep "^Command: orgctl --org client pair accept .orgctl://pair/(link).$" msg
'

test_expect_success 'the token is in no commit and not in the index' '
	test -s token &&
	while read -r t; do
		! git -C repo log -p --all | grep -q "$t" &&
			! grep -rq "$t" repo/orgctl || return 1
	done <token &&
	! git -C repo log --all --format=%B | grep -q "orgctl://pair/[0-9a-f]"
'

test_done
