#!/usr/bin/env bash
# orgctl campaign stats: the dashboard's figures from call result records. Every figure of
# a small file against hand-computed values (tests/data/campaign-stats/expected.json, see
# its SOURCE.txt), the table, CSV and the HTML page, the filters, compressed input, the
# permission with a repository, the awk baseline of bench/ finding the same figures, and
# each kind of bad input as one FILE:LINE:COLUMN line with exit status 1.
. "$(dirname "$0")/test-lib.sh"

data=$TEST_SOURCE_DIR/tests/data/campaign-stats
export ORGCTL_NOW=2026-03-02T12:00:00Z

test_expect_success 'setup: the records, where a user has them' '
	cp "$data/records.csv" records.csv &&
	header=$(head -n 1 records.csv) &&
	test "$header" = "time,campaign,sub-campaign,number,result,duration,agent"
'

test_expect_success 'every figure of every scope is the hand-computed one (-o json)' '
	orgctl campaign stats records.csv -o json >out.json &&
	test_json_canonical out.json &&
	jq -S . "$data/expected.json" >expect &&
	jq -S . out.json >actual &&
	test_cmp expect actual
'

test_expect_success 'avg_length rounds half up: Spring connected 181 s in 2 calls is 91' '
	test "$(jq ".campaigns[0].avg_length" out.json)" = 91 &&
	test "$(jq ".total.avg_length" out.json)" = 127
'

test_expect_success 'the table shows the rows and the dashboard line' '
	orgctl campaign stats records.csv >table &&
	test_grep "^LEVEL  *CAMPAIGN  *SUB_CAMPAIGN  *START  *END  *RECORDS  *SUCCESS  *FAILURE  *IN_PROGRESS$" table &&
	test_grep "^total  *2026-03-02T09:05:00Z  *2026-03-02T12:03:20Z  *13  *3  *7  *3$" table &&
	test_grep "^sub-campaign  *Spring  *Day 2  *2026-03-02T09:40:00Z  *2026-03-02T11:05:30Z  *3  *1  *1  *1$" table &&
	test_grep "DC_SUCCESS  *DC_FAIL  *HOLD  *CONNECT  *BUSY_AGENTS  *MAX_PER_HOUR  *CURRENT_HOURLY_RATE  *AVG_LENGTH$" table &&
	test_grep "^campaign  *Summer  *1  *1  *5  *200  *2  *5  *6  *200$" table &&
	test_grep "^Total Current Hourly Rate: 7 | Total Calls in Progress: 3$" table
'

test_expect_success '-o csv: a header and a row per scope, through the one CSV writer' '
	orgctl campaign stats records.csv -o csv >out.csv &&
	head -n 1 out.csv >header &&
	echo "level,campaign,sub_campaign,start,end,records,success,failure,in_progress,dc_success,dc_fail,hold,connect,busy_agents,max_per_hour,current_hourly_rate,avg_length,results,total_calls_in_progress,total_current_hourly_rate" >expect &&
	test_cmp expect header &&
	test "$(wc -l <out.csv)" = 7 &&
	test_grep "^total,,,2026-03-02T09:05:00Z,2026-03-02T12:03:20Z,13,3,7,3,2,2,20,381,2,6,7,127,connected=3;busy=1;no-answer=1;answering-machine=1;fax=1;dropped=2;invalid-number=1;in-progress=3,3,7$" out.csv &&
	test_grep "^sub-campaign,Spring,Day 1,2026-03-02T09:05:00Z,2026-03-02T09:20:15Z,3,1,2,0,1,1,15,120,0,3,0,120," out.csv
'

