#!/usr/bin/env bash
# --dry-run: every command that writes, listed by the binary itself ("orgctl __complete
# commands" says which write), run with --dry-run leaves everything as it was: the same
# exit status as without, the branch where it was, and not one file created, changed or
# removed anywhere in the working directory (the repository, its objects, the SQLite
# index, a failures file), nor a directory for init. The same command without --dry-run
# then does change the repository, so each case proves something.
. "$(dirname "$0")/test-lib.sh"

# snapshot DIR: every path with its type and mode, and every file's size and time of last
# change (to the nanosecond): a file created, removed or written to shows, the SQLite
# index (whose -wal and -shm files come and go with each connection) included. Folders
# without their times: a temporary file made and removed again changes those.
snapshot() {
	(cd "$1" && find . \( -type d -printf 'd %m %p\n' \) -o -printf '%y %m %s %T@ %C@ %p\n') |
		LC_ALL=C sort
}

# The arguments that make a real change, for each writing command of the listing. A
# command that writes and has no case here fails the test: add one.
args_for() {
	case $1 in
	'init') echo 'init newrepo' ;;
	'rollback') echo "rollback $last_id" ;;
	'bulk create') echo 'bulk create newset new.csv' ;;
	'bulk exec') echo 'bulk exec pending1' ;;
	'bulk rm') echo 'bulk rm pending1' ;;
	'org create') echo 'org create Globex' ;;
	'org update') echo 'org update acme --name Acme2' ;;
	'org enable') echo 'org enable dormant' ;;
	'org disable') echo 'org disable acme' ;;
	'user create') echo 'user create carol --email carol@acme.test' ;;
	'user update') echo 'user update alice --full-name Alice2' ;;
	'user rm') echo 'user rm bob' ;;
	'user enable') echo 'user enable dora' ;;
	'user disable') echo 'user disable alice' ;;
	'user passwd') echo 'user passwd bob --password-file pw' ;;
	'user option set') echo 'user option set alice tz=UTC' ;;
	'user option rm') echo 'user option rm alice lang' ;;
	'user role add') echo 'user role add bob Agent' ;;
	'user role rm') echo 'user role rm alice Agent' ;;
	'user skill set') echo 'user skill set bob english 3' ;;
	'user skill rm') echo 'user skill rm alice english' ;;
	'user template create') echo 'user template create tpl2 --role Agent' ;;
	'user template rm') echo 'user template rm tpl' ;;
	'role create') echo 'role create Supervisor --permission directory:user:view' ;;
	'role update') echo 'role update Agent --description front' ;;
	'role rm') echo 'role rm Spare' ;;
	'role copy') echo 'role copy Agent Agent2' ;;
	'role grant') echo 'role grant Agent directory:user:edit' ;;
	'role revoke') echo 'role revoke Agent directory:user:view' ;;
	'role reset default') echo 'role reset default' ;;
	'role enable') echo 'role enable Old' ;;
	'role disable') echo 'role disable Spare' ;;
	'group create') echo 'group create support' ;;
	'group update') echo 'group update sales --description s' ;;
	'group rm') echo 'group rm idle' ;;
	'group copy') echo 'group copy sales sales2' ;;
	'group enable') echo 'group enable closed' ;;
	'group disable') echo 'group disable sales' ;;
	'group member add') echo 'group member add sales bob' ;;
	'group member rm') echo 'group member rm sales alice' ;;
	'group role add') echo 'group role add sales Spare' ;;
	'group role rm') echo 'group role rm sales Agent' ;;
	'group skill set') echo 'group skill set sales german 5' ;;
	'group skill rm') echo 'group skill rm sales english' ;;
	'skill create') echo 'skill create french' ;;
	'skill update') echo 'skill update english --description e' ;;
	'skill rm') echo 'skill rm german' ;;
	'skill copy') echo 'skill copy english english2' ;;
	'skill enable') echo 'skill enable latin' ;;
	'skill disable') echo 'skill disable german' ;;
	'access create') echo 'access create auditors' ;;
	'access update') echo 'access update ops --description o' ;;
	'access rm') echo 'access rm idle' ;;
	'access copy') echo 'access copy ops ops2' ;;
	'access enable') echo 'access enable closed' ;;
	'access disable') echo 'access disable ops' ;;
	'access member add') echo 'access member add ops bob' ;;
	'access member rm') echo 'access member rm ops alice' ;;
	'access role add') echo 'access role add ops Spare' ;;
	'access role rm') echo 'access role rm ops Agent' ;;
	'capacity create') echo 'capacity create heavy --voice 2' ;;
	'capacity update') echo 'capacity update std --chat 3' ;;
	'capacity rm') echo 'capacity rm spare' ;;
	'capacity copy') echo 'capacity copy std std2' ;;
	'capacity enable') echo 'capacity enable old' ;;
	'capacity disable') echo 'capacity disable spare' ;;
	'capacity assign') echo 'capacity assign std --user bob' ;;
	'capacity unassign') echo 'capacity unassign std --user alice' ;;
	'pair request') echo 'pair request --to newco --user bob' ;;
	'pair accept') echo "pair accept $(cat base/linkq)" ;;
	'pair grant') echo "pair grant $(cat base/p1) --user pb@pt --role Spare" ;;
	'pair revoke') echo "pair revoke $(cat base/p1) --user pa@pt --role Agent" ;;
	'pair enable') echo "pair enable $(cat base/p1) --expires 2030-01-01" ;;
	'pair disable') echo "pair disable $(cat base/p1)" ;;
	'pair rm') echo "pair rm $(cat base/p1)" ;;
	'pair add user') echo "pair add user $(cat base/p2) --user dora" ;;
	'pair add group') echo "pair add group $(cat base/p2) --group idle" ;;
	'pair rm user') echo "pair rm user $(cat base/p1) --user pa@pt" ;;
	'pair rm group') echo "pair rm group $(cat base/p1) --group pg@pt" ;;
	'clone create') echo "clone create $(cat base/p2) --user alice" ;;
	'clone rm') echo "clone rm $(cat base/p2) --user bob" ;;
	'suppress create') echo 'suppress create dnc2' ;;
	'suppress rm') echo 'suppress rm dnc' ;;
	'suppress enable') echo 'suppress enable off' ;;
	'suppress disable') echo 'suppress disable dnc' ;;
	'suppress add') echo 'suppress add dnc +13175551213 --client-id c9' ;;
	'suppress remove') echo 'suppress remove dnc +13175551212' ;;
	'suppress import') echo 'suppress import dnc nums.txt --replace' ;;
	'suppress prune') echo 'suppress prune dnc' ;;
	'campaign create') echo 'campaign create c2 --strategy std --tz UTC --window 08:00-21:00 --days mon-fri' ;;
	'campaign update') echo 'campaign update idle --priority 3' ;;
	'campaign rm') echo 'campaign rm idle' ;;
	'campaign copy') echo 'campaign copy idle idle2' ;;
	'campaign start') echo 'campaign start idle' ;;
	'campaign stop') echo 'campaign stop live' ;;
	'campaign complete') echo 'campaign complete done' ;;
	'campaign strategy create') echo 'campaign strategy create s2 --mode preview' ;;
	'campaign strategy update') echo 'campaign strategy update std --max-attempts 4' ;;
	'campaign strategy rm') echo 'campaign strategy rm spare' ;;
	'campaign strategy copy') echo 'campaign strategy copy std std2' ;;
	'campaign sub create') echo 'campaign sub create idle s9 --start 2030-02-01 --end 2030-02-05' ;;
	'campaign sub rm') echo 'campaign sub rm fresh' ;;
	'campaign sub start') echo 'campaign sub start fresh' ;;
	'campaign sub pause') echo 'campaign sub pause running' ;;
	'campaign sub resume') echo 'campaign sub resume held' ;;
	'campaign sub stop') echo 'campaign sub stop running' ;;
	'campaign compliance set') echo 'campaign compliance set --window 08:00-21:00' ;;
	'campaign load') echo 'campaign load fresh contacts.csv' ;;
	*) return 1 ;;
	esac
}

