#!/usr/bin/env bash
# Degraded surroundings. A read-only repository (a copy nobody may write, a mirror without
# orgctl's folder, its index stale or missing, a read-only mount) answers every query the
# binary lists as a reader, as the writable one does, and refuses every write with exit 1,
# the branch unchanged. A file-size limit or a full disk is one message naming the cause,
# exit 1, nothing changed, at whichever write it strikes (the limit is stepped up until
# the command works), for a single write, a bulk exec (even with --continue-on-error) and
# init; the next write after it works. init is all or nothing: it makes missing parents,
# leaves nothing when it fails or is killed, and refuses a non-empty directory.
. "$(dirname "$0")/test-lib.sh"

# reader CMD...: CMD as someone who may read the repository but not write to it. chmod
# does not stop root (CI runs as root), so root drops to nobody (uid 65534).
if test "$(id -u)" = 0; then
	reader() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
else
	reader() { "$@"; }
fi
chmod 755 "$SCRATCH" # nobody reaches the copies made readable in it

# A mount namespace of our own (unshare -rm: no root needed where user namespaces are
# allowed) gives a read-only mount and a small tmpfs for a full disk.
if unshare -rm true 2>/dev/null; then
	have_mounts=yes
else
	have_mounts=
fi

# on_ro_mount DIR CMD...: CMD with DIR mounted read-only.
on_ro_mount() {
	unshare -rm sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift &&
		exec "$@"' sh "$@"
}

# test_must_be_empty_ FILE: FILE is empty, or the test shows it.
test_must_be_empty_() {
	if test -s "$1"; then
		echo "left behind:" >&2
		cat "$1" >&2
		return 1
	fi
}

# readonly_copy SRC DST: a copy everyone may read and nobody (but root) may write.
readonly_copy() {
	cp -a "$1" "$2" && chmod -R a+rX,a-w "$2"
}

test_expect_success 'setup: an org with one object of every kind, a pending bulk set' '
	orgctl init repo >/dev/null &&
	export ORGCTL_ORG=acme &&
	orgctl -C repo org create Acme >/dev/null &&
	orgctl -C repo role create Agent --permission directory:user:view >/dev/null &&
	orgctl -C repo skill create billing >/dev/null &&
	orgctl -C repo capacity create std --voice 1 >/dev/null &&
	orgctl -C repo user create ann --email ann@acme.example --role Agent \
		--skill billing=3 --option lang=en >/dev/null &&
	orgctl -C repo user template create tpl >/dev/null &&
	orgctl -C repo group create tier1 --member ann >/dev/null &&
	orgctl -C repo access create ops --member ann --role Agent >/dev/null &&
	printf "kind,op,name,email\nuser,create,bo,bo@acme.example\n" >set.csv &&
	orgctl -C repo bulk create pending set.csv >/dev/null &&
	cp "$TEST_SOURCE_DIR/tests/data/campaign-stats/records.csv" calls.csv &&
	orgctl -C repo org create Pt >/dev/null &&
	orgctl -C repo --org pt user create pa --email pa@pt.example >/dev/null &&
	orgctl -C repo --org pt -q pair request --to acme --user pa >link &&
	orgctl -C repo -q pair accept - --role Agent <link &&
	sed "s|orgctl://pair/||; s|/.*||" link >pid &&
	orgctl -C repo suppress create dnc >/dev/null &&
	orgctl -C repo suppress add dnc +13175551212 >/dev/null &&
	printf "+13175550000\n" >nums.txt &&
	orgctl -C repo campaign strategy create std --mode preview >/dev/null &&
	orgctl -C repo campaign create renew --strategy std --tz UTC --window 08:00-21:00 \
		--days mon-fri >/dev/null &&
	orgctl -C repo campaign sub create renew dec --start 2030-01-07 --end 2030-01-11 >/dev/null &&
	printf "id,phone\n1,+1 212 555 0100\n" >contacts.csv &&
	cp repo/orgctl/index.sqlite old-index &&
	orgctl -C repo user create late --email late@acme.example >/dev/null &&
	orgctl -C repo __ops >ops &&
	orgctl -C repo __complete commands >commands &&
	test_grep "^user list read" ops &&
	test_grep "^log	read$" commands
'

# The arguments of a command for these tests: objects that exist for a query, anything
# well formed for a write (refused before it is looked at). An operation's come from its
# usage in "orgctl __ops"; a word or command without a case fails the test: add one.
name_of() {
	case $1 in
	org) echo acme ;;
	user) echo ann ;;
	role) echo Agent ;;
	group) echo tier1 ;;
	skill) echo billing ;;
	access) echo ops ;;
	capacity) echo std ;;
	suppress) echo dnc ;;
	campaign) echo renew ;;
	pair | clone) cat "$SCRATCH/pid" ;;
	*) return 1 ;;
	esac
}

