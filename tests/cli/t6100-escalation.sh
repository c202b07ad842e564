#!/usr/bin/env bash
# No way around a permission: granting needs the grant permission and holding what is
# granted (the grant rule), whichever way it is tried: an operation, a bulk set, a rollback.
# A rollback needs audits:changeSet:rollback and what its changes need; a bulk exec stops
# at a permission refusal even with --continue-on-error. Every refusal: exit 4, HEAD as it
# was. And what is allowed stays allowed: the enterprise administrator, and a holder of the
# permissions, still do each of these.
. "$(dirname "$0")/test-lib.sh"

# The change set the last commit made.
last_id() {
	git -C "$SCRATCH/repo" log -1 --format=%B | sed -n 's/^Change-Set: //p'
}

# bulk_set NAME ROWS...: a native bulk file of ROWS (the first is the header).
bulk_file() {
	local name=$1
	shift
	printf '%s\n' "$@" >"$SCRATCH/$name.csv"
}

test_expect_success 'setup: an org, people holding one narrow right each, admins' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo ORGCTL_ORG=acme &&
	orgctl org create Acme >/dev/null &&
	orgctl org create Other >/dev/null &&
	B="--permission outbound:bulkChangeSet:add --permission outbound:bulkChangeSet:execute --permission outbound:bulkChangeSet:view" &&
	R="--permission audits:changeSet:rollback --permission audits:changeSet:view" &&
	orgctl role create Agent --permission routing:queue:view >/dev/null &&
	orgctl role create Granter --permission authorization:grant:add \
		--permission routing:queue:view $B $R >/dev/null &&
	orgctl role create RoleEd --permission authorization:role:edit $B $R >/dev/null &&
	orgctl role create Helper --permission directory:user:view >/dev/null &&
	orgctl role create GroupEd --permission directory:group:edit $B $R >/dev/null &&
	orgctl role create AccessEd --permission authorization:accessGroup:edit $B $R >/dev/null &&
	orgctl role create UserEd --permission directory:user:edit $B $R >/dev/null &&
	orgctl role create Clerk --permission outbound:bulkChangeSet:execute \
		--permission outbound:bulkChangeSet:view >/dev/null &&
	orgctl role create Directory --permission "directory:*:*" \
		--permission audits:changeSet:view >/dev/null &&
	for u in gina:Granter rex:RoleEd gus:GroupEd ava:AccessEd ed:UserEd cleo:Clerk \
		nora:Directory boss:"Master Admin" bob:"Master Admin"; do
		orgctl user create "${u%%:*}" --email "${u%%:*}@acme.example" --role "${u#*:}" >/dev/null || return 1
	done &&
	orgctl user create ann --email ann@acme.example >/dev/null &&
	orgctl --org other user create olga --email olga@other.example --role "Master Admin" >/dev/null &&
	orgctl group create Admins --role "Master Admin" --member boss >/dev/null &&
	orgctl group create Leads --role "Master Admin" >/dev/null &&
	orgctl group create Sales >/dev/null &&
	orgctl group create Floor >/dev/null &&
	orgctl access create AdminAccess --role "Master Admin" >/dev/null &&
	orgctl access create Ops >/dev/null
'

# --- granting a role to oneself ---

test_expect_success 'grant:add alone cannot give oneself Master Admin: op' '
	test_unchanged --status 4 repo orgctl --as gina@acme user role add gina "Master Admin" 2>err &&
	test_grep "gina@acme cannot grant role \"Master Admin\" in org \"acme\": they lack" err &&
	test_unchanged --status 4 repo orgctl --as gina@acme user role add ann "Master Admin"
'

test_expect_success 'grant:add alone cannot give oneself Master Admin: bulk exec' '
	bulk_file selfgrant "kind,op,name,role" "user,role-add,gina,Master Admin" &&
	orgctl --as gina@acme bulk create selfgrant selfgrant.csv >out 2>err &&
	test_grep "incomplete" out &&
	test_unchanged --status 4 repo orgctl --as gina@acme bulk exec selfgrant 2>err &&
	test_grep "selfgrant.csv:2: user role-add: permission denied" err &&
	test_unchanged --status 4 repo orgctl --as gina@acme bulk exec selfgrant --continue-on-error &&
	orgctl bulk list --pending >out &&
	test_grep "^selfgrant" out