test_expect_success 'setup: an org with one of everything, two pending bulk sets' '
	mkdir base &&
	(
		cd base &&
		orgctl init repo >/dev/null &&
		export ORGCTL_DIR=$PWD/repo ORGCTL_ORG=acme &&
		orgctl org create Acme --shortname acme >/dev/null &&
		orgctl org create Dormant --shortname dormant >/dev/null &&
		orgctl org disable dormant >/dev/null &&
		orgctl role create Agent --permission directory:user:view >/dev/null &&
		orgctl role create Spare >/dev/null &&
		orgctl role create Old >/dev/null &&
		orgctl role disable Old >/dev/null &&
		orgctl skill create english >/dev/null &&
		orgctl skill create german >/dev/null &&
		orgctl skill create latin >/dev/null &&
		orgctl skill disable latin >/dev/null &&
		orgctl capacity create std --voice 1 >/dev/null &&
		orgctl capacity create spare --voice 1 >/dev/null &&
		orgctl capacity create old --voice 1 >/dev/null &&
		orgctl capacity disable old >/dev/null &&
		orgctl user create alice --email alice@acme.test --role Agent --skill english=5 \
			--option lang=en --capacity std >/dev/null &&
		orgctl user create bob --email bob@acme.test >/dev/null &&
		orgctl user create dora --email dora@acme.test >/dev/null &&
		orgctl user disable dora >/dev/null &&
		orgctl user template create tpl >/dev/null &&
		orgctl group create sales --member alice --role Agent --skill english=4 >/dev/null &&
		orgctl group create idle >/dev/null &&
		orgctl group create closed >/dev/null &&
		orgctl group disable closed >/dev/null &&
		orgctl access create ops --member alice --role Agent >/dev/null &&
		orgctl access create idle >/dev/null &&
		orgctl access create closed >/dev/null &&
		orgctl access disable closed >/dev/null &&
		orgctl role update "Master Admin" --description changed >/dev/null &&
		printf "kind,op,name,email\nuser,create,erin,erin@acme.test\n" >p1.csv &&
		orgctl bulk create pending1 p1.csv >/dev/null &&
		printf "kind,op,name,email\nuser,create,gus,gus@acme.test\nuser,create,alice,x@acme.test\n" >p2.csv &&
		orgctl bulk create pending2 p2.csv >/dev/null &&
		printf "kind,op,name,email\nuser,create,fred,fred@acme.test\n" >new.csv &&
		echo "Correct-Horse-9" >pw &&
		orgctl suppress create dnc >/dev/null &&
		orgctl suppress add dnc +13175551212 +442071234567 >/dev/null &&
		ORGCTL_NOW=2020-01-01T00:00:00Z orgctl suppress add dnc +13175559999 \
			--expires 2020-01-02T00:00Z >/dev/null &&
		orgctl suppress create off >/dev/null &&
		orgctl suppress disable off >/dev/null &&
		printf "+13175550000\n" >nums.txt &&
		orgctl campaign strategy create std --mode preview --max-attempts 3 >/dev/null &&
		orgctl campaign strategy create spare --mode preview >/dev/null &&
		for c in idle live done; do
			orgctl campaign create $c --strategy std --tz UTC --window 08:00-21:00 \
				--days mon-fri >/dev/null || exit 1
		done &&
		orgctl campaign start live >/dev/null &&
		orgctl campaign start done >/dev/null &&
		for s in fresh running held; do
			orgctl campaign sub create live $s --start 2030-01-07 --end 2030-01-11 \
				>/dev/null || exit 1
		done &&
		orgctl campaign sub start running >/dev/null &&
		orgctl campaign sub start held >/dev/null &&
		orgctl campaign sub pause held >/dev/null &&
		printf "id,phone\n1,+1 212 555 0100\n" >contacts.csv &&
		for o in Pt Cl Pq Newco; do orgctl org create $o >/dev/null || exit 1; done &&
		orgctl --org pt user create pa --email pa@pt.test >/dev/null &&
		orgctl --org pt user create pb --email pb@pt.test >/dev/null &&
		orgctl --org pt group create pg --member pa >/dev/null &&
		orgctl --org pt -q pair request --to acme --user pa --user pb --group pg >l1 &&
		orgctl -q pair accept - --role Agent <l1 &&
		sed "s|orgctl://pair/||; s|/.*||" l1 >p1 &&
		orgctl --org pq user create q --email q@pq.test >/dev/null &&
		orgctl --org pq -q pair request --to acme --user q >linkq &&
		orgctl -q pair request --to cl --user alice --user bob >l2 &&
		orgctl --org cl -q pair accept - <l2 &&
		sed "s|orgctl://pair/||; s|/.*||" l2 >p2 &&
		orgctl -q clone create "$(cat p2)" --user bob &&
		orgctl skill create last >/dev/null
	) &&
	last_id=$(git -C base/repo log -1 --format="%(trailers:key=Change-Set,valueonly)") &&
	git -C base/repo repack -adq && git -C base/repo prune-packed &&
	test -n "$last_id" &&
	orgctl -C base/repo __complete commands >commands &&
	test_grep "^init	write$" commands &&
	test_grep "^bulk exec	write$" commands &&
	test_grep "^user create	write$" commands &&
	test_grep "^log	read$" commands
