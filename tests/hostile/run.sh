#!/usr/bin/env bash
# The hostile-input suite: every case in tests/hostile/cases/*.cases runs one orgctl
# command on a fresh copy of a small repository and must end as a user is promised:
#   - the exit status the case names (orgctl(1), EXIT STATUS), never a signal or a timeout;
#   - stderr that names the cause (the case's key word, an extended regular expression,
#     case-insensitive), short (at most 4 lines and 4 KiB unless the case says otherwise),
#     valid UTF-8 and free of control characters (C0 but tab and newline, DEL, C1,
#     bidirectional controls): an error line never drives the terminal;
#   - the branch, HEAD, packed-refs and orgctl's own files (the index, bulk sets)
#     byte for byte as they were.
# Prints TAP, one test point per case; writes build/guarantees/hostile.txt of the source
# tree (GUARANTEES_DIR), as the other suites do, for tests/guarantees.sh.
#
# Usage: run.sh [ORGCTL-BINARY [SOURCE-DIR [BUILD-DIR]]]
#   HOSTILE_CASES="names emails" runs only those case files; HOSTILE_VERBOSE=1 shows the
#   stderr of every case.
#
# A case file holds one case a line: STATUS KEYWORD COMMAND, where COMMAND is bash run in
# the case's directory $W with $REPO (the repository, also $ORGCTL_DIR), $IN (the generated
# inputs, see gen-inputs.py), $TP (the third-party files) and the helpers of lib.sh ("v
# PATH" prints $IN/PATH; set_ref, corrupt, lose, by_hand... damage the repository). Lines before a case may set, for that case only:
#   setup: COMMAND      run first (damage the repository...); its failure fails the case
#   pending: REASON     a known gap another change fixes: a failure is TAP "# TODO"
#   refs-only: REASON   only the refs must stay as they were, not orgctl's files (an index
#                       that was removed may come back, empty)
#   stdout: REASON      the key word is looked for on stdout (a report, as orgctl check's)
#   stderr-max: BYTES   lines-max: LINES   time-max: SECONDS
# and "defaults: stderr-max=B lines-max=L time-max=S" sets those for the rest of the file.
# Blank lines and lines starting with # are comments.
set -u

