#!/usr/bin/env bash
# t6400-first-hour: what a new user meets first. The README tour, run exactly as printed;
# the man pages where the README says they are; user show's groups and effective roles;
# every field in every format; -o and -q honoured by every command; two-word verbs in
# help and suggestions; tables aligned by characters, not bytes.
. "$(dirname "$0")/test-lib.sh"

build=$(dirname "$(dirname "$ORGCTL_BIN")")

# --- the README tour, as printed ---

# The indented block of README.md's "A short tour" that starts with "cd": the tour.
readme_tour() {
	awk '/^## A short tour/ { s = 1; next } /^## / { s = 0 } s' "$TEST_SOURCE_DIR/README.md" |
		awk '/^    / { if (!b) n++; b = 1; if (n == 2) print substr($0, 5); next } { b = 0 }'
}

test_expect_success 'the README tour is there, and starts in an empty directory' '
	readme_tour >tour.sh &&
	test $(wc -l <tour.sh) -ge 20 &&
	head -n 1 tour.sh | grep "^cd \"\$(mktemp -d)\"" &&
	grep "orgctl init" tour.sh && grep "orgctl rollback" tour.sh
'

# The tour as it is, after two lines that record each failing line of it as "LINE STATUS"
# (they shift LINENO by two).
cat >"$SCRATCH/prelude" <<-\EOF
	set -o pipefail
	trap 'echo "$((LINENO - 2)) $?" >>"$SCRATCH/statuses"' ERR
EOF

test_expect_success 'every step of the tour succeeds, or exits as its comment says' '
	mkdir tmp empty &&
	cat prelude tour.sh >run.sh &&
	: >statuses &&
	(cd empty && SCRATCH=$SCRATCH TMPDIR=$SCRATCH/tmp bash ../run.sh) >tour.out 2>tour.err &&
	grep -n "exit status [1-9]" tour.sh | sed "s/^\([0-9]*\):.*exit status \([0-9]*\).*/\1 \2/" \
		>expect &&
	test $(wc -l <expect) -ge 2 &&
	test_cmp expect statuses &&
	test_must_fail test -e empty/acme-config &&
	ls empty >left && test_cmp /dev/null left
'