'

# dry_case "NAME": on a fresh copy of base, NAME (its args_for) with --dry-run exits as it
# does without, and leaves every file where it was; then without --dry-run it changes the
# repository.
dry_case() {
	local args status real
	args=$(args_for "$1") || {
		echo "no dry-run case for \"$1\" in t6200-dry-run.sh: add one" >&2
		return 1
	}
	rm -rf w && cp -a base w &&
	snapshot w >before &&
	before_head=$(head_of w/repo) &&
	(cd w && ORGCTL_DIR=$PWD/repo orgctl --org acme --dry-run $args) >out 2>err
	status=$?
	cat out err &&
	snapshot w >after &&
	test_cmp before after &&
	test "$(head_of w/repo)" = "$before_head" &&
	(cd w && ORGCTL_DIR=$PWD/repo orgctl --org acme $args) >/dev/null 2>err
	real=$?
	cat err &&
	if test $status -ne $real; then
		echo "\"$1\": --dry-run exits $status, the real command $real" >&2
		return 1
	fi &&
	test $real -eq 0 &&
	if test "$1" = init; then
		test -d w/newrepo
	else
		test "$(head_of w/repo)" != "$before_head"
	fi
}

while IFS='	' read -r name access; do
	test "$access" = write || continue
	test_expect_success "--dry-run $name: same status, no file created or changed" "
		dry_case '$name'
	"
