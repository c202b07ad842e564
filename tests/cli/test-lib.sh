# Sourced by every tests/cli/tNNNN-*.sh script: a scratch directory per script, the orgctl
# under test on PATH, a fixed clock, and git-style test functions printing TAP.
#
# Usage: tNNNN-name.sh [ORGCTL-BINARY [SOURCE-DIR]]
#   The binary is the first argument, else $ORGCTL_BIN, else ./build-tests/cmd/orgctl.
#   Set ORGCTL_TEST_VERBOSE=1 to see every test's output, not only a failing one's.
#
# In a test body, chain commands with && so that the first failure fails the test. Each
# body starts in the scratch directory and runs in this shell (as git's tests do), so
# variables it sets are seen by the tests after it; cd only inside ( ) subshells, and
# never exit.

ORGCTL_BIN=${1:-${ORGCTL_BIN:-build-tests/cmd/orgctl}}
TEST_SOURCE_DIR=${2:-${TEST_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}}
case $ORGCTL_BIN in
/*) ;;
*) ORGCTL_BIN=$PWD/$ORGCTL_BIN ;;
esac
if ! test -x "$ORGCTL_BIN"; then
	echo "Bail out! orgctl binary not found: $ORGCTL_BIN"
	exit 1
fi
export ORGCTL_BIN TEST_SOURCE_DIR

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/orgctl-$(basename "$0" .sh).XXXXXX") || {
	echo "Bail out! cannot make a scratch directory"
	exit 1
}
# Background writers a test leaves behind must not outlive it; then the scratch goes.
trap 'jobs -p | xargs -r kill -9 2>/dev/null; wait 2>/dev/null; rm -rf "$SCRATCH"' EXIT

# A reproducible environment: nothing from the caller's orgctl or git setup leaks in.
PATH=$(dirname "$ORGCTL_BIN"):$PATH
export ORGCTL_FSYNC=0
export ORGCTL_NOW=2026-01-02T03:04:05Z
unset ORGCTL_DIR ORGCTL_ORG ORGCTL_ACTOR
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_CEILING_DIRECTORIES
export HOME=$SCRATCH GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME='Hand Editor' GIT_AUTHOR_EMAIL=hand@example.com
export GIT_COMMITTER_NAME='Hand Editor' GIT_COMMITTER_EMAIL=hand@example.com
export GIT_AUTHOR_DATE='2026-01-02T03:04:05Z' GIT_COMMITTER_DATE='2026-01-02T03:04:05Z'
export LC_ALL=C TZ=UTC
export PATH

test_count=0
test_failed=0

# The "# " lines TAP shows under a failing test.
test_comment_file() {
	sed -e 's/^/# /' "$1"
}

# A function of its own, so that "return 1" in a body ends the body, not the caller.
test_eval_() {
	eval "$1"
}

# test_expect_success 'what the user sees' 'body': runs body, prints "ok N" or "not ok N".
test_expect_success() {
	if test $# -ne 2; then
		echo "Bail out! test_expect_success needs a description and a body"
		exit 1
	fi
	test_count=$((test_count + 1))
	test_out_=$SCRATCH/.test-output
	cd "$SCRATCH" || exit 1
	test_eval_ "$2" </dev/null >"$test_out_" 2>&1
	test_status_=$?
	cd "$SCRATCH" || exit 1
	if test $test_status_ -eq 0; then
		echo "ok $test_count - $1"
		test -n "$ORGCTL_TEST_VERBOSE" && test_comment_file "$test_out_"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1"
		echo "# exit status $test_status_; the test was:"
		printf '%s\n' "$2" | sed -e 's/^/#   /'
		echo "# its output:"
		test_comment_file "$test_out_"
	fi
	return 0
}

# test_must_fail [--status N] cmd...: cmd must fail, with status N if given. A death by a
# signal (status > 128) is never the failure a test expects.
test_must_fail() {
	local want=
	if test "$1" = --status; then
		want=$2
		shift 2
	fi
	"$@"
	local status=$?
	if test $status -eq 0; then
		echo "test_must_fail: command succeeded: $*" >&2
		return 1
	fi
	if test $status -gt 128; then
		echo "test_must_fail: command died of signal $((status - 128)): $*" >&2
		return 1
	fi
	if test -n "$want" && test "$status" -ne "$want"; then
		echo "test_must_fail: exit status $status, wanted $want: $*" >&2
		return 1
	fi
	return 0
}

# test_cmp expect actual: the same content, or a unified diff.
test_cmp() {
	diff -u "$1" "$2"
}

# test_grep PATTERN FILE: like grep, but shows the file when the pattern is missing.
test_grep() {
	if ! grep -e "$1" "$2" >/dev/null; then
		echo "test_grep: no \"$1\" in $2:" >&2
		sed -e 's/^/| /' "$2" >&2
		return 1
	fi
}

# test_json_canonical FILE: FILE is JSON as orgctl writes it: keys sorted at every level,
# two-space indent, UTF-8 as is, a final newline. (meson needs python3, so it is here.)
test_json_canonical() {
	python3 -c '
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
want = json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
if text != want:
    sys.stdout.writelines(__import__("difflib").unified_diff(
        want.splitlines(True), text.splitlines(True), "canonical", sys.argv[1]))
    sys.exit(1)
' "$1"
}

# test_json_contains PART WHOLE: every field of the JSON object in PART is in the one in
# WHOLE, with the same value (show prints the stored object and the fields it fills).
test_json_contains() {
	jq -e --slurpfile whole "$2" 'to_entries | all(.value == $whole[0][.key])' "$1" \
		>/dev/null || {
		diff -u "$1" "$2"
		return 1
	}
}

# mask_ids: a filter writing every identity (32 hex digits, a user's or group's random
# "id") as ID, so outputs compare whole.
mask_ids() {
	sed -E 's/[0-9a-f]{32}/ID/g'
}

# suppress_repo ORG-NAME... [-- LIST...]: what the suppress tests (t80*) start from: a
# repository at $SCRATCH/repo (ORGCTL_DIR), the orgs named (the first one's short name
# ORGCTL_ORG), and in it the suppression lists named after "--".
suppress_repo() {
	orgctl init "$SCRATCH/repo" >/dev/null &&
		export ORGCTL_DIR=$SCRATCH/repo &&
		export ORGCTL_ORG=$(echo "$1" | tr "[:upper:]" "[:lower:]") || return 1
	while test $# -gt 0 && test "$1" != --; do
		orgctl org create "$1" >/dev/null || return 1
		shift
	done
	test $# -gt 0 && shift
	for list; do
		orgctl suppress create "$list" >/dev/null || return 1
	done
}

# commit_file PATH CONTENT: a commit made by hand (plain git) on main of ./repo, writing
# PATH.
commit_file() {
	local blob tree commit
	rm -f idx &&
		GIT_INDEX_FILE=$SCRATCH/idx git -C repo read-tree main &&
		blob=$(printf "%s" "$2" | git -C repo hash-object -w --stdin) &&
		GIT_INDEX_FILE=$SCRATCH/idx git -C repo update-index --add --cacheinfo 100644,"$blob","$1" &&
		tree=$(GIT_INDEX_FILE=$SCRATCH/idx git -C repo write-tree) &&
		commit=$(git -C repo commit-tree "$tree" -p main -m "by hand") &&
		git -C repo update-ref refs/heads/main "$commit"
}

# head_of REPO: the commit the branch points at.
head_of() {
	git -C "$1" rev-parse --verify -q refs/heads/main
}

# test_fsck REPO: git finds nothing wrong (dangling objects are not wrong).
test_fsck() {
	git -C "$1" fsck --strict --no-dangling >"$SCRATCH/.fsck" 2>&1 || {
		cat "$SCRATCH/.fsck" >&2
		return 1
	}
	if test -s "$SCRATCH/.fsck"; then
		cat "$SCRATCH/.fsck" >&2
		return 1
	fi
}

# test_unchanged REPO CMD...: CMD fails and leaves the branch where it was and git happy.
# With --status N first, CMD must exit N.
test_unchanged() {
	local status_args=
	if test "$1" = --status; then
		status_args="--status $2"
		shift 2
	fi
	local repo=$1
	shift
	local before after
	before=$(head_of "$repo") &&
		test_must_fail $status_args "$@" &&
		after=$(head_of "$repo") &&
		if test "$before" != "$after"; then
			echo "test_unchanged: the branch moved from $before to $after" >&2
			return 1
		fi &&
		test_fsck "$repo"
}

# test_done: the TAP plan; the exit status says whether every test passed.
test_done() {
	echo "1..$test_count"
	test "$test_failed" -eq 0
	exit $?
}
