#!/usr/bin/env bash
# Permissions: the actor (--as, $ORGCTL_ACTOR, else the enterprise admin) must hold a
# role granting the action in the org acted on; otherwise exit 4 and nothing changes.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup: two orgs, a viewer, an org admin, an editor, a user without roles' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo &&
	orgctl org create Acme >/dev/null &&
	orgctl org create Other >/dev/null &&
	orgctl --org acme role create Viewer --permission "directory:user:view" >/dev/null &&
	orgctl --org acme role create Editor --permission "directory:user:edit" \
		--permission "directory:user:view" >/dev/null &&
	orgctl --org acme user create vic --email vic@acme.example --role Viewer >/dev/null &&
	orgctl --org acme user create ed --email ed@acme.example --role Editor >/dev/null &&
	orgctl --org acme user create boss --email boss@acme.example --role "Master Admin" >/dev/null &&
	orgctl --org acme user create nobody --email nobody@acme.example >/dev/null &&
	orgctl --org other user create olga --email olga@other.example --role "Master Admin" >/dev/null
'

test_expect_success 'a user may do what their role grants' '
	orgctl --org acme --as vic@acme user list -o csv >actual &&
	test_grep "^vic," actual &&
	orgctl --org acme --as vic@acme user show boss >/dev/null
'

test_expect_success 'without the permission: exit 4 naming it, and nothing changes' '
	test_unchanged --status 4 repo orgctl --org acme --as vic@acme user create x --email x@acme.example 2>err &&
	test_grep "^orgctl: user create: permission denied: vic@acme lacks \"directory:user:add\" in org \"acme\"$" err &&
	test_unchanged --status 4 repo orgctl --org acme --as vic@acme user update boss --full-name X 2>err &&
	test_grep "lacks \"directory:user:edit\"" err &&
	test_unchanged --status 4 repo orgctl --org acme --as vic@acme user rm boss 2>err &&
	test_grep "lacks \"directory:user:delete\"" err &&
	test_unchanged --status 4 repo orgctl --org acme --as vic@acme user disable boss &&
	test_unchanged --status 4 repo orgctl --org acme --as vic@acme role create R 2>err &&
	test_grep "lacks \"authorization:role:add\"" err &&
	test_unchanged --status 4 repo orgctl --org acme --as vic@acme role grant Viewer "directory:user:add" 2>err &&
	test_grep "lacks \"authorization:role:edit\"" err &&
	test_must_fail --status 3 orgctl --org acme user show x
'

test_expect_success 'reading needs its permission too' '
	test_must_fail --status 4 orgctl --org acme --as nobody@acme user list 2>err &&
	test_grep "lacks \"directory:user:view\"" err &&
	test_must_fail --status 4 orgctl --org acme --as vic@acme role list 2>err &&
	test_grep "lacks \"authorization:role:view\"" err &&
	test_must_fail --status 4 orgctl --as vic@acme log 2>err &&
	test_must_fail --status 4 orgctl --as vic@acme show 1 &&
	test_must_fail --status 4 orgctl --as vic@acme diff 1
'

test_expect_success 'editing a user does not allow giving roles' '
	orgctl --org acme --as ed@acme user update vic --full-name "Vic Viewer" >/dev/null &&
	test_unchanged --status 4 repo orgctl --org acme --as ed@acme user role add ed "Master Admin" 2>err &&
	test_grep "lacks \"authorization:grant:add\"" err
'

test_expect_success '--dry-run is refused the same way' '
	test_unchanged --status 4 repo orgctl --dry-run --org acme --as vic@acme user create x --email x@acme.example
'

test_expect_success '$ORGCTL_ACTOR names the actor; --as wins over it' '
	test_unchanged --status 4 repo env ORGCTL_ACTOR=vic@acme orgctl --org acme user create x --email x@acme.example 2>err &&
	test_grep "vic@acme lacks" err &&
	ORGCTL_ACTOR=vic@acme orgctl --org acme --as boss@acme user create x --email x@acme.example >/dev/null &&
	git -C repo log -1 --format=%an >actual &&
	echo boss@acme >expect &&
	test_cmp expect actual
'

test_expect_success 'the actor is the commit author and the Actor trailer' '
	orgctl --org acme --as boss@acme user create y --email y@acme.example >/dev/null &&
	git -C repo log -1 --format="%an <%ae>" >actual &&
	echo "boss@acme <boss@acme.example>" >expect &&
	test_cmp expect actual &&
	git -C repo log -1 --format=%B | git interpret-trailers --parse >actual &&
	test_grep "^Actor: boss@acme$" actual
