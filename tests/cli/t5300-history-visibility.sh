#!/usr/bin/env bash
# History only for those who may see it, and no secrets in it: log/show/diff show a
# change set only to an actor with audits:changeSet:view in every org it touched (judged
# by its tree, not by its trailers); no output prints a password hash; the repository's
# files are closed to others; log's filters; the Org trailers.
. "$(dirname "$0")/test-lib.sh"

# ids_of ARGS...: the ids `orgctl log ARGS` lists, one a line.
ids_of() {
	orgctl log -o csv "$@" | sed 1d | cut -d, -f1
}

# last_id: the id of the newest change set.
last_id() {
	git -C "$SCRATCH/repo" log -1 --format=%B main | sed -n "s/^Change-Set: //p"
}

# trailers: the trailers of the newest commit.
trailers() {
	git -C "$SCRATCH/repo" log -1 --format=%B main | git interpret-trailers --parse
}

# hand_commit MESSAGE PATH CONTENT: a commit made with git plumbing, not with orgctl.
hand_commit() {
	local blob old tree commit
	blob=$(printf "%s" "$3" | git -C "$SCRATCH/repo" hash-object -w --stdin) &&
		old=$(head_of "$SCRATCH/repo") &&
		rm -f "$SCRATCH/hand-index" &&
		GIT_INDEX_FILE=$SCRATCH/hand-index git -C "$SCRATCH/repo" read-tree main &&
		GIT_INDEX_FILE=$SCRATCH/hand-index git -C "$SCRATCH/repo" update-index --add \
			--cacheinfo "100644,$blob,$2" &&
		tree=$(GIT_INDEX_FILE=$SCRATCH/hand-index git -C "$SCRATCH/repo" write-tree) &&
		commit=$(printf "%s" "$1" | git -C "$SCRATCH/repo" commit-tree "$tree" -p "$old") &&
		git -C "$SCRATCH/repo" update-ref refs/heads/main "$commit" "$old"
}

test_expect_success 'setup: two orgs, each with its own Master Admin; an auditor' '
	umask 022 &&
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo &&
	orgctl org create Acme >/dev/null &&
	orgctl org create Beta >/dev/null &&
	orgctl --org acme user create ann --email ann@acme.example --role "Master Admin" >/dev/null &&
	orgctl --org beta user create ben --email ben@beta.example --role "Master Admin" >/dev/null &&
	orgctl --org acme role create Auditor --permission audits:changeSet:view >/dev/null &&
	orgctl --org acme user create aud --email aud@acme.example --role Auditor >/dev/null &&
	orgctl --org acme role create Lister --permission directory:user:view >/dev/null &&
	orgctl --org acme user create lis --email lis@acme.example --role Lister >/dev/null &&
	ORGCTL_NOW=2026-03-01T10:00:00Z orgctl --org acme user create alice --email alice@acme.example >/dev/null &&
	acme_id=$(last_id) &&
	ORGCTL_NOW=2026-03-02T10:00:00Z orgctl --org beta user create bob --email bob@beta.example >/dev/null &&
	beta_id=$(last_id) &&
	echo "Acme-pass-0001!" >pw1 && echo "Beta-pass-0002!" >pw2 && echo "Acme-pass-0003!" >pw3 &&
	ORGCTL_NOW=2026-03-03T10:00:00Z orgctl --org acme --as ann@acme user passwd alice --password-file pw1 >/dev/null &&
	passwd_id=$(last_id) &&
	orgctl --org beta --as ben@beta user passwd bob --password-file pw2 >/dev/null &&
	beta_passwd_id=$(last_id) &&
	orgctl --org acme user passwd alice --password-file pw3 >/dev/null &&
	repasswd_id=$(last_id)
'

test_expect_success 'each Master Admin lists only the change sets of their own org' '
	ids_of --as ann@acme >ann &&
	ids_of --org acme >expect &&
	test_cmp expect ann &&
	grep -qx "$acme_id" ann &&
	! grep -qx "$beta_id" ann &&
	! grep -qx "$beta_passwd_id" ann &&
	orgctl --as ann@acme log -o csv | sed 1d | cut -d, -f5 | sort -u >orgs &&
	echo acme >expect && test_cmp expect orgs &&
	ids_of --as ben@beta >ben &&
	ids_of --org beta >expect &&
	test_cmp expect ben &&
	grep -qx "$beta_id" ben &&
	! grep -qx "$acme_id" ben
