#!/usr/bin/env bash
# The suppression cache brought forward (lib/outbound/suppress.c): after a change the first
# query reads only the shards that differ from the tree the cache image was built for and
# keeps their entries in an overlay beside it, instead of reading every entry again. Each
# answer (check, show, export, a load) equals the one of a cache built anew from the tree,
# through adds, removes, expiries, client ids, shard splits and rollbacks; an image written
# once the overlay grows is byte for byte the one a build makes; a damaged overlay is not
# believed (a hand-made shard overlapping another is refused on this path too: t8020).
. "$(dirname "$0")/test-lib.sh"

export ORGCTL_NOW=2026-12-01T00:00:00Z

# answers FILE NUMBER...: what check says of each number, and the export, into FILE.
answers() {
	local out=$1 n
	shift
	: >"$out"
	for n; do
		orgctl suppress check dnc "$n" >>"$out" 2>&1
		echo "status $?" >>"$out"
	done
	orgctl suppress check dnc --client-id cust-1 >>"$out" 2>&1
	echo "status $?" >>"$out"
	orgctl suppress export dnc - >>"$out" &&
		orgctl suppress show dnc | grep -v "^last_change_set" >>"$out"
}

# same_as_built NUMBER...: the answers of the cache as it is equal those of one built anew.
same_as_built() {
	answers forward.out "$@" &&
		mv repo/orgctl/cache "$SCRATCH/kept" &&
		answers built.out "$@" &&
		rm -rf repo/orgctl/cache &&
		mv "$SCRATCH/kept" repo/orgctl/cache &&
		test_cmp built.out forward.out
}

probes="+13175551212 +13175551213 +13175559999 +442071234567 +13175900009 +13175550001"

test_expect_success 'setup: a list of 3000 numbers, its cache built' '
	suppress_repo Acme -- dnc &&
	for i in $(seq 0 2999); do printf "+1212%03d%04d\n" $((200 + i % 800)) $((i * 37 % 10000)); done >base.txt &&
	orgctl suppress import dnc base.txt >/dev/null &&
	test_must_fail --status 10 orgctl suppress check dnc +12122000000 &&
	cp repo/orgctl/cache/suppress-???????????????? image.before
'

test_expect_success 'after an add, the image stays and an overlay answers for the change' '
	orgctl suppress add dnc +13175551212 --expires 2026-12-20T00:00Z >/dev/null &&
	test_must_fail --status 10 orgctl suppress check dnc +13175551212 >out &&
	test_grep "expires=2026-12-20T00:00Z" out &&
	cmp image.before repo/orgctl/cache/suppress-???????????????? &&
	test -s repo/orgctl/cache/suppress-????????????????.overlay &&
	orgctl suppress check dnc +13175551213 &&
	same_as_built $probes
'

test_expect_success 'adds, removes, expiries and client ids: each answer as a built cache gives' '
	orgctl suppress add dnc +13175551213 +442071234567 >/dev/null &&
	same_as_built $probes &&
	orgctl suppress remove dnc +13175551212 >/dev/null &&
	same_as_built $probes &&
	orgctl suppress add dnc --client-id cust-1 --expires 2026-12-10T00:00Z >/dev/null &&
	same_as_built $probes &&
	orgctl suppress add dnc +12122000000 --expires 2026-12-05T00:00Z >/dev/null &&
	same_as_built $probes +12122000000 &&
	ORGCTL_NOW=2026-12-06T00:00:00Z orgctl suppress check dnc +12122000000 &&
	orgctl suppress remove dnc --client-id cust-1 >/dev/null &&
	same_as_built $probes
'

test_expect_success 'a shard split past 1024 lines, and its rollback' '
	for i in $(seq 0 1199); do printf "+13175%d%05d\n" $((i % 10)) $i; done >split.txt &&
	orgctl suppress import dnc split.txt >out &&
	id=$(sed -n "s/^change set \([0-9]*\):.*/\1/p" out) &&
	git -C repo ls-tree --name-only main:orgs/acme/suppress/dnc/numbers/131 >shards &&
	test_grep "^131759.txt$" shards &&
	same_as_built $probes &&
	orgctl rollback "$id" >/dev/null &&
	same_as_built $probes
'

test_expect_success 'a load reads the list with its overlay' '
	orgctl campaign strategy create std --mode preview >/dev/null &&
	orgctl campaign create c --strategy std --tz America/New_York --window 09:00-20:00 \
		--days mon-fri --suppress dnc >/dev/null &&
	orgctl campaign sub create c s --start 2026-12-07 --end 2026-12-12 >/dev/null &&
	printf "id,phone\n1,+13175551213\n2,+13175551214\n3,+442071234567\n" >contacts.csv &&
	orgctl campaign load s contacts.csv --excluded ex.csv -o json >load.json &&
	test_grep "\"suppressed\": *2" load.json &&
	test_grep "+13175551213" ex.csv
