#!/usr/bin/env bash
# Settings: one table of known keys with typed values, checked whenever a setting is set
# (a command, a bulk row, a rollback); the enterprise org's settings are enterprise-wide,
# an org may tighten the password policy but not loosen it, the stricter value is the one
# in force (also for user passwd), and "org settings" shows what is in force and why.
. "$(dirname "$0")/test-lib.sh"

# settings_csv ORG: the table's columns of "org settings ORG -o csv" (CSV carries every
# field after them: type, scope, help).
settings_csv() {
	orgctl org settings "$1" -o csv | python3 -c '
import csv, sys
w = csv.writer(sys.stdout, lineterminator="\n")
for row in csv.reader(sys.stdin):
    w.writerow(row[:5])
'
}

test_expect_success 'setup' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo ORGCTL_ORG=acme &&
	orgctl org create Acme --shortname acme >/dev/null &&
	orgctl org create Globex --shortname globex >/dev/null &&
	orgctl user create alice --email alice@acme.example >/dev/null &&
	echo "Abcdefgh-1" >pw10 &&
	echo "Abcdefghijk-1" >pw13 &&
	echo "Abcdefghijklmno-1" >pw17
'

test_expect_success 'an unknown key is refused, naming the known ones' '
	test_unchanged --status 1 repo orgctl org update acme --setting colour=blue 2>err &&
	test_grep "unknown setting \"colour\" (known: password.min_length, " err &&
	test_unchanged --status 1 repo orgctl org create Initech --setting colour=blue 2>err &&
	test_grep "unknown setting \"colour\"" err
'

test_expect_success 'a value of the wrong type is refused' '
	test_unchanged --status 1 repo orgctl org update acme --setting password.min_length=abc 2>err &&
	test_grep "password.min_length=\"abc\" is not an integer 1-1024" err &&
	test_unchanged --status 1 repo orgctl org update acme --setting password.min_length=-3 &&
	test_unchanged --status 1 repo orgctl org update acme --setting password.min_length=1.5 &&
	test_unchanged --status 1 repo orgctl org update acme --setting password.min_length= &&
	test_unchanged --status 1 repo orgctl org update acme --setting tz="Not a zone" 2>err &&
	test_grep "tz=\"Not a zone\" is not a time zone" err &&
	test_unchanged --status 1 repo orgctl org update acme --setting lang=english 2>err &&
	test_grep "lang=\"english\" is not a language tag" err
'

test_expect_success 'a value out of range is refused' '
	test_unchanged --status 1 repo orgctl org update acme --setting password.min_classes=5 2>err &&
	test_grep "password.min_classes=\"5\" is not an integer 1-4" err &&
	test_unchanged --status 1 repo orgctl org update acme --setting password.min_length=0 &&
	test_unchanged --status 1 repo orgctl org update enterprise --setting password.max_length=5000
'

test_expect_success 'good values of every type are taken' '
	orgctl org update acme --setting tz=America/Argentina/Buenos_Aires --setting lang=fr-CA \
		--setting password.min_classes=2 >/dev/null &&
	git -C repo show main:orgs/acme/org.json >actual &&
	test_grep "\"tz\": \"America/Argentina/Buenos_Aires\"" actual &&
	test_grep "\"lang\": \"fr-CA\"" actual &&
	orgctl org update acme --unset-setting tz --unset-setting lang \
		--unset-setting password.min_classes >/dev/null
'

test_expect_success 'org settings shows every key: in force, the org, the enterprise, the default' '
	settings_csv acme >actual &&
	cat >expect <<-\EOF &&
	key,value,org,enterprise,default
	password.min_length,8,,,8
	password.max_length,256,,,256
	password.min_classes,1,,,1
	bulk.max_rows,1000000,,,1000000
	bulk.max_megabytes,1024,,,1024
	suppress.max_inflated_megabytes,4096,,,4096
	suppress.default_country,US,,,US
	tz,UTC,,,UTC
	lang,en,,,en
	EOF
	test_cmp expect actual &&
	orgctl help settings -o csv | cut -d, -f1 | sed 1d >keys &&
	cut -d, -f1 expect | sed 1d >want &&
	test_cmp want keys
'

test_expect_success 'an enterprise setting applies to an org that set nothing' '
	orgctl org update enterprise --setting password.min_length=12 >/dev/null &&
	test_unchanged --status 1 repo orgctl user passwd alice --password-file pw10 2>err &&
	test_grep "wants at least 12 (password.min_length)" err &&
	orgctl org settings acme -o json >actual &&
	python3 - <<-\EOF
	import json
	rows = {r["key"]: r for r in json.load(open("actual"))}
	r = rows["password.min_length"]
	assert (r["value"], r["org"], r["enterprise"], r["default"]) == (12, None, 12, 8), r
	EOF
	orgctl user passwd alice --password-file pw13 >/dev/null
'

test_expect_success 'an org may not loosen the enterprise policy (nor go below a default)' '
	test_unchanged --status 1 repo orgctl org update acme --setting password.min_length=10 2>err &&
	test_grep "org \"acme\": password.min_length=10 is looser than the enterprise.s 12" err &&
	test_unchanged --status 1 repo orgctl org update globex --setting password.max_length=300 2>err &&
	test_grep "password.max_length=300 is looser than the enterprise.s 256 (the default)" err &&
	test_unchanged --status 1 repo orgctl org update globex --setting password.min_classes=0
'