'

test_expect_success 'show and diff of another org'"'"'s change set: exit 4, nothing shown' '
	test_must_fail --status 4 orgctl --as ann@acme show "$beta_id" >out 2>err &&
	test_grep "permission denied" err &&
	! test -s out &&
	test_must_fail --status 4 orgctl --as ann@acme diff "$beta_id" >out 2>err &&
	! test -s out &&
	test_must_fail --status 4 orgctl --as ann@acme show "$(git -C repo rev-parse main~1)" -o json >out &&
	! test -s out &&
	test_must_fail --status 4 orgctl --as ben@beta diff "$acme_id" -o json >out &&
	! test -s out &&
	orgctl --as ann@acme show "$acme_id" >/dev/null &&
	orgctl --as ben@beta diff "$beta_id" >/dev/null
'

test_expect_success 'the enterprise account'"'"'s own change sets are the enterprise org'"'"'s' '
	test_must_fail --status 4 orgctl --as ann@acme show 1 &&
	! grep -qx 1 ann &&
	orgctl show 1 -o json >out &&
	test_grep "\"path\": \"enterprise.json\"" out
'

test_expect_success 'an auditor with only audits:changeSet:view sees their org'"'"'s history, no more' '
	ids_of --as aud@acme >aud &&
	test_cmp ann aud &&
	orgctl --as aud@acme show "$acme_id" >/dev/null &&
	orgctl --as aud@acme diff "$passwd_id" >/dev/null &&
	test_must_fail --status 4 orgctl --as aud@acme show "$beta_id" &&
	test_must_fail --status 4 orgctl --as aud@acme diff "$beta_passwd_id" &&
	test_must_fail --status 4 orgctl --as aud@acme --org acme user list
'

test_expect_success 'without audits:changeSet:view: no log, show or diff at all' '
	test_must_fail --status 4 orgctl --as lis@acme log 2>err &&
	test_grep "audits:changeSet:view" err &&
	test_must_fail --status 4 orgctl --as lis@acme show "$acme_id" &&
	test_must_fail --status 4 orgctl --as lis@acme diff "$acme_id"
'

test_expect_success 'the enterprise administrator sees every change set' '
	ids_of >all &&
	test $(wc -l <all) -eq $(git -C repo rev-list --count main) &&
	grep -qx "$acme_id" all && grep -qx "$beta_id" all && grep -qx 1 all
'

test_expect_success '-n counts what the actor may see' '
	orgctl --org beta user create late --email late@beta.example >/dev/null &&
	ids_of --as ann@acme -n 1 >actual &&
	head -1 ann >expect &&
	test_cmp expect actual
'

test_expect_success 'a forged Org trailer does not show another org'"'"'s change' '
	hand_commit "$(printf "innocent\n\nChange-Set: 900\nActor: ann@acme\nOrg: acme\n")" \
		orgs/beta/skills/forged.json \
		"$(printf "{\n  \"description\": \"beta secret\",\n  \"name\": \"forged\",\n  \"state\": \"enabled\"\n}\n")" &&
	ids_of --as ann@acme >actual &&
	! grep -qx 900 actual &&
	test_must_fail --status 4 orgctl --as ann@acme show 900 &&
	test_must_fail --status 4 orgctl --as ann@acme diff 900 >out &&
	! grep -q "beta secret" out &&
	orgctl log -n 1 -o csv >actual &&
	test_grep "^900,.*,innocent,beta," actual &&
	ids_of --as ben@beta -n 1 >actual &&
	echo 900 >expect && test_cmp expect actual
'

test_expect_success 'a commit without trailers is judged by its tree' '
	hand_commit "$(printf "acme by hand\n")" orgs/acme/skills/hand.json \
		"$(printf "{\n  \"description\": \"\",\n  \"name\": \"hand\",\n  \"state\": \"enabled\"\n}\n")" &&
	orgctl --as ann@acme log -n 1 -o csv >actual &&
	test_grep ",Hand Editor,acme by hand,acme,," actual &&
	orgctl --as ben@beta log -o csv >actual &&
	! grep -q "acme by hand" actual
'

