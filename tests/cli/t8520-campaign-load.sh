#!/usr/bin/env bash
# orgctl campaign load: a contact list (CSV, .gz, .zip) sorted into dialable numbers (E.164,
# region, time zone, UTC windows in the sub-campaign's dates) and excluded ones with the
# reason; counts as a table and -o json; the load recorded on the sub-campaign (input
# SHA-256, counts, the commit of the rules applied); every bad input exit 1, HEAD unchanged,
# no output file left.
. "$(dirname "$0")/test-lib.sh"

nanpa=$TEST_SOURCE_DIR/tests/data/nanpa/npa_report.csv

test_expect_success 'setup: rules with area codes, a campaign, a sub-campaign' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo ORGCTL_ORG=acme ORGCTL_NOW=2026-12-01T12:00:00Z &&
	orgctl org create Acme >/dev/null &&
	orgctl campaign compliance set --area-codes "$nanpa" --skip-invalid --window 08:00-21:00 \
		--days mon-sat --region CA=09:00-20:00 --no-contact-date 2026-12-09 >/dev/null 2>&1 &&
	orgctl campaign strategy create std --mode preview --max-attempts 3 >/dev/null &&
	orgctl campaign create renew --strategy std --tz America/New_York --window 08:00-21:00 \
		--days mon-fri >/dev/null &&
	orgctl campaign sub create renew dec --start 2026-12-07 --end 2026-12-11 >/dev/null &&
	cat >contacts.csv <<-\EOF
	id,name,phone,mobile_phone,attempts
	1,Ann,(212) 555-0100,+1 310 555 0101,0
	2,Bob,212-555-0100,,1
	3,Cid,not a number,,0
	4,Dee,+1 415 555 0102,,5
	5,Eve,,,0
	EOF
'

test_expect_success 'load: counts per reason as a table, one change set on the sub-campaign' '
	sha=$(sha256sum contacts.csv | cut -d" " -f1) &&
	before=$(head_of repo) &&
	orgctl campaign load dec contacts.csv --dialable dial.csv --excluded excl.csv >out &&
	cat >expect <<-\EOF &&
	REASON               NUMBERS
	dialable             2
	invalid-number       2
	duplicate            1
	suppressed           0
	no-calling-time      0
	attempts-exhausted   1
	numbers              6 (of 5 contacts)
	EOF
	sed 1d out >actual && test_cmp expect actual &&
	test_grep "^change set [0-9]*: campaign load dec$" out &&
	test "$(git -C repo rev-parse main^)" = "$before" &&
	git -C repo log -1 --format=%B main >msg &&
	test_grep "^Load-Input-SHA256: $sha$" msg &&
	test_grep "^Load-Rules-Commit: $before$" msg &&
	git -C repo show main:orgs/acme/subcampaigns/dec.json >sub &&
	test_grep "\"input_sha256\": \"$sha\"" sub &&
	test_grep "\"rules_commit\": \"$before\"" sub &&
	test_grep "\"dialable\": 2" sub &&
	test "$(sha256sum contacts.csv | cut -d" " -f1)" = "$sha" &&
	git -C repo show --stat --format= main >stat &&
	test_grep "orgs/acme/subcampaigns/dec.json" stat &&
	test "$(wc -l <stat)" -eq 2
'

test_expect_success 'the dialable file: input columns, E.164, region, zone, UTC windows' '
	cat >expect <<-\EOF &&
	id,name,phone,mobile_phone,attempts,e164,region,tz,windows
	1,Ann,(212) 555-0100,'"'"'+1 310 555 0101,0,'"'"'+12125550100,NY,America/New_York,2026-12-07T13:00:00Z/2026-12-08T02:00:00Z 2026-12-08T13:00:00Z/2026-12-09T02:00:00Z 2026-12-10T13:00:00Z/2026-12-11T00:00:00Z
	1,Ann,(212) 555-0100,'"'"'+1 310 555 0101,0,'"'"'+13105550101,CA,America/Los_Angeles,2026-12-07T17:00:00Z/2026-12-08T02:00:00Z 2026-12-08T17:00:00Z/2026-12-09T02:00:00Z 2026-12-10T17:00:00Z/2026-12-11T00:00:00Z
	EOF
	test_cmp expect dial.csv
'

