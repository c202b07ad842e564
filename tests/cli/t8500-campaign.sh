#!/usr/bin/env bash
# orgctl campaign: strategies (enterprise-wide), campaigns and their state machine
# (off, on, stopping, complete, invalid; at most 50 running per org), sub-campaigns
# (start, pause, resume, stop for good), permissions and rollback. Every refusal: exit 1
# (4 for a permission), HEAD unchanged.
. "$(dirname "$0")/test-lib.sh"

# status_is KIND-VERB NAME STATUS: "campaign show" or "campaign sub show" says so.
status_is() {
	orgctl campaign $1 "$2" -o json >status.json &&
		test_grep "\"status\": \"$3\"" status.json
}

cs_of_head() {
	git -C repo log -1 --format=%B main | sed -n "s/^Change-Set: //p"
}

test_expect_success 'setup: an enterprise, an org, a strategy' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo ORGCTL_ORG=acme &&
	orgctl org create Acme >/dev/null &&
	orgctl campaign strategy create std --mode power --max-attempts 5 --reset-days 7 \
		--window 08:00-21:00 --days mon-sat --treatment busy=retry:30 \
		--treatment fax=no-retry >out &&
	test_grep "^change set [0-9]*: campaign strategy create std$" out &&
	git -C repo show main:strategies/std.json >actual &&
	cat >expect <<-\EOF &&
	{
	  "days": "mon-sat",
	  "max_attempts": 5,
	  "mode": "power",
	  "name": "std",
	  "reset_days": 7,
	  "treatments": {
	    "busy": "retry:30",
	    "fax": "no-retry"
	  },
	  "window": "08:00-21:00"
	}
	EOF
	test_cmp expect actual
'

test_expect_success 'strategy list and show, from any org' '
	orgctl campaign strategy list -o csv | cut -d, -f1-5 >actual &&
	printf "name,mode,max_attempts,window,days\nstd,power,5,08:00-21:00,mon-sat\n" >expect &&
	test_cmp expect actual &&
	orgctl campaign strategy show std -o json >actual &&
	test_grep "\"mode\": \"power\"" actual &&
	orgctl campaign strategy list --mode preview -o csv >actual &&
	test_line_count() { test "$(wc -l <"$2")" -eq "$1"; } &&
	test_line_count 1 actual
'

test_expect_success 'bad strategies are refused: exit 1, HEAD unchanged' '
	test_unchanged --status 1 repo orgctl campaign strategy create x --mode telepathic 2>err &&
	test_grep "mode \"telepathic\" is not agentless, preview, power, predictive or progressive" err &&
	test_unchanged --status 1 repo orgctl campaign strategy create x --mode preview --window 25:00-08:00 2>err &&
	test_grep "window \"25:00-08:00\": the start is no time of day" err &&
	test_unchanged --status 1 repo orgctl campaign strategy create x --mode preview --window 21:00-08:00 2>err &&
	test_grep "window \"21:00-08:00\" ends before it starts" err &&
	test_unchanged --status 1 repo orgctl campaign strategy create x --mode preview --window 8:00-9:00 2>err &&
	test_grep "is not a window HH:MM-HH:MM" err &&
	test_unchanged --status 1 repo orgctl campaign strategy create x --mode preview --days fri-mon 2>err &&
	test_grep "\"fri-mon\" runs backwards" err &&
	test_unchanged --status 1 repo orgctl campaign strategy create x --mode preview --days mon-frx 2>err &&
	test_grep "is not a day" err &&
	test_unchanged --status 1 repo orgctl campaign strategy create x --mode preview --treatment busy=soon 2>err &&
	test_grep "treatment busy=\"soon\" is not retry:MINUTES" err &&
	test_unchanged --status 1 repo orgctl campaign strategy create x --mode preview --treatment rain=no-retry 2>err &&
	test_grep "treatment of \"rain\": not a call result" err &&
	test_unchanged --status 1 repo orgctl campaign strategy create x --mode preview --max-attempts 0 &&
	test_unchanged --status 1 repo orgctl campaign strategy create std --mode preview 2>err &&
	test_grep "exists already" err
'

