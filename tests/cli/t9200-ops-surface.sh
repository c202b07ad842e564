#!/usr/bin/env bash
# t9200-ops-surface: what the operation table shows a user - `orgctl help`, `help
# permissions`, every `help COMMAND`, every `KIND VERB --help`, the `__ops` table and the
# completions of commands, verbs and options - is what tests/data/ops-surface/expected
# holds, byte for byte. The table is made from the kinds' descriptors (lib/kinds/op.c);
# this snapshot was taken before it was, so a descriptor that says less than the copied
# tables did shows here. The table itself, every row with its flags, permission, function
# (a generic verb's name, else "own") and parameters, is compared with
# tests/data/ops-surface/optable (what tests/unit/dump-optable printed for main's table). After a deliberate change of help or verbs, make the snapshot
# anew: bash tests/cli/t9200-ops-surface.sh --print BUILD/cmd/orgctl > tests/data/ops-surface/expected
#
# Usage: bash tests/cli/t9200-ops-surface.sh ORGCTL SOURCE-DIR DUMP-OPTABLE
# Prints TAP (the plan comes last).

print_surface() {
	local orgctl=$1 cmd kind verb words
	run() {
		printf '$ orgctl %s\n' "$*"
		"$orgctl" "$@" 2>&1
		printf '[exit %d]\n' $?
	}
	run help
	run help permissions
	run help permissions -o json
	run help settings
	run __ops
	run __complete ""
	for cmd in $("$orgctl" __complete ""); do
		run help "$cmd"
		run __complete "$cmd" ""
	done
	"$orgctl" __ops | while read -r kind verb _; do
		# the CLI takes "role-add" as "role add": both spellings, and each word's completion
		words=${verb//-/ }
		run "$kind" "$verb" --help
		# shellcheck disable=SC2086
		run "$kind" $words --help
		# shellcheck disable=SC2086
		run __complete "$kind" $words --
		# shellcheck disable=SC2086
		run __complete "$kind" ${words%% *} ""
	done
}

if test "$1" = --print; then
	print_surface "$2"
	exit 0
fi

orgctl=$(cd "$(dirname "$1")" && pwd)/${1##*/}
src=$(cd "$2" && pwd) || { echo "Bail out! no source dir"; exit 1; }
dump=$(cd "$(dirname "$3")" && pwd)/${3##*/}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/orgctl-t9200.XXXXXX") || {
	echo "Bail out! cannot make a scratch directory"
	exit 1
}
trap 'rm -rf "$scratch"' EXIT
unset ORGCTL_DIR ORGCTL_ORG ORGCTL_ACTOR
export HOME=$scratch LC_ALL=C COLUMNS=80
cd "$scratch" || exit 1

print_surface "$orgctl" >"$scratch/actual"
if diff -u "$src/tests/data/ops-surface/expected" "$scratch/actual" >"$scratch/diff"; then
	echo "ok 1 - help, __ops and completions print what the snapshot holds ($(grep -c '^\$ orgctl' "$scratch/actual") commands)"
else
	echo "not ok 1 - help, __ops and completions differ from the snapshot"
	head -200 "$scratch/diff" | sed 's/^/# /'
fi
test "$(grep -c '^\$ orgctl .* --help$' "$scratch/actual")" -ge 2 &&
	echo "ok 2 - the snapshot covers the verbs' --help" ||
	echo "not ok 2 - no --help was printed"
"$dump" >"$scratch/optable"
if diff -u "$src/tests/data/ops-surface/optable" "$scratch/optable" >"$scratch/diff"; then
	echo "ok 3 - the op table, row by row, is what the snapshot holds ($(grep -vc '^ ' "$scratch/optable") rows)"
else
	echo "not ok 3 - the op table differs from the snapshot"
	head -100 "$scratch/diff" | sed 's/^/# /'
fi
echo "1..3"