done <commands

test_expect_success '--dry-run prints what would happen' '
	rm -rf w && cp -a base w &&
	(cd w && orgctl -C repo --org acme --dry-run user create carol --email c@acme.test) >out &&
	test_grep "^dry run: user create carol would change 1 object" out &&
	test_grep "create orgs/acme/users/.*/carol.json" out &&
	test_must_fail orgctl -C w/repo --dry-run bulk exec pending2 --continue-on-error \
		--failures w/fail.csv >out 2>err &&
	test_grep "^dry run: bulk exec would apply 1 rows of the set pending2" out &&
	test_grep "^user  *create  *1$" out &&
	test_grep "p2.csv:3:.*alice.*exists already" err &&
	test_grep "1 rows would fail" err &&
	test_must_fail test -e w/fail.csv &&
	(cd w && orgctl --dry-run init newrepo) >out &&
	test_grep "^dry run: init would create an orgctl repository in newrepo" out &&
	test_grep "enterprise administrator: admin@enterprise" out &&
	(cd w && orgctl --dry-run -o json -C repo bulk rm pending1) >out &&
	test_grep "\"dry_run\": *true" out
'

# dry_error ARGS...: with --dry-run the command fails as it does without, changing nothing.
dry_error() {
	local status real
	rm -rf w && cp -a base w &&
	snapshot w >before &&
	(cd w && ORGCTL_DIR=$PWD/repo orgctl --org acme --dry-run "$@") >/dev/null 2>&1
	status=$?
	snapshot w >after &&
	test_cmp before after &&
	(cd w && ORGCTL_DIR=$PWD/repo orgctl --org acme "$@") >/dev/null 2>&1
	real=$?
	test $real -ne 0 && test $status -eq $real || {
		echo "--dry-run $*: exit $status, without: $real" >&2
		return 1
	}
}

test_expect_success '--dry-run of a command that would fail fails the same way' '
	dry_error user create alice --email other@acme.test &&
	dry_error --as bob@acme user create zed --email zed@acme.test &&
	dry_error bulk exec pending2 &&
	dry_error bulk exec pending2 --continue-on-error --failures f.csv &&
	dry_error bulk exec nosuch &&
	dry_error bulk create pending1 new.csv &&
	dry_error rollback 1 &&
	dry_error init repo &&
	dry_error init repo/HEAD/sub &&
	dry_error init .
'

test_expect_success 'init --dry-run in a missing directory under a file is refused' '
	: >afile &&
	test_must_fail orgctl --dry-run init afile/repo 2>err &&
	test_grep "cannot create" err &&
	test_must_fail test -e afile/repo
'

test_done