test_expect_success 'an org may use strategies, not change them (enterprise org only)' '
	orgctl role create Outbound --permission "outbound:campaign:*" >/dev/null &&
	orgctl user create olive --email olive@acme.example --role Outbound >/dev/null &&
	orgctl --as olive@acme campaign strategy show std >/dev/null &&
	test_unchanged --status 4 repo orgctl --as olive@acme campaign strategy create mine --mode preview 2>err &&
	test_grep "permission denied: olive@acme has no access to org \"enterprise\"" err &&
	test_unchanged --status 4 repo orgctl --as olive@acme campaign strategy update std --max-attempts 9 &&
	test_unchanged --status 4 repo orgctl --as olive@acme campaign strategy rm std &&
	orgctl user create vera --email vera@acme.example >/dev/null &&
	test_unchanged --status 4 repo orgctl --as vera@acme campaign strategy list 2>err &&
	test_grep "lacks \"outbound:campaign:view\"" err
'

test_expect_success 'campaign create: off, window and days from the strategy' '
	orgctl --as olive@acme campaign create renew --strategy std --tz America/New_York \
		--abandon-rate 3 --priority 2 >out &&
	test_grep "^change set [0-9]*: campaign create renew$" out &&
	git -C repo show main:orgs/acme/campaigns/renew.json >actual &&
	cat >expect <<-\EOF &&
	{
	  "abandon_rate": 3,
	  "days": "mon-sat",
	  "name": "renew",
	  "priority": 2,
	  "status": "off",
	  "strategy": "std",
	  "suppress": [],
	  "tz": "America/New_York",
	  "window": "08:00-21:00"
	}
	EOF
	test_cmp expect actual
'

test_expect_success 'bad campaigns are refused: exit 1, HEAD unchanged' '
	test_unchanged --status 1 repo orgctl campaign create c2 --strategy nope --tz UTC 2>err &&
	test_grep "strategy \"nope\" does not exist" err &&
	test_unchanged --status 1 repo orgctl campaign create c2 --strategy std --tz UTC 2>err &&
	test_grep "dials in power mode, which needs --abandon-rate" err &&
	test_unchanged --status 1 repo orgctl campaign create c2 --strategy std --abandon-rate 3 --tz "../../etc/passwd" 2>err &&
	test_grep "unknown time zone: time zone \"../../etc/passwd\": not a zone name" err &&
	test_unchanged --status 1 repo orgctl campaign create c2 --strategy std --abandon-rate 3 --tz Mars/Olympus 2>err &&
	test_grep "unknown time zone: time zone \"Mars/Olympus\": unknown zone" err &&
	test_unchanged --status 1 repo orgctl campaign create c2 --strategy std --abandon-rate 3 --tz UTC --window 09:00-08:00 2>err &&
	test_grep "ends before it starts" err &&
	test_unchanged --status 1 repo orgctl campaign create c2 --strategy std --abandon-rate 3 --tz UTC --suppress nolist 2>err &&
	test_grep "suppression list \"nolist\" does not exist" err &&
	test_unchanged --status 1 repo orgctl campaign create c2 --strategy std --abandon-rate 101 --tz UTC &&
	test_unchanged --status 1 repo orgctl campaign create c2 --strategy std --abandon-rate 3 --tz UTC --priority 6 &&
	test_unchanged --status 2 repo orgctl campaign create c2 --tz UTC &&
	test_unchanged --status 1 repo orgctl campaign create renew --strategy std --abandon-rate 3 --tz UTC 2>err &&
	test_grep "exists already" err
'

test_expect_success 'the state machine: off -> on -> stopping -> off, each one change set' '
	n0=$(git -C repo rev-list --count main) &&
	orgctl campaign start renew >out &&
	test_grep "campaign start renew" out &&
	status_is show renew on &&
	test_unchanged --status 1 repo orgctl campaign start renew 2>err &&
	test_grep "cannot go from on to on: it is on already" err &&
	test_unchanged --status 1 repo orgctl campaign update renew --priority 3 2>err &&
	test_grep "is on: stop it" err &&
	test_unchanged --status 1 repo orgctl campaign rm renew 2>err &&
	test_grep "is on: only a campaign that is off is removed" err &&
	orgctl campaign stop renew >/dev/null &&
	status_is show renew stopping &&
	test_unchanged --status 1 repo orgctl campaign start renew 2>err &&
	test_grep "from stopping to on" err &&
	orgctl campaign stop renew >/dev/null &&
	status_is show renew off &&
	test_unchanged --status 1 repo orgctl campaign stop renew 2>err &&
	test_grep "it is off, not on" err &&
	test "$(git -C repo rev-list --count main)" -eq $((n0 + 3))
