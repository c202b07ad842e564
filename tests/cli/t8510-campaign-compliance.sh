#!/usr/bin/env bash
# orgctl campaign compliance: the enterprise's rules (windows by region and day, days,
# no-contact dates, attempts, required lists, NANPA's area codes), read-only in orgs; a
# campaign cannot weaken them; a change that breaks campaigns is refused listing them, or
# with --force makes them invalid in the same change set. A required list has one source:
# the list's own mark, written by --require-list here or suppress create --required.
. "$(dirname "$0")/test-lib.sh"

nanpa=$TEST_SOURCE_DIR/tests/data/nanpa/npa_report.csv

test_expect_success 'setup: an org, a strategy, a campaign' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo ORGCTL_ORG=acme &&
	orgctl org create Acme >/dev/null &&
	orgctl org create Beta >/dev/null &&
	orgctl campaign strategy create std --mode preview --max-attempts 5 >/dev/null &&
	orgctl campaign create renew --strategy std --tz America/New_York \
		--window 08:00-21:00 --days mon-sat >/dev/null &&
	orgctl --org beta campaign create late --strategy std --tz America/Chicago \
		--window 10:00-22:00 --days mon-fri >/dev/null
'

test_expect_success 'compliance show before any set: only the name' '
	orgctl campaign compliance show -o json >actual &&
	test_grep "\"name\": \"rules\"" actual &&
	test_grep "\"window\": null" actual
'

test_expect_success 'compliance set: one change set, compliance/rules.json' '
	orgctl campaign compliance set --window 08:00-22:00 --days mon-sat \
		--region CA=09:00-20:00 --region TX:sun=12:00-21:00 \
		--no-contact-date 2026-12-25 --no-contact-date 2027-01-01 \
		--max-attempts 6 --attempt-period-days 30 >out &&
	test_grep "^change set [0-9]*: campaign compliance set$" out &&
	git -C repo show main:compliance/rules.json >actual &&
	cat >expect <<-\EOF &&
	{
	  "attempt_period_days": 30,
	  "days": "mon-sat",
	  "max_attempts": 6,
	  "name": "rules",
	  "no_contact_dates": [
	    "2026-12-25",
	    "2027-01-01"
	  ],
	  "regions": {
	    "CA": "09:00-20:00",
	    "TX:sun": "12:00-21:00"
	  },
	  "window": "08:00-22:00"
	}
	EOF
	test_cmp expect actual
'

test_expect_success 'bad rules are refused: exit 1, HEAD unchanged' '
	test_unchanged --status 1 repo orgctl campaign compliance set --window 25:00-08:00 2>err &&
	test_grep "the start is no time of day" err &&
	test_unchanged --status 1 repo orgctl campaign compliance set --window 20:00-08:00 2>err &&
	test_grep "ends before it starts" err &&
	test_unchanged --status 1 repo orgctl campaign compliance set --region California=09:00-20:00 2>err &&
	test_grep "region \"California\" is not REGION or REGION:DAY" err &&
	test_unchanged --status 1 repo orgctl campaign compliance set --region NY:someday=09:00-20:00 &&
	test_unchanged --status 1 repo orgctl campaign compliance set --region NY=9-5 2>err &&
	test_grep "is not a window HH:MM-HH:MM" err &&
	test_unchanged --status 1 repo orgctl campaign compliance set --no-contact-date 2026-02-30 2>err &&
	test_grep "no-contact date \"2026-02-30\" is not a date YYYY-MM-DD" err &&
	test_unchanged --status 1 repo orgctl campaign compliance set --days sun-sat &&
	test_unchanged --status 1 repo orgctl campaign compliance set --max-attempts 0 &&
	test_unchanged --status 1 repo orgctl campaign compliance set --require-list nolist 2>err &&
	test_grep "suppression list \"nolist\" does not exist" err &&
	test_unchanged --status 3 repo orgctl campaign compliance set --unset-region NY 2>err &&
	test_grep "compliance has no region \"NY\"" err
'

test_expect_success 'read-only in orgs: an org admin may show, not set (exit 4)' '
	orgctl user create ann --email ann@acme.example --role "Master Admin" >/dev/null &&
	orgctl --as ann@acme campaign compliance show >/dev/null &&
	test_unchanged --status 4 repo orgctl --as ann@acme campaign compliance set --max-attempts 9 2>err &&
	test_grep "permission denied" err &&
	orgctl user create vic --email vic@acme.example >/dev/null &&
	test_unchanged --status 4 repo orgctl --as vic@acme campaign compliance show 2>err &&
	test_grep "lacks \"outbound:campaignRule:view\"" err
'

test_expect_success 'callable times need outbound:callableTimeSet:edit on top of campaignRule:edit' '
	orgctl --org enterprise role create Rules --permission "outbound:campaignRule:*" >/dev/null &&
	orgctl --org enterprise user create rita --email rita@ent.example --role Rules >/dev/null &&
	orgctl --as rita@enterprise campaign compliance set --attempt-period-days 14 >/dev/null &&
	test_unchanged --status 4 repo orgctl --as rita@enterprise campaign compliance set --window 09:00-21:00 2>err &&
	test_grep "outbound:callableTimeSet:edit" err
'

test_expect_success 'a campaign cannot weaken compliance: refused naming the rule' '
	test_unchanged --status 1 repo orgctl campaign create c2 --strategy std --tz UTC --window 07:00-20:00 --days mon-fri 2>err &&
	test_grep "would weaken compliance: window 07:00-20:00 is outside the compliance window 08:00-22:00" err &&
	test_unchanged --status 1 repo orgctl campaign create c2 --strategy std --tz UTC --window 09:00-20:00 --days mon-sun 2>err &&
	test_grep "days mon-sun are outside the compliance days mon-sat" err &&
	test_unchanged --status 1 repo orgctl campaign create c2 --strategy std --tz UTC --window 09:00-20:00 --days mon-fri --max-attempts 7 2>err &&
	test_grep "max attempts 7 is above the compliance maximum of 6" err &&
	test_unchanged --status 1 repo orgctl campaign update renew --window 06:00-20:00 2>err &&
	test_grep "outside the compliance window" err &&
	orgctl campaign create c2 --strategy std --tz UTC --window 09:00-20:00 --days mon-fri >/dev/null