test_expect_success 'the tour did what it says: users, groups, a refusal, a rollback' '
	repo=$(echo tmp/*/acme-config) &&
	test -d "$repo" &&
	test_grep "shortname acmecorp" tour.sh &&
	git -C "$repo" log --format=%s >subjects &&
	test_grep "^rollback 10: bulk exec onboarding" subjects &&
	test_grep "^user passwd alice$" subjects &&
	! grep "user rm" subjects &&
	test_grep "lacks \"directory:user:delete\"" tour.err &&
	test_grep "^dry run: user rm bob would change 2 object(s):$" tour.out &&
	orgctl -C "$repo" --org acmecorp user show alice -o json >alice.json &&
	jq -e ".password_set == true and .groups == [\"tier1\"]" alice.json &&
	orgctl -C "$repo" --org acmecorp bulk list --pending -o csv >pending &&
	test_grep "^onboarding," pending &&
	test_must_fail --status 3 orgctl -C "$repo" --org acmecorp user show bob &&
	test_fsck "$repo"
'

test_expect_success 'the build holds the man pages where MANPATH=build/man finds them' '
	test -f "$build/man/man1/orgctl.1" &&
	test -f "$build/man/man1/orgctl-user.1" &&
	test -f "$build/man/man5/orgctl.5" &&
	if command -v man >/dev/null; then
		MANPATH=$build/man: man -w orgctl >where &&
		test_grep "^$build/man/man1/orgctl.1$" where
	fi &&
	test_grep "export PATH=\$PWD/build/cmd:\$PATH MANPATH=\$PWD/build/man:" \
		"$TEST_SOURCE_DIR/README.md" &&
	test_grep "meson install" "$TEST_SOURCE_DIR/README.md"
'

# --- a small org: groups, access groups, roles from everywhere ---

test_expect_success 'setup' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo &&
	orgctl org create "Acme Corp" >out &&
	test_grep "org create acmecorp$" out &&
	export ORGCTL_ORG=acmecorp &&
	orgctl role create Agent --permission directory:user:view >/dev/null &&
	orgctl role create Lead --permission directory:user:edit >/dev/null &&
	orgctl role create Off --permission directory:user:delete >/dev/null &&
	orgctl skill create billing >/dev/null &&
	orgctl skill create plain >/dev/null &&
	orgctl capacity create solo --voice 1 >/dev/null &&
	orgctl capacity create blend --voice 1 --chat 2 --combine "voice AND chat" \
		--description both >/dev/null &&
	orgctl user create alice --email alice@acme.example --role Agent >/dev/null &&
	orgctl user create bob --email bob@acme.example --full-name "Bob, \"B\" Jr" >/dev/null &&
	orgctl group create tier1 --member alice --member bob --role Agent --role Lead >/dev/null &&
	orgctl group create night --member alice --role Off >/dev/null &&
	orgctl group create closed --member bob --role Lead >/dev/null &&
	orgctl group disable closed >/dev/null &&
	orgctl role disable Off >/dev/null &&
	orgctl access create Leads --member alice --role Lead >/dev/null
'

test_expect_success 'user show: groups, access groups, and each role in effect with its source' '
	orgctl user show alice -o json >alice.json &&
	test_json_canonical alice.json &&
	jq -e ".groups == [\"night\", \"tier1\"] and .access_groups == [\"Leads\"]" alice.json &&
	jq -c .effective_roles alice.json >actual &&
	echo "{\"Agent\":[\"direct\",\"group:tier1\"],\"Lead\":[\"group:tier1\",\"access:Leads\"]}" >expect &&
	test_cmp expect actual &&
	orgctl user show bob -o json >bob.json &&
	jq -e ".groups == [\"closed\", \"tier1\"] and .access_groups == []" bob.json &&
	jq -c .effective_roles bob.json >actual &&
	echo "{\"Agent\":[\"group:tier1\"],\"Lead\":[\"group:tier1\"]}" >expect &&
	test_cmp expect actual
'

test_expect_success 'effective roles agree with user can; a disabled user has none' '
	orgctl user can alice directory:user:edit >out &&
	orgctl user can alice directory:user:view >out &&
	test_must_fail --status 10 orgctl user can alice directory:user:delete &&
	orgctl user disable bob >/dev/null &&
	orgctl user show bob -o json >bob.json &&
	jq -e ".effective_roles == {} and .groups == [\"closed\", \"tier1\"]" bob.json &&
	test_must_fail --status 10 orgctl user can bob directory:user:view &&
	orgctl user enable bob >/dev/null
'

test_expect_success 'a table and CSV write the sources in one documented way' '
	orgctl user show alice >table &&
	test_grep "^effective_roles  *Agent=direct,group:tier1;Lead=group:tier1,access:Leads$" table &&
	test_grep "^groups  *night;tier1$" table &&
	orgctl user show alice -o csv >csv &&
	test $(wc -l <csv) -eq 2 &&
	test_grep "Agent=direct,group:tier1;Lead=group:tier1,access:Leads" csv
'

test_expect_success 'the computed fields are never stored' '
	git -C repo show "main:$(git -C repo ls-tree -r --name-only main | grep /alice.json)" >blob &&
	! grep -e groups -e effective -e password_set blob
'

# --- every field, the same way everywhere ---

test_expect_success 'every kind: show and list print every field, empty ones as [], {}, false or null' '
	orgctl user template create bare >/dev/null &&
	orgctl user template create full --description all --role Agent --group tier1 \
		--skill billing=3 --option tz=UTC >/dev/null &&
	orgctl access create Empty >/dev/null &&
	for kind in org user role group skill access capacity "user template"; do
		case $kind in
		org) org= ;;
		*) org=--org=acmecorp ;;
		esac &&
		orgctl $org $kind list -o json >list.json &&
		jq -e "length >= 2 and (map(keys) | unique | length) == 1" list.json ||
			{ echo "$kind list: objects with different fields"; return 1; }
		jq -r ".[0] | keys[]" list.json >keys &&
		for name in $(jq -r ".[] | .shortname // .name | @base64" list.json); do
			name=$(echo "$name" | base64 -d) &&
			orgctl $org $kind show "$name" -o json | jq -r "keys[]" >show-keys &&
			test_cmp keys show-keys || { echo "$kind show $name"; return 1; }
		done || return 1
	done &&
	orgctl access show Empty -o json >empty.json &&
	jq -e ".members == [] and .roles == [] and .description == null" empty.json &&
	orgctl user template show bare -o json >bare.json &&
	jq -e ".roles == [] and .skills == {} and .description == null" bare.json
'

test_expect_success 'user can answers with the same keys, yes or no' '
	orgctl user can alice directory:user:view -o json | jq -S "keys" >yes &&
	test_must_fail --status 10 orgctl user can alice directory:user:delete -o json >no.json &&
	jq -S "keys" no.json >no &&
	test_cmp yes no
'

test_expect_success '-o csv carries every field -o json has' '
	orgctl user list -o json | jq -r ".[0] | keys[]" | sort >json-keys &&
	orgctl user list -o csv | head -n 1 | tr , "\n" | sort >csv-keys &&
	test_cmp json-keys csv-keys &&
	orgctl user show alice -o json | jq -r "keys[]" | sort >json-keys &&
	orgctl user show alice -o csv | head -n 1 | tr , "\n" | sort >csv-keys &&
	test_cmp json-keys csv-keys &&
	orgctl user list --search nobody -o csv >empty.csv &&
	head -n 1 empty.csv | tr , "\n" | sort >csv-keys &&
	orgctl user list -o json | jq -r ".[0] | keys[]" | sort >json-keys &&
	test_cmp json-keys csv-keys &&
	orgctl diff 2 -o csv >diff.csv &&
	test_grep "^change_set,diff$" diff.csv &&
	test_grep "orgs/acmecorp/org.json" diff.csv
'

# --- user list -o csv, fed back to bulk create ---

test_expect_success 'setup: users with every field' '
	orgctl user create "Zoë Ünal" --email zoe@acme.example --full-name "Zoë; \"Z\", Ünal" \
		--role Lead --group night --access-group Leads --skill billing=5 \
		--option tz=UTC --option "odd;key=a=b,c" --capacity solo --state disabled >/dev/null &&
	orgctl user show "Zoë Ünal" -o json >zoe.json &&
	jq -e ".state == \"disabled\" and .access_groups == [\"Leads\"] and
		.options[\"odd;key\"] == \"a=b,c\"" zoe.json &&
	orgctl user list -o json >before.json &&
	orgctl user list -o csv >users.csv
'

test_expect_success 'list -o csv -> bulk create in another org -> the same users' '
	orgctl org create "Acme West" >/dev/null &&
	for r in Agent Lead; do orgctl --org acmewest role create $r >/dev/null || return 1; done &&
	orgctl --org acmewest role create Off >/dev/null &&
	orgctl --org acmewest skill create billing >/dev/null &&
	orgctl --org acmewest capacity create solo --voice 1 >/dev/null &&
	orgctl --org acmewest group create tier1 --role Agent --role Lead >/dev/null &&
	orgctl --org acmewest group create night --role Off >/dev/null &&
	orgctl --org acmewest group create closed --role Lead >/dev/null &&
	orgctl --org acmewest group disable closed >/dev/null &&
	orgctl --org acmewest role disable Off >/dev/null &&
	orgctl --org acmewest access create Leads --role Lead >/dev/null &&
	orgctl --org acmewest bulk create users users.csv --kind user >out &&
	test_grep "3 rows, ready" out &&
	orgctl --org acmewest bulk exec users >/dev/null &&
	orgctl --org acmewest user list -o json >after.json &&
	jq "map(del(.id))" before.json >before.noid && jq "map(del(.id))" after.json >after.noid &&
	test_cmp before.noid after.noid &&
	! cmp -s before.json after.json # the same users, each made anew: an id of its own
'

test_expect_success 'list -o csv -> user rm -> bulk create -> the same users again' '
	for u in alice bob "Zoë Ünal"; do orgctl user rm "$u" --force >/dev/null || return 1; done &&
	orgctl user list -o json >gone.json &&
	test "$(cat gone.json)" = "[]" &&
	orgctl bulk create again users.csv --kind user >/dev/null &&
	orgctl bulk exec again >/dev/null &&
	orgctl user list -o json >after.json &&
	jq "map(del(.id))" after.json >after.noid &&
	test_cmp before.noid after.noid &&
	jq -r ".[].id" before.json >ids.before && jq -r ".[].id" after.json >ids.after &&
	! grep -qxFf ids.before ids.after # made again: strangers to whoever trusted the old ones
'

test_expect_success 'a long list (its groups read at once) says what show says of each user' '
	{
		echo name,email,roles,groups,access_groups &&
		for i in $(seq 1 70); do
			echo "many$i,many$i@acme.example,Agent,$(test $((i % 2)) = 0 && printf "tier1;")night,$(test $((i % 3)) = 0 && echo Leads)" ||
				return 1
		done
	} >many.csv &&
	orgctl bulk create many many.csv --kind user >/dev/null &&
	orgctl bulk exec many >/dev/null &&
	orgctl user list -o json | jq -c ".[]" >listed &&
	test $(wc -l <listed) -gt 70 &&
	while read -r u; do
		orgctl user show "$(echo "$u" | jq -r .name)" -o json | jq -c . >shown &&
		echo "$u" >one &&
		test_cmp one shown || return 1
	done <listed &&
	grep "\"name\":\"many6\"" listed >six &&
	jq -e ".groups == [\"night\", \"tier1\"] and .access_groups == [\"Leads\"] and
		.effective_roles.Lead == [\"group:tier1\", \"access:Leads\"]" six
'

test_expect_success 'a list cell is checked value by value, with its place' '
	printf "name,email,roles\ncarl,carl@acme.example,Agent;Nope\n" >bad.csv &&
	orgctl bulk create bad bad.csv --kind user >out 2>err &&
	test_grep "incomplete" out &&
	test_grep "^warning: bad.csv:2:3: .*Nope" err &&
	test_unchanged repo orgctl bulk exec bad 2>err &&
	test_grep "Nope" err &&
	orgctl bulk rm bad >/dev/null &&
	printf "name,email,password_hashes\ncarl,carl@acme.example,x\n" >bad.csv &&
	test_unchanged --status 1 repo orgctl bulk create bad2 bad.csv --kind user 2>err &&
	test_grep "unknown column \"password-hashes\"" err
'

# --- -o json and -q, every command ---

# One line per command of "orgctl help" (the first word): run with -o json it prints one
# JSON document, with -q nothing, and exits 0 (10 for a "no"). $m is j or q, to make
# names that a line creates differ between the two runs.
cat >walk <<-\EOF
	init repo-$m
	org list
	org show acmecorp
	org create "Walk $m Inc" --dry-run
	user list
	user show alice
	user create w$m --email w$m@acme.example --dry-run
	user role add alice Lead --dry-run
	user can alice directory:user:view
	user template list
	role list
	role show Agent
	role grant Agent directory:group:view --dry-run
	group list
	group show tier1
	group member add tier1 bob --dry-run
	skill list
	skill show billing
	access list
	access show Leads
	capacity list
	capacity show solo
	pair list
	clone list
	suppress list
	suppress create walk$m --dry-run
	campaign list
	campaign strategy list
	campaign compliance show
	bulk columns user
	bulk create walk$m walk-$m.csv --kind user
	bulk plan walk$m
	bulk list
	bulk show walk$m
	bulk rm walk$m
	campaign stats calls.csv
	log -n 3
	show 2
	diff 2
	rollback "$(orgctl log -n 1 -o json | jq -r ".[0].id")" --dry-run
	check
	help
	help permissions
	help user role add
	version
	user role --help
	user --help
	bulk --help
	campaign --help
EOF

test_expect_success 'the walk covers every command of orgctl help' '
	orgctl help | sed -n "/^commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p" >commands &&
	test -s commands &&
	while read -r cmd; do
		grep -q "^$cmd\( \|$\)" walk || { echo "no walk line for $cmd"; return 1; }
	done <commands
'

for m in j q c; do
	printf "name,email\nbulk%s,bulk%s@acme.example\n" $m $m >"$SCRATCH/walk-$m.csv"
done
cp "$TEST_SOURCE_DIR/tests/data/campaign-stats/records.csv" "$SCRATCH/calls.csv"

# walk M OPTION CHECK: runs each line of the walk with OPTION (and $m set to M): each
# must exit 0, and CHECK must accept its output (./out).
walk() {
	m=$1
	while read -r line; do
		eval "orgctl $2 $line" >out 2>err || { echo "$line: exit $?"; cat err; return 1; }
		$3 || { echo "$line: $3 refuses its output:"; cat out; return 1; }
	done <walk
}

one_json_document() {
	jq -e . out >/dev/null && test "$(jq -s length out)" -eq 1
}

nothing() {
	test_cmp /dev/null out
}

# Keeps each output as walked-N, for csv_rows to check at once (python starts slowly).
keep() {
	mv out "walked-$(ls | grep -c "^walked-")"
}

# Every walked-N: CSV with a header, every row as wide as the header.
csv_rows() {
	python3 -c "
import csv, sys
for name in sys.argv[1:]:
    rows = list(csv.reader(open(name, newline=\"\", encoding=\"utf-8\")))
    if not rows or any(len(r) != len(rows[0]) for r in rows):
        sys.exit(name + \": \" + open(name, encoding=\"utf-8\").read())
" walked-*
}

test_expect_success '-o json: every command prints one valid JSON document' '
	walk j "-o json" one_json_document
'

test_expect_success '-q: no command prints anything on stdout' '
	walk q -q nothing &&
	test_must_fail --status 10 orgctl -q user can alice directory:user:delete >out &&
	nothing
'

test_expect_success '-o csv: every command prints CSV whose rows have the header width' '
	walk c "-o csv" keep &&
	test $(ls walked-* | wc -l) -eq $(wc -l <walk) &&
	csv_rows
'

# --- help and suggestions: two-word verbs as they are typed ---

test_expect_success 'help understands two-word verbs' '
	orgctl user role --help >out &&
	test_grep "orgctl user role add NAME ROLE" out &&
	test_grep "orgctl user role rm NAME ROLE" out &&
	! grep "user create" out &&
	orgctl help user role >out2 &&
	test_cmp out out2 &&
	orgctl help user create >a &&
	orgctl user create --help >b &&
	test_cmp a b &&
	test_grep "^  orgctl user create NAME" a &&
	orgctl help user role add >a &&
	orgctl user role add --help >b &&
	test_cmp a b &&
	test_grep "needs permission: authorization:grant:add" a &&
	test_must_fail --status 2 orgctl user role 2>err &&
	test_grep "user role add" err
'

test_expect_success 'suggestions are spelled as typed: "role rm", never "role-rm"' '
	test_unchanged --status 2 repo orgctl user role rmm alice Agent 2>err &&
	test_grep "did you mean \"role rm\"" err &&
	test_unchanged --status 2 repo orgctl user rolerm alice Agent 2>err &&
	test_grep "did you mean \"role rm\"" err &&
	test_unchanged --status 2 repo orgctl user role ad alice Agent 2>err &&
	test_grep "did you mean \"role add\"" err &&
	test_unchanged --status 2 repo orgctl group member ad tier1 bob 2>err &&
	test_grep "did you mean \"member add\"" err &&
	test_unchanged --status 2 repo orgctl group member add 2>err &&
	test_grep "group member add: missing NAME" err &&
	! grep -e "role-" -e "member-" err
'

test_expect_success 'completion: help takes commands, then verbs as typed' '
	orgctl __complete help user "" >out &&
	test_grep "^role$" out &&
	orgctl __complete help user role "" >out &&
	printf "add\nrm\n" >expect &&
	test_cmp expect out
'

# --- tables count characters ---

# The display column where each line's e-mail starts (wide characters count two).
email_columns() {
	python3 -c "
import sys, unicodedata
def width(s):
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in \"WF\" else 1 for c in s)
for line in open(sys.argv[1], encoding=\"utf-8\"):
    i = line.find(\"@\")
    if i >= 0:
        start = line.rfind(\" \", 0, i) + 1
        print(width(line[:start]))
" "$1" | sort -u
}

test_expect_success 'table columns are aligned by characters, not bytes' '
	orgctl user create "山田" --email yamada@acme.example --full-name "山田 太郎" >/dev/null &&
	orgctl user create "e$(printf "\314\201")" --email combining@acme.example >/dev/null &&
	orgctl user list >table &&
	test_grep "^Zoë Ünal " table &&
	email_columns table >cols &&
	test $(wc -l <cols) -eq 1 &&
	test_grep "^山田  " table
'

test_expect_success 'the repository is sound' '
	test_fsck repo
'

test_done