test_expect_success 'an org may tighten it' '
	orgctl org update acme --setting password.min_length=14 --setting password.max_length=64 \
		>/dev/null &&
	test_unchanged --status 1 repo orgctl user passwd alice --password-file pw13 2>err &&
	test_grep "wants at least 14" err &&
	orgctl user passwd alice --password-file pw17 >/dev/null &&
	settings_csv acme >actual &&
	test_grep "^password.min_length,14,14,12,8$" actual &&
	test_grep "^password.max_length,64,64,,256$" actual
'

test_expect_success 'when the enterprise tightens later, the stricter value is in force' '
	orgctl org update enterprise --setting password.min_length=16 >/dev/null &&
	settings_csv acme >actual &&
	test_grep "^password.min_length,16,14,16,8$" actual &&
	test_unchanged --status 1 repo orgctl user passwd alice --password-file pw13 2>err &&
	test_grep "wants at least 16" err &&
	orgctl org update acme --name "Acme Corporation" >/dev/null &&
	orgctl org update enterprise --setting password.min_length=12 >/dev/null &&
	settings_csv acme >actual &&
	test_grep "^password.min_length,14,14,12,8$" actual
'

test_expect_success 'a policy no password could meet is refused' '
	test_unchanged --status 1 repo orgctl org update acme --setting password.max_length=12 2>err &&
	test_grep "password.min_length 14 is more than password.max_length 12" err
'

test_expect_success 'settings of other kinds: the org value wins, the enterprise gives the default' '
	orgctl org update enterprise --setting tz=Europe/Paris >/dev/null &&
	orgctl org update globex --setting tz=Asia/Tokyo >/dev/null &&
	settings_csv acme | grep "^tz," >actual &&
	echo "tz,Europe/Paris,,Europe/Paris,UTC" >expect &&
	test_cmp expect actual &&
	settings_csv globex | grep "^tz," >actual &&
	echo "tz,Asia/Tokyo,Asia/Tokyo,Europe/Paris,UTC" >expect &&
	test_cmp expect actual
'

test_expect_success 'bulk rows go through the same checks' '
	cat >bad.csv <<-\EOF &&
	kind,op,name,setting
	org,update,acme,password.min_length=abc
	org,update,globex,password.min_length=4
	org,update,globex,colour=red
	EOF
	orgctl bulk create bad bad.csv >out 2>err &&
	test_grep "3 rows, incomplete" out &&
	test_unchanged --status 1 repo orgctl bulk exec bad 2>err &&
	test_grep "bad.csv:2:.*password.min_length=\"abc\" is not an integer" err &&
	test_grep "bad.csv:3:.*password.min_length=4 is looser than the enterprise.s 12" err &&
	test_grep "bad.csv:4:.*unknown setting \"colour\"" err &&
	orgctl bulk rm bad >/dev/null
'

test_expect_success 'a rollback that would restore a looser value is refused' '
	orgctl org update globex --setting password.min_length=13 >/dev/null &&
	orgctl org update globex --unset-setting password.min_length >/dev/null &&
	id=$(git -C repo log -1 --format="%(trailers:key=Change-Set,valueonly)") &&
	orgctl org update enterprise --setting password.min_length=14 >/dev/null &&
	test_unchanged repo orgctl rollback "$id" 2>err &&
	test_grep "password.min_length=13 is looser than the enterprise.s 14" err &&
	settings_csv globex >actual &&
	test_grep "^password.min_length,14,,14,8$" actual
'

test_expect_success 'a broken value made by hand: the org is not believed until it is repaired' '
	git clone -q repo work &&
	(
		cd work &&
		sed -i "s/\"password.min_length\": \"14\"/\"password.min_length\": \"lots\"/" \
			orgs/acme/org.json &&
		git commit -q -am "broken by hand" &&
		git push -q origin HEAD:main
	) &&
	test_unchanged repo orgctl user passwd alice --password-file pw17 2>err &&
	test_grep "orgs/acme/org.json" err &&
	test_unchanged repo orgctl org settings acme 2>err &&
	test_grep "password.min_length" err &&
	test_unchanged repo orgctl org update acme --name "Acme Again" 2>err &&
	test_grep "orgs/acme/org.json" err &&
	test_must_fail --status 1 orgctl check >out &&
	test_grep "^orgs/acme/org.json: .*password.min_length" out &&
	(
		cd work &&
		git revert --no-edit HEAD >/dev/null &&
		git push -q origin HEAD:main
	) &&
	orgctl check &&
	orgctl org update acme --name "Acme Again" >/dev/null &&
	orgctl org update acme --setting password.min_length=16 >/dev/null &&
	orgctl user passwd alice --password-file pw17 >/dev/null
'

test_expect_success 'orgctl(5) documents every key with its type and default' '
	orgctl help settings -o csv | sed 1d | while IFS=, read -r key type def scope help; do
		grep -qF "*$key*" "$TEST_SOURCE_DIR/man/orgctl.5.scd" &&
		grep -F "*$key*" "$TEST_SOURCE_DIR/man/orgctl.5.scd" | grep -qF "$type" &&
		grep -F "*$key*" "$TEST_SOURCE_DIR/man/orgctl.5.scd" | grep -qF "$def" || {
			echo "orgctl(5) lacks \"*$key*\" with \"$type\" and default \"$def\"" >&2
			return 1
		}
	done
'

test_expect_success 'completion offers the keys after --setting and --unset-setting' '
	orgctl __complete org update acme --setting pass >actual &&
	test_grep "^password.min_length=$" actual &&
	orgctl __complete org update acme --unset-setting t >actual &&
	echo tz >expect &&
	test_cmp expect actual
'

test_done