test_expect_success 'a name a spreadsheet would run is guarded in -o csv' '
	printf "%s\n" "time,campaign,sub-campaign,number,result,duration,agent" \
		"2026-03-02T11:00:00Z,\"=HYPERLINK(\"\"x\"\")\",Day 1,+1,busy,0," >formula.csv &&
	orgctl campaign stats formula.csv -o csv >out &&
	test_grep "^campaign,\"'"'"'=HYPERLINK(\"\"x\"\")\",," out
'

test_expect_success 'columns in any order, other columns passed over' '
	awk -F, -v OFS=, "{ print \$7, \$5, \$6, \"extra\" NR, \$4, \$3, \$2, \$1 }" records.csv >shuffled.csv &&
	orgctl campaign stats shuffled.csv -o json | jq -S "del(.file)" >actual &&
	jq -S "del(.file)" "$data/expected.json" >expect &&
	test_cmp expect actual
'

test_expect_success '.gz and .zip give the same figures' '
	gzip -c records.csv >records.csv.gz &&
	orgctl campaign stats records.csv.gz -o json | jq -S "del(.file)" >gz &&
	python3 -c "import zipfile; zipfile.ZipFile(\"records.zip\", \"w\", zipfile.ZIP_DEFLATED).write(\"records.csv\")" &&
	orgctl campaign stats records.zip -o json | jq -S "del(.file)" >zip &&
	test_cmp expect gz &&
	test_cmp expect zip
'

test_expect_success '--campaign: one campaign, its total alone' '
	orgctl campaign stats --campaign Summer records.csv -o json >summer.json &&
	test "$(jq -c "[.campaigns[].campaign]" summer.json)" = "[\"Summer\"]" &&
	jq -S ".campaigns[0] | del(.campaign, .sub_campaigns)" summer.json >campaign &&
	jq -S ".total | del(.total_current_hourly_rate, .total_calls_in_progress)" summer.json >total &&
	test_cmp campaign total &&
	test "$(jq .total.total_calls_in_progress summer.json)" = 2
'

test_expect_success '--campaign that no record names: not found, exit 3' '
	test_must_fail --status 3 orgctl campaign stats --campaign Autumn records.csv 2>err &&
	test_grep "records.csv: no record of campaign \"Autumn\"" err
'

test_expect_success '--from and --to: calls placed at or after FROM and before TO' '
	orgctl campaign stats --from 2026-03-02T10:00:00Z --to 2026-03-02T11:55:00Z records.csv \
		-o json >window.json &&
	test "$(jq .total.records window.json)" = 6 &&
	test "$(jq -r .from window.json),$(jq -r .to window.json)" = "2026-03-02T10:00:00Z,2026-03-02T11:55:00Z" &&
	test "$(jq .total.max_per_hour window.json)" = 4 &&
	test "$(jq .total.current_hourly_rate window.json)" = 4 &&
	test "$(jq .total.in_progress window.json)" = 1 &&
	test "$(jq -c "[.hours[].calls]" window.json)" = "[2,4]" &&
	test "$(jq ".campaigns[0].sub_campaigns[0].records" window.json)" = 0 &&
	test "$(jq -r ".campaigns[0].sub_campaigns[0].start" window.json)" = null
'

test_expect_success '--from alone, a date alone is its midnight' '
	orgctl campaign stats --from 2026-03-03 records.csv -o json >none.json &&
	test "$(jq .total.records none.json)" = 0 &&
	test "$(jq .total.max_per_hour none.json)" = 0 &&
	test "$(jq .total.avg_length none.json)" = 0 &&
	test "$(jq -c .hours none.json)" = "[]"
'

test_expect_success 'bad --from, --to: usage errors, exit 2' '
	test_must_fail --status 2 orgctl campaign stats --from yesterday records.csv 2>err &&
	test_grep "\"yesterday\" is not an ISO 8601 UTC time" err &&
	test_must_fail --status 2 orgctl campaign stats --from 2026-03-02T12:00:00Z \
		--to 2026-03-02T11:00:00Z records.csv 2>err &&
	test_grep "is not before --to" err
'

test_expect_success 'current figures follow the clock, ORGCTL_NOW' '
	ORGCTL_NOW=2026-03-02T10:30:00Z orgctl campaign stats records.csv -o json >early.json &&
	test "$(jq .total.current_hourly_rate early.json)" = 2 &&
	test "$(jq -r .now early.json)" = 2026-03-02T10:30:00Z &&
	test_must_fail --status 1 env ORGCTL_NOW=soon orgctl campaign stats records.csv 2>err &&
	test_grep "ORGCTL_NOW" err
'

test_expect_success 'a header alone: no campaign, every figure zero' '
	head -n 1 records.csv >empty.csv &&
	orgctl campaign stats empty.csv -o json >empty.json &&
	test "$(jq -c .campaigns empty.json)" = "[]" &&
	test "$(jq .total.records empty.json)" = 0 &&
	orgctl campaign stats empty.csv >table &&
	test_grep "Total Current Hourly Rate: 0 | Total Calls in Progress: 0" table
'

# bad LINES MESSAGE: the records "header + LINES" are refused with exit 1 and MESSAGE as
# the only line on stderr, nothing on stdout, and no HTML page written.
bad() {
	printf "%s\n" "time,campaign,sub-campaign,number,result,duration,agent" >bad.csv &&
	printf "$1" >>bad.csv &&
	rm -f bad.html &&
	test_must_fail --status 1 orgctl campaign stats bad.csv --html bad.html >out 2>err &&
	echo "$2" >expect &&
	test_cmp expect err &&
	test ! -s out &&
	test ! -e bad.html
}
row="2026-03-02T11:00:00Z,Spring,Day 1,+12125550101"

test_expect_success 'bad input: an unknown result' '
	bad "$row,hung-up,0,\n" \
		"orgctl: campaign stats: bad.csv:2:5: unknown result \"hung-up\" (connected, busy, no-answer, answering-machine, fax, dropped, invalid-number or in-progress)"
'

test_expect_success 'bad input: a result in another case' '
	bad "$row,connected,1,\n$row,Busy,0,\n" \
		"orgctl: campaign stats: bad.csv:3:5: unknown result \"Busy\" (connected, busy, no-answer, answering-machine, fax, dropped, invalid-number or in-progress)"
'

test_expect_success 'bad input: a negative duration' '
	bad "$row,connected,-5,ann\n" "orgctl: campaign stats: bad.csv:2:6: duration \"-5\" is negative"
'

test_expect_success 'bad input: a duration that is no whole number of seconds, empty, too long' '
	bad "$row,connected,1.5,ann\n" \
		"orgctl: campaign stats: bad.csv:2:6: duration \"1.5\" is not a whole number of seconds" &&
	bad "$row,busy,,\n" "orgctl: campaign stats: bad.csv:2:6: empty duration (a whole number of seconds)" &&
	bad "$row,connected,604801,ann\n" \
		"orgctl: campaign stats: bad.csv:2:6: duration \"604801\" is more than a week (604800 seconds)"
'

test_expect_success 'bad input: ragged rows, short and long' '
	bad "$row,busy,0\n" "orgctl: campaign stats: bad.csv:2:7: 6 fields, the header has 7" &&
	bad "$row,busy,0,,x\n" "orgctl: campaign stats: bad.csv:2:8: 8 fields, the header has 7"
'

test_expect_success 'bad input: times that are not ISO 8601 UTC, no such day, a date alone' '
	bad "03/02/2026 11:00,Spring,Day 1,+1,busy,0,\n" \
		"orgctl: campaign stats: bad.csv:2:1: time \"03/02/2026 11:00\" is not an ISO 8601 UTC time (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)" &&
	bad "2026-02-30T11:00:00Z,Spring,Day 1,+1,busy,0,\n" \
		"orgctl: campaign stats: bad.csv:2:1: time \"2026-02-30T11:00:00Z\" is no such time" &&
	bad "$row,busy,0,\n2026-03-02T24:00:00Z,Spring,Day 1,+1,busy,0,\n" \
		"orgctl: campaign stats: bad.csv:3:1: time \"2026-03-02T24:00:00Z\" is no such time" &&
	bad "2026-03-02,Spring,Day 1,+1,busy,0,\n" \
		"orgctl: campaign stats: bad.csv:2:1: time \"2026-03-02\" has no time of day (YYYY-MM-DDTHH:MM:SSZ)"
'

test_expect_success 'bad input: an empty campaign or sub-campaign, a control character in a name' '
	bad "2026-03-02T11:00:00Z,,Day 1,+1,busy,0,\n" "orgctl: campaign stats: bad.csv:2:2: empty campaign" &&
	bad "2026-03-02T11:00:00Z,Spring,,+1,busy,0,\n" "orgctl: campaign stats: bad.csv:2:3: empty sub-campaign" &&
	bad "$row,busy,0,ann\tx\n" \
		"orgctl: campaign stats: bad.csv:2:7: agent \"ann�x\" holds a control character"
'

test_expect_success 'bad input in a campaign --campaign passes over is still bad input' '
	printf "%s\n" "time,campaign,sub-campaign,number,result,duration,agent" \
		"$row,busy,0," "2026-03-02T11:00:00Z,Summer,,+1,busy,0," >other.csv &&
	test_must_fail --status 1 orgctl campaign stats --campaign Spring other.csv 2>err &&
	echo "orgctl: campaign stats: other.csv:3:3: empty sub-campaign" >expect &&
	test_cmp expect err
'

test_expect_success 'bad input: a NUL byte' '
	bad "$row,busy,0,a\0b\n" "orgctl: campaign stats: bad.csv:2:7: NUL byte"
'

test_expect_success 'bad input: invalid UTF-8' '
	bad "$row,busy,0,\xffann\n" \
		"orgctl: campaign stats: bad.csv:2:7: invalid UTF-8 (byte 0xFF); save the file as UTF-8"
'

test_expect_success 'bad input: a 1 MB cell, and a name over 1024 bytes' '
	big=$(head -c 1048576 /dev/zero | tr "\0" a) &&
	bad "2026-03-02T11:00:00Z,$big,Day 1,+1,busy,0,\n" \
		"orgctl: campaign stats: bad.csv:2:2: record larger than 65536 bytes" &&
	long=$(head -c 1025 /dev/zero | tr "\0" a) &&
	bad "2026-03-02T11:00:00Z,$long,Day 1,+1,busy,0,\n" \
		"orgctl: campaign stats: bad.csv:2:2: campaign longer than 1024 bytes"
'

test_expect_success 'bad input: a column missing, a column named twice' '
	printf "%s\n" "time,campaign,sub-campaign,number,result,duration" "$row,busy,0" >nocol.csv &&
	test_must_fail --status 1 orgctl campaign stats nocol.csv 2>err &&
	echo "orgctl: campaign stats: nocol.csv:1:7: no column \"agent\" (the header names time, campaign, sub-campaign, number, result, duration and agent)" >expect &&
	test_cmp expect err &&
	printf "%s\n" "time,campaign,sub-campaign,number,result,duration,agent,result" "$row,busy,0,,busy" >twice.csv &&
	test_must_fail --status 1 orgctl campaign stats twice.csv 2>err &&
	echo "orgctl: campaign stats: twice.csv:1:8: column \"result\" named twice (columns 5 and 8)" >expect &&
	test_cmp expect err
'

test_expect_success 'bad input: an empty file, a damaged .gz, a file that is not there' '
	: >nothing.csv &&
	test_must_fail --status 1 orgctl campaign stats nothing.csv 2>err &&
	test_grep "nothing.csv: empty file" err &&
	head -c 100 records.csv.gz >cut.csv.gz &&
	test_must_fail --status 1 orgctl campaign stats cut.csv.gz 2>err &&
	test_grep "cut.csv.gz: corrupt gzip data" err &&
	test_must_fail --status 3 orgctl campaign stats missing.csv 2>err &&
	test_grep "missing.csv: cannot open" err
'

test_expect_success 'bad input late in a file: nothing printed for the good rows before it' '
	{ cat records.csv && echo "$row,busy,-1,"; } >late.csv &&
	test_must_fail --status 1 orgctl campaign stats late.csv >out 2>err &&
	test ! -s out &&
	test_grep "late.csv:15:6: duration \"-1\" is negative" err
'

test_expect_success '--html: one page whose every figure is that of -o json' '
	orgctl campaign stats records.csv --html page.html -o json >page.json &&
	python3 "$TEST_SOURCE_DIR/tests/cli/campaign-stats-html.py" page.html page.json &&
	test_grep "<svg id=\"hours-chart\"" page.html &&
	test_grep "<svg id=\"results-chart\"" page.html
'

test_expect_success '--html: self-contained, no script, nothing fetched, a policy that forbids both' '
	! grep -qi "<script" page.html &&
	! grep -qiE "(src|href)=" page.html &&
	! grep -oE "https?://[^\"]*" page.html | grep -v "^http://www.w3.org/2000/svg$" &&
	test_grep "Content-Security-Policy\" content=\"default-src '"'"'none'"'"'" page.html
'

test_expect_success '--html: hostile names are escaped, read back as they were' '
	name="<script>alert(1)</script> & \"quoted\" '"'"'x'"'"'" &&
	printf "%s\n" "time,campaign,sub-campaign,number,result,duration,agent" \
		"2026-03-02T11:00:00Z,\"$(printf "%s" "$name" | sed "s/\"/\"\"/g")\",\"</td><td data-figure=\"\"records\"\">999\",+1,busy,0," >hostile.csv &&
	orgctl campaign stats hostile.csv --html hostile.html -o json >hostile.json &&
	test "$(jq -r ".campaigns[0].campaign" hostile.json)" = "$name" &&
	python3 "$TEST_SOURCE_DIR/tests/cli/campaign-stats-html.py" hostile.html hostile.json &&
	! grep -q "<script>" hostile.html &&
	test_grep "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot; &#39;x&#39;" hostile.html