test_expect_success 'a change set touching two orgs: only for who may see both' '
	cat >two.csv <<-\EOF &&
	kind,op,name,org,email
	user,create,m1,acme,m1@acme.example
	user,create,m2,beta,m2@beta.example
	EOF
	orgctl --org acme bulk create two two.csv >/dev/null &&
	orgctl --org acme bulk exec two >/dev/null &&
	two=$(last_id) &&
	trailers >t &&
	test_grep "^Org: acme$" t && test_grep "^Org: beta$" t &&
	orgctl show "$two" -o json >out &&
	test_grep "^  \"orgs\": \[$" out &&
	orgctl log -n 1 -o csv >actual &&
	test_grep "^$two,.*,acme;beta," actual &&
	test_must_fail --status 4 orgctl --as ann@acme show "$two" &&
	test_must_fail --status 4 orgctl --as ben@beta diff "$two" &&
	! ids_of --as ann@acme | grep -qx "$two" &&
	! ids_of --as ben@beta | grep -qx "$two"
'

test_expect_success 'Org trailers: org create, update and disable name the org they touch' '
	orgctl org create Gamma >/dev/null &&
	trailers >t && test_grep "^Org: gamma$" t && test $(grep -c "^Org:" t) -eq 1 &&
	orgctl --org acme org update gamma --name "Gamma Two" >/dev/null &&
	trailers >t && test_grep "^Org: gamma$" t && ! grep -q "^Org: acme" t &&
	orgctl --org acme org disable gamma >/dev/null &&
	trailers >t && test_grep "^Org: gamma$" t && test $(grep -c "^Org:" t) -eq 1 &&
	orgctl org enable gamma >/dev/null &&
	trailers >t && test_grep "^Org: gamma$" t &&
	git -C repo log -n 4 --format="%(trailers:key=Org,valueonly)" main | sed "/^$/d" >actual &&
	printf "gamma\ngamma\ngamma\ngamma\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'every change set that touches an org names it in an Org trailer' '
	git -C repo rev-list main >commits &&
	while read c; do
		git -C repo log -1 --format=%B "$c" | grep -q "^Change-Set: 900$" && continue
		git -C repo log -1 --format=%s "$c" | grep -q "by hand" && continue
		git -C repo log -1 --format="%(trailers:key=Org,valueonly)" "$c" | sed "/^$/d" >t
		orgctl show "$c" -o json | sed -n "/^  \"orgs\": \[/,/^  \]/s/^    \"\(.*\)\",*$/\1/p" >o
		test_cmp o t || { echo "commit $c"; return 1; }
	done <commits
'

test_expect_success 'diff says a password hash was set or changed, never what it is' '
	orgctl diff "$passwd_id" >out &&
	test_grep "^+  \"password_hash\": \"(set)\",$" out &&
	orgctl diff "$repasswd_id" >out &&
	test_grep "^-  \"password_hash\": \"(set)\",$" out &&
	test_grep "^+  \"password_hash\": \"(changed)\",$" out &&
	orgctl diff "$repasswd_id" -o json >out &&
	test_grep "(changed)" out
'

test_expect_success 'setup: a GAX set with passwords, and a failures file' '
	orgctl --org acme group create tier1 >/dev/null &&
	cat >agents.csv <<-\EOF &&
	Action,First Name,Last Name,Employee Id,Username,Is Agent,Password,Email Address,Agent Group:tier1,Agent Group:tier9
	ADD,Sarah,Lee,1,sarahl,N,Tr0ub4dor-and-3,sarahl@acme.example,Y,
	ADD,Uma,U,2,uma,Y,Sekr1t-enough-4,uma@acme.example,,Y
	EOF
	orgctl --org acme bulk create agents agents.csv --format gax >/dev/null &&
	agents_created=$(last_id) &&
	test_must_fail orgctl --org acme bulk exec agents --continue-on-error --failures fails.csv >/dev/null 2>&1 &&
	agents_exec=$(last_id) &&
	test -s fails.csv &&
	test_grep "^ADD,Uma,U,2,uma,Y,(set),uma@acme.example" fails.csv &&
	cat >pending.csv <<-\EOF &&
	Action,First Name,Last Name,Employee Id,Username,Is Agent,Password,Email Address
	ADD,Pat,P,3,pat,Y,Pending-pass-5,pat@acme.example
	EOF
	orgctl --org acme bulk create pending pending.csv --format gax >/dev/null
'

