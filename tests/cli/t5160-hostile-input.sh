#!/usr/bin/env bash
# Hostile input: names that spoof, e-mails outside RFC 5321, text a terminal would obey,
# times that are no time, numbers that are no plain number. Each is refused with exit 1
# and leaves HEAD where it was.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo ORGCTL_ORG=acme &&
	orgctl org create Acme >/dev/null &&
	orgctl skill create java >/dev/null &&
	orgctl user create alice --email alice@acme.example >/dev/null
'

# Names a listing would show as something else, or not at all.
for name in $'\xe2\x80\xaeevil' $'\xef\xbb\xbfbob' $'\xc2\xa0' $'a\xe2\x80\x8bb' $'a\xe2\x81\xa6b' $'bob\xc2\xad' \
	$'a\xe3\x80\x80b' $'x\xe2\x80\xa8y' $'z\xc2\x85' $'w\xe2\x80\x8dx' $'\xe2\x81\xa0' $'a\xd8\x9cb' $'\xf3\xa0\x81\x81tag'; do
	test_expect_success "a name holding $(printf %s "$name" | od -An -tx1 | tr -d " ") is refused" '
		test_unchanged --status 1 repo orgctl user create "$name" --email n$RANDOM@acme.example 2>err &&
		test_grep "U+" err &&
		test_unchanged --status 1 repo orgctl role create "$name" &&
		test_unchanged --status 1 repo orgctl group create "$name"
	'
done

test_expect_success 'names with letters of every script, apostrophes and inner spaces are fine' '
	orgctl user create "zoë ünal" --email zoe@acme.example >/dev/null &&
	orgctl user create "o'\''brien" --email ob@acme.example >/dev/null &&
	orgctl role create "Master Admin 2" >/dev/null &&
	orgctl user create "$(printf "\346\235\216\345\260\217\351\276\215")" --email li@acme.example >/dev/null
'

long64=$(printf "a%.0s" $(seq 1 64))
long65=$(printf "a%.0s" $(seq 1 65))
label63=$(printf "b%.0s" $(seq 1 63))
for email in 'a@.b.c' 'a@b' 'a@b..c' 'a@-b.c' 'a@b-.c' '.a@b.c' 'a.@b.c' 'a..b@c.d' \
	"$long65@acme.example" "a@$label63$label63.example" 'a b@c.d' 'a@b@c.d' $'a\xe2\x80\x8b@b.cd' \
	$'\xff@b.cd' "$(printf "x%.0s" $(seq 1 250))@b.cd" 'a@b.c_d' '@b.cd' 'a@'; do
	test_expect_success "e-mail \"$(printf %s "$email" | cut -c1-40)\" is refused" '
		test_unchanged --status 1 repo orgctl user create e$RANDOM --email "$email" 2>err &&
		test_grep "e-mail\|email" err
	'
done

test_expect_success 'e-mails at the limits and internationalised domains are fine' '
	orgctl user create lim1 --email "$long64@acme.example" >/dev/null &&
	orgctl user create lim2 --email "x@$label63.example" >/dev/null &&
	orgctl user create idn --email "jürgen@müller.example" >/dev/null
'

test_expect_success 'an error quotes at most about a hundred bytes of a field' '
	huge=$(printf "y%.0s" $(seq 1 5000)) &&
	test_unchanged --status 1 repo orgctl user create huge --email "$huge@b.cd" 2>err &&
	test "$(wc -c <err)" -lt 400
'

