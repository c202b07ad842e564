# Sourced by the guarantee suites (tests/crash, tests/fault, tests/concurrency): the
# orgctl under test, a reproducible environment, a scratch directory, TAP output that ends
# with "N passed, N failed", the checks every suite makes of a repository, and the figures
# each suite records in build/guarantees/NAME.txt for tests/guarantees.sh.
#
#   GUARANTEES_DIR    where the figures go (default build/guarantees of the source tree)
#
#   ORGCTL_BUILD_DIR  the build to test (default ./build; built here if needed)
#   SUITE_SMOKE=1     a few cases only, figures not recorded (the meson smoke tests)
#   SUITE_VERBOSE=1   every case's details, not only a failing one's

SUITE_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SUITE_BUILD=${ORGCTL_BUILD_DIR:-$SUITE_TOP/build}
SUITE_SMOKE=${SUITE_SMOKE:-}
if [ ! -f "$SUITE_BUILD/build.ninja" ]; then
	meson setup "$SUITE_BUILD" "$SUITE_TOP" >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
fi
if [ -z "$SUITE_SMOKE" ]; then
	ninja -C "$SUITE_BUILD" >/dev/null || { ninja -C "$SUITE_BUILD"; echo "0 passed, 1 failed"; exit 1; }
fi
ORGCTL=$SUITE_BUILD/cmd/orgctl
[ -x "$ORGCTL" ] || { echo "Bail out! no orgctl in $SUITE_BUILD"; echo "0 passed, 1 failed"; exit 1; }

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/orgctl-suite.XXXXXX") || exit 1
trap 'jobs -p | xargs -r kill -9 2>/dev/null; wait 2>/dev/null; rm -rf "$SCRATCH"' EXIT

# Nothing from the caller's orgctl or git setup leaks in; the clock is fixed, so that a
# command's commit is the same every time it runs on the same repository.
export ORGCTL_NOW=2026-01-02T03:04:05Z
unset ORGCTL_DIR ORGCTL_ORG ORGCTL_ACTOR ORGCTL_FSYNC ORGCTL_LOCK_TIMEOUT ORGCTL_FAULT
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_CEILING_DIRECTORIES
export HOME=$SCRATCH GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null LC_ALL=C TZ=UTC

suite_count=0 suite_passed=0 suite_failed=0 suite_todo=0

# suite_ok DESCRIPTION: a passing case.
suite_ok() {
	suite_count=$((suite_count + 1)) suite_passed=$((suite_passed + 1))
	echo "ok $suite_count - $1"
	if [ -n "${SUITE_VERBOSE:-}" ] && [ -s "$SCRATCH/.why" ]; then sed 's/^/# /' "$SCRATCH/.why"; fi
	: >"$SCRATCH/.why"
}

# suite_not_ok DESCRIPTION [TODO-REASON]: a failing case, its reasons (suite_why) below
# it; with a reason for TODO, an expected failure whose fix is not merged yet: reported as
# TAP "# TODO", counted apart, failing nothing.
suite_not_ok() {
	suite_count=$((suite_count + 1))
	if [ -n "${2:-}" ]; then
		suite_todo=$((suite_todo + 1))
		echo "not ok $suite_count - $1 # TODO $2"
		echo "$2" >>"$SCRATCH/.todos"
	else
		suite_failed=$((suite_failed + 1))
		echo "not ok $suite_count - $1"
		echo "$suite_count - $1: $(head -n 1 "$SCRATCH/.why" 2>/dev/null)" >>"$SCRATCH/.failures"
	fi
	sed 's/^/# /' "$SCRATCH/.why" 2>/dev/null | head -n 20
	: >"$SCRATCH/.why"
}

# suite_why TEXT...: why the current case fails (a line under its "not ok").
suite_why() {
	echo "$*" >>"$SCRATCH/.why"
}