'

test_expect_success '--html into a folder that does not exist: exit 1, said' '
	test_must_fail --status 1 orgctl campaign stats records.csv --html no/such/page.html 2>err &&
	test_grep "no/such/page.html: cannot write" err
'

test_expect_success '--html past a file-size limit: exit 1, no page, no half page, no temporary file' '
	echo "an old page" >limited.html &&
	(ulimit -f 1 && test_must_fail --status 1 orgctl campaign stats records.csv --html limited.html 2>err) &&
	test_grep "limited.html: cannot write: File too large" err &&
	echo "an old page" >expect &&
	test_cmp expect limited.html &&
	test "$(ls limited.html*)" = limited.html
'

test_expect_success 'the awk script of bench/ computes the same figures' '
	awk -v now=2026-03-02T12:00:00Z -f "$TEST_SOURCE_DIR/bench/campaign-stats.awk" records.csv |
		sort >awk.out &&
	jq -r -f "$TEST_SOURCE_DIR/bench/campaign-stats-lines.jq" out.json | sort >ours.out &&
	test_cmp ours.out awk.out &&
	test "$(grep -c "^hour" awk.out),$(wc -l <awk.out)" = 4,10
'

test_expect_success 'outside a repository and without --org: no repository is needed' '
	test_must_fail orgctl log 2>/dev/null &&
	orgctl campaign stats records.csv -q
