#!/usr/bin/env bash
# Prints the README's "Guarantees" section: each guarantee, the test that proves it and the
# figures of its last run, read from the key=value lines the suites record in
# build/guarantees/NAME.txt (crash, fault, concurrency, fuzz, hostile).
#   tests/guarantees.sh           prints the section
#   tests/guarantees.sh --update  also writes it into README.md, between
#                                 <!-- guarantees:begin --> and <!-- guarantees:end -->
#   GUARANTEES_DIR                where the figures are (default build/guarantees)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${GUARANTEES_DIR:-$top/build/guarantees}

# figure NAME KEY: the value of KEY in NAME's figures, or nothing.
figure() {
	[ -f "$dir/$1.txt" ] || return 0
	sed -n "s/^$2=//p" "$dir/$1.txt" | tail -n 1
}

# last_run NAME TEXT: TEXT with each {key} replaced by NAME's figure, and when it ran; or
# "not run yet".
last_run() {
	local name=$1 text=$2 key value
	if [ ! -f "$dir/$name.txt" ]; then
		echo "not run yet"
		return
	fi
	while [[ $text =~ \{([a-z_]+)\} ]]; do
		key=${BASH_REMATCH[1]}
		value=$(figure "$name" "$key")
		text=${text//\{$key\}/${value:-?}}
	done
	local when commit
	when=$(figure "$name" date)
	commit=$(figure "$name" commit)
	echo "$text${when:+ (${when%%T*}${commit:+, $commit})}"
}

# todo NAME: ", N expected failures (fixes not merged)" when the run had any.
todo() {
	local n
	n=$(figure "$1" todo)
	[ "${n:-0}" -eq 0 ] || echo ", $n known failures pending a fix (TAP TODO)"
}

section() {
	cat <<-EOF2
	| Guarantee | Proven by | Last run |
	| --- | --- | --- |
	| A writer killed at any moment (SIGKILL) leaves no corruption and no half-applied change set: HEAD is the commit before or exactly the one the command makes, \`git fsck --strict\` is clean, the index agrees with the tree, no lock is left and the next write works | \`tests/crash/run.sh\`: kills inside bulk exec, rollback, a single write and init | $(last_run crash "{kills} SIGKILLs, {passed} cases passed, {failed} failed$(todo crash)") |
	| A failing write, fsync, rename or open (disk full, I/O error) leaves the repository untouched, exits 1 and names the cause | \`tests/fault/run.sh\` with \`tests/fault/shim.c\`: every such call of a command failed in turn | $(last_run fault "{faults} faults injected, {passed} cases passed, {failed} failed$(todo fault)") |
	| Concurrent writers lose nothing; change-set ids are distinct and contiguous | \`tests/concurrency/run.sh\`: 8 writers × 50 change sets at once | $(last_run concurrency "{change_sets} change sets from {writers} writers, {passed} checks passed, {failed} failed") |
	| No input crashes a parser (CSV plain, gzip and zip; objects; permissions; times; settings) | \`.ci/fuzz\`: each libFuzzer target for a minute, under ASan and UBSan | $(last_run fuzz "{executions} executions over {targets} targets ({seconds_each} s each), {crashes} crashes") |
	| Hostile input (names, e-mails, settings, times, CSVs, archives, damaged trees and refs) gets a clear error, the documented exit status and leaves HEAD unchanged | \`tests/hostile/\` | $(last_run hostile "{hostile_inputs} hostile inputs in {hostile_cases} cases, {hostile_failed} failed, {todo} pending a fix (TAP TODO)") |
	EOF2
}

text=$(section)
if [ "${1:-}" = --update ]; then
	readme=$top/README.md
	grep -q '^<!-- guarantees:begin -->$' "$readme" && grep -q '^<!-- guarantees:end -->$' "$readme" || {
		echo "guarantees.sh: README.md has no <!-- guarantees:begin --> ... <!-- guarantees:end -->" >&2
		exit 1
	}
	tmp=$(mktemp)
	awk -v text="$text" '
		/^<!-- guarantees:begin -->$/ { print; print text; skip = 1; next }
		/^<!-- guarantees:end -->$/ { skip = 0 }
		!skip { print }
	' "$readme" >"$tmp" && cat "$tmp" >"$readme"
	rm -f "$tmp"
fi
printf '%s\n' "$text"
