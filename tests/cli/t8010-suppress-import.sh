#!/usr/bin/env bash
# orgctl suppress import: CSV by column name or the only column, plain text, .gz, .zip;
# --replace as one change set; all or nothing with FILE:LINE:COLUMN, --skip-invalid; and
# the bad input of issue 16, each exit 1 with HEAD unchanged.
. "$(dirname "$0")/test-lib.sh"

export ORGCTL_NOW=2026-12-01T00:00:00Z

test_expect_success 'setup' '
	suppress_repo Acme -- dnc
'

test_expect_success 'plain text, one number a line: one change set' '
	printf "%s\n" +13175551212 +442071234567 +13175551213 +13175551212 >plain.txt &&
	orgctl suppress import dnc plain.txt >out &&
	test_grep "^change set [0-9]*: suppress import dnc (3 added, 0 removed)$" out &&
	orgctl suppress show dnc -o json >show &&
	test_grep "\"numbers\": 3" show
'

test_expect_success 'CSV: the phone column by name, expiries and client ids by theirs' '
	cat >contacts.csv <<-\EOF &&
	name,phone,until,customer
	Ann,+12025550100,2027-01-01T00:00Z,
	Bob,+12025550101,,cust-9
	Cy,,,cust-10
	EOF
	orgctl suppress import dnc contacts.csv --column phone --expires-column until \
		--client-column customer >out &&
	test_grep "(4 added, 0 removed)" out &&
	git -C repo show main:orgs/acme/suppress/dnc/numbers/120/12025.txt >actual &&
	printf "+12025550100 2027-01-01T00:00Z\n+12025550101\n" >expect &&
	test_cmp expect actual &&
	test_must_fail --status 10 orgctl suppress check dnc --client-id cust-10
'

test_expect_success 'CSV of one column: that column, whatever its name' '
	printf "tel\n+13175550200\n" >one.csv &&
	orgctl suppress import dnc one.csv >/dev/null &&
	test_must_fail --status 10 orgctl suppress check dnc +13175550200
'

test_expect_success 'national formats, normalised, one number however written' '
	printf "%s\n" "(317) 555-0400" 317.555.0400 "+1 317 555 0400" 1-317-555-0400 >formats.txt &&
	orgctl suppress import dnc formats.txt >out &&
	test_grep "(1 added, 0 removed)" out &&
	test_must_fail --status 10 orgctl suppress check dnc +13175550400
'

test_expect_success '.gz and .zip' '
	printf "+13175550300\n" | gzip >n.txt.gz &&
	orgctl suppress import dnc n.txt.gz >/dev/null &&
	test_must_fail --status 10 orgctl suppress check dnc +13175550300 &&
	printf "+13175550301\n" >inner.txt &&
	python3 -c "import zipfile; z=zipfile.ZipFile(\"n.zip\",\"w\"); z.write(\"inner.txt\"); z.close()" &&
	orgctl suppress import dnc n.zip >/dev/null &&
	test_must_fail --status 10 orgctl suppress check dnc +13175550301
'

test_expect_success 'export then import --replace of the export: nothing changes' '
	orgctl suppress export dnc all.csv >/dev/null &&
	before=$(head_of repo) &&
	orgctl suppress import dnc all.csv --replace --expires-column expires \
		--client-column client_id >out &&
	test "$(head_of repo)" = "$before"
'

test_expect_success '--replace: the list becomes the file, one change set showing what came and went' '
	printf "%s\n" +13175551212 +19995550000 >new.txt &&
	orgctl suppress import dnc new.txt --replace >out &&
	test_grep "(1 added, [0-9]* removed)" out &&
	orgctl suppress export dnc -o json >rows &&
	test $(grep -c "\"number\": \"+" rows) = 2 &&
	git -C repo show --format= main >diff &&
	test_grep "^+.19995550000" diff &&
	test_grep "^-.442071234567" diff &&
	test $(git -C repo rev-list --count main^..main) = 1
'