'

test_expect_success 'grant:add alone cannot give oneself Master Admin: rollback' '
	orgctl user role add gina "Master Admin" >/dev/null &&
	orgctl user role rm gina "Master Admin" >/dev/null &&
	test_unchanged --status 4 repo orgctl --as gina@acme rollback "$(last_id)" 2>err &&
	test_grep "cannot grant role \"Master Admin\"" err &&
	test_unchanged --status 4 repo orgctl --as gina@acme --dry-run rollback "$(last_id)"
'

test_expect_success 'a role whose permissions one holds can be given: op, bulk, rollback' '
	orgctl --as gina@acme user role add ann Agent >/dev/null &&
	orgctl user role rm ann Agent >/dev/null &&
	orgctl --as gina@acme rollback "$(last_id)" >/dev/null &&
	orgctl user show ann -o json >out &&
	test_grep "\"Agent\"" out &&
	orgctl user role rm ann Agent >/dev/null &&
	bulk_file okgrant "kind,op,name,role" "user,role-add,ann,Agent" &&
	orgctl --as gina@acme bulk create okgrant okgrant.csv >/dev/null &&
	orgctl --as gina@acme bulk exec okgrant >/dev/null &&
	orgctl user show ann -o json >out &&
	test_grep "\"Agent\"" out
'

# --- granting a permission to a role ---

test_expect_success 'role:edit alone cannot grant *:*:* into its own role: op' '
	test_unchanged --status 4 repo orgctl --as rex@acme role grant RoleEd "*:*:*" 2>err &&
	test_grep "rex@acme cannot grant \"\*:\*:\*\" in org \"acme\": they lack \"directory:organization:admin\"" err &&
	test_unchanged --status 4 repo orgctl --as rex@acme role grant RoleEd "directory:*:*" &&
	test_unchanged --status 4 repo orgctl --as rex@acme role update RoleEd --permission "*:*:*" &&
	orgctl role revoke "Master Admin" "*:*:*" >/dev/null &&
	test_unchanged --status 4 repo orgctl --as rex@acme role reset-default &&
	orgctl role reset-default >/dev/null
'

test_expect_success 'role:edit alone cannot grant *:*:* into its own role: bulk exec' '
	bulk_file rolegrant "kind,op,name,permission" "role,grant,RoleEd,*:*:*" &&
	orgctl --as rex@acme bulk create rolegrant rolegrant.csv >/dev/null 2>&1 &&
	test_unchanged --status 4 repo orgctl --as rex@acme bulk exec rolegrant --continue-on-error 2>err &&
	test_grep "role grant: permission denied" err
'

test_expect_success 'role:edit alone cannot grant *:*:* into its own role: rollback' '
	orgctl role grant RoleEd directory:user:delete >/dev/null &&
	orgctl role revoke RoleEd directory:user:delete >/dev/null &&
	test_unchanged --status 4 repo orgctl --as rex@acme rollback "$(last_id)" 2>err &&
	test_grep "cannot grant \"directory:user:delete\"" err
'

test_expect_success 'a permission one holds can be granted to a role: op, bulk, rollback' '
	orgctl --as rex@acme role grant Helper authorization:role:edit >/dev/null &&
	orgctl role revoke Helper authorization:role:edit >/dev/null &&
	orgctl --as rex@acme rollback "$(last_id)" >/dev/null &&
	orgctl role show Helper -o json >out &&
	test_grep "authorization:role:edit" out &&
	bulk_file okrole "kind,op,name,permission" "role,grant,Helper,outbound:bulkChangeSet:view" &&
	orgctl --as rex@acme bulk create okrole okrole.csv >/dev/null &&
	orgctl --as rex@acme bulk exec okrole >/dev/null &&
	orgctl role show Helper -o json >out &&
	test_grep "outbound:bulkChangeSet:view" out
'

# --- roles given to groups and access groups ---