ORGCTL_BIN=${1:-${ORGCTL_BIN:-build/cmd/orgctl}}
SRC=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${3:-$(dirname "$(dirname "$ORGCTL_BIN")")}
case $ORGCTL_BIN in /*) ;; *) ORGCTL_BIN=$PWD/$ORGCTL_BIN ;; esac
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
case $SRC in /*) ;; *) SRC=$PWD/$SRC ;; esac
if ! test -x "$ORGCTL_BIN"; then
	echo "Bail out! orgctl binary not found: $ORGCTL_BIN"
	exit 1
fi
HERE=$SRC/tests/hostile
# A build with AddressSanitizer runs several times slower: so much more time per case.
time_scale=1
ldd "$ORGCTL_BIN" 2>/dev/null | grep -q 'libasan' && time_scale=4

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/orgctl-hostile.XXXXXX") || {
	echo "Bail out! cannot make a scratch directory"
	exit 1
}
trap 'rm -rf "$SCRATCH"' EXIT

# The environment of tests/cli/test-lib.sh: nothing of the caller's orgctl or git leaks in.
PATH=$(dirname "$ORGCTL_BIN"):$PATH
export ORGCTL_FSYNC=0 ORGCTL_NOW=2026-01-02T03:04:05Z
unset ORGCTL_DIR ORGCTL_ORG ORGCTL_ACTOR ORGCTL_LOCK_TIMEOUT
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_CEILING_DIRECTORIES
export HOME=$SCRATCH GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME='Hand Editor' GIT_AUTHOR_EMAIL=hand@example.com
export GIT_COMMITTER_NAME='Hand Editor' GIT_COMMITTER_EMAIL=hand@example.com
export GIT_AUTHOR_DATE='2026-01-02T03:04:05Z' GIT_COMMITTER_DATE='2026-01-02T03:04:05Z'
export LC_ALL=C TZ=UTC PATH

# The inputs, made again only when the generator changed.
IN=$BUILD/tests/hostile-inputs
stamp=$(sha256sum "$HERE/gen-inputs.py" | cut -c1-16)
if ! test -f "$IN/.stamp-$stamp"; then
	rm -rf "$IN" && mkdir -p "$IN" &&
		python3 "$HERE/gen-inputs.py" "$IN" && touch "$IN/.stamp-$stamp" || {
		echo "Bail out! gen-inputs.py failed"
		exit 1
	}
fi
TP=$HERE/inputs/third-party
export IN TP HERE

# The repository every case starts from: two orgs and one object of each kind.
TEMPLATE=$SCRATCH/template
(
	set -e
	orgctl init "$TEMPLATE" >/dev/null
	export ORGCTL_DIR=$TEMPLATE ORGCTL_ORG=acme
	orgctl org create Acme >/dev/null
	orgctl org create Beta >/dev/null
	orgctl skill create java >/dev/null
	orgctl role create agent --permission directory:organization:view >/dev/null
	orgctl group create tier1 >/dev/null
	orgctl access create floor >/dev/null
	orgctl capacity create normal --voice 1 --chat 3 >/dev/null
	orgctl user template create basic --role agent >/dev/null
	orgctl user create alice --email alice@acme.example --role agent >/dev/null
	orgctl user create bob --email bob@acme.example >/dev/null
	printf 'kind,op,name,email\nuser,create,carol,carol@acme.example\n' >"$SCRATCH/ok.csv"
	orgctl bulk create waiting "$SCRATCH/ok.csv" >/dev/null
	orgctl user list >/dev/null
) || {
	echo "Bail out! cannot make the template repository"
	exit 1
}

# snapshot REPO: what a failed command must leave as it was (orgctl's own files too,
# unless the case says "refs-only:").
snapshot() {
	(
		cd "$1" || exit 1
		for f in HEAD refs/heads/main packed-refs; do
			test -e "$f" && echo "== $f" && cat "$f"
		done
		test -n "$refs_only" ||
		find orgctl -type f ! -name lock ! -name '*-shm' ! \( -name '*-wal' -empty \) -print0 2>/dev/null | sort -z |
			xargs -0 -r sha256sum
	) 2>&1 | sha256sum
}

# Bytes an error line must not hold: C0 controls but tab and newline, DEL, C1 (as UTF-8),
# and the bidirectional controls U+061C, U+200E/F, U+202A-E, U+2066-9.
CONTROL='[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]'

n=0 passed=0 failed=0 npending=0 todo_passed=0
run_case() { # FILE LINE STATUS KEYWORD COMMAND
	local file=$1 line=$2 want=$3 keyword=$4 cmd=$5
	n=$((n + 1))
	local W=$SCRATCH/case-$n
	mkdir -p "$W" && cp -a "$TEMPLATE" "$W/repo"
	local problems=$W/.problems
	: >"$problems"
	local prelude='. "$HERE/lib.sh"; cd "$W" || exit 99; '
	export W REPO=$W/repo ORGCTL_DIR=$W/repo ORGCTL_ORG=acme
	if test -n "$setup"; then
		bash -c "$prelude$setup" >"$W/.setup" 2>&1 ||
			{ echo "setup failed: $(head -c 300 "$W/.setup")" >>"$problems"; }
	fi
	local before after status
	before=$(snapshot "$REPO")
	local t0=$EPOCHREALTIME
	timeout -k 5 "$((time_max * time_scale))" bash -c "$prelude$cmd" >"$W/.out" 2>"$W/.err" </dev/null
	status=$?
	local took
	took=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
	after=$(snapshot "$REPO")
	if test "$status" -eq 124; then
		echo "no answer within $((time_max * time_scale)) s" >>"$problems"
	elif test "$status" -ge 128; then
		echo "killed by signal $((status - 128))" >>"$problems"
	elif test "$status" != "$want"; then
		echo "exit status $status, documented: $want" >>"$problems"
	fi
	test "$before" = "$after" || echo "the repository changed (branch, refs or index)" >>"$problems"
	local said=$W/.err
	test -n "$key_stdout" && said=$W/.out
	grep -qiE -e "$keyword" "$said" ||
		echo "$(basename "$said" | tr -d .) does not name the cause (/$keyword/)" >>"$problems"
	local bytes lines
	bytes=$(wc -c <"$W/.err") lines=$(wc -l <"$W/.err")
	test "$bytes" -le "$stderr_max" || echo "stderr is $bytes bytes (at most $stderr_max)" >>"$problems"
	test "$lines" -le "$lines_max" || echo "stderr is $lines lines (at most $lines_max)" >>"$problems"
	grep -qaP "$CONTROL" "$W/.err" && echo "stderr holds a control character" >>"$problems"
	iconv -f UTF-8 -t UTF-8 "$W/.err" >/dev/null 2>&1 || echo "stderr is not UTF-8" >>"$problems"

	local what="$file:$line: $(printf %s "$cmd" | tr -c '[:print:]' '?' | cut -c1-90) [${took}s]"
	if ! test -s "$problems"; then
		if test -n "$pending"; then
			todo_passed=$((todo_passed + 1))
			echo "ok $n - $what (pending no more, remove its \"pending:\": $pending)"
		else
			echo "ok $n - $what"
		fi
		passed=$((passed + 1))
		test -n "${HOSTILE_VERBOSE:-}" && { head -c 600 "$W/.err"; echo; } | cat -v | sed 's/^/# | /'
	else
		if test -n "$pending"; then
			echo "not ok $n - $what # TODO $pending"
			npending=$((npending + 1))
		else
			echo "not ok $n - $what"
			failed=$((failed + 1))
		fi
		sed 's/^/# /' "$problems"
		{ head -c 600 "$W/.err"; echo; } | cat -v | head -n 6 | sed 's/^/# | /'
	fi
	rm -rf "$W"
}

for f in "$HERE"/cases/*.cases; do
	base=$(basename "$f" .cases)
	if test -n "${HOSTILE_CASES:-}" && ! [[ " $HOSTILE_CASES " == *" $base "* ]]; then
		continue
	fi
	d_stderr_max=4096 d_lines_max=4 d_time_max=20 lineno=0
	setup= pending= refs_only= key_stdout= stderr_max=$d_stderr_max lines_max=$d_lines_max time_max=$d_time_max
	while IFS= read -r l || test -n "$l"; do
		lineno=$((lineno + 1))
		case $l in
		'' | '#'*) continue ;;
		'setup: '*) setup=${setup:+$setup; }${l#setup: } ;;
		'pending: '*) pending=${l#pending: } ;;
		'refs-only: '*) refs_only=${l#refs-only: } ;;
		'stdout: '*) key_stdout=${l#stdout: } ;;
		'stderr-max: '*) stderr_max=${l#stderr-max: } ;;
		'lines-max: '*) lines_max=${l#lines-max: } ;;
		'time-max: '*) time_max=${l#time-max: } ;;
		'defaults: '*) # the rest of the file: stderr-max=B lines-max=L time-max=S
			for d in ${l#defaults: }; do
				case $d in
				stderr-max=*) d_stderr_max=${d#*=} stderr_max=${d#*=} ;;
				lines-max=*) d_lines_max=${d#*=} lines_max=${d#*=} ;;
				time-max=*) d_time_max=${d#*=} time_max=${d#*=} ;;
				esac
			done
			;;
		[0-9]' '*)
			read -r want keyword cmd <<<"$l"
			run_case "cases/$base.cases" "$lineno" "$want" "$keyword" "$cmd"
			setup= pending= refs_only= key_stdout= stderr_max=$d_stderr_max lines_max=$d_lines_max time_max=$d_time_max
			;;
		*)
			echo "Bail out! $base.cases:$lineno: not a case: $l"
			exit 1
			;;
		esac
	done <"$f"
done

echo "1..$n"
echo "# $passed passed, $failed failed, $npending pending (known gaps, TODO)"
test "$todo_passed" -gt 0 && echo "# $todo_passed pending cases pass now: remove their \"pending:\" lines"
# The figures for tests/guarantees.sh, where the other suites put theirs (tests/suite-lib.sh).
# Only a run of every case counts.
gdir=${GUARANTEES_DIR:-$SRC/build/guarantees}
test -z "${HOSTILE_CASES:-}" && mkdir -p "$gdir" && {
	echo "hostile_inputs=$passed"
	echo "hostile_cases=$n"
	echo "hostile_failed=$failed"
	echo "todo=$npending"
	echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "commit=$(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo unknown)"
} >"$gdir/hostile.txt"
test "$failed" -eq 0
