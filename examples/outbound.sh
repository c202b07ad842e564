#!/usr/bin/env bash
# Outbound from end to end: the enterprise's compliance rules (NANPA's area codes, windows,
# days, a no-contact date), a strategy, a campaign and a sub-campaign in an org, a bulk set
# of campaigns, and a load of a generated contact list of 10,000 contacts (mixed phone
# formats, a few bad, some duplicates) into dialable and excluded files. The suppression
# lists of `orgctl suppress` join in when it is built; campaign stats add the dashboard.
# Run from the source tree after building; ORGCTL names another binary.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
orgctl=${ORGCTL:-$here/build/cmd/orgctl}
work=${1:-$(mktemp -d)}
mkdir -p "$work"
cd "$work"
step() { printf '\n$ %s\n' "$*"; "$@"; }
export ORGCTL_NOW=${ORGCTL_NOW:-2026-12-01T09:00:00Z}

step "$orgctl" init acme-config --enterprise "Acme Holdings"
export ORGCTL_DIR=$work/acme-config
step "$orgctl" org create "Acme Sales"
export ORGCTL_ORG=acmesales

# The enterprise's rules: every campaign of every org keeps them. NANPA's report has five
# ragged rows; --skip-invalid leaves them out, each named in a warning.
step "$orgctl" campaign compliance set --area-codes "$here/tests/data/nanpa/npa_report.csv" \
	--skip-invalid --window 08:00-21:00 --days mon-sat --region CA=09:00-20:00 \
	--region TX:sat=12:00-18:00 --no-contact-date 2026-12-25 --max-attempts 6 \
	--attempt-period-days 30
step "$orgctl" campaign compliance show -o json

# A strategy, made once for every org.
step "$orgctl" campaign strategy create standard --mode power --max-attempts 5 --reset-days 7 \
	--window 08:00-21:00 --days mon-fri --treatment busy=retry:30 \
	--treatment no-answer=retry:120 --treatment fax=no-retry
step "$orgctl" campaign create renewals --strategy standard --tz America/New_York \
	--window 09:00-20:00 --abandon-rate 3 --priority 4
# Weakening compliance is refused, naming the rule.
step "$orgctl" campaign create night --strategy standard --tz America/New_York \
	--window 07:00-22:00 --abandon-rate 3 || echo "(refused, as it must be)"

# More campaigns as bulk rows: one change set.
printf '%s\n' kind,op,name,strategy,tz,window,abandon-rate \
	campaign,create,winback,standard,America/Chicago,10:00-19:00,2 \
	campaign,create,upsell,standard,America/Los_Angeles,10:00-18:00,2 >campaigns.csv
step "$orgctl" bulk create campaigns campaigns.csv
step "$orgctl" bulk exec campaigns
step "$orgctl" campaign list

step "$orgctl" campaign sub create renewals december --start 2026-12-07 --end 2026-12-19
step "$orgctl" campaign start renewals
step "$orgctl" campaign sub start december
step "$orgctl" campaign sub show december

# A contact list as CRM exports look: two phone columns in mixed formats, a few numbers
# that are none, some duplicates, prior attempts.
awk 'BEGIN {
	srand(17)
	split("212 310 415 512 617 702 808 902 905 312", area, " ")
	print "id,name,phone,mobile_phone,attempts"
	for (i = 1; i <= 10000; i++) {
		a = area[1 + int(rand() * 10)]; b = area[1 + int(rand() * 10)]
		x = 200 + int(rand() * 700); n = int(rand() * 10000)
		if (i % 97 == 0) home = "n/a"
		else if (i % 3 == 0) home = sprintf("(%s) %03d-%04d", a, x, n)
		else if (i % 3 == 1) home = sprintf("+1 %s %03d %04d", a, x, n)
		else home = sprintf("%s.%03d.%04d", a, x, n)
		if (i % 50 == 0) home = prev
		mobile = (i % 4 == 0) ? "" : sprintf("1-%s-%03d-%04d", b, 200 + int(rand() * 700), int(rand() * 10000))
		printf "%d,Contact %d,%s,%s,%d\n", i, i, home, mobile, int(rand() * 8)
		prev = home
	}
}' >contacts.csv
gzip -k contacts.csv
step "$orgctl" campaign load december contacts.csv.gz --dialable dialable.csv --excluded excluded.csv
step head -3 dialable.csv
step head -5 excluded.csv
step "$orgctl" campaign sub show december -o json
step git -C acme-config log -1 --format=%B
step "$orgctl" campaign stop renewals --wait