op_args() {
	local kind=$1 verb=$2 w
	shift 4
	printf "%s %s" "$kind" "$verb"
	for w in "$@"; do
		case $w in
		NAME)
			case $verb in
			template-*) w=tpl ;;
			strategy-*) w=std ;;
			sub-*) w=dec ;;
			*) w=$(name_of "$kind") ;;
			esac
			;;
		NEW-NAME) w=copy2 ;;
		PERMISSION | PERMISSION...) w=directory:user:view ;;
		ROLE...) w=Agent ;;
		USER...) w=ann ;;
		SKILL | SKILL...) w=billing ;;
		LEVEL) w=3 ;;
		KEY=VALUE...) w=lang=de ;;
		KEY...) w=lang ;;
		--email=EMAIL) w=--email=new@acme.example ;;
		--to=ORG) w=--to=pt ;;
		--role=ROLE) w=--role=Agent ;;
		--user=USER) w=--user=pa@pt ;;
		--group=GROUP) w=--group=tier1 ;;
		NUMBER...) w=+13175551213 ;;
		LIST\|NUMBER...) w="dnc +13175551213" ;;
		FILE) case $verb in export) w=/dev/null ;; *) w=nums.txt ;; esac ;; # export: anyone may write there
		--strategy=STRATEGY) w=--strategy=std ;;
		--tz=ZONE) w=--tz=UTC ;;
		--mode=MODE) w=--mode=preview ;;
		CAMPAIGN) w=renew ;;
		SUB) w=jan ;;
		--start=TIME) w=--start=2030-02-01 ;;
		--end=TIME) w=--end=2030-02-05 ;;
		LINK) w=orgctl://pair/0123456789abcdef/0123456789abcdef0123456789abcdef ;;
		*)
			echo "t5180: no value for \"$w\" of $kind $verb: add one" >&2
			return 1
			;;
		esac
		printf " %s" "$w"
	done
	echo
}

command_args() {
	case $1 in
	'bulk plan') echo 'bulk plan pending' ;;
	'bulk list') echo 'bulk list' ;;
	'bulk show') echo 'bulk show pending' ;;
	'bulk columns') echo 'bulk columns user' ;;
	'bulk create') echo 'bulk create another set.csv' ;;
	'bulk exec') echo 'bulk exec pending' ;;
	'bulk rm') echo 'bulk rm pending' ;;
	log) echo 'log' ;;
	show) echo 'show 2' ;;
	diff) echo 'diff 2' ;;
	rollback) echo 'rollback 2' ;;
	help) echo 'help user' ;;
	version) echo 'version' ;;
	check) echo 'check' ;;
	campaign | 'campaign stats') echo 'campaign stats calls.csv' ;;
	'campaign load') echo 'campaign load dec contacts.csv' ;;
	*) return 1 ;;
	esac
}

# Every command of the listing with its arguments, one a line, for access $1 (read or
# write); init has tests of its own.
commands_for() {
	local name access
	while read -r -a f; do
		test "${f[2]}" = "$1" || continue
		op_args "${f[@]}" || return 1
	done <ops &&
		while IFS='	' read -r name access; do
			test "$access" = "$1" || continue
			case $name in
			init | org\ * | user\ * | role\ * | group\ * | skill\ * | access\ * | capacity\ * | \
				pair\ * | clone\ * | suppress\ * | campaign\ *)
				# in the op table, but for these two
				case $name in 'campaign load' | 'campaign stats') ;; *) continue ;; esac ;;
			esac
			command_args "$name" || {
				echo "t5180: no arguments for \"$name\": add a case" >&2
				return 1
			}
		done <commands
}

test_expect_success 'the writable repository answers every query (the reference)' '
	commands_for read >reads &&
	commands_for write >writes &&
	test $(wc -l <reads) -ge 20 &&
	test $(wc -l <writes) -ge 60 &&
	mkdir ref &&
	i=0 &&
	while read -r line; do
		i=$((i + 1)) &&
		orgctl -C repo $line >ref/$i 2>&1 ||
		{ echo "reference: $line failed" >&2; cat ref/$i >&2; return 1; }
	done <reads
'