# suite_done: the TAP plan and the result line; exit status 0 when nothing failed.
# The failures and the known failures' reasons are summed up at the end, where CI's log shows
# them.
suite_done() {
	if [ -s "$SCRATCH/.failures" ]; then
		echo "# failed:"
		head -n 20 "$SCRATCH/.failures" | cut -c1-300 | sed 's/^/#   /'
	fi
	if [ -s "$SCRATCH/.todos" ]; then
		echo "# known failures (TAP TODO), by reason:"
		sort "$SCRATCH/.todos" | uniq -c | sort -rn | sed 's/^ */#   /'
	fi
	echo "1..$suite_count"
	# the summary .ci/run's stages read; a TAP comment under meson (smoke mode)
	echo "${SUITE_SMOKE:+# }$suite_passed passed, $suite_failed failed"
	[ "$suite_failed" -eq 0 ]
	exit $?
}

# suite_record NAME KEY=VALUE...: the figures of this run in build/guarantees/NAME.txt
# (GUARANTEES_DIR), whatever the build, for tests/guarantees.sh (not in smoke mode).
suite_record() {
	local name=$1
	shift
	[ -z "$SUITE_SMOKE" ] || return 0
	local dir=${GUARANTEES_DIR:-$SUITE_TOP/build/guarantees}
	mkdir -p "$dir"
	{
		printf '%s\n' "$@"
		echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
		echo "commit=$(git -C "$SUITE_TOP" rev-parse --short HEAD 2>/dev/null || echo unknown)"
	} >"$dir/$name.txt"
}