'

test_expect_success 'an org admin cannot act in another org' '
	test_must_fail --status 4 orgctl --org other --as boss@acme user list 2>err &&
	test_grep "permission denied: boss@acme has no access to org \"other\"" err &&
	test_unchanged --status 4 repo orgctl --org other --as boss@acme user create z --email z@acme.example &&
	test_unchanged --status 4 repo orgctl --org other --as boss@acme role create R &&
	test_unchanged --status 4 repo orgctl --as boss@acme org update other --name Mine &&
	test_unchanged --status 4 repo orgctl --org acme --as olga@other user rm vic
'

test_expect_success 'an org admin cannot create orgs (that is the enterprise'"'"'s)' '
	test_unchanged --status 4 repo orgctl --as boss@acme org create "Boss Co" 2>err &&
	test_grep "permission denied: boss@acme" err &&
	test_must_fail --status 3 orgctl org show boss-co
'

test_expect_success 'an org admin administers their own org' '
	orgctl --as boss@acme org update acme --setting tz=UTC >/dev/null &&
	orgctl --org acme --as boss@acme role create Agent --permission "routing:queue:view" >/dev/null
'

test_expect_success 'the enterprise admin can act in every org' '
	orgctl --org other --as admin@enterprise user create z --email z@other.example >/dev/null &&
	orgctl --org acme --as admin@enterprise role create Auditor >/dev/null &&
	orgctl --as admin@enterprise org disable other >/dev/null &&
	orgctl --as admin@enterprise org enable other >/dev/null &&
	orgctl --org acme user list -o csv >/dev/null
'

test_expect_success 'a disabled user cannot act' '
	orgctl --org acme user disable boss >/dev/null &&
	test_unchanged --status 4 repo orgctl --org acme --as boss@acme user create w --email w@acme.example 2>err &&
	test_grep "actor \"boss@acme\" is disabled" err &&
	test_must_fail --status 4 orgctl --org acme --as boss@acme user list &&
	orgctl --org acme user enable boss >/dev/null &&
	orgctl --org acme --as boss@acme user list >/dev/null
'

test_expect_success 'an unknown actor cannot act' '
	test_unchanged --status 4 repo orgctl --org acme --as ghost@acme user create w --email w@acme.example 2>err &&
	test_grep "actor \"ghost@acme\" does not exist" err &&
	test_unchanged --status 4 repo orgctl --org acme --as vic@nosuch user create w --email w@acme.example
'

test_expect_success 'an actor not of the form USER@ORG is refused' '
	test_unchanged repo orgctl --org acme --as boss user create w --email w@acme.example 2>err &&
	test_grep "USER@ORG" err &&
	test_unchanged repo orgctl --org acme --as @acme user create w --email w@acme.example &&
	test_unchanged repo orgctl --org acme --as boss@ user create w --email w@acme.example
'

test_expect_success 'a user who lost their role loses its permissions' '
	orgctl --org acme user role rm vic Viewer >/dev/null &&
	test_must_fail --status 4 orgctl --org acme --as vic@acme user list
'

test_expect_success 'rollback needs the permissions of what it restores' '
	orgctl --org acme role create Lister --permission "directory:user:view" \
		--permission "audits:changeSet:view" >/dev/null &&
	orgctl --org acme user role add vic Lister >/dev/null &&
	orgctl --org acme user create temp --email temp@acme.example >/dev/null &&
	id=$(orgctl --as vic@acme log -n 1 -o csv | sed -n 2p | cut -d, -f1) &&
	test_unchanged --status 4 repo orgctl --as vic@acme rollback "$id" 2>err &&
	test_grep "lacks \"audits:changeSet:rollback\"" err &&
	orgctl --org acme role grant Lister "audits:changeSet:rollback" >/dev/null &&
	id=$(orgctl --as vic@acme log -n 2 -o csv | sed -n 3p | cut -d, -f1) &&
	test_unchanged --status 4 repo orgctl --as vic@acme rollback "$id" 2>err &&
	test_grep "lacks \"directory:user:delete\"" err &&
	orgctl --org acme user show temp >/dev/null
'

test_expect_success 'the repository is sound' '
	test_fsck repo
'

test_done
