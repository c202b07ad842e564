#!/usr/bin/env bash
# orgctl suppress: what the repository and the cache can be made to say. A hand-made commit
# with a broken shard is caught by the index (orgctl check) and no query believes it; the
# derived cache is rebuilt when deleted, stale or damaged; rollback restores a list
# exactly and is authorized like the edit it undoes; --dry-run writes nothing.
. "$(dirname "$0")/test-lib.sh"

export ORGCTL_NOW=2026-12-01T00:00:00Z

test_expect_success 'setup' '
	suppress_repo Acme -- dnc &&
	orgctl suppress add dnc +13175551212 +13175551213 >/dev/null
'

test_expect_success 'the cache is a derived file: deleted, it is built again' '
	test_must_fail --status 10 orgctl suppress check dnc +13175551212 &&
	ls repo/orgctl/cache/suppress-* >/dev/null &&
	rm -rf repo/orgctl/cache &&
	test_must_fail --status 10 orgctl suppress check dnc +13175551212
'

test_expect_success 'a damaged cache is not believed: built again' '
	cache=$(ls repo/orgctl/cache/suppress-* | head -1) &&
	test -n "$cache" &&
	printf "garbage" | dd of="$cache" bs=1 seek=70 conv=notrunc 2>/dev/null &&
	test_must_fail --status 10 orgctl suppress check dnc +13175551212 &&
	: >"$cache" &&
	test_must_fail --status 10 orgctl suppress check dnc +13175551213 &&
	head -c 100 /dev/urandom >"$cache" &&
	orgctl suppress check dnc +13175550000
'

test_expect_success 'a stale cache is not believed: a commit made by hand is seen' '
	commit_file orgs/acme/suppress/dnc/numbers/131/13175.txt "$(printf "+13175551212\n+13175559999\n")
" &&
	test_must_fail --status 10 orgctl suppress check dnc +13175559999 &&
	orgctl suppress check dnc +13175551213
'

test_expect_success 'check reads the tree from a stamp (no libgit2); a stale stamp is caught' '
	stamp=$(ls repo/orgctl/cache/suppress-*.head) &&
	test "$(cut -c1-40 "$stamp")" = "$(head_of repo)" &&
	commit_file orgs/acme/suppress/dnc/numbers/131/13175.txt "$(printf "+13175551212\n+13175558888\n")
" &&
	test_must_fail --status 10 orgctl suppress check dnc +13175558888 &&
	orgctl suppress check dnc +13175559999 &&
	test "$(cut -c1-40 "$stamp")" = "$(head_of repo)" &&
	: a stamp lying about the tree of HEAD is not believed past the cache it names &&
	printf "%s %040d\n" "$(head_of repo)" 0 >"$stamp" &&
	test_must_fail --status 10 orgctl suppress check dnc +13175558888 &&
	: the branch only in packed-refs, then a commit by hand there &&
	git -C repo pack-refs --all --prune &&
	! test -e repo/refs/heads/main &&
	test_must_fail --status 10 orgctl suppress check dnc +13175558888 &&
	commit_file orgs/acme/suppress/dnc/numbers/131/13175.txt "$(printf "+13175551212\n+13175559999\n")
" &&
	git -C repo pack-refs --all --prune &&
	test_must_fail --status 10 orgctl suppress check dnc +13175559999 &&
	orgctl suppress check dnc +13175558888
'

test_expect_success 'a hand-made broken shard: orgctl check names it, queries refuse the list' '
	good=$(head_of repo) &&
	commit_file orgs/acme/suppress/dnc/numbers/131/13175.txt "$(printf "+13175559999\n+13175551212\n")
" &&
	test_must_fail orgctl check >out 2>&1 &&
	test_grep "13175.txt" out &&
	test_grep "out of order" out &&
	test_must_fail --status 1 orgctl suppress check dnc +13175551212 2>err &&
	test_grep "cannot be read" err &&
	test_unchanged --status 1 repo orgctl suppress add dnc +13175551200 &&
	git -C repo update-ref refs/heads/main "$good" &&
	test_must_fail --status 10 orgctl suppress check dnc +13175551212
'

test_expect_success 'a number in the wrong shard, a non-number, a shard in no place: caught' '
	good=$(head_of repo) &&
	commit_file orgs/acme/suppress/dnc/numbers/131/13176.txt "$(printf "+13175551212\n")
" &&
	test_must_fail orgctl check >out 2>&1 && test_grep "another shard" out &&
	git -C repo update-ref refs/heads/main "$good" &&
	commit_file orgs/acme/suppress/dnc/numbers/131/13176.txt "$(printf "+1317abc\n")