test_expect_success 'grant:add alone cannot give a group or access group Master Admin: op' '
	test_unchanged --status 4 repo orgctl --as gina@acme group role add Sales "Master Admin" &&
	test_unchanged --status 4 repo orgctl --as gina@acme access role add Ops "Master Admin" 2>err &&
	test_grep "cannot grant role \"Master Admin\"" err
'

test_expect_success 'grant:add alone cannot give a group or access group Master Admin: bulk' '
	bulk_file grouprole "kind,op,name,role" "group,role-add,Sales,Master Admin" \
		"access,role-add,Ops,Master Admin" &&
	orgctl --as gina@acme bulk create grouprole grouprole.csv >/dev/null 2>&1 &&
	test_unchanged --status 4 repo orgctl --as gina@acme bulk exec grouprole --continue-on-error
'

test_expect_success 'grant:add alone cannot give a group or access group Master Admin: rollback' '
	orgctl access role add Ops "Master Admin" >/dev/null &&
	orgctl access role rm Ops "Master Admin" >/dev/null &&
	test_unchanged --status 4 repo orgctl --as gina@acme rollback "$(last_id)" 2>err &&
	test_grep "cannot grant role \"Master Admin\"" err
'

test_expect_success 'a role one holds can be given to a group' '
	orgctl --as gina@acme group role add Sales Agent >/dev/null &&
	orgctl --as gina@acme access role add Ops Agent >/dev/null
'

# --- joining a group that carries roles ---

test_expect_success 'group:edit alone cannot join a group carrying Master Admin: op' '
	test_unchanged --status 4 repo orgctl --as gus@acme group member add Admins gus 2>err &&
	test_grep "gus@acme cannot grant role \"Master Admin\"" err &&
	test_unchanged --status 4 repo orgctl --as gus@acme group member add Leads ann &&
	test_unchanged --status 4 repo orgctl --as ava@acme access member add AdminAccess ava &&
	test_unchanged --status 4 repo orgctl --as gus@acme group copy Admins Admins2
'

test_expect_success 'group:edit alone cannot join a group carrying Master Admin: bulk' '
	bulk_file join "kind,op,name,member" "group,member-add,Admins,gus" &&
	orgctl --as gus@acme bulk create join join.csv >/dev/null 2>&1 &&
	test_unchanged --status 4 repo orgctl --as gus@acme bulk exec join --continue-on-error &&
	bulk_file joinaccess "kind,op,name,member" "access,member-add,AdminAccess,ava" &&
	orgctl --as ava@acme bulk create joinaccess joinaccess.csv >/dev/null 2>&1 &&
	test_unchanged --status 4 repo orgctl --as ava@acme bulk exec joinaccess
'

test_expect_success 'group:edit alone cannot join a group carrying Master Admin: rollback' '
	orgctl group member add Leads gus >/dev/null &&
	orgctl group member rm Leads gus >/dev/null &&
	test_unchanged --status 4 repo orgctl --as gus@acme rollback "$(last_id)" &&
	orgctl access member add AdminAccess ava >/dev/null &&
	orgctl access member rm AdminAccess ava >/dev/null &&
	test_unchanged --status 4 repo orgctl --as ava@acme rollback "$(last_id)"
'

test_expect_success 'enabling a group carrying Master Admin gives it to its members' '
	orgctl group disable Admins >/dev/null &&
	test_unchanged --status 4 repo orgctl --as gus@acme group enable Admins 2>err &&
	test_grep "cannot grant role \"Master Admin\"" err &&
	orgctl group enable Admins >/dev/null
'

test_expect_success 'enabling a user gives them their roles and their groups'"'"' roles' '
	orgctl user create ivan --email ivan@acme.example --role "Master Admin" >/dev/null &&
	orgctl user create ida --email ida@acme.example >/dev/null &&
	orgctl group member add Admins ida >/dev/null &&
	orgctl access member add AdminAccess ida >/dev/null &&
	orgctl user disable ivan >/dev/null &&
	orgctl user disable ida >/dev/null &&
	test_unchanged --status 4 repo orgctl --as ed@acme user enable ivan 2>err &&
	test_grep "cannot grant role \"Master Admin\"" err &&
	test_unchanged --status 4 repo orgctl --as ed@acme user enable ida &&
	bulk_file enable "kind,op,name" "user,enable,ida" &&
	orgctl --as ed@acme bulk create enable enable.csv >/dev/null 2>&1 &&
	test_unchanged --status 4 repo orgctl --as ed@acme bulk exec enable --continue-on-error &&
	orgctl user create una --email una@acme.example >/dev/null &&
	orgctl group member add Floor una >/dev/null &&
	orgctl --as ed@acme user disable una >/dev/null &&
	orgctl --as ed@acme user enable una >/dev/null &&
	orgctl --as boss@acme user enable ida >/dev/null