# answers_all DIR [WRAPPER...]: every query, as WRAPPER runs it on DIR, prints what it
# prints on the writable repository, with success.
answers_all() {
	local dir=$1 i=0 line
	shift
	mkdir -p out && rm -f out/* &&
	while read -r line; do
		i=$((i + 1))
		"$@" orgctl -C "$dir" $line >out/$i 2>&1 || {
			echo "$line on $dir failed:" >&2
			cat out/$i >&2
			return 1
		}
		test_cmp ref/$i out/$i || {
			echo "$line on $dir answers otherwise" >&2
			return 1
		}
	done <reads
}

# refuses_all DIR [WRAPPER...]: every write exits 1 with one line saying the repository
# is read-only, and the branch stays; --dry-run of a write works.
refuses_all() {
	local dir=$1 line before
	shift
	before=$(head_of "$dir") &&
	while read -r line; do
		"$@" orgctl -C "$dir" $line >out.w 2>err.w
		status=$?
		if test $status -ne 1 || test $(wc -l <err.w) -ne 1 ||
			! grep -q "read-only" err.w; then
			echo "$line on $dir: exit $status" >&2
			cat out.w err.w >&2
			return 1
		fi
	done <writes &&
	test "$(head_of "$dir")" = "$before" &&
	"$@" orgctl -C "$dir" --dry-run user create zed --email zed@acme.example >out.w &&
	test_grep "would change 1 object" out.w &&
	test "$(head_of "$dir")" = "$before"
}

test_expect_success 'a copy nobody may write answers every query and refuses every write' '
	readonly_copy repo ro &&
	answers_all ro reader &&
	refuses_all ro reader
'

test_expect_success 'so it does with a stale index (it catches up in memory), then none' '
	readonly_copy repo ro-stale &&
	chmod u+w ro-stale/orgctl && cp old-index ro-stale/orgctl/index.sqlite &&
	chmod -R a+rX,a-w ro-stale &&
	answers_all ro-stale reader &&
	refuses_all ro-stale reader &&
	chmod u+w ro-stale/orgctl && rm ro-stale/orgctl/index.sqlite && chmod a-w ro-stale/orgctl &&
	answers_all ro-stale reader &&
	test_must_fail test -e ro-stale/orgctl/index.sqlite
'

test_expect_success 'so does a read-only mirror (a bare clone without orgctl/)' '
	git clone -q --mirror repo mirror &&
	chmod -R a+rX,a-w mirror &&
	answers_all mirror reader &&
	refuses_all mirror reader &&
	test_must_fail test -e mirror/orgctl
'

if test -n "$have_mounts"; then
	test_expect_success 'so does a read-only mount (Read-only file system, even for root)' '
		cp -a repo mounted &&
		answers_all mounted on_ro_mount mounted &&
		refuses_all mounted on_ro_mount mounted &&
		orgctl -C mounted user create after --email after@acme.example >/dev/null
	'
else
	echo "ok $((test_count += 1)) # skip a read-only mount: no mount namespace (unshare -rm) here"
fi

# The state a failed write must leave: the branch, and what a query (the index) answers.
state_of() {
	head_of "$1" && orgctl -C "$1" user list -o csv && orgctl -C "$1" log -o csv
}

# limited BLOCKS OUT ERR CMD...: CMD under a file-size limit of BLOCKS kB (ulimit -f),
# its output in OUT and ERR (small files: the limit is theirs too). Its exit status.
limited() {
	(
		ulimit -f "$1" || exit 99
		shift
		out=$1 err=$2
		shift 2
		"$@" >"$out" 2>"$err"
	)
}

# fails_cleanly REPO STATE ERR CAUSE: a failed write: exit status 1 (in $status), one line
# naming CAUSE, and REPO as it was (STATE).
fails_cleanly() {
	if test "$status" -ne 1 || test $(wc -l <"$3") -ne 1 || ! grep -q "$4" "$3"; then
		echo "exit $status, wanted 1 and one line naming \"$4\":" >&2
		cat "$3" >&2
		return 1
	fi
	state_of "$1" >state.now && test_cmp "$2" state.now && test_fsck "$1"
}

# limit_stepped REPO ARGS...: orgctl ARGS on REPO under a file-size limit stepped up from
# 1 kB until it works; each time before, it fails cleanly.
limit_stepped() {
	local repo=$1 blocks=1
	shift
	state_of "$repo" >state.before &&
	while :; do
		limited $blocks out.l err.l orgctl -C "$repo" "$@" && break
		status=$? && fails_cleanly "$repo" state.before err.l "File too large" &&
		blocks=$((blocks * 3 / 2 + 1)) &&
		test $blocks -lt 100000 || return 1
	done &&
	echo "$*: works with a limit of $blocks kB"
}

test_expect_success 'a file-size limit at any write of a change: one line, exit 1, unchanged' '
	cp -a repo lim &&
	limit_stepped lim user create zed --email zed@acme.example &&
	orgctl -C lim user show zed >/dev/null &&
	limit_stepped lim role grant Agent directory:user:edit &&
	limit_stepped lim group member-add tier1 zed &&
	id=$(git -C lim log -1 --format="%(trailers:key=Change-Set,valueonly)") &&
	limit_stepped lim bulk create another set.csv &&
	limit_stepped lim rollback $id &&
	orgctl -C lim group show tier1 -o json >group &&
	test_must_fail grep zed group &&
	test "$(git -C lim rev-list --count main)" -eq $(($(git -C repo rev-list --count main) + 5))
'

test_expect_success 'bulk exec over a file-size limit: one line, even with --continue-on-error' '
	cp -a repo big &&
	{
		echo "kind,op,name,email" &&
		for i in $(seq 1 3000); do echo "user,create,u$i,u$i@acme.example"; done
	} >big.csv &&
	orgctl -C big bulk create big big.csv >/dev/null &&
	state_of big >state.before &&
	blocks=1 &&
	while :; do
		limited $blocks out.b err.b orgctl -C big bulk exec big --continue-on-error \
			--failures fail.csv && break
		status=$? && fails_cleanly big state.before err.b "File too large" &&
		test_must_fail test -e fail.csv &&
		orgctl -C big bulk show big -o json >show &&
		test_grep "\"status\": \"ready\"" show &&
		blocks=$((blocks * 3 / 2 + 1)) &&
		test $blocks -lt 100000 || return 1
	done &&
	echo "succeeded with a limit of $blocks kB" &&
	test_grep "3000 rows applied" out.b
'

test_expect_success 'init under a file-size limit leaves nothing, not even the parents it made' '
	blocks=1 &&
	while :; do
		limited $blocks out.i err.i orgctl init made/parents/repo && break
		status=$? &&
		if test "$status" -ne 1 || ! grep -q "File too large" err.i; then
			cat err.i >&2
			return 1
		fi &&
		test_must_fail test -e made &&
		blocks=$((blocks * 3 / 2 + 1)) &&
		test $blocks -lt 100000 || return 1
	done &&
	test_fsck made/parents/repo &&
	orgctl -C made/parents/repo log >/dev/null &&
	ls -A made/parents >actual &&
	echo repo >expect &&
	test_cmp expect actual
'

if test -n "$have_mounts"; then
	# on_tmpfs OPTIONS SCRIPT: SCRIPT (sh) with a tmpfs of OPTIONS mounted at ./disk.
	on_tmpfs() {
		mkdir -p disk &&
		unshare -rm sh -c 'mount -t tmpfs -o "$1" tmpfs disk && eval "$2"' sh "$@"
	}

	# The script in the namespace keeps what the tests compare in files outside the tmpfs.
	test_expect_success 'a full disk: queries answer, a write is one line naming it, exit 1, unchanged; then it works' '
		on_tmpfs size=4m "
			cp -a repo disk/r &&
			state() { git -C disk/r rev-parse main && orgctl -C disk/r user list -o csv &&
				orgctl -C disk/r log -o csv; } &&
			state >state.before &&
			cat /dev/zero >disk/fill 2>/dev/null
			orgctl -C disk/r user create zed --email zed@acme.example >out.f 2>err.f
			echo \$? >status.f
			state >state.f &&
			orgctl -C disk/r bulk exec pending --continue-on-error >out.g 2>err.g
			echo \$? >status.g
			state >state.g &&
			git -C disk/r fsck --strict --no-dangling >fsck.g 2>&1 &&
			rm disk/fill &&
			orgctl -C disk/r user create zed --email zed@acme.example >out.h 2>&1 &&
			orgctl -C disk/r bulk exec pending >>out.h 2>&1 &&
			state >state.h
		" &&
		for step in f g; do
			test "$(cat status.$step)" = 1 && test $(wc -l <err.$step) -eq 1 &&
			test_grep "No space left on device" err.$step &&
			test_cmp state.before state.$step || return 1
		done &&
		test_must_be_empty_ fsck.g &&
		test_grep "^zed," state.h &&
		test_grep "1 rows applied" out.h
	'

	test_expect_success 'a write on a disk with N kB free, for each N in 4 kB steps: the same' '
		kb=0 &&
		while :; do
			on_tmpfs size=4m "
				cp -a repo disk/r &&
				state() { git -C disk/r rev-parse main && orgctl -C disk/r user list -o csv &&
					orgctl -C disk/r log -o csv; } &&
				state >state.before &&
				avail=\$(df -k --output=avail disk | tail -1) &&
				dd if=/dev/zero of=disk/fill bs=1k count=\$((avail - $kb)) 2>/dev/null
				orgctl -C disk/r user create zed --email zed@acme.example >out.k 2>err.k
				echo \$? >status.k
				state >state.k &&
				git -C disk/r fsck --strict --no-dangling >fsck.k 2>&1
			" || return 1
			test "$(cat status.k)" = 0 && break
			test "$(cat status.k)" = 1 && test $(wc -l <err.k) -eq 1 &&
			test_grep "No space left on device" err.k &&
			test_cmp state.before state.k && test_must_be_empty_ fsck.k &&
			kb=$((kb + 4)) && test $kb -lt 4000 || return 1
		done &&
		echo "the write works with $kb kB free" &&
		test_must_be_empty_ fsck.k
	'

	# init_on_tmpfs OPTIONS: init on a tmpfs of OPTIONS works, or fails with exit 1 and one
	# line naming a full disk, leaving nothing there.
	init_on_tmpfs() {
		on_tmpfs "$1" "orgctl init disk/r >out.n 2>err.n && exit 0
			echo \$? >status.n && ls -A disk >left.n && exit 1" && return 0
		if test "$(cat status.n)" -ne 1 || test $(wc -l <err.n) -ne 1 ||
			! grep -q "No space left" err.n; then
			echo "init on a tmpfs of $1: exit $(cat status.n)" >&2
			cat err.n >&2
			return 2
		fi
		test_must_be_empty_ left.n || return 2
		return 1
	}

	test_expect_success 'init on a disk with N free inodes, for each N: ENOSPC named, nothing left' '
		n=2 &&
		while :; do
			init_on_tmpfs size=4m,nr_inodes=$n && break
			test $? -eq 1 && n=$((n + 1)) && test $n -lt 200 || return 1
		done &&
		echo "init works with $n inodes"
	'

	test_expect_success 'init on a disk of N kB, for each N in 4 kB steps: the same' '
		kb=8 &&
		while :; do
			init_on_tmpfs size=${kb}k && break
			test $? -eq 1 && kb=$((kb + 4)) && test $kb -lt 2000 || return 1
		done &&
		echo "init works on $kb kB"
	'
else
	echo "ok $((test_count += 1)) # skip a full disk: no mount namespace (unshare -rm) for a tmpfs"
	echo "ok $((test_count += 1)) # skip init on a disk out of inodes: no mount namespace"
	echo "ok $((test_count += 1)) # skip a write on a nearly full disk: no mount namespace"
	echo "ok $((test_count += 1)) # skip init on a small disk: no mount namespace"
fi

test_expect_success 'init makes missing parents; into an existing empty directory, keeps it' '
	orgctl init a/b/c/repo >/dev/null &&
	test_fsck a/b/c/repo &&
	orgctl -C a/b/c/repo log >/dev/null &&
	mkdir empty &&
	inode=$(stat -c %i empty) &&
	(cd empty && orgctl init >/dev/null && orgctl log >/dev/null) &&
	test "$(stat -c %i empty)" = "$inode" &&
	ls -A empty >actual &&
	test_must_fail grep init actual
'

test_expect_success 'init refuses a non-empty directory and a file, and changes nothing' '
	mkdir full && echo x >full/notes &&
	test_must_fail --status 1 orgctl init full 2>err &&
	test_grep "not empty" err &&
	ls -A full >actual && echo notes >expect && test_cmp expect actual &&
	test_must_fail --status 1 orgctl init full/notes/repo 2>err &&
	test_grep "Not a directory" err
'

test_expect_success 'init where it may not write: one line naming it, nothing made' '
	mkdir -p locked && chmod 755 locked && chmod a-w locked &&
	test_must_fail --status 1 reader orgctl init locked/sub/repo 2>err &&
	test_grep "Permission denied" err &&
	ls -A locked >actual && test_must_be_empty_ actual
'

test_expect_success 'init killed at any moment: no repository or a whole one; a retry works' '
	start=$(date +%s%N) && orgctl init timed >/dev/null && end=$(date +%s%N) &&
	took=$(((end - start) / 1000)) &&
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		orgctl init k$i >/dev/null 2>&1 &
		pid=$! &&
		sleep "$(printf "0.%06d" $((took * i / 12)))" &&
		kill -9 $pid 2>/dev/null
		wait $pid 2>/dev/null
		if test -e k$i; then
			test_fsck k$i && orgctl -C k$i log >/dev/null || return 1
		else
			orgctl init k$i >/dev/null || return 1
		fi
	done &&
	ls -A >actual &&
	test_must_fail grep "\.init-" actual
'

test_done
