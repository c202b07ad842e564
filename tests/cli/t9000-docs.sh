#!/usr/bin/env bash
# t9000-docs: every command has a man page and a completion, answers --help, and the man
# pages document what the help shows (verbs, options, permissions); the completions
# really complete, from the binary's own tables and from the repository.
#
# Usage: bash tests/cli/t9000-docs.sh [SOURCE-DIR [BUILD-DIR]]
#   SOURCE-DIR defaults to $ORGCTL_SRC, else the tree this script is in;
#   BUILD-DIR to $ORGCTL_BUILD, else SOURCE-DIR/build. The binary is BUILD-DIR/cmd/orgctl.
# Prints TAP (the plan comes last).

src=${1:-${ORGCTL_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}}
build=${2:-${ORGCTL_BUILD:-$src/build}}
src=$(cd "$src" && pwd) || { echo "Bail out! no source dir"; exit 1; }
build=$(cd "$build" && pwd) || { echo "Bail out! no build dir"; exit 1; }
orgctl=$build/cmd/orgctl
if ! test -x "$orgctl"; then
	echo "Bail out! orgctl binary not found: $orgctl"
	exit 1
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/orgctl-t9000.XXXXXX") || {
	echo "Bail out! cannot make a scratch directory"
	exit 1
}
trap 'rm -rf "$scratch"' EXIT

# Nothing from the caller's orgctl setup leaks in; the binary under test is "orgctl".
unset ORGCTL_DIR ORGCTL_ORG ORGCTL_ACTOR
export ORGCTL_FSYNC=0 ORGCTL_NOW=2026-01-02T03:04:05Z
export HOME=$scratch LC_ALL=C
export PATH=$build/cmd:$PATH
cd "$scratch" || exit 1

man=$src/man
comp=$src/completions
n=0

# check DESCRIPTION COMMAND...: one test point; the command's output is shown on failure.
check() {
	local desc=$1 out
	shift
	n=$((n + 1))
	if out=$("$@" 2>&1); then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/# /'
	fi
}

skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

# has WORD: stdin holds WORD as a line.
has() {
	local input
	input=$(cat)
	grep -qxF -- "$1" <<<"$input" || {
		echo "expected \"$1\" in:"
		printf '%s\n' "$input"
		return 1
	}
}

# in_file FILE STRING: FILE contains STRING.
in_file() {
	grep -qF -- "$2" "$1" || {
		echo "\"$2\" is not in ${1#"$src"/}"
		return 1
	}
}