" &&
	test_must_fail orgctl check >out 2>&1 && test_grep "not a number" out &&
	git -C repo update-ref refs/heads/main "$good" &&
	commit_file orgs/acme/suppress/dnc/evil.txt "x
" &&
	test_must_fail orgctl check >out 2>&1 && test_grep "no shard" out &&
	git -C repo update-ref refs/heads/main "$good" &&
	orgctl check
'

test_expect_success 'orphan shards: of a list that is not there, or left when list.json went' '
	good=$(head_of repo) &&
	commit_file orgs/acme/suppress/ghost/numbers/131/13175.txt "$(printf "+13175551212\n")
" &&
	test_must_fail orgctl check >out 2>&1 &&
	test_grep "orgs/acme/suppress/ghost/numbers/131/13175.txt: a file of no object: there is no orgs/acme/suppress/ghost/list.json" out &&
	git -C repo update-ref refs/heads/main "$good" &&
	rm -f idx &&
	GIT_INDEX_FILE=$SCRATCH/idx git -C repo read-tree main &&
	mkdir -p wt &&
	GIT_INDEX_FILE=$SCRATCH/idx git -C repo --work-tree="$SCRATCH/wt" update-index --force-remove orgs/acme/suppress/dnc/list.json &&
	tree=$(GIT_INDEX_FILE=$SCRATCH/idx git -C repo write-tree) &&
	git -C repo update-ref refs/heads/main "$(git -C repo commit-tree "$tree" -p main -m "by hand")" &&
	test_must_fail orgctl check >out 2>&1 &&
	test_grep "dnc/numbers/131/13175.txt: a file of no object" out &&
	git -C repo update-ref refs/heads/main "$good" &&
	orgctl check
'

test_expect_success 'shards whose prefixes overlap (a hand-made commit): queries refuse the list' '
	good=$(head_of repo) &&
	commit_file orgs/acme/suppress/dnc/numbers/131/131755.txt "$(printf "+13175551299\n")
" &&
	test_must_fail --status 1 orgctl suppress check dnc +13175551212 2>err &&
	test_grep "cannot be read: numbers/131/131755.txt: its numbers are those of the shard numbers/131/13175.txt" err &&
	git -C repo update-ref refs/heads/main "$good" &&
	test_must_fail --status 10 orgctl suppress check dnc +13175551212
'

test_expect_success 'a split list: rollback of an import restores the list exactly' '
	tree=$(git -C repo rev-parse main:orgs/acme/suppress/dnc) &&
	for i in $(seq 0 1199); do printf "+13175%d%05d\n" $((i % 10)) $i; done >split.txt &&
	orgctl suppress import dnc split.txt >out &&
	id=$(sed -n "s/^change set \([0-9]*\):.*/\1/p" out) &&
	git -C repo ls-tree --name-only main:orgs/acme/suppress/dnc/numbers/131 >shards &&
	test_grep "^131759.txt$" shards && ! test_grep "^13175.txt$" shards &&
	orgctl check &&
	orgctl rollback "$id" >/dev/null &&
	test "$(git -C repo rev-parse main:orgs/acme/suppress/dnc)" = "$tree" &&
	test_must_fail --status 10 orgctl suppress check dnc +13175551212 &&
	orgctl suppress check dnc +13175900009
'

test_expect_success 'rollback of an add restores the list exactly, as a change set' '
	tree=$(git -C repo rev-parse main:orgs/acme/suppress/dnc) &&
	orgctl suppress add dnc +13175550000 +442071234567 >out &&
	id=$(sed -n "s/^change set \([0-9]*\):.*/\1/p" out) &&
	orgctl rollback "$id" >/dev/null &&
	test "$(git -C repo rev-parse main:orgs/acme/suppress/dnc)" = "$tree" &&
	orgctl suppress check dnc +442071234567
'

test_expect_success 'rollback of an edit needs the edit permission on the list' '
	orgctl user create viewer --email viewer@acme.example >/dev/null &&
	orgctl role create rollbacker --permission audits:changeSet:view \
		--permission audits:changeSet:rollback --permission outbound:dncList:view >/dev/null &&
	orgctl user role add viewer rollbacker >/dev/null &&
	orgctl suppress add dnc +13175550001 >out &&
	id=$(sed -n "s/^change set \([0-9]*\):.*/\1/p" out) &&
	test_unchanged --status 4 repo orgctl --as viewer@acme rollback "$id"
'

test_expect_success '--dry-run writes nothing' '
	before=$(head_of repo) &&
	orgctl --dry-run suppress add dnc +13175550002 >/dev/null &&
	test "$(head_of repo)" = "$before" &&
	orgctl suppress check dnc +13175550002
'

test_expect_success 'git fsck' '
	test_fsck repo
'

test_done