'

test_expect_success 'a user made under a name a forced rollback left in a group gets nothing' '
	orgctl user create ghost --email ghost@acme.example >/dev/null &&
	made=$(last_id) &&
	orgctl group member add Leads ghost >/dev/null &&
	orgctl rollback --force "$made" >/dev/null &&
	orgctl group show Leads -o json >out &&
	test_grep "\"ghost\"" out &&
	test_unchanged --status 4 repo orgctl --as nora@acme user create ghost \
		--email ghost@acme.example 2>err &&
	test_grep "cannot grant role \"Master Admin\"" err &&
	bulk_file ghost "kind,op,name,email" "user,create,ghost,ghost@acme.example" &&
	orgctl bulk create ghost ghost.csv >/dev/null &&
	test_unchanged --status 4 repo orgctl --as nora@acme bulk exec ghost --continue-on-error &&
	orgctl user create ghost --email ghost@acme.example >/dev/null
'

test_expect_success 'a group whose roles one holds can be joined; leaving needs no grant' '
	orgctl --as gus@acme group member add Floor ann >/dev/null &&
	orgctl --as gus@acme group member rm Admins boss >/dev/null &&
	orgctl group member add Admins boss >/dev/null
'

# --- rollbacks of what an administrator took away ---

test_expect_success 'user:edit cannot roll back an administrator taking Master Admin away' '
	orgctl user role rm bob "Master Admin" >/dev/null &&
	test_unchanged --status 4 repo orgctl --as ed@acme rollback "$(last_id)" 2>err &&
	test_grep "lacks \"authorization:grant:add\"" err &&
	orgctl --as boss@acme rollback "$(last_id)" >/dev/null &&
	orgctl user show bob -o json >out &&
	test_grep "Master Admin" out
'

test_expect_success 'user:edit cannot roll back an administrator resetting a password' '
	echo "first-Secret-1" | orgctl user passwd ann >/dev/null &&
	echo "second-Secret-2" | orgctl user passwd ann >/dev/null &&
	test_unchanged --status 4 repo orgctl --as ed@acme rollback "$(last_id)" 2>err &&
	test_grep "lacks \"directory:user:setPassword\"" err &&
	orgctl --as ed@acme user update ann --full-name "Ann A" >/dev/null
'

test_expect_success 'user:edit cannot set a password through a GAX bulk set either' '
	cat >gax.csv <<-\EOF &&
	Action,First Name,Last Name,Employee Id,Username,Is Agent,Password
	UPDATE,Ann,A,7,ann,N,third-Secret-3
	EOF
	orgctl --as ed@acme bulk create --format gax gaxpw gax.csv >/dev/null 2>&1 &&
	test_unchanged --status 4 repo orgctl --as ed@acme bulk exec gaxpw --continue-on-error 2>err &&
	test_grep "lacks \"directory:user:setPassword\"" err
'

test_expect_success 'group:edit cannot roll back a group losing its role' '
	orgctl group role rm Leads "Master Admin" >/dev/null &&
	test_unchanged --status 4 repo orgctl --as gus@acme rollback "$(last_id)" 2>err &&
	test_grep "lacks \"authorization:grant:add\"" err &&
	orgctl rollback "$(last_id)" >/dev/null
'

test_expect_success 'an org admin cannot roll back another org creating a bulk set' '
	bulk_file theirs "kind,op,name,email" "user,create,zoe,zoe@acme.example" &&
	orgctl bulk create theirs theirs.csv >/dev/null &&
	id=$(last_id) &&
	test_unchanged --status 4 repo orgctl --as olga@other rollback "$id" 2>err &&
	test_grep "olga@other" err &&
	test_unchanged --status 4 repo orgctl --as olga@other bulk rm theirs &&
	orgctl bulk list --pending >out &&
	test_grep "^theirs" out &&
	orgctl --as boss@acme rollback "$id" >/dev/null &&
	orgctl bulk list >out &&
	! grep "^theirs" out