'

test_expect_success 'setup: a repository, an org, a viewer and a user without the permission' '
	orgctl init repo >/dev/null &&
	orgctl -C repo org create Acme >/dev/null &&
	orgctl -C repo --org acme role create CampaignViewer --permission outbound:campaign:view >/dev/null &&
	orgctl -C repo --org acme user create viewer --email viewer@acme.example --role CampaignViewer >/dev/null &&
	orgctl -C repo --org acme user create agent --email agent@acme.example >/dev/null
'

test_expect_success 'with --org: the viewer sees the figures' '
	orgctl -C repo --org acme --as viewer@acme campaign stats records.csv -o json >org.json &&
	jq -S "del(.file)" org.json >actual &&
	jq -S "del(.file)" "$data/expected.json" >expect &&
	test_cmp expect actual
'

test_expect_success 'with --org: refused (exit 4) without outbound:campaign:view, no page written' '
	test_must_fail --status 4 orgctl -C repo --org acme --as agent@acme campaign stats \
		records.csv --html refused.html >out 2>err &&
	test_grep "outbound:campaign:view" err &&
	test ! -s out &&
	test ! -e refused.html
'

test_expect_success 'with --org: refused before the file is read (a bad file says nothing)' '
	test_must_fail --status 4 orgctl -C repo --org acme --as agent@acme campaign stats \
		bad.csv 2>err &&
	! grep -q "bad.csv" err