test_expect_success 'free text holds no controls: an ESC in a full name is refused' '
	test_unchanged --status 1 repo orgctl user create esc --email esc@acme.example \
		--full-name "$(printf "\033[31mred")" 2>err &&
	test_grep "U+001B" err &&
	test_unchanged --status 1 repo orgctl user update alice --full-name "$(printf "a\rb")" &&
	test_unchanged --status 1 repo orgctl user update alice --full-name $'"'"'\xe2\x80\xaegnp.exe'"'"'
'

test_expect_success 'free text has a bound' '
	big=$(printf "f%.0s" $(seq 1 1025)) &&
	test_unchanged --status 1 repo orgctl user update alice --full-name "$big" 2>err &&
	test_grep "longer than" err &&
	ok=$(printf "f%.0s" $(seq 1 1024)) &&
	orgctl user update alice --full-name "$ok" >/dev/null
'

test_expect_success 'option keys and values hold no control characters' '
	test_unchanged --status 1 repo orgctl user option set alice "$(printf "k\001ey")=v" &&
	test_unchanged --status 1 repo orgctl user option set alice "key=$(printf "v\033[2J")" &&
	orgctl user option set alice key=v >/dev/null
'

test_expect_success 'a password must be valid UTF-8' '
	printf "\377\376longenough1\n" >pw &&
	test_unchanged --status 1 repo orgctl user passwd alice --password-file pw 2>err &&
	test_grep "UTF-8" err
'

for t in 2026-02-30 2026-02-29 2026-13-01 2026-00-10 2026-01-32 1969-12-31T23:59:59Z \
	2106-02-08 9999-01-01 "2026-01-01T24:00:00Z" "2026-01-01T10:60:00Z" "2026-1-1" \
	" 2026-01-01" "2026-01-01T10:00:00+02:00" "yesterday" ""x; do
	test_expect_success "ORGCTL_NOW=$t is refused" '
		ORGCTL_NOW=$t test_unchanged --status 1 repo orgctl user update alice --full-name T$RANDOM 2>err &&
		test_grep "ORGCTL_NOW" err
	'
done

test_expect_success 'real times at the edges are taken' '
	ORGCTL_NOW=2024-02-29T12:00:00Z orgctl user update alice --full-name Leap >/dev/null &&
	ORGCTL_NOW=1970-01-01 orgctl user update alice --full-name Epoch >/dev/null &&
	ORGCTL_NOW=2106-02-07T06:28:15Z orgctl user update alice --full-name Last >/dev/null &&
	git -C repo log -1 --format=%ad --date=unix >when &&
	echo 4294967295 >want && test_cmp want when
'

for level in " 7" "+7" "7 " "0x7" "7.0" "99999999999999999999" ""; do
	test_expect_success "skill level \"$level\" is no plain number" '
		test_unchanged --status 1 repo orgctl user skill set alice java "$level"
	'
done

test_expect_success 'a full name that drives the terminal, pushed by hand, never reaches it' '
	rm -rf work && git clone -q repo work &&
	file=$(cd work && git ls-files "orgs/acme/users/*/alice.json") &&
	python3 - "work/$file" <<-\EOF &&
	import json, sys
	p = sys.argv[1]
	o = json.load(open(p))
	o["full_name"] = "A\u001b[2J\u001b]0;pwned\u0007lice\u009b31m\u202e"
	open(p, "w").write(json.dumps(o, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
	EOF
	git -C work commit -qam "a full name that drives the terminal" &&
	git -C work push -q origin HEAD:main &&
	orgctl user list >out 2>&1 &&
	test_must_fail --status 1 orgctl user show alice >>out 2>&1 &&
	orgctl user list -o csv >>out 2>&1 &&
	! LC_ALL=C grep -q "$(printf "\033")" out &&
	! LC_ALL=C grep -q "$(printf "\007")" out &&
	! LC_ALL=C grep -q "$(printf "\302\233")" out &&
	! LC_ALL=C grep -q "$(printf "\342\200\256")" out &&
	test_grep "warning: $file" out &&
	test_must_fail grep "^alice" out
'

test_expect_success 'every CSV orgctl writes guards against formulas, and reads its own back' '
	orgctl user create f1 --email f1@acme.example --full-name "=HYPERLINK(\"http://x\")" >/dev/null &&
	orgctl user create f2 --email f2@acme.example --full-name "+1 555" --option k=-5 >/dev/null &&
	orgctl user create f3 --email f3@acme.example --full-name "@sum" >/dev/null &&
	orgctl user create f4 --email f4@acme.example --full-name "'"'"'=kept" >/dev/null &&
	orgctl user list -o csv >users.csv &&
	test_grep "^f1,\"'"'"'=HYPERLINK" users.csv &&
	test_grep "^f2,'"'"'+1 555," users.csv &&
	test_grep "^f3,'"'"'@sum," users.csv &&
	test_grep "^f4,'"'"''"'"'=kept," users.csv &&
	grep "^f[1-4]," users.csv | python3 -c "
import csv, sys
for row in csv.reader(sys.stdin):
    assert row[1][:1] not in \"=+-@\", row
" &&
	orgctl org create Formula >/dev/null &&
	(echo name,full_name,email && grep "^f[1-4]," users.csv | cut -d, -f1-3) >back.csv &&
	sed -i "s/^f1,.*/f1,\"'"'"'=HYPERLINK(\"\"http:\/\/x\"\")\",f1@acme.example/" back.csv &&
	orgctl --org formula bulk create back back.csv --kind user >/dev/null &&
	orgctl --org formula bulk exec back >/dev/null &&
	orgctl --org formula user show f1 -o json | jq -r .full_name >got &&
	echo "=HYPERLINK(\"http://x\")" >want && test_cmp want got &&
	orgctl --org formula user show f4 -o json | jq -r .full_name >got &&
	echo "'"'"'=kept" >want && test_cmp want got &&
	printf "kind,op,name,email,full-name\nuser,create,f9,f1@acme.example,=cmd|calc\n" >fail.csv &&
	orgctl bulk create failing fail.csv >/dev/null 2>&1 &&
	test_must_fail orgctl bulk exec failing --continue-on-error 2>err &&
	failures=$(sed -n "s/.*they are in \(.*\): fix.*/\1/p" err) &&
	test -f "$failures" &&
	test_grep "'"'"'=cmd|calc" "$failures"
'

test_done