test_expect_success 'a failures file with "(set)" for a hash says to give the password again' '
	test_must_fail orgctl --org acme bulk create again fails.csv --format gax 2>err &&
	test_grep "give the password again" err
'

test_expect_success 'no output of any view holds a password hash, in any format' '
	git -C repo grep -h -o "\\\$y\\\$[^\",]*" $(git -C repo rev-list --all) -- >hashes &&
	sort -u hashes -o hashes &&
	test $(wc -l <hashes) -ge 4 &&
	: >all &&
	for id in $(ids_of); do
		orgctl diff "$id" >>all || return 1
	done &&
	{ ids_of --kind user && ids_of --grep bulk; } | sort -u >secret-ids &&
	test $(wc -l <secret-ids) -ge 10 &&
	for o in table json csv; do
		orgctl log -o $o >>all &&
		orgctl --as ann@acme log -o $o >>all &&
		for id in $(cat secret-ids); do
			orgctl show "$id" -o $o >>all &&
			orgctl diff "$id" -o $o >>all || return 1
		done &&
		orgctl --org acme bulk show agents -o $o >>all &&
		orgctl --org acme bulk list -o $o >>all &&
		orgctl --org acme bulk show pending -o $o >>all &&
		orgctl --org acme bulk plan pending -o $o >>all 2>&1 &&
		orgctl --org acme user show alice -o $o >>all &&
		orgctl --org acme user list -o $o >>all &&
		orgctl --org acme user show sarahl -o $o >>all || return 1
	done &&
	cat fails.csv >>all &&
	! grep -F "\$y\$" all &&
	! grep -F -f hashes all &&
	! grep -F "Tr0ub4dor" all && ! grep -F "Pending-pass" all &&
	orgctl diff "$agents_created" >out &&
	test_grep "^+2,ADD,Sarah,Lee,1,sarahl,N,(set)," out
'

test_expect_success 'the repository is closed to others: no world access to objects or index' '
	umask 022 &&
	echo "x-y-z-w-12345" | orgctl --org acme user passwd aud >/dev/null &&
	test "$(stat -c %a repo)" = 750 &&
	stat -c %a repo/orgctl/index.sqlite >mode && echo 640 >expect && test_cmp expect mode &&
	stat -c %a repo/orgctl/lock >mode && test_cmp expect mode &&
	find repo/objects -type f -name "*.pack" >packs &&
	test -s packs &&
	find repo/objects -type f -path "repo/objects/??/*" >loose &&
	test -s loose &&
	find repo/objects repo/orgctl -type f -perm /o=rwx >open &&
	test_must_fail test -s open &&
	find repo/objects -type f ! -perm 440 >other && test_must_fail test -s other &&
	git -C repo fsck --strict --no-dangling >/dev/null 2>&1
'

test_expect_success 'init closes a directory it is given to others' '
	mkdir given && chmod 755 given &&
	orgctl init given >/dev/null &&
	test "$(stat -c %a given)" = 750
'

test_expect_success 'log --org: one org, or any of several' '
	ids_of --org beta >b && ids_of --org acme >a &&
	grep -qx "$beta_id" b && ! grep -qx "$beta_id" a &&
	ids_of --org acme --org beta >ab &&
	sort -u a b >expect &&
	sort ab >actual &&
	test_cmp expect actual &&
	ids_of --org gamma >g && test $(wc -l <g) -eq 4 &&
	orgctl --org acme log --this-org -o csv | sed 1d | cut -d, -f1 >actual &&
	test_cmp a actual
'

test_expect_success 'log --actor: USER@ORG, or USER in any org' '
	ids_of --actor ann@acme >actual &&
	printf "900\n%s\n" "$passwd_id" >expect && test_cmp expect actual &&
	ids_of --actor ben >actual &&
	echo "$beta_passwd_id" >expect && test_cmp expect actual &&
	ids_of --actor "Hand Editor" >actual && test $(wc -l <actual) -eq 1 &&
	ids_of --actor nobody@acme >actual && ! test -s actual
'