test_expect_success 'the excluded file: input columns, the number and the reason' '
	cat >expect <<-\EOF &&
	id,name,phone,mobile_phone,attempts,phone_column,number,reason,detail
	2,Bob,212-555-0100,,1,phone,'"'"'+12125550100,duplicate,the same number as line 2
	3,Cid,not a number,,0,phone,not a number,invalid-number,letters are not a number
	4,Dee,'"'"'+1 415 555 0102,,5,phone,'"'"'+14155550102,attempts-exhausted,"5 attempts, at most 3"
	5,Eve,,,0,,,invalid-number,no phone number
	EOF
	test_cmp expect excl.csv
'

test_expect_success '-o json: the counts, the hash and the rules commit' '
	orgctl campaign load dec contacts.csv -o json >out &&
	test_grep "\"dialable\": 2" out &&
	test_grep "\"duplicate\": 1" out &&
	test_grep "\"input_sha256\": \"$(sha256sum contacts.csv | cut -d" " -f1)\"" out &&
	test_grep "\"contacts\": 5" out
'

test_expect_success 'no allowed calling time: a sub-campaign on a Sunday and a no-contact date' '
	orgctl campaign sub create renew weekend --start 2026-12-13T05:00:00Z --end 2026-12-14T04:00:00Z >/dev/null &&
	orgctl campaign load weekend contacts.csv -o json >out &&
	test_grep "\"no-calling-time\": 2" out &&
	test_grep "\"dialable\": 0" out
'

test_expect_success '--phone-column picks the columns; .gz and .zip are read' '
	orgctl campaign load dec contacts.csv --phone-column mobile_phone -o json >out &&
	test_grep "\"numbers\": 5" out &&
	test_grep "\"dialable\": 1" out &&
	gzip -c contacts.csv >contacts.csv.gz &&
	orgctl campaign load dec contacts.csv.gz -o json >out &&
	test_grep "\"dialable\": 2" out &&
	test_grep "\"input_sha256\": \"$(sha256sum contacts.csv.gz | cut -d" " -f1)\"" out &&
	rm -f c.zip && (cp contacts.csv in.csv && zip -q c.zip in.csv) &&
	orgctl campaign load dec c.zip -o json >out &&
	test_grep "\"dialable\": 2" out
'

# bad_load NAME STATUS PATTERN: the load of NAME (into the sub-campaign $sub, else dec) fails
# with STATUS naming PATTERN, HEAD unchanged and no output file left.
bad_load() {
	rm -f d.out x.out &&
	test_unchanged --status "$2" repo orgctl campaign load "${sub:-dec}" "$1" --dialable d.out --excluded x.out 2>err &&
	test_grep "$3" err &&
	test ! -e d.out && test ! -e x.out
}

test_expect_success 'bad contact lists: exit 1 naming the place, nothing changed or left' '
	printf "id,name\n1,Ann\n" >nophone.csv &&
	bad_load nophone.csv 1 "nophone.csv:1: no phone column" &&
	printf "id,phone,phone\n1,212 555 0100,\n" >twice.csv &&
	bad_load twice.csv 1 "twice.csv:1:3: column \"phone\" is named twice (columns 2 and 3)" &&
	printf "id,phone\n1,212 555 0100\n2,212 555 0101,x\n" >ragged.csv &&
	bad_load ragged.csv 1 "ragged.csv:3: 3 fields, the header has 2" &&
	printf "id,phone\n1,212 555\0000100\n" >nul.csv &&
	bad_load nul.csv 1 "nul.csv:2:2: " &&
	printf "id,phone\n1,212 555 0100 \377\n" >utf8.csv &&
	bad_load utf8.csv 1 "utf8.csv:2:2: " &&
	{ printf "id,phone,note\n1,212 555 0100,"; head -c 1048576 /dev/zero | tr "\0" a; printf "\n"; } >big.csv &&
	bad_load big.csv 1 "big.csv:2:3: a cell of 1048576 bytes (at most 65536)" &&
	printf "id,phone\n1,\"212\n" >quote.csv &&
	bad_load quote.csv 1 "quote.csv:2:2: " &&
	: >empty.csv &&
	bad_load empty.csv 1 "empty.csv" &&
	bad_load missing.csv 3 "missing.csv" &&
	printf "id,phone,attempts\n1,212 555 0100,many\n" >att.csv &&
	bad_load att.csv 1 "att.csv:2:3: attempts \"many\" is not a whole number"
'

test_expect_success 'bad options: a phone column given twice, or not in the header' '
	test_unchanged --status 1 repo orgctl campaign load dec contacts.csv --phone-column phone --phone-column phone 2>err &&
	test_grep "\-\-phone-column \"phone\" is given twice" err &&
	test_unchanged --status 1 repo orgctl campaign load dec contacts.csv --phone-column fax 2>err &&
	test_grep "contacts.csv:1: no column \"fax\" in the header" err &&
	test_unchanged --status 1 repo orgctl campaign load dec contacts.csv --id-column client 2>err &&
	test_unchanged --status 3 repo orgctl campaign load nope contacts.csv &&
	test_unchanged --status 2 repo orgctl campaign load dec &&
	test_unchanged --status 2 repo orgctl campaign load dec contacts.csv --bogus
