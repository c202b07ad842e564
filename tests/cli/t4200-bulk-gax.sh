#!/usr/bin/env bash
# orgctl bulk --format gax: the GAX agent CSV. Headers in any case and spacing, columns in
# any order, Action ADD/UPDATE/DELETE run as deletions, additions, updates; empty cells
# change nothing, /d removes; Skill:, Agent Group:, Access Group: columns; passwords
# hashed on the way in and never stored or printed in clear.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo ORGCTL_ORG=acme &&
	orgctl org create Acme >/dev/null &&
	orgctl group create tier1 >/dev/null &&
	orgctl group create tier2 >/dev/null &&
	orgctl skill create billing >/dev/null &&
	orgctl skill create french >/dev/null &&
	orgctl access create admins >/dev/null &&
	orgctl user create olga --email olga@acme.example >/dev/null &&
	orgctl user create otto --email otto@acme.example >/dev/null &&
	orgctl group member add tier2 olga >/dev/null
'

test_expect_success 'ADD rows: users, options, skills, groups, access groups, a password' '
	cat >agents.csv <<-\EOF &&
	Action,First Name,Last Name,Employee Id,Username,Is Agent,Password,Email Address,skill:billing,AgentGroup:tier1,ACCESS GROUP: admins,External Id
	ADD,Sarah,Lee,223344,sarahl,N,Tr0ub4dor&3x,sarahl@acme.example,,,Y,
	ADD,John,Doyle,223465,johnd,Y,,johnd@acme.example,7,Y,,X-17
	ADD,Robert,Cook,244456,bobc,y,,bobc@acme.example,5,Y,N,
	EOF
	orgctl bulk create agents agents.csv --format gax >out &&
	test_grep "3 rows, ready$" out &&
	orgctl bulk exec agents >out &&
	test_grep "completed: 3 rows applied, 0 failed$" out &&
	orgctl user show johnd -o json >j &&
	test_grep "\"full_name\": \"John Doyle\"" j &&
	test_grep "\"employee_id\": \"223465\"" j &&
	test_grep "\"is_agent\": \"Y\"" j &&
	test_grep "\"external_id\": \"X-17\"" j &&
	test_grep "\"billing\": 7" j &&
	orgctl group show tier1 -o json >g &&
	test_grep "\"bobc\"" g && test_grep "\"johnd\"" g &&
	orgctl access show admins -o json >a &&
	test_grep "\"sarahl\"" a && test_must_fail test_grep "\"bobc\"" a &&
	orgctl user show sarahl -o json >s &&
	test_grep "\"password_set\": true" s
'

test_expect_success 'the password is stored only as a yescrypt hash, never in clear' '
	git -C repo show main:orgs/acme/users/$(git -C repo ls-tree -r --name-only main | sed -n "s|.*users/\(../sarahl.json\)|\1|p") >user &&
	grep -qF "\"password_hash\": \"\$y\$" user &&
	git -C repo show main:bulk/agents/rows.csv >rows &&
	test_grep "^line,Action,First Name,Last Name,Employee Id,Username,Is Agent,Password Hash," rows &&
	grep -qF "2,ADD,Sarah,Lee,223344,sarahl,N,\$y\$" rows &&
	! git -C repo grep -q "Tr0ub4dor" $(git -C repo rev-list --all) &&
	! grep -rq "Tr0ub4dor" repo/orgctl &&
	orgctl bulk show agents >out 2>&1 &&
	! grep -q "Tr0ub4dor" out && ! grep -qF "\$y\$" out &&
	test_grep "Password Hash=(set)" out
'

test_expect_success 'deletions run first, then additions and updates, each in file order' '
	cat >order.csv <<-\EOF &&
	Username,Action,Email Address,First Name,Last Name,Employee Id,Is Agent,Agent Group:tier2
	johnd,UPDATE,otto@acme.example,,,,,
	pia,ADD,olga@acme.example,Pia,Ek,1,Y,Y
	olga,DELETE,,,,,,
	otto,DELETE,,,,,,
	EOF
	orgctl bulk create order order.csv --format gax >/dev/null 2>&1 &&
	orgctl bulk exec order >out &&
	test_grep "completed: 4 rows applied" out &&
	test_must_fail orgctl user show olga &&
	orgctl user show pia -o json >p && test_grep "olga@acme.example" p &&
	orgctl user show johnd -o json >j && test_grep "\"email\": \"otto@acme.example\"" j &&
	orgctl group show tier2 -o json >g && test_grep "\"pia\"" g && ! grep -q olga g
'

test_expect_success 'UPDATE: empty changes nothing, /d removes, N leaves a group' '
	cat >upd.csv <<-\EOF &&
	action,username,last name,skill : billing,Skill:french,agent group:tier1,External Id,first name,employee id,is agent
	UPDATE,johnd,Doyle-Smith,/d,4,N,/d,,,
	update,bobc,,,,/d,,Bob,,N
	EOF
	orgctl bulk create upd upd.csv --format gax >/dev/null &&
	orgctl bulk exec upd >/dev/null &&
	orgctl user show johnd -o json >j &&
	test_grep "\"full_name\": \"John Doyle-Smith\"" j &&
	test_grep "\"french\": 4" j && ! grep -q billing j && ! grep -q external_id j &&
	test_grep "\"email\": \"otto@acme.example\"" j &&
	orgctl user show bobc -o json >b &&
	test_grep "\"full_name\": \"Bob Cook\"" b &&
	test_grep "\"is_agent\": \"N\"" b &&
	test_grep "\"employee_id\": \"244456\"" b &&
	orgctl group show tier1 -o json >g && ! grep -q johnd g && ! grep -q bobc g