test_expect_success 'log --kind and --object: the change sets that changed such objects' '
	ids_of --object user/alice >actual &&
	printf "%s\n" "$repasswd_id" "$passwd_id" "$acme_id" >expect &&
	test_cmp expect actual &&
	ids_of --object user/bob --org acme >actual && ! test -s actual &&
	ids_of --object user/bob --org beta >actual &&
	printf "%s\n" "$beta_passwd_id" "$beta_id" >expect && test_cmp expect actual &&
	ids_of --object org/gamma >actual && test $(wc -l <actual) -eq 4 &&
	ids_of --kind skill >actual &&
	test $(wc -l <actual) -eq 2 && grep -qx 900 actual &&
	ids_of --kind role --org acme >actual &&
	test $(wc -l <actual) -eq 3 &&
	ids_of --kind enterprise >actual && echo 1 >expect && test_cmp expect actual &&
	ids_of --as ann@acme --kind user >actual &&
	grep -qx "$acme_id" actual && ! grep -qx "$beta_id" actual
'

test_expect_success 'log --since and --until: ISO 8601 times, a date is the whole day' '
	ids_of --since 2026-03-01T10:00:00Z --until 2026-03-02T23:00:00Z >actual &&
	printf "%s\n" "$beta_id" "$acme_id" >expect && test_cmp expect actual &&
	ids_of --since 2026-03-02 --until 2026-03-02 >actual &&
	echo "$beta_id" >expect && test_cmp expect actual &&
	ids_of --since 2026-03-03 --until 2026-03-03T10:00:00Z >actual &&
	echo "$passwd_id" >expect && test_cmp expect actual &&
	ids_of --since 2027-01-01 >actual && ! test -s actual
'

test_expect_success 'log --grep: a text of the summary or the command' '
	ids_of --grep "user passwd" >actual &&
	test $(wc -l <actual) -eq 4 &&
	ids_of --grep "password-file pw2" >actual &&
	echo "$beta_passwd_id" >expect && test_cmp expect actual
'

test_expect_success 'log filters combine: all must hold' '
	ids_of --grep passwd --org acme --since 2026-03-03 --until 2026-03-03 >actual &&
	echo "$passwd_id" >expect && test_cmp expect actual &&
	ids_of --object user/alice --actor admin >actual &&
	printf "%s\n" "$repasswd_id" "$acme_id" >expect && test_cmp expect actual &&
	ids_of --kind user --org beta --grep passwd -n 1 >actual &&
	echo "$beta_passwd_id" >expect && test_cmp expect actual &&
	ids_of --as ann@acme --org beta >actual && ! test -s actual
'

test_expect_success 'log rejects filters it cannot read (exit 2), in or out of a repository' '
	test_must_fail --status 2 orgctl log --since yesterday 2>err &&
	test_grep "since" err &&
	test_must_fail --status 2 orgctl log --until 2026-13-45 &&
	test_must_fail --status 2 orgctl log --kind spaceship 2>err &&
	test_grep "spaceship" err &&
	test_must_fail --status 2 orgctl log --object alice &&
	test_must_fail --status 2 orgctl log --object user/a/b &&
	test_must_fail --status 2 orgctl log --org "Not An Org" &&
	test_must_fail --status 2 orgctl log --actor "" &&
	test_must_fail --status 2 orgctl log --org &&
	mkdir -p nowhere && (cd nowhere && ORGCTL_DIR= test_must_fail --status 2 orgctl log --kind bogus)
'

test_expect_success 'log -o csv has every column of orgctl-log(1), which lists every JSON key' '
	orgctl log -n 1 -o csv | head -1 >actual &&
	echo "id,time,actor,summary,orgs,command,rolls_back,commit" >expect &&
	test_cmp expect actual &&
	orgctl log -n 1 -o json | sed -n "s/^    \"\([a-z_]*\)\": .*/\1/p" | sort >keys &&
	tr , "\n" <expect | sort >cols &&
	test_cmp cols keys &&
	while read k; do
		grep -qF "*$k*" "$TEST_SOURCE_DIR/man/orgctl-log.1.scd" || { echo "no $k"; return 1; }
	done <keys
'

test_expect_success 'completion knows the options of log and their values' '
	orgctl __complete log --s >actual &&
	echo --since >expect && test_cmp expect actual &&
	orgctl __complete log --kind us >actual &&
	echo user >expect && test_cmp expect actual &&
	orgctl __complete log --object use >actual &&
	echo user/ >expect && test_cmp expect actual &&
	orgctl --org acme __complete log --object user/al >actual &&
	echo user/alice >expect && test_cmp expect actual &&
	orgctl __complete log --since "" >actual && ! test -s actual
'

test_expect_success 'the repository is sound' '
	test_fsck repo
'

test_done