'

test_expect_success 'an existing output file is kept when the load cannot start' '
	echo keep >keep.csv &&
	test_must_fail --status 3 orgctl campaign load nope contacts.csv --dialable keep.csv &&
	test "$(cat keep.csv)" = keep
'

test_expect_success 'permissions: outbound:campaign:edit and outbound:contactList:view' '
	orgctl role create Camp --permission "outbound:campaign:*" >/dev/null &&
	orgctl user create cam --email cam@acme.example --role Camp >/dev/null &&
	test_unchanged --status 4 repo orgctl --as cam@acme campaign load dec contacts.csv 2>err &&
	test_grep "lacks \"outbound:contactList:view\"" err &&
	orgctl role grant Camp outbound:contactList:view >/dev/null &&
	orgctl --as cam@acme campaign load dec contacts.csv --phone-column mobile_phone >/dev/null
'

test_expect_success 'an invalid campaign is not loaded' '
	orgctl campaign strategy rm std --force >/dev/null &&
	test_unchanged --status 1 repo orgctl campaign load dec contacts.csv 2>err &&
	test_grep "campaign \"renew\" is invalid" err
'

test_expect_success 'suppression: the campaign'"'"'s lists and the required enterprise lists scrub numbers and client ids' '
	orgctl suppress create dnc >/dev/null &&
	orgctl suppress add dnc "(212) 555-0100" >/dev/null &&
	orgctl suppress create national --enterprise --required >/dev/null &&
	orgctl suppress add national --enterprise "+1 415 555 0199" --expires 2026-12-20T00:00Z >/dev/null &&
	orgctl suppress create households >/dev/null &&
	orgctl suppress add households --client-id 7 >/dev/null &&
	orgctl campaign strategy create std2 --mode preview >/dev/null &&
	orgctl campaign create scrubbed --strategy std2 --tz America/New_York --window 08:00-21:00 \
		--days mon-fri --suppress dnc --suppress households >/dev/null &&
	orgctl campaign sub create scrubbed dec2 --start 2026-12-07 --end 2026-12-11 >/dev/null &&
	cat >scrub.csv <<-\EOF &&
	id,phone
	5,212 555 0100
	6,+1 415 555 0199
	7,+1 310 555 0177
	8,+1 310 555 0178
	EOF
	orgctl campaign load dec2 scrub.csv --id-column id --excluded ex.csv -o json >out &&
	test "$(jq .result.dialable out)" = 1 &&
	test "$(jq .result.excluded.suppressed out)" = 3 &&
	test_grep "212555" ex.csv && test_grep "dnc" ex.csv &&
	test_grep "national" ex.csv && test_grep "households" ex.csv &&
	ORGCTL_NOW=2026-12-21T00:00:00Z orgctl campaign sub create scrubbed jan --start 2026-12-21 \
		--end 2026-12-23 >/dev/null &&
	ORGCTL_NOW=2026-12-21T00:00:00Z orgctl campaign load jan scrub.csv --id-column id -o json >out &&
	test "$(jq .result.excluded.suppressed out)" = 2
'

# big_contacts COUNT [NOTE]: COUNT contacts (over 4 MB: a plain file is read in two halves
# at once), a tenth repeating a number (those of the second half one of the first half), a
# few not numbers; with NOTE, a
# contact whose quoted note of 400 lines spans the middle, where the second half would start.
big_contacts() {
	awk -v n="$1" -v note="${2:-}" '
	function phone(i) { return sprintf("(%03d) %03d-%04d", 201 + i % 700, (i * 7919) % 800 + 200, (i * 104729) % 8000 + 1000) }
	function row(i, extra) {
		p = i % 10 ? phone(i) : i > n / 2 ? phone(i - n / 2 + 1) : phone(i - 1)
		if (i % 997 == 0) p = "n/a"
		x = (i * 7919) % 800 + 200
		head = sprintf("%d,Contact %d,%s,+1 %03d %03d %04d,", i, i, p, 201 + (i * 31) % 700, x, (i * 13) % 10000)
		printf "%s%s\n", head, extra; bytes += length(head) + length(extra) + 1
	}
	BEGIN {
		printf "id,name,phone,mobile_phone,note\n"
		for (i = 1; i <= n; i++) {
			if (note && !placed && bytes > 2500000) {
				text = "\"a note"; for (k = 0; k < 400; k++) text = text "\n" sprintf("%099d", k)
				start = bytes; row(i, text "\""); placed = 1; n = i + int((start + 20000) / 50)
				continue
			}
			if (placed && bytes >= 2 * (start + 20000)) break
			row(i, "x")
		}
	}'
}