'

test_expect_success 'a change that breaks campaigns is refused, listing them' '
	test_unchanged --status 1 repo orgctl campaign compliance set --window 09:00-21:00 2>err &&
	test_grep "would break campaigns acme/renew, beta/late (window 08:00-21:00 is outside the compliance window 09:00-21:00); give --force" err &&
	test_unchanged --status 1 repo orgctl campaign compliance set --max-attempts 4 2>err &&
	test_grep "acme/c2, acme/renew, beta/late (max attempts 5 is above the compliance maximum of 4)" err
'

test_expect_success 'with --force they become invalid in the same change set; rollback restores' '
	orgctl campaign start renew >/dev/null &&
	orgctl campaign compliance set --window 09:00-21:00 --force -o json >out &&
	test_grep "compliance/rules.json" out &&
	test_grep "orgs/acme/campaigns/renew.json" out &&
	test_grep "orgs/beta/campaigns/late.json" out &&
	orgctl campaign show renew -o json >actual &&
	test_grep "\"status\": \"invalid\"" actual &&
	test_grep "compliance: window 08:00-21:00 is outside" actual &&
	orgctl campaign show c2 -o json | grep -q "\"status\": \"off\"" &&
	test_unchanged --status 1 repo orgctl campaign start renew 2>err &&
	test_grep "would weaken compliance" err &&
	cs=$(git -C repo log -1 --format=%B main | sed -n "s/^Change-Set: //p") &&
	orgctl rollback "$cs" >/dev/null &&
	orgctl campaign show renew -o json | grep -q "\"status\": \"on\"" &&
	orgctl campaign compliance show -o json | grep -q "\"window\": \"08:00-22:00\""
'

test_expect_success 'an invalid campaign made valid again starts' '
	orgctl campaign stop renew --wait >/dev/null &&
	orgctl campaign compliance set --window 09:00-21:00 --force >/dev/null &&
	orgctl campaign update renew --window 09:00-21:00 >/dev/null &&
	orgctl campaign start renew >/dev/null &&
	orgctl campaign show renew -o json | grep -q "\"status\": \"on\""
'

test_expect_success 'unset options take rules away' '
	orgctl campaign compliance set --unset-region TX:sun --unset-no-contact-date 2027-01-01 >/dev/null &&
	orgctl campaign compliance show -o json >actual &&
	! grep -q "TX:sun" actual && ! grep -q 2027-01-01 actual && grep -q 2026-12-25 actual
'

test_expect_success 'required lists: --require-list marks the enterprise list, one change set' '
	orgctl suppress create national --enterprise >/dev/null &&
	orgctl suppress create mine >/dev/null &&
	test_unchanged --status 1 repo orgctl campaign compliance set --require-list mine 2>err &&
	test_grep "suppression list \"mine\" does not exist in the enterprise org" err &&
	orgctl campaign compliance set --require-list national -o json >out &&
	jq -e ".result.required_lists == [\"national\"]" out >/dev/null &&
	git -C repo show --stat --format=%s HEAD >changed &&
	test_grep "suppress.*national" changed &&
	! git -C repo show main:compliance/rules.json | grep -q required_lists &&
	orgctl suppress show national --enterprise -o json >list &&
	jq -e ".required == true" list >/dev/null &&
	orgctl campaign compliance show -o json | jq -e ".required_lists == [\"national\"]" >/dev/null
'

test_expect_success 'required lists: suppress create --required is the same mark; a campaign need not name it' '
	orgctl suppress create registry --enterprise --required >/dev/null &&
	orgctl campaign compliance show -o json | jq -e ".required_lists == [\"national\", \"registry\"]" >/dev/null &&
	orgctl campaign create plain --strategy std --tz America/New_York \
		--window 09:00-20:00 --days mon-fri >/dev/null &&
	orgctl campaign compliance set --unrequire-list registry >/dev/null &&
	orgctl suppress show registry --enterprise -o json | jq -e ".required != true" >/dev/null &&
	test_unchanged --status 3 repo orgctl campaign compliance set --unrequire-list registry 2>err &&
	test_grep "compliance has no required list \"registry\"" err
'

test_expect_success 'NANPA area codes: the real report has 5 ragged rows, refused naming each' '
	test_unchanged --status 1 repo orgctl campaign compliance set --area-codes "$nanpa" 2>err &&
	for l in 171 231 272 277 775; do
		test_grep "npa_report.csv:$l: " err || return 1
	done &&
	test_grep "5 rows of the report refused (--skip-invalid leaves them out)" err &&
	test_unchanged --status 3 repo orgctl campaign compliance set --area-codes nope.csv
'

test_expect_success '--skip-invalid imports the rest, readable in the repository' '
	orgctl campaign compliance set --area-codes "$nanpa" --skip-invalid >out 2>err &&
	test_grep "warning: 5 rows of the report left out" err &&
	git -C repo show main:compliance/rules.json >rules &&
	test_grep "\"201\": \"NJ America/New_York\"" rules &&
	test_grep "\"208\": \"ID America/Denver America/Los_Angeles\"" rules &&
	test_grep "\"902\": \"NS,PE America/Halifax\"" rules &&
	! grep -q "\"469\"" rules &&
	! grep -q "\"800\"" rules
'

test_done