# now_us: the time in microseconds.
now_us() {
	local t=$EPOCHREALTIME
	echo $((10#${t/./}))
}

# random_below N: a random integer in [0, N).
random_below() {
	echo $((((RANDOM << 15) | RANDOM) % $1))
}

# head_of REPO: the commit the branch points at, or nothing.
head_of() {
	git -C "$1" rev-parse --verify -q refs/heads/main 2>/dev/null
}

# check_fsck REPO: git finds nothing wrong (dangling objects are not wrong).
check_fsck() {
	local out
	out=$(git -C "$1" fsck --strict --no-dangling 2>&1) && [ -z "$out" ] && return 0
	suite_why "git fsck --strict: ${out:-failed}"
	return 1
}

# check_no_leftovers REPO: no lock file of git's and no temporary object or pack.
check_no_leftovers() {
	local left
	left=$(find "$1" \( -name '*.lock' -o -name 'tmp_object_git2_*' -o -name 'pack_git2_*' \) -print |
		head -n 5)
	[ -z "$left" ] && return 0
	suite_why "left behind: $left"
	return 1
}

# names_in_tree REPO: the users of org acme as git sees them.
names_in_tree() {
	git -C "$1" ls-tree -r --name-only refs/heads/main orgs/acme/users/ 2>/dev/null |
		sed -e 's|.*/||' -e 's|\.json$||' | sort
}

# check_index_tree REPO: orgctl's answers, from its index as it is, are the tree's: the
# users' names against git's listing.
check_index_tree() {
	local repo=$1 list
	list=$(ORGCTL_DIR=$repo "$ORGCTL" --org acme user list -o csv 2>&1 | sed 1d | cut -d, -f1 | sort)
	[ "$list" = "$(names_in_tree "$repo")" ] && return 0
	suite_why "user list disagrees with the tree: $(diff <(echo "$list") <(names_in_tree "$repo") | head -n 5 | tr '\n' ' ')"
	return 1
}

# answers REPO: every org, user and bulk set as orgctl answers them.
answers() {
	ORGCTL_DIR=$1 "$ORGCTL" org list -o json 2>&1
	ORGCTL_DIR=$1 "$ORGCTL" --org acme user list -o json 2>&1
	ORGCTL_DIR=$1 "$ORGCTL" --org acme bulk list -o json 2>&1
}

# check_index REPO: check_index_tree, then every org, user and bulk set as orgctl answers
# them against the answers from an index rebuilt from nothing.
check_index() {
	local repo=$1
	check_index_tree "$repo" || return 1
	local before after
	before=$(answers "$repo")
	rm -f "$repo"/orgctl/index.sqlite*
	after=$(answers "$repo")
	[ "$before" = "$after" ] && return 0
	suite_why "the index disagrees with a rebuilt one: $(diff <(echo "$before") <(echo "$after") | head -n 5 | tr '\n' ' ')"
	return 1
}

# check_next_write REPO NAME: a write works at once (no stale lock makes it wait) and lands
# on the branch as it was.
check_next_write() {
	local repo=$1 before out
	before=$(head_of "$repo")
	out=$(ORGCTL_DIR=$repo "$ORGCTL" --lock-timeout 5 org create "$2" 2>&1) || {
		suite_why "the next write failed: $out"
		return 1
	}
	[ "$(git -C "$repo" rev-parse -q --verify 'refs/heads/main^')" = "$before" ] && return 0
	suite_why "the next write did not land on $before"
	return 1
}

# suite_templates ROWS: three repositories with an org, a role, a group, a user and a bulk
# set of ROWS users ready to execute, as the commands of suite_command find them:
# $SCRATCH/tpl-bulk and tpl-single (the set not executed), tpl-rollback (executed, its
# change set in $rollback_id).
suite_templates() {
	local base=$SCRATCH/base i
	"$ORGCTL" init "$base" >/dev/null &&
		export ORGCTL_DIR=$base ORGCTL_ORG=acme &&
		"$ORGCTL" org create Acme >/dev/null &&
		"$ORGCTL" role create Agent --permission directory:user:view >/dev/null &&
		"$ORGCTL" group create tier1 >/dev/null &&
		"$ORGCTL" user create alice --email alice@acme.example >/dev/null || return 1
	{
		echo "kind,op,name,email,role,member"
		for i in $(seq 1 "$1"); do
			echo "user,create,u$i,u$i@acme.example,Agent,"
			[ $((i % 4)) -ne 0 ] || echo "group,member-add,tier1,,,u$i"
		done
	} >"$SCRATCH/set.csv"
	"$ORGCTL" bulk create onboard "$SCRATCH/set.csv" >/dev/null &&
		cp -a "$base" "$SCRATCH/tpl-bulk" &&
		cp -a "$base" "$SCRATCH/tpl-single" &&
		"$ORGCTL" bulk exec onboard >/dev/null &&
		cp -a "$base" "$SCRATCH/tpl-rollback" &&
		rollback_id=$("$ORGCTL" log -n 1 -o csv | sed -n '2s/,.*//p') &&
		unset ORGCTL_DIR ORGCTL_ORG
}

# suite_fresh KIND DIR: DIR as KIND's command finds it (nothing there, for init).
suite_fresh() {
	rm -rf "$2"
	[ "$1" = init ] || cp -a "$SCRATCH/tpl-$1" "$2"
}

# suite_command KIND DIR: KIND's command on the repository DIR (init makes DIR): bulk exec
# of the set, rollback of its execution, a single user create, or init. It execs orgctl
# (so that its pid is orgctl's): run it in the background or in a subshell.
suite_command() {
	case $1 in
	bulk) ORGCTL_DIR=$2 exec "$ORGCTL" --org acme bulk exec onboard ;;
	rollback) ORGCTL_DIR=$2 exec "$ORGCTL" --org acme rollback "$rollback_id" ;;
	single) ORGCTL_DIR=$2 exec "$ORGCTL" --org acme user create zed --email zed@acme.example \
		--role Agent ;;
	init) exec "$ORGCTL" init "$2" ;;
	esac
}

# suite_measure KIND: its duration (the shortest of three runs, in microseconds) in
# duration[KIND], the commit it makes in new_head[KIND] (the same each time), the one before
# in old_head[KIND].
declare -A duration new_head old_head
suite_measure() {
	local kind=$1 dir=$SCRATCH/measure t i times=() heads=()
	for i in 1 2 3; do
		suite_fresh "$kind" "$dir"
		old_head[$kind]=$(head_of "$dir")
		t=$(now_us)
		suite_command "$kind" "$dir" >/dev/null 2>&1 &
		wait $! || { echo "Bail out! $kind fails when nobody kills it"; exit 1; }
		times+=($(($(now_us) - t)))
		heads+=("$(head_of "$dir")")
	done
	[ "${heads[0]}" = "${heads[1]}" ] && [ "${heads[1]}" = "${heads[2]}" ] ||
		{ echo "Bail out! $kind makes a different commit each time"; exit 1; }
	new_head[$kind]=${heads[0]}
	# The shortest: on a loaded machine the others include time spent waiting for a core.
	duration[$kind]=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 1p)
	echo "# $kind: $((duration[$kind] / 1000)) ms, makes ${new_head[$kind]:0:12}"
}