# The completions, driven as each shell would: print one candidate a line.
bash_complete() { # WORD... (the last one is being completed)
	bash --norc --noprofile -c '
		source "$1" || exit 1
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_orgctl
		printf "%s\n" "${COMPREPLY[@]}"' bash "$comp/orgctl.bash" orgctl "$@"
}
bash_complete_line() { # LINE: with COMP_LINE, split at ":" and "=" (COMP_WORDBREAKS)
	bash --norc --noprofile -c '
		source "$1" || exit 1
		COMP_LINE=$2
		COMP_POINT=${#COMP_LINE}
		read -ra COMP_WORDS <<<"$(sed -E "s/([:=])/ \\1 /g" <<<"$COMP_LINE")"
		[[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_orgctl
		printf "%s\n" "${COMPREPLY[@]}"' bash "$comp/orgctl.bash" "$1"
}
zsh_complete() { # WORD...
	zsh -f -c '
		compadd() { [[ $1 == -- ]] && shift; print -rl -- "$@" }
		compset() { : }
		_directories() { print -r -- "(directories)" }
		_files() { print -r -- "(files)" }
		source "$1" || exit 1
		words=(orgctl "${@[2,-1]}")
		CURRENT=$#words
		_orgctl' zsh "$comp/_orgctl" "$@"
}
fish_complete() { # LINE
	fish --no-config -c 'source $argv[1]; or exit 1; complete -C $argv[2]' \
		"$comp/orgctl.fish" "$1" | cut -f1
}
have_zsh=false have_fish=false
command -v zsh >/dev/null && have_zsh=true
command -v fish >/dev/null && have_fish=true

# --- the commands: man page, --help, completion ---

commands=$(orgctl help | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p')
check "orgctl help lists commands" test -n "$commands"

for cmd in $commands; do
	check "$cmd: man/orgctl-$cmd.1.scd exists" test -f "$man/orgctl-$cmd.1.scd"
	check "$cmd: its man page is in man/meson.build" in_file "$man/meson.build" "'orgctl-$cmd.1',"
	check "$cmd: orgctl(1) lists it" in_file "$man/orgctl.1.scd" "*$cmd*"
	check "$cmd: --help exits 0 (outside a repository)" orgctl "$cmd" --help
	check "$cmd: bash completes \"orgctl ${cmd:0:2}\"" \
		eval 'bash_complete "${cmd:0:2}" | has "$cmd"'
	if $have_zsh; then
		check "$cmd: zsh completes \"orgctl ${cmd:0:2}\"" \
			eval 'zsh_complete "${cmd:0:2}" | has "$cmd"'
	else
		skip "$cmd: zsh completes it" "zsh not installed"
	fi
	if $have_fish; then
		check "$cmd: fish completes \"orgctl ${cmd:0:2}\"" \
			eval 'fish_complete "orgctl ${cmd:0:2}" | has "$cmd"'
	else
		skip "$cmd: fish completes it" "fish not installed"
	fi
	# The options of commands outside the operation table, from their usage line.
	for opt in $(orgctl "$cmd" --help 2>/dev/null | sed -n 's/^usage: //p' |
		grep -oE '\[?-{1,2}[a-z][a-z-]*' | tr -d '['); do
		check "$cmd: $opt is in its man page" in_file "$man/orgctl-$cmd.1.scd" "*$opt*"
	done
done

check "orgctl help --help exits 0" orgctl help --help
check "orgctl help permissions exits 0" orgctl help permissions
for opt in $(orgctl help | sed -n 's/^usage: //p' | grep -oE '\[-{1,2}[a-z][a-z-]*' | tr -d '['); do
	check "global option $opt is in orgctl(1)" in_file "$man/orgctl.1.scd" "*$opt*"
done

# --- the verbs of the operation table: --help, options and permissions documented ---

orgctl help permissions -o json | jq -r '.operations[] | [.kind, .verb, .permission] | @tsv' >perms
check "orgctl help permissions lists verbs" test -s perms
check "orgctl help permissions lists two-word verbs as typed" grep -qP '^user\trole add\t' perms
while IFS=$'\t' read -r kind words perm; do
	page=$man/orgctl-$kind.1.scd
	check "$kind $words: --help exits 0" orgctl "$kind" $words --help
	check "$kind $words: in the SYNOPSIS of orgctl-$kind(1)" in_file "$page" "$kind $words*"
	for opt in $(orgctl "$kind" $words --help 2>/dev/null |
		sed -n '/^options:/,/^$/s/^  \(--[a-z][a-z-]*\).*/\1/p'); do
		check "$kind $words: $opt is in orgctl-$kind(1)" in_file "$page" "*$opt*"
	done
	check "$kind $words: orgctl(1) PERMISSIONS says $perm" \
		eval 'grep -A1 -xF "|[ *$kind $words*" "$man/orgctl.1.scd" | grep -q "^:\[ $perm\( \|$\)"'
done <perms

# --- the permission catalogue (lib/core/perm.c) is in orgctl-role(1) ---

orgctl __complete role grant X '' >catalogue
check "the permission catalogue is not empty" test -s catalogue
missing=$(while read -r p; do grep -qF -- "$p" "$man/orgctl-role.1.scd" || echo "$p"; done <catalogue)
check "orgctl-role(1) lists every permission of the catalogue" test -z "$missing"
[ -n "$missing" ] && printf '%s\n' "$missing" | sed 's/^/# missing: /'

# Every permission the code can demand (a literal in lib/ or cmd/: a kind's, a field's, an
# op's, a check made by hand) is in the catalogue: one that is not would refuse everyone.
# The kinds' composed ones (prefix:add/edit/delete) are checked in tests/unit (test-core).
grep -rhoE '"[a-z]+:[a-zA-Z]+:[a-zA-Z]+"' "$src/lib" "$src/cmd" | tr -d '"' | sort -u |
	grep -vxE 'a:b:c|domain:entity:action' >demanded
check "the code demands some permissions" test -s demanded
unknown=$(grep -vxFf catalogue demanded)
check "every permission the code demands is in the catalogue" test -z "$unknown"
[ -n "$unknown" ] && printf '%s\n' "$unknown" | sed 's/^/# not in the catalogue: /'

# --- every page builds, and meson builds every page ---

for f in "$man"/*.scd; do
	page=$(basename "$f" .scd)
	check "$page: listed in man/meson.build" in_file "$man/meson.build" "'$page',"
	if command -v scdoc >/dev/null; then
		check "$page: scdoc accepts it" eval 'scdoc <"$f" >/dev/null'
	else
		skip "$page: scdoc accepts it" "scdoc not installed"
	fi
	case $page in
	*.1) sections=(NAME SYNOPSIS DESCRIPTION OPTIONS 'EXIT STATUS' EXAMPLES 'SEE ALSO') ;;
	*) sections=(NAME DESCRIPTION 'SEE ALSO') ;;
	esac
	for section in "${sections[@]}"; do
		check "$page: has # $section" eval 'grep -qx "# $section" "$f"'
	done
done

# --- the completions really complete ---

check "bash: orgctl.bash parses" bash -n "$comp/orgctl.bash"
check "bash: orgctl us<TAB> gives user" eval 'bash_complete us | has user'
check "bash: orgctl user cr<TAB> gives create" eval 'bash_complete user cr | has create'
check "bash: orgctl user create --em<TAB> gives --email" \
	eval 'bash_complete user create --em | has --email'
check "bash: orgctl user role <TAB> gives add" eval 'bash_complete user role "" | has add'

check "init a scratch repository" orgctl init repo --enterprise "Docs Test"
org=docstest
check "create users alice and \"bob smith\"" eval '
	orgctl -C repo --org $org user create alice --email alice@example.com &&
	orgctl -C repo --org $org user create "bob smith" --email bob@example.com'
check "orgctl __complete user show '' lists the users" eval '
	(cd repo && ORGCTL_ORG=$org orgctl __complete user show "") >names &&
	has alice <names && has "bob smith" <names && has admin <names'
check "orgctl __complete user show b lists only bob smith" eval '
	test "$(cd repo && orgctl --org $org __complete user show b)" = "bob smith"'
check "bash: -C and --org reach the binary (user show <TAB>)" eval '
	bash_complete -C repo --org $org user show "" >out &&
	has alice <out && has "bob\\ smith" <out'
check "bash: role names complete for user role add" eval '
	bash_complete -C repo --org $org user role add alice Mas | has "Master\\ Admin"'
check "bash: permissions complete after \":\" (COMP_WORDBREAKS)" eval '
	bash_complete_line "orgctl -C repo --org $org role grant X directory:user:" | has setPassword'
check "bash: -o completes the formats" eval 'bash_complete -o "" | has json'
touch calls.csv
check "bash: orgctl campaign st<TAB> gives stats" eval 'bash_complete campaign st | has stats'
check "bash: orgctl campaign stats --h<TAB> gives --html" \
	eval 'bash_complete campaign stats --h | has --html'
check "bash: orgctl campaign stats <TAB> completes a file name" \
	eval 'bash_complete campaign stats cal | has calls.csv'
check "bash: orgctl campaign stats --html <TAB> completes a file name" \
	eval 'bash_complete campaign stats --html cal | has calls.csv'
check "bash: orgctl campaign stats --from <TAB> completes nothing" \
	eval 'test -z "$(bash_complete campaign stats --from "")"'
check "bash: orgctl campaign lo<TAB> gives load (a verb outside the op table)" \
	eval 'bash_complete campaign lo | has load'
check "bash: orgctl campaign sub st<TAB> gives start and stop" \
	eval 'bash_complete campaign sub st >out && has start <out && has stop <out'
check "bash: orgctl campaign load dec c.csv --ph<TAB> gives --phone-column" \
	eval 'bash_complete campaign load dec c.csv --ph | has --phone-column'
check "a strategy and a sub-campaign to complete" eval '
	orgctl -C repo campaign strategy create std --mode preview &&
	orgctl -C repo --org $org campaign create renew --strategy std --tz UTC --window 08:00-20:00 --days mon-fri &&
	orgctl -C repo --org $org campaign sub create renew december --start 2026-12-01 --end 2026-12-20'
check "bash: strategy names complete after campaign create --strategy" eval '
	bash_complete -C repo --org $org campaign create x --strategy "" | has std'
check "bash: sub-campaign names complete for campaign load" eval '
	bash_complete -C repo --org $org campaign load "" | has december'

if $have_zsh; then
	check "zsh: _orgctl parses (zsh -n)" zsh -n "$comp/_orgctl"
	check "zsh: orgctl user cr<TAB> gives create" eval 'zsh_complete user cr | has create'
	check "zsh: orgctl user create --em<TAB> gives --email" \
		eval 'zsh_complete user create --em | has --email'
	check "zsh: orgctl campaign lo<TAB> gives load" eval 'zsh_complete campaign lo | has load'
	check "zsh: -C and --org reach the binary (user show <TAB>)" eval '
		zsh_complete -C repo --org $org user show "" >out &&
		has alice <out && has "bob smith" <out'
	check "zsh: orgctl campaign st<TAB> gives stats" eval 'zsh_complete campaign st | has stats'
	check "zsh: orgctl campaign stats --c<TAB> gives --campaign" \
		eval 'zsh_complete campaign stats --c | has --campaign'
	check "zsh: orgctl campaign stats <TAB> completes file names" \
		eval 'zsh_complete campaign stats "" | has "(files)"'
else
	skip "zsh: completion" "zsh not installed"
fi

if $have_fish; then
	check "fish: orgctl.fish parses (fish -n)" fish -n "$comp/orgctl.fish"
	check "fish: orgctl user cr<TAB> gives create" eval 'fish_complete "orgctl user cr" | has create'
	check "fish: orgctl user create --em<TAB> gives --email" \
		eval 'fish_complete "orgctl user create --em" | has --email'
	check "fish: orgctl campaign lo<TAB> gives load" eval 'fish_complete "orgctl campaign lo" | has load'
	check "fish: -C and --org reach the binary (user show <TAB>)" eval '
		fish_complete "orgctl -C repo --org $org user show " >out &&
		has alice <out && has "bob smith" <out'
	check "fish: orgctl campaign st<TAB> gives stats" \
		eval 'fish_complete "orgctl campaign st" | has stats'
	check "fish: orgctl campaign stats --t<TAB> gives --to" \
		eval 'fish_complete "orgctl campaign stats --t" | has --to'
	check "fish: orgctl campaign stats <TAB> completes a file name" \
		eval 'fish_complete "orgctl campaign stats cal" | has calls.csv'
else
	skip "fish: completion" "fish not installed"
fi

echo "1..$n"