'

test_expect_success 'a user may appear once; mandatory columns; action and values checked' '
	cat >dup.csv <<-\EOF &&
	Action,First Name,Last Name,Employee Id,Username,Is Agent,Email Address,Agent Group:tier1,Skill:billing
	ADD,Ann,A,1,ann,Y,ann@acme.example,Y,3
	ADD,Ann,B,2,ann,Y,ann2@acme.example,,
	REMOVE,Bo,B,3,bo,Y,bo@acme.example,,
	ADD,,C,4,cy,maybe,cy@acme.example,yes please,high
	ADD,Di,D,5,di,Y,,,
	UPDATE,Ed,E,6,ed,Y,/d,,
	EOF
	test_unchanged --status 1 repo orgctl bulk create dup dup.csv --format gax 2>err &&
	cat >expect <<-\EOF &&
	dup.csv:3:5: this user appears already on line 2
	dup.csv:4:1: Action must be ADD, UPDATE or DELETE, not "REMOVE"
	dup.csv:5:2: First Name is mandatory for ADD
	dup.csv:5:6: Is Agent must be Y or N, not "maybe"
	dup.csv:5:8: give Y, N or /d, not "yes please"
	dup.csv:5:9: a skill level is a number, not "high"
	dup.csv:6:7: Email Address is empty: orgctl needs one for a new user
	dup.csv:7:7: Email Address cannot be removed (/d)
	orgctl: bulk create: 8 problems in dup.csv
	EOF
	test_cmp expect err &&
	printf "Action,Username,Foo\nADD,x,1\n" >hdr.csv &&
	test_unchanged --status 1 repo orgctl bulk create hdr hdr.csv --format gax 2>err &&
	test_grep "^hdr.csv:1:3: unknown column \"Foo\"" err &&
	test_grep "^hdr.csv:1:1: the header has no \"First Name\" column (mandatory)$" err &&
	test_grep "^hdr.csv:1:1: the header has no \"Is Agent\" column (mandatory)$" err
'

test_expect_success 'a password below the org policy is refused at create, not echoed' '
	printf "Action,First Name,Last Name,Employee Id,Username,Is Agent,Password,Email Address\nADD,Q,R,9,qr,Y,abc,qr@acme.example\n" >pw.csv &&
	test_unchanged --status 1 repo orgctl bulk create pw pw.csv --format gax 2>err &&
	test_grep "^pw.csv:2:7: Password: " err &&
	! grep -q "abc" err
'

test_expect_success 'failing rows: all reported; --continue-on-error writes a GAX failures file' '
	cat >fail.csv <<-\EOF &&
	Action,First Name,Last Name,Employee Id,Username,Is Agent,Email Address,Agent Group:tier9,Password
	ADD,Ty,T,7,ty,Y,ty@acme.example,,S3cret-enough
	ADD,Uma,U,8,uma,Y,uma@acme.example,Y,
	UPDATE,,,,ghost,,,,
	EOF
	orgctl bulk create fail fail.csv --format gax >/dev/null 2>&1 &&
	test_unchanged --status 1 repo orgctl bulk exec fail 2>err &&
	test_grep "^fail.csv:3:8: group member-add: group \"tier9\" not found in org \"acme\"$" err &&
	test_grep "^fail.csv:4:5: user update: user \"ghost\" not found in org \"acme\"$" err &&
	test_must_fail orgctl bulk exec fail --continue-on-error >out 2>&1 &&
	test_grep "1 rows applied, 2 failed" out &&
	orgctl user show ty >/dev/null &&
	test_must_fail orgctl user show uma &&
	head -1 fail-failures.csv >actual &&
	echo "Action,First Name,Last Name,Employee Id,Username,Is Agent,Email Address,Agent Group:tier9,Password Hash,error" >expect &&
	test_cmp expect actual &&
	test_grep "^ADD,Uma,U,8,uma,Y,uma@acme.example,Y,,\"fail.csv:3:8: group member-add" fail-failures.csv &&
	! grep -q "S3cret" fail-failures.csv
'

test_expect_success 'the GAX failures file, fixed, runs again' '
	orgctl group create tier9 >/dev/null &&
	grep -v ghost fail-failures.csv >fixed.csv &&
	orgctl bulk create fixed fixed.csv --format gax >out &&
	test_grep "1 rows, ready$" out &&
	orgctl bulk exec fixed >/dev/null &&
	orgctl group show tier9 -o json >g && test_grep "\"uma\"" g
'

test_expect_success 'rollback of a GAX set restores deleted users and memberships' '
	id=$(orgctl bulk show order -o json | sed -n "s/^  \"change_set\": \"\([0-9]*\)\",$/\1/p") &&
	test -n "$id" &&
	orgctl rollback "$id" --force >/dev/null &&
	orgctl user show olga -o json >o && test_grep "olga@acme.example" o &&
	test_must_fail orgctl user show pia
'

test_done
