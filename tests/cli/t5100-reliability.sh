#!/usr/bin/env bash
# Reliability: the index is derived data, plain-git commits are picked up, concurrent
# writers all land, and killed writers leave a consistent repository.
. "$(dirname "$0")/test-lib.sh"

# users_in_tree: the user names of org acme, as git sees them (names here need no decoding).
users_in_tree() {
	git -C "$SCRATCH/repo" ls-tree -r --name-only main orgs/acme/users/ |
		sed -e "s|.*/||" -e "s|\.json$||" | sort
}

# users_in_index: the user names of org acme, as orgctl answers them.
users_in_index() {
	orgctl user list -o csv | sed 1d | cut -d, -f1 | sort
}

# path_for NAME: where user NAME of org acme lives in the tree (asked of a dry run).
path_for() {
	orgctl --dry-run user create "$1" --email "$1@path.example" | sed -n "s/^  create //p"
}

# test_index_agrees: orgctl's answers are git's tree.
test_index_agrees() {
	users_in_tree >"$SCRATCH/tree-users" &&
		users_in_index >"$SCRATCH/index-users" &&
		test_cmp "$SCRATCH/tree-users" "$SCRATCH/index-users"
}

test_expect_success 'setup' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo ORGCTL_ORG=acme &&
	orgctl org create Acme >/dev/null &&
	orgctl role create Agent --permission "routing:queue:view" >/dev/null &&
	orgctl user create alice --email alice@acme.example --role Agent >/dev/null &&
	orgctl user create bob --email bob@acme.example >/dev/null &&
	test -f repo/orgctl/index.sqlite
'

test_expect_success 'deleting the index loses nothing: queries answer the same' '
	orgctl user list -o json >before &&
	orgctl user show alice -o json >before-show &&
	rm -f repo/orgctl/index.sqlite* &&
	orgctl user list -o json >after &&
	test_cmp before after &&
	orgctl user show alice -o json >after-show &&
	test_cmp before-show after-show &&
	test -f repo/orgctl/index.sqlite
'

test_expect_success 'after a rebuild, uniqueness checks still see every object' '
	rm -f repo/orgctl/index.sqlite* &&
	test_unchanged --status 1 repo orgctl user create carol --email ALICE@acme.example 2>err &&
	test_grep "already used by user \"alice\"" err &&
	rm -f repo/orgctl/index.sqlite* &&
	test_unchanged --status 5 repo orgctl role rm Agent 2>err &&
	test_grep "user \"alice\"" err &&
	rm -f repo/orgctl/index.sqlite* &&
	orgctl user list --role Agent -o csv >actual &&
	test_grep "^alice," actual
'

test_expect_success 'deleting the index before a write: the write lands, the index agrees' '
	rm -f repo/orgctl/index.sqlite* &&
	orgctl user create carol --email carol@acme.example >/dev/null &&
	test_index_agrees &&
	test_fsck repo
'

test_expect_success 'an index of an older layout is rebuilt, not read' '
	# what an older orgctl left: its version, rows this one cannot read
	sqlite3 repo/orgctl/index.sqlite "PRAGMA user_version=3; DELETE FROM attrs;" &&
	orgctl user list --role Agent -o csv >actual &&
	test_grep "^alice," actual &&
	test "$(sqlite3 repo/orgctl/index.sqlite "PRAGMA user_version")" = 7 &&
	test_unchanged --status 1 repo orgctl user create dave --email Bob@acme.example 2>err &&
	test_grep "already used by user \"bob\"" err
'

test_expect_success 'a commit made with plain git (clone, edit, push) is picked up' '
	handmade=$(path_for handmade) &&
	git clone -q repo work &&
	(
		cd work &&
		alice=$(git ls-files "orgs/acme/users/*/alice.json") &&
		sed -i "s/\"email\": \"alice@acme.example\"/\"email\": \"alice@hand.example\"/" "$alice" &&
		bob=$(git ls-files "orgs/acme/users/*/bob.json") &&
		git rm -q "$bob" &&
		mkdir -p "$(dirname "$handmade")" &&
		printf "{\n  \"email\": \"hand@acme.example\",\n  \"name\": \"handmade\",\n  \"roles\": [],\n  \"state\": \"enabled\"\n}\n" >"$handmade" &&
		git add -A &&
		git commit -q -m "edited by hand" &&
		git push -q origin HEAD:main
	) &&
	orgctl user show alice -o csv >actual &&
	test_grep "alice@hand.example" actual &&
	test_must_fail --status 3 orgctl user show bob &&
	orgctl user show handmade -o csv >actual &&
	test_grep "hand@acme.example" actual &&
	test_index_agrees
'

test_expect_success 'uniqueness checks see the hand-made state' '
	test_unchanged --status 1 repo orgctl user create dup --email hand@acme.example 2>err &&
	test_grep "already used by user \"handmade\"" err &&
	orgctl user create bob --email alice@acme.example >/dev/null
'