'

test_expect_success 'with --org (or ORGCTL_ORG) a repository is needed; an unknown org is not found' '
	test_must_fail --status 3 orgctl --org acme campaign stats records.csv 2>err &&
	test_grep "repository" err &&
	(export ORGCTL_ORG=acme && test_must_fail --status 3 orgctl campaign stats records.csv) &&
	test_must_fail --status 3 orgctl -C repo --org nosuch campaign stats records.csv 2>err &&
	test_grep "org \"nosuch\" not found" err
'

test_expect_success 'usage: no file, two files, an unknown option, an unknown verb' '
	test_must_fail --status 2 orgctl campaign stats 2>err &&
	test_grep "missing argument" err &&
	test_must_fail --status 2 orgctl campaign stats a.csv b.csv 2>err &&
	test_must_fail --status 2 orgctl campaign stats --form 2026-01-01 records.csv 2>err &&
	test_grep "did you mean \"--from\"" err &&
	test_must_fail --status 2 orgctl campaign stat records.csv 2>err &&
	test_grep "did you mean \"stats\"" err &&
	test_must_fail --status 2 orgctl campaign 2>err
'

test_expect_success 'help: orgctl campaign stats --help, orgctl help campaign stats' '
	orgctl campaign stats --help >help &&
	test_grep "^usage: orgctl campaign stats" help &&
	orgctl help campaign stats >help2 &&
	test_cmp help help2 &&
	orgctl campaign --help | grep -q "campaign stats"