'

test_expect_success 'stop --wait: on -> off at once; complete; complete -> off refused' '
	orgctl campaign start renew >/dev/null &&
	orgctl campaign stop renew --wait >/dev/null &&
	status_is show renew off &&
	test_unchanged --status 1 repo orgctl campaign complete renew 2>err &&
	test_grep "only a campaign on or stopping completes" err &&
	orgctl campaign start renew >/dev/null &&
	orgctl campaign complete renew >/dev/null &&
	status_is show renew complete &&
	test_unchanged --status 1 repo orgctl campaign stop renew 2>err &&
	test_grep "complete -> off is not allowed" err &&
	test_unchanged --status 1 repo orgctl campaign stop renew --wait &&
	test_unchanged --status 1 repo orgctl campaign rm renew &&
	orgctl campaign start renew >/dev/null &&
	orgctl campaign stop --wait renew >/dev/null
'

test_expect_success 'rollback of a transition restores the state before it' '
	orgctl campaign start renew >/dev/null &&
	orgctl rollback "$(cs_of_head)" >/dev/null &&
	status_is show renew off
'

test_expect_success 'campaign list, --status and --strategy filters' '
	orgctl campaign copy renew winback >/dev/null &&
	orgctl campaign start winback >/dev/null &&
	orgctl campaign list -o csv | cut -d, -f1,2 >actual &&
	printf "name,status\nrenew,off\nwinback,on\n" >expect &&
	test_cmp expect actual &&
	orgctl campaign list --status on -o csv | cut -d, -f1 >actual &&
	printf "name\nwinback\n" >expect && test_cmp expect actual &&
	test_unchanged --status 1 repo orgctl campaign list --status enabled 2>err &&
	test_grep "\-\-status takes off, on, stopping, complete, invalid, not \"enabled\"" err &&
	test_unchanged --status 1 repo orgctl campaign strategy list --mode fast 2>err &&
	test_grep "\-\-mode takes agentless, preview, power, predictive, progressive" err &&
	orgctl campaign list --strategy nope -o csv >actual &&
	printf "name,status,strategy,window,days,tz,priority,abandon_rate,description,invalid_reason,max_attempts,suppress\n" >expect && test_cmp expect actual
'

test_expect_success 'at most 50 campaigns on or stopping per org: the 51st start is refused' '
	for i in $(seq 1 48); do
		orgctl campaign copy renew "c$i" >/dev/null &&
		orgctl campaign start "c$i" >/dev/null || return 1
	done &&
	orgctl campaign copy renew c49 >/dev/null &&
	orgctl campaign start c49 >/dev/null &&
	orgctl campaign copy renew c50 >/dev/null &&
	test_unchanged --status 1 repo orgctl campaign start c50 2>err &&
	test_grep "org \"acme\" has 50 campaigns on or stopping, the limit is 50" err &&
	orgctl campaign stop c1 >/dev/null &&
	test_unchanged --status 1 repo orgctl campaign start c50 &&
	orgctl campaign stop c1 >/dev/null &&
	orgctl campaign start c50 >/dev/null
'

test_expect_success 'sub-campaigns: created off with defaults from the strategy' '
	orgctl campaign sub create renew dec --start 2026-12-07 --end 2026-12-20T18:00:00Z >out &&
	test_grep "campaign sub create renew dec" out &&
	git -C repo show main:orgs/acme/subcampaigns/dec.json >actual &&
	cat >expect <<-\EOF &&
	{
	  "campaign": "renew",
	  "end": "2026-12-20T18:00:00Z",
	  "name": "dec",
	  "start": "2026-12-07T00:00:00Z",
	  "status": "off"
	}
	EOF
	test_cmp expect actual &&
	orgctl campaign sub show dec -o json >actual &&
	test_grep "\"mode\": \"power\"" actual &&
	test_grep "\"max_attempts\": 5" actual &&
	test_grep "\"tz\": \"America/New_York\"" actual &&
	orgctl campaign sub list --campaign renew -o csv | cut -d, -f1-3 >actual &&
	printf "name,campaign,status\ndec,renew,off\n" >expect && test_cmp expect actual