test_expect_success 'log shows the hand-made commit; numbering goes on after it' '
	orgctl log -n 2 -o csv >actual &&
	test_grep ",Hand Editor,edited by hand,acme,," actual &&
	test_grep "^7,.*user create bob,acme," actual &&
	orgctl show "$(git -C repo rev-parse main~1)" -o csv >actual &&
	test_grep "^deleted,user,acme,bob," actual &&
	test_grep "^created,user,acme,handmade," actual
'

test_expect_success 'a commit made with git plumbing is picked up' '
	blob=$(printf "{\n  \"email\": \"plumb@acme.example\",\n  \"name\": \"plumbed\",\n  \"roles\": [\n    \"Agent\"\n  ],\n  \"state\": \"enabled\"\n}\n" |
		git -C repo hash-object -w --stdin) &&
	old=$(head_of repo) &&
	GIT_INDEX_FILE=$SCRATCH/plumb-index git -C repo read-tree main &&
	GIT_INDEX_FILE=$SCRATCH/plumb-index git -C repo update-index --add \
		--cacheinfo "100644,$blob,$(path_for plumbed)" &&
	tree=$(GIT_INDEX_FILE=$SCRATCH/plumb-index git -C repo write-tree) &&
	commit=$(echo "plumbed in" | git -C repo commit-tree "$tree" -p "$old") &&
	git -C repo update-ref refs/heads/main "$commit" "$old" &&
	orgctl user show plumbed -o csv >actual &&
	test_grep "plumb@acme.example" actual &&
	orgctl user list --role Agent -o csv | cut -d, -f1 >actual &&
	printf "name\nalice\nplumbed\n" >expect &&
	test_cmp expect actual &&
	test_index_agrees
'

test_expect_success 'moving main back with plain git: the index follows' '
	git -C repo update-ref refs/heads/main main~1 &&
	test_must_fail --status 3 orgctl user show plumbed &&
	test_index_agrees &&
	git -C repo update-ref refs/heads/main "$commit" &&
	orgctl user show plumbed >/dev/null &&
	test_index_agrees
'