'

test_expect_success 'completion: the verb, its options, file names for RESULTS and --html' '
	orgctl __complete campaign st >out && test_grep "^stats$" out &&
	orgctl __complete campaign stats --c >out && test_grep "^--campaign$" out &&
	orgctl __complete campaign stats -- >out &&
	for o in --campaign --from --to --html; do test_grep "^$o$" out || return 1; done &&
	test "$(orgctl __complete campaign stats "")" = "$(printf "\tfiles")" &&
	test "$(orgctl __complete campaign stats --html "")" = "$(printf "\tfiles")" &&
	test -z "$(orgctl __complete campaign stats --from "")"
'

test_expect_success 'examples/campaign-stats.sh runs and writes a page of its figures' '
	mkdir example &&
	ORGCTL=$ORGCTL_BIN bash "$TEST_SOURCE_DIR/examples/campaign-stats.sh" example >example.out 2>&1 &&
	test_grep "^6000 call result records" example.out &&
	test_grep "^Total Current Hourly Rate: [0-9]* | Total Calls in Progress: [0-9]*$" example.out &&
	orgctl campaign stats example/call-results.csv.gz -o json >example.json &&
	test "$(jq .total.records example.json)" = 6000 &&
	python3 "$TEST_SOURCE_DIR/tests/cli/campaign-stats-html.py" example/dashboard.html example.json
'

test_done