'

test_expect_success 'past a sixteenth of the list, one image again: byte for byte a build' '
	for i in $(seq 0 4999); do printf "+1303%03d%04d\n" $((200 + i % 800)) $((i * 7919 % 10000)); done >more.txt &&
	orgctl suppress import dnc more.txt >/dev/null &&
	orgctl suppress check dnc +13175551213 >/dev/null; test $? = 10 &&
	! cmp -s image.before repo/orgctl/cache/suppress-???????????????? &&
	cp repo/orgctl/cache/suppress-???????????????? image.forward &&
	rm -rf repo/orgctl/cache &&
	orgctl suppress check dnc +13175551213 >/dev/null; test $? = 10 &&
	cmp image.forward repo/orgctl/cache/suppress-????????????????
'

test_expect_success 'a damaged overlay is not believed' '
	orgctl suppress add dnc +13175557777 >/dev/null &&
	orgctl suppress check dnc +13175557777 >/dev/null; test $? = 10 &&
	overlay=$(ls repo/orgctl/cache/suppress-*.overlay) &&
	printf "garbage" | dd of="$overlay" bs=1 seek=100 conv=notrunc 2>/dev/null &&
	test_must_fail --status 10 orgctl suppress check dnc +13175557777 &&
	head -c 300 /dev/urandom >"$overlay" &&
	test_must_fail --status 10 orgctl suppress check dnc +13175557777 &&
	same_as_built $probes +13175557777
'

test_expect_success 'writers and readers at once: each sees its own add, all as a build' '
	for w in 2 3 4 5; do
		(
			for i in 1 2 3 4 5 6; do
				n=+1415555${w}00$i &&
					orgctl suppress add dnc "$n" >/dev/null &&
					test_must_fail --status 10 orgctl suppress check dnc "$n" >/dev/null ||
					echo "writer $w: $n"
			done
		) >conc.$w 2>&1 &
	done &&
	wait &&
	cat conc.* >conc &&
	! test -s conc &&
	same_as_built $probes +14155552001 +14155555006
'

# same_image_as_built LIST: the one cache image there is (LIST's) equals the one a build
# makes anew.
same_image_as_built() {
	cp repo/orgctl/cache/suppress-???????????????? made.image &&
		rm -rf repo/orgctl/cache &&
		orgctl suppress check "$1" +19999999999 >/dev/null; test $? = 0 &&
		cmp made.image repo/orgctl/cache/suppress-????????????????
}

test_expect_success 'an import into an empty list leaves its cache made, as a build makes it' '
	orgctl suppress create fresh >/dev/null &&
	rm -rf repo/orgctl/cache &&
	{ echo number,expires,client && head -2000 base.txt | sed "s/\$/,,/" &&
		echo "+13175551212,2026-12-20T00:00Z," && echo ",,cust-9" &&
		echo ",2026-12-09T00:00Z,cust-10"; } >fresh.csv &&
	orgctl suppress import fresh fresh.csv --expires-column expires --client-column client >/dev/null &&
	test "$(ls repo/orgctl/cache/suppress-???????????????? | wc -l)" = 1 &&
	test "$(cut -d" " -f1 repo/orgctl/cache/suppress-*.head)" = "$(head_of repo)" &&
	test_must_fail --status 10 orgctl suppress check fresh +13175551212 >out &&
	test_grep "2026-12-20T00:00Z" out &&
	same_image_as_built fresh
'

test_expect_success 'a replacing import makes the cache; an import adding to entries does not' '
	rm -rf repo/orgctl/cache &&
	{ echo number && tail -500 base.txt; } >half.csv &&
	orgctl suppress import fresh half.csv --replace >/dev/null &&
	test "$(ls repo/orgctl/cache/suppress-???????????????? | wc -l)" = 1 &&
	same_image_as_built fresh &&
	rm -rf repo/orgctl/cache &&
	echo +13175550042 >one.txt &&
	orgctl suppress import fresh one.txt >/dev/null &&
	! ls repo/orgctl/cache/suppress-???????????????? 2>/dev/null &&
	test_must_fail --status 10 orgctl suppress check fresh +13175550042 &&
	orgctl --dry-run suppress import fresh half.csv --replace >/dev/null &&
	same_image_as_built fresh
'

test_expect_success 'git fsck' '
	test_fsck repo
'

test_done