test_expect_success 'a hand-made commit with broken JSON: the object is not served stale' '
	orgctl user create broken --email broken@acme.example >/dev/null &&
	(
		cd work &&
		git pull -q origin main &&
		f=$(git ls-files "orgs/acme/users/*/broken.json") &&
		echo "{ not json" >"$f" &&
		git commit -q -am "broken by hand" &&
		git push -q origin HEAD:main
	) &&
	orgctl user list -o csv >actual 2>err &&
	test_grep "broken.json: not valid JSON" err &&
	! grep "^broken," actual &&
	test_must_fail --status 1 orgctl user show broken &&
	rm -f repo/orgctl/index.sqlite* &&
	orgctl user list -o csv >rebuilt 2>/dev/null &&
	test_cmp actual rebuilt &&
	test_must_fail orgctl user create broken --email broken@acme.example 2>err &&
	test_grep "broken.json" err &&
	(
		cd work &&
		git rm -q "$(git ls-files "orgs/acme/users/*/broken.json")" &&
		git commit -q -m "removed by hand" &&
		git push -q origin HEAD:main
	) &&
	orgctl user create broken --email broken@acme.example >/dev/null &&
	orgctl user show broken >/dev/null
'

test_expect_success '20 concurrent writers all succeed' '
	before=$(git -C repo rev-list --count main) &&
	for i in $(seq 1 20); do
		(orgctl user create "par$i" --email "par$i@acme.example" >"out$i" 2>"err$i"; echo $? >"rc$i") &
	done &&
	wait &&
	for i in $(seq 1 20); do
		test "$(cat rc$i)" = 0 || { echo "writer $i failed:"; cat "err$i"; return 1; }
	done &&
	orgctl user list --search par -o csv | sed 1d >users &&
	test $(wc -l <users) -eq 20 &&
	after=$(git -C repo rev-list --count main) &&
	test $((after - before)) -eq 20 &&
	test_fsck repo &&
	test_index_agrees
'

test_expect_success 'concurrent change sets got distinct ids, each commit one user' '
	orgctl log -n 20 -o csv | sed 1d | cut -d, -f1 | sort -u >ids &&
	test $(wc -l <ids) -eq 20 &&
	for c in $(git -C repo rev-list -n 20 main); do
		test $(git -C repo diff-tree -r --no-commit-id --name-only "$c" | wc -l) -eq 1 || return 1
	done
'

test_expect_success 'concurrent writers on the same object: none is lost' '
	for i in $(seq 1 10); do
		(orgctl user update alice --option "k$i=v$i" >/dev/null 2>"uerr$i"; echo $? >"urc$i") &
	done &&
	wait &&
	for i in $(seq 1 10); do
		test "$(cat urc$i)" = 0 || { cat "uerr$i"; return 1; }
	done &&
	orgctl user show alice -o json >actual &&
	for i in $(seq 1 10); do
		test_grep "\"k$i\": \"v$i\"" actual || return 1
	done
'

test_expect_success 'racing writers of the same e-mail: exactly one wins' '
	for i in $(seq 1 8); do
		(orgctl user create "same$i" --email same@acme.example >/dev/null 2>"serr$i"; echo $? >"src$i") &
	done &&
	wait &&
	cat src* | sort | uniq -c >counts &&
	test_grep "^ *1 0$" counts &&
	test_grep "^ *7 1$" counts &&
	orgctl user list --search same@ -o csv | sed 1d >actual &&
	test $(wc -l <actual) -eq 1 &&
	test_fsck repo
'

test_expect_success 'racing writers of the same name: exactly one wins' '
	for i in $(seq 1 8); do
		(orgctl user create dup --email "dup$i@acme.example" >/dev/null 2>"derr$i"; echo $? >"drc$i") &
	done &&
	wait &&
	cat drc* | sort | uniq -c >counts &&
	test_grep "^ *1 0$" counts &&
	test_grep "^ *7 1$" counts &&
	grep -l "exists already" derr* >losers &&
	test $(wc -l <losers) -eq 7
'

test_expect_success 'readers answer while writers write' '
	for i in $(seq 1 10); do
		orgctl user create "rw$i" --email "rw$i@acme.example" >/dev/null 2>&1 &
	done &&
	fails=0 &&
	for i in $(seq 1 20); do
		orgctl user list -o csv >/dev/null 2>rerr || { cat rerr; fails=$((fails + 1)); }
	done &&
	wait &&
	test $fails -eq 0 &&
	test_index_agrees
'

test_expect_success 'a stale refs/heads/main.lock does not block the next write' '
	echo "0000000000000000000000000000000000000000" >repo/refs/heads/main.lock &&
	orgctl user create afterlock --email afterlock@acme.example >/dev/null &&
	! test -e repo/refs/heads/main.lock &&
	orgctl user show afterlock >/dev/null &&
	test_fsck repo
'

test_expect_success 'stale temporary packs of a killed writer are cleaned up' '
	touch repo/objects/pack/pack_git2_deadbeef &&
	orgctl user create aftertmp --email aftertmp@acme.example >/dev/null &&
	! test -e repo/objects/pack/pack_git2_deadbeef
'

test_expect_success 'stale temporary loose objects of a killed writer are cleaned up' '
	echo half-written >repo/objects/tmp_object_git2_Ab12Cd &&
	orgctl user create aftertmpobj --email aftertmpobj@acme.example >/dev/null &&
	! test -e repo/objects/tmp_object_git2_Ab12Cd &&
	test_fsck repo
'

test_expect_success 'kill -9 of writers at random moments leaves a consistent repository' '
	for i in $(seq 1 30); do
		orgctl user create "k$i" --email "k$i@acme.example" >/dev/null 2>&1 &
		pid=$! &&
		sleep "0.0$((i % 10))" &&
		kill -9 $pid 2>/dev/null
		wait $pid 2>/dev/null
		true
	done &&
	test_fsck repo &&
	test_index_agrees &&
	orgctl user create survivor --email survivor@acme.example >/dev/null &&
	test_index_agrees &&
	test_fsck repo
'

test_expect_success 'kill -9 of a loop of writers and its current writer: still consistent' '
	(
		i=0
		while :; do
			i=$((i + 1))
			orgctl user create "loop$i" --email "loop$i@acme.example" >/dev/null 2>&1 &
			echo $! >current
			wait $!
		done
	) &
	loop=$! &&
	sleep 1 &&
	kill -9 $loop &&
	kill -9 $(cat current) 2>/dev/null
	wait $loop 2>/dev/null
	sleep 0.2 &&
	test_fsck repo &&
	test_index_agrees &&
	orgctl user create afterloop --email afterloop@acme.example >/dev/null &&
	test_index_agrees
'

test_expect_success 'each created user is whole: its file parses and its e-mail is indexed' '
	for n in $(users_in_tree); do
		case $n in k*|loop*) ;; *) continue ;; esac
		orgctl user list --search "$n@acme.example" -o csv | grep -q "^$n," ||
			{ echo "user $n is not searchable by e-mail"; return 1; }
	done
'

test_expect_success 'a writer gives up after --lock-timeout with exit 5, naming the holder' '
	printf "orgctl pid 4242 since 2026-01-02T03:04:05Z\n" >repo/orgctl/lock &&
	flock repo/orgctl/lock sleep 3 &
	sleep 0.3 &&
	test_unchanged --status 5 repo orgctl --lock-timeout 0.5 user create lt1 --email lt1@acme.example 2>err &&
	test_grep "pid 4242" err &&
	ORGCTL_LOCK_TIMEOUT=0 test_unchanged --status 5 repo orgctl user create lt2 --email lt2@acme.example &&
	test_must_fail --status 2 orgctl --lock-timeout soon user list &&
	wait
'

test_expect_success 'a writer that waits more than a second says so, then writes' '
	flock repo/orgctl/lock sleep 1.6 &
	sleep 0.2 &&
	orgctl user create lt3 --email lt3@acme.example >out 2>err &&
	test_grep "waiting for the repository lock" err &&
	orgctl user show lt3 >/dev/null &&
	wait
'

test_done