'

test_expect_success 'bad sub-campaigns are refused' '
	test_unchanged --status 1 repo orgctl campaign sub create renew x --start 2026-12-20 --end 2026-12-07 2>err &&
	test_grep "end 2026-12-07T00:00:00Z is not after start" err &&
	test_unchanged --status 1 repo orgctl campaign sub create renew x --start 2026-02-30 --end 2026-12-07 &&
	test_unchanged --status 3 repo orgctl campaign sub create nope x --start 2026-12-01 --end 2026-12-07 &&
	test_unchanged --status 1 repo orgctl campaign sub create renew dec --start 2026-12-01 --end 2026-12-07 2>err &&
	test_grep "exists already" err &&
	test_unchanged --status 2 repo orgctl campaign sub create renew x --start 2026-12-01
'

test_expect_success 'sub start needs its campaign on; pause, resume; stop cannot be resumed' '
	test_unchanged --status 1 repo orgctl campaign sub start dec 2>err &&
	test_grep "its campaign \"renew\" is off, not on" err &&
	orgctl campaign stop c2 >/dev/null && orgctl campaign stop c2 >/dev/null &&
	orgctl campaign start renew >/dev/null &&
	orgctl campaign sub start dec >/dev/null &&
	test_unchanged --status 1 repo orgctl campaign sub rm dec 2>err &&
	test_grep "is running: stop it before removing it" err &&
	orgctl campaign sub pause dec >/dev/null &&
	test_unchanged --status 1 repo orgctl campaign sub pause dec &&
	orgctl campaign sub resume dec >/dev/null &&
	orgctl campaign sub stop dec >/dev/null &&
	test_unchanged --status 1 repo orgctl campaign sub resume dec 2>err &&
	test_grep "a stopped sub-campaign cannot be resumed" err &&
	test_unchanged --status 1 repo orgctl campaign sub start dec &&
	status_is "sub show" dec stopped
'

test_expect_success 'campaign rm: only off; with sub-campaigns only with --force' '
	orgctl campaign stop renew --wait >/dev/null &&
	test_unchanged --status 1 repo orgctl campaign rm renew 2>err &&
	test_grep "has 1 sub-campaigns; give --force" err &&
	orgctl campaign rm renew --force >/dev/null &&
	test_must_fail --status 3 orgctl campaign sub show dec &&
	orgctl rollback "$(cs_of_head)" >/dev/null &&
	orgctl campaign sub show dec >/dev/null &&
	orgctl campaign show renew >/dev/null
'

test_expect_success 'strategy rm: refused while used; --force makes its campaigns invalid' '
	test_unchanged --status 1 repo orgctl campaign strategy rm std 2>err &&
	test_grep "strategy \"std\" is used by campaigns acme/c1" err &&
	orgctl campaign strategy rm std --force >/dev/null &&
	orgctl campaign show renew -o json >actual &&
	test_grep "\"status\": \"invalid\"" actual &&
	test_grep "\"invalid_reason\": \"strategy \\\\\"std\\\\\" was removed\"" actual &&
	test_unchanged --status 1 repo orgctl campaign start renew 2>err &&
	test_grep "strategy \"std\" does not exist" err &&
	orgctl rollback "$(cs_of_head)" >/dev/null &&
	status_is show renew off
'

test_expect_success 'an invalid campaign starts again once valid' '
	orgctl campaign strategy copy std std2 >/dev/null &&
	orgctl campaign strategy rm std2 >/dev/null &&
	orgctl campaign copy renew spare >/dev/null &&
	orgctl campaign update spare --strategy std --max-attempts 4 >/dev/null &&
	orgctl campaign strategy create gone --mode preview >/dev/null &&
	orgctl campaign update spare --strategy gone >/dev/null &&
	orgctl campaign strategy rm gone --force >/dev/null &&
	status_is show spare invalid &&
	test_unchanged --status 1 repo orgctl campaign start spare &&
	test_unchanged --status 1 repo orgctl campaign rm spare 2>err &&
	test_grep "is invalid" err &&
	orgctl campaign strategy create gone --mode preview >/dev/null &&
	orgctl campaign start spare >/dev/null &&
	status_is show spare on
'

test_done