test_expect_success 'rollback of the replace restores the list exactly, as a change set' '
	id=$(git -C repo log -1 --format=%B main | sed -n "s/^Change-Set: //p") &&
	tree_before=$(git -C repo rev-parse main^:orgs/acme/suppress/dnc) &&
	orgctl rollback "$id" >out &&
	test "$(git -C repo rev-parse main:orgs/acme/suppress/dnc)" = "$tree_before" &&
	test_must_fail --status 10 orgctl suppress check dnc +442071234567
'

bad_case() { # DESCRIPTION FILE [OPTIONS...] -- error text
	local file=$1
	shift
	test_unchanged --status 1 repo orgctl suppress import dnc "$file" "$@" 2>err
}

test_expect_success 'all or nothing: a bad line is FILE:LINE:COLUMN and nothing changes' '
	printf "%s\n" +13175559000 +1317555abcd +13175559001 >bad.txt &&
	bad_case bad.txt &&
	test_grep "bad.txt:2:9: " err &&
	orgctl suppress check dnc +13175559000 >/dev/null
'

test_expect_success '--skip-invalid imports the rest and names the skipped lines' '
	orgctl suppress import dnc bad.txt --skip-invalid -o json >out &&
	test_grep "\"skipped\": 1" out &&
	test_grep "bad.txt:2:9:" out &&
	test_must_fail --status 10 orgctl suppress check dnc +13175559001
'

test_expect_success 'bad input: an empty file' '
	: >empty.txt && bad_case empty.txt && test_grep "empty" err
'

test_expect_success 'bad input: a header and no entry' '
	printf "number\n" >header.csv && bad_case header.csv && test_grep "no entry" err
'

test_expect_success 'bad input: a file with no phone column' '
	printf "name,email\nann,a@x.example\n" >nophone.csv &&
	bad_case nophone.csv && test_grep "no phone column" err &&
	bad_case nophone.csv --column phone && test_grep "no column \"phone\"" err
'

test_expect_success 'bad input: a CSV whose phone column is named twice' '
	printf "phone,phone\n+13175551212,+13175551213\n" >twice.csv &&
	bad_case twice.csv --column phone && test_grep "named twice" err
'

test_expect_success 'bad input: a number of 1,000 digits' '
	{ printf "+"; head -c 1000 /dev/zero | tr "\0" 7; echo; } >long.txt &&
	bad_case long.txt && test_grep "long.txt:1:" err
'

test_expect_success 'bad input: letters, too few and too many digits, a leading 0' '
	for n in +1317FLOWERS +1234567 +1234567890123456 +0317555121 +11175551212 +13171551212 "317 555 1212 x12"; do
		echo "$n" >n.txt && bad_case n.txt || return 1
	done
'

test_expect_success 'bad input: NUL bytes' '
	printf "+13175551212\n+1317\000x555\n" >nul.txt && bad_case nul.txt && test_grep "NUL" err
'

test_expect_success 'bad input: invalid UTF-8' '
	printf "name,number\n\xff\xfe,+13175551212\n" >utf.csv && bad_case utf.csv &&
	test_grep "UTF-8" err
'

test_expect_success 'bad input: a .zip holding several files, or a path with ../' '
	python3 -c "