test_expect_success 'a large file read in two halves gives what its .gz (read in one piece) gives' '
	big_contacts 120000 >big.csv &&
	test "$(wc -c <big.csv)" -gt 4194304 &&
	gzip -c big.csv >big.csv.gz &&
	orgctl suppress add households --client-id 60007 >/dev/null &&
	orgctl campaign load dec2 big.csv --id-column id --dialable d1.csv --excluded x1.csv -o json >j1 &&
	orgctl campaign load dec2 big.csv.gz --id-column id --dialable d2.csv --excluded x2.csv -o json >j2 &&
	test_cmp d1.csv d2.csv && test_cmp x1.csv x2.csv &&
	jq ".result | del(.input_sha256, .rules_commit)" j1 >c1 &&
	jq ".result | del(.input_sha256, .rules_commit)" j2 >c2 &&
	test_cmp c1 c2 &&
	test "$(jq .result.input_sha256 j1)" = "\"$(sha256sum big.csv | cut -d" " -f1)\"" &&
	test "$(jq .result.excluded.duplicate j1)" -gt 10000 &&
	test "$(jq .result.contacts j1)" = 120000 &&
	orgctl campaign load dec2 big.csv -o json >j3 &&
	orgctl campaign load dec2 big.csv.gz -o json >j4 &&
	jq ".result | del(.input_sha256, .rules_commit)" j3 >c3 &&
	jq ".result | del(.input_sha256, .rules_commit)" j4 >c4 &&
	test_cmp c3 c4 && test "$(jq .result.contacts j3)" = 120000 &&
	test_grep "^60010,.*the same number as line 12$" x1.csv &&
	test_grep "^7,.*suppressed by list households (client id)$" x1.csv &&
	test_grep "^60007,.*suppressed by list households (client id)$" x1.csv &&
	test_grep "^50,.*the same number as line 50$" x1.csv
'

test_expect_success 'a quoted cell over the middle of a large file: read right, lines counted' '
	big_contacts 200000 note >note.csv &&
	gzip -c note.csv >note.csv.gz &&
	orgctl campaign load dec2 note.csv --dialable d1.csv --excluded x1.csv -o json >j1 &&
	orgctl campaign load dec2 note.csv.gz --dialable d2.csv --excluded x2.csv -o json >j2 &&
	test_cmp d1.csv d2.csv && test_cmp x1.csv x2.csv &&
	test "$(jq .result.contacts j1)" = "$(jq .result.contacts j2)" &&
	test "$(grep -c "^[0-9]*,Contact" d1.csv)" -gt 100000
'

test_expect_success 'an error in the second half of a large file names its line' '
	big_contacts 120000 >bad.csv &&
	echo "120001,Ragged" >>bad.csv &&
	sub=dec2 bad_load bad.csv 1 "bad.csv:$(wc -l <bad.csv): 2 fields, the header has 5" &&
	big_contacts 200000 note >bad.csv &&
	echo "999999,Ragged" >>bad.csv &&
	sub=dec2 bad_load bad.csv 1 "bad.csv:$(wc -l <bad.csv): 2 fields, the header has 5"
'

test_expect_success 'numbers too far apart to pack with their places are judged the same' '
	awk "BEGIN { print \"id,phone,mobile_phone\"
		for (i = 1; i <= 20000; i++)
			printf \"%d,(%03d) 555-%04d,+1 415 %03d %04d\\n\", i, 201 + i % 700, i % 2000, 200 + i % 700, i % 9000 }" >near.csv &&
	{ cat near.csv && echo "20001,+49 1234 5678 90123,"; } >far.csv &&
	orgctl campaign load dec2 near.csv --dialable dn.csv --excluded xn.csv -o json >jn &&
	orgctl campaign load dec2 far.csv --dialable df.csv --excluded xf.csv -o json >jf &&
	test "$(jq .result.dialable jf)" = "$(($(jq .result.dialable jn) + 1))" &&
	test "$(jq .result.excluded.duplicate jn)" -gt 1000 &&
	grep -v "^20001," df.csv >df-near.csv && test_cmp dn.csv df-near.csv && test_cmp xn.csv xf.csv
'

test_done