'

test_expect_success 'rollback needs audits:changeSet:rollback, even of what one may do' '
	orgctl user create tmp --email tmp@acme.example >/dev/null &&
	test_unchanged --status 4 repo orgctl --as nora@acme rollback "$(last_id)" 2>err &&
	test_grep "lacks \"audits:changeSet:rollback\" in org \"acme\"" err &&
	orgctl --as nora@acme user rm tmp >/dev/null
'

test_expect_success 'a rollback touching another org needs the permission there too' '
	orgctl --org other user create oscar --email oscar@other.example >/dev/null &&
	test_unchanged --status 4 repo orgctl --as boss@acme rollback "$(last_id)" 2>err &&
	test_grep "boss@acme has no access to org \"other\"" err &&
	orgctl --as olga@other rollback "$(last_id)" >/dev/null
'

# --- no burning other people's sets ---

test_expect_success 'exec --continue-on-error by someone lacking the rows: exit 4, still pending' '
	bulk_file admins "kind,op,name,email,role" "user,create,newbie,newbie@acme.example," \
		"user,role-add,cleo,,Master Admin" &&
	orgctl bulk create admins admins.csv >/dev/null &&
	orgctl bulk show admins -o json >before.json &&
	test_unchanged --status 4 repo orgctl --as cleo@acme bulk exec admins --continue-on-error 2>err &&
	test_grep "permission denied" err &&
	! test -e admins-failures.csv &&
	orgctl bulk show admins -o json >after.json &&
	test_cmp before.json after.json &&
	orgctl bulk exec admins >out &&
	test_grep "completed" out
'

# --- what stays allowed ---

test_expect_success 'the enterprise administrator does all of it: op, bulk, rollback' '
	orgctl user role add gina "Master Admin" >/dev/null &&
	orgctl role grant RoleEd "*:*:*" >/dev/null &&
	orgctl group member add Leads gus >/dev/null &&
	orgctl access member add AdminAccess ava >/dev/null &&
	bulk_file entgrant "kind,op,name,role" "user,role-add,ann,Master Admin" &&
	orgctl bulk create entgrant entgrant.csv >/dev/null &&
	orgctl bulk exec entgrant --continue-on-error >/dev/null &&
	orgctl user role rm ann "Master Admin" >/dev/null &&
	orgctl rollback "$(last_id)" >/dev/null &&
	orgctl user show ann -o json >out &&
	test_grep "Master Admin" out
'

test_expect_success 'an org Master Admin does all of it in their org' '
	orgctl --as boss@acme user role rm gina "Master Admin" >/dev/null &&
	orgctl --as boss@acme rollback "$(last_id)" >/dev/null &&
	orgctl --as boss@acme role revoke RoleEd "*:*:*" >/dev/null &&
	orgctl --as boss@acme rollback "$(last_id)" >/dev/null &&
	echo "fourth-Secret-4" | orgctl --as boss@acme user passwd ann >/dev/null &&
	orgctl --as boss@acme rollback "$(last_id)" >/dev/null &&
	bulk_file bossgrant "kind,op,name,role" "group,role-add,Sales,Master Admin" &&
	orgctl --as boss@acme bulk create bossgrant bossgrant.csv >/dev/null &&
	orgctl --as boss@acme bulk exec bossgrant --continue-on-error >/dev/null &&
	orgctl group show Sales -o json >out &&
	test_grep "Master Admin" out
'

test_expect_success 'giving up one'"'"'s own role in a change set does not refuse its next steps' '
	orgctl role create Temp --permission authorization:role:delete \
		--permission authorization:grant:delete >/dev/null &&
	orgctl user create tess --email tess@acme.example --role Temp >/dev/null &&
	orgctl --as tess@acme role rm Temp --force >/dev/null &&
	test_must_fail --status 3 orgctl role show Temp
'

test_expect_success 'the repository is sound' '
	test_fsck repo
'

test_done