import zipfile
z = zipfile.ZipFile(\"two.zip\", \"w\"); z.writestr(\"a.txt\", \"+13175551212\n\"); z.writestr(\"b.txt\", \"+13175551213\n\"); z.close()
z = zipfile.ZipFile(\"dots.zip\", \"w\"); z.writestr(\"../evil.txt\", \"+13175551212\n\"); z.close()
" &&
	bad_case two.zip && bad_case dots.zip
'

test_expect_success 'bad input: a gzip bomb past the limit (suppress.max_inflated_megabytes)' '
	yes +13175551212 | head -c 20000000 | gzip -9 >bomb.txt.gz &&
	test $(wc -c <bomb.txt.gz) -lt 100000 &&
	orgctl org update acme --setting suppress.max_inflated_megabytes=4 >/dev/null &&
	test_unchanged --status 1 repo orgctl suppress import dnc bomb.txt.gz 2>err &&
	test_grep "bomb.txt.gz" err &&
	orgctl org update acme --setting suppress.max_inflated_megabytes=4096 >/dev/null
'

test_expect_success 'bad input: expiries malformed or too distant, by line' '
	printf "number,until\n+13175551212,2026-12-24T10:00Z\n+13175551213,2027-12-24T10:00Z\n" >exp.csv &&
	bad_case exp.csv --expires-column until && test_grep "exp.csv:3:2: .*180 days" err &&
	printf "number,until\n+13175551212,24/12/2026\n" >exp2.csv &&
	bad_case exp2.csv --expires-column until && test_grep "exp2.csv:2:2: " err
'

test_expect_success 'bad input: a file that does not exist, a list that does not' '
	test_unchanged --status 3 repo orgctl suppress import dnc nosuch.txt &&
	test_unchanged --status 3 repo orgctl suppress import nolist plain.txt
'

test_expect_success 'a shard past 1024 lines splits by the next digit; a small change then rewrites one' '
	orgctl suppress create big >/dev/null &&
	orgctl suppress add big +13176551212 >/dev/null &&
	test "$(git -C repo ls-tree --name-only main:orgs/acme/suppress/big/numbers/131)" = 13176.txt &&
	for i in $(seq 0 1099); do printf "+13176%d%05d\n" $((i % 10)) $i; done >split.txt &&
	orgctl suppress import big split.txt >out &&
	test_grep "(1100 added, 0 removed)" out &&
	git -C repo ls-tree --name-only main:orgs/acme/suppress/big/numbers/131 >shards &&
	test "$(cat shards | tr "\n" " ")" = "131760.txt 131761.txt 131762.txt 131763.txt 131764.txt 131765.txt 131766.txt 131767.txt 131768.txt 131769.txt " &&
	test_must_fail --status 10 orgctl suppress check big +13176551212 +13176900009 &&
	: a new number of a split prefix goes beside its siblings, one line in one shard &&
	orgctl suppress add big +13176300000 +13176000001 >/dev/null &&
	git -C repo show --numstat --format= main >numstat &&
	test "$(wc -l <numstat)" = 2 &&
	test_grep "^1	0	.*/131763.txt$" numstat &&
	test_grep "^1	0	.*/131760.txt$" numstat &&
	test_must_fail --status 10 orgctl suppress check big +13176300000 &&
	orgctl suppress remove big +13176551212 >/dev/null &&
	orgctl suppress check big +13176551212 &&
	orgctl suppress export big all.csv >/dev/null &&
	test "$(wc -l <all.csv)" = 1103 &&
	: --replace empties the shards the file does not name, split or not &&
	printf "+13176000001\n" >one.txt &&
	orgctl suppress import big one.txt --replace >/dev/null &&
	test "$(git -C repo ls-tree -r --name-only main:orgs/acme/suppress/big | tr "\n" " ")" = "list.json numbers/131/131760.txt "
'

test_expect_success '--default-country defaults to the setting suppress.default_country (org, enterprise, US)' '
	orgctl suppress create regions >/dev/null &&
	printf "%s\n" "020 7123 4567" >gb.txt &&
	test_unchanged --status 1 repo orgctl suppress import regions gb.txt 2>err &&
	test_grep "NANP" err &&
	orgctl org update enterprise --setting suppress.default_country=GB >/dev/null &&
	orgctl suppress import regions gb.txt >/dev/null &&
	test_must_fail --status 10 orgctl suppress check regions +442071234567 &&
	test_must_fail --status 10 orgctl suppress check regions "020 7123 4567" &&
	: the org s own value wins, and the option over both &&
	orgctl org update acme --setting suppress.default_country=FR >/dev/null &&
	orgctl suppress add regions "01 23 45 67 89" >/dev/null &&
	test_must_fail --status 10 orgctl suppress check regions +33123456789 &&
	orgctl suppress add regions "(317) 555-1234" --default-country US >/dev/null &&
	test_must_fail --status 10 orgctl suppress check regions +13175551234 &&
	test_unchanged --status 1 repo orgctl org update enterprise --setting suppress.default_country=XX 2>err &&
	test_grep "ISO 3166 region" err
'

test_expect_success 'orgctl check and git fsck' '
	orgctl check && test_fsck repo
'

test_done
