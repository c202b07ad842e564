#!/usr/bin/env bash
# The permission matrix: every mutating verb of the operation table, as the binary lists it
# (`orgctl __ops`, so a new verb is covered without editing this file), and the commands
# outside the table that write (bulk create|exec|rm, rollback), each run as every class of
# actor that must be refused. Each run must exit 4 (2 for an actor given but empty), and
# leave HEAD where it was and the index as it was. The enterprise administrator running
# the same command in a copy of the repository succeeds: it is the actor that is refused,
# not the arguments.
#
# An actor class is one actor_class line (below the fixture): the status its runs must
# end with, the org it acts in, how the actor is given, the verbs it may run (a regex of
# "KIND VERB", or -), what it is, and the commands that make it (run in the setup test).
. "$(dirname "$0")/test-lib.sh"

# The objects each verb acts on, in org $1: NAME of each kind is the "1" one (u1, R1, S1,
# G1, A1, C1, T1) and nothing refers to it; what an -rm verb takes away is there (R3, S3,
# u3, option k), what an -add verb gives is not (R2, S2, u2).
fixture() {
	local o=$1
	orgctl --org "$o" role create R1 --permission directory:user:view &&
		orgctl --org "$o" role create R2 --permission directory:user:view &&
		orgctl --org "$o" role create R3 --permission directory:user:view &&
		orgctl --org "$o" skill create S1 &&
		orgctl --org "$o" skill create S2 &&
		orgctl --org "$o" skill create S3 &&
		orgctl --org "$o" capacity create C1 &&
		orgctl --org "$o" user create u1 --email "u1@$o.example" --role R3 --skill S3=2 \
			--option k=v &&
		orgctl --org "$o" user create u2 --email "u2@$o.example" &&
		orgctl --org "$o" user create u3 --email "u3@$o.example" --capacity C1 &&
		orgctl --org "$o" group create G1 --member u3 --role R3 --skill S3=2 &&
		orgctl --org "$o" access create A1 --member u3 --role R3 &&
		orgctl --org "$o" user template create T1 &&
		orgctl --org "$o" suppress create L1 &&
		orgctl --org "$o" suppress add L1 +13175551212 &&
		{ orgctl campaign strategy show ST1 >/dev/null 2>&1 ||
			orgctl campaign strategy create ST1 --mode preview; } &&
		orgctl --org "$o" campaign create CA1 --strategy ST1 --tz UTC --window 09:00-17:00 \
			--days mon-fri &&
		orgctl --org "$o" campaign copy CA1 CA2 && orgctl --org "$o" campaign start CA2 &&
		for sub in SUB1 SUB2 SUB3; do
			orgctl --org "$o" campaign sub create CA2 $sub --start 2026-12-01 --end 2026-12-20 ||
				return 1
		done &&
		orgctl --org "$o" campaign sub start SUB2 && orgctl --org "$o" campaign sub start SUB3 &&
		orgctl --org "$o" campaign sub pause SUB3 &&
		printf -v "rollback_${o//[^a-z0-9]/_}" %s "$(git -C repo rev-parse HEAD)" &&
		printf 'kind,op,name,email\nuser,create,b1,b1@%s.example\n' "$o" >"rows-$o.csv" &&
		printf '+13175550001\n' >"$SCRATCH/numbers.txt" &&
		orgctl --org "$o" bulk create "pending-$o" "rows-$o.csv"
}

# What the enterprise administrator needs besides the fixture names for a verb to succeed.
hint() {
	case "$1" in
	'user passwd') HINT=(--password-file pw) ;;
	'capacity assign') HINT=(--user u2) ;;
	'capacity unassign') HINT=(--user u3) ;;
	'capacity rm' | 'group rm' | 'access rm' | 'campaign strategy-rm') HINT=(--force) ;;
	*) HINT=() ;;
	esac
}

# ARGV=(KIND VERB-WORDS... ARGS...) for the __ops line "$@" acting in org $ORG. (No
# subshells: it runs for every verb and class.)
build_argv() {
	local kind=$1 verb=$2 take= a
	shift 4
	ARGV=("$kind" ${verb//-/ })
	case $verb in
	rm | *-rm | revoke | unassign) take=1 ;;
	esac
	for a in "$@"; do
		case $a in
		NAME)
			case $kind/$verb in
			org/create) ARGV+=(Newco) ;;
			org/*) ARGV+=("$ORG") ;;
			*/create | */template-create) ARGV+=(new1) ;;
			user/template-*) ARGV+=(T1) ;;
			user/*) ARGV+=(u1) ;;
			role/*) ARGV+=(R1) ;;
			skill/*) ARGV+=(S1) ;;
			group/*) ARGV+=(G1) ;;
			access/*) ARGV+=(A1) ;;
			capacity/*) ARGV+=(C1) ;;
			suppress/*) ARGV+=(L1) ;;
			campaign/strategy-create) ARGV+=(new1) ;;
			campaign/strategy-*) ARGV+=(ST1) ;;
			campaign/stop | campaign/complete) ARGV+=(CA2) ;;
			campaign/sub-pause) ARGV+=(SUB2) ;;
			campaign/sub-resume) ARGV+=(SUB3) ;;
			campaign/sub-*) ARGV+=(SUB1) ;;
			campaign/*) ARGV+=(CA1) ;;
			*) ARGV+=("no-fixture-for-$kind") ;;
			esac
			;;
		ROLE*) if test -n "$take"; then ARGV+=(R3); else ARGV+=(R2); fi ;;
		USER*) if test -n "$take"; then ARGV+=(u3); else ARGV+=(u2); fi ;;
		SKILL*) if test -n "$take"; then ARGV+=(S3); else ARGV+=(S2); fi ;;
		LEVEL) ARGV+=(5) ;;
		PERMISSION*)
			if test -n "$take"; then
				ARGV+=(directory:user:view)
			else
				ARGV+=(routing:skill:view)
			fi
			;;
		KEY=VALUE*) ARGV+=(k2=v2) ;;
		KEY*) ARGV+=(k) ;;
		NEW-NAME) ARGV+=(copy1) ;;
		NUMBER*) if test -n "$take" || test "$verb" = remove; then ARGV+=(+13175551212); else ARGV+=(+13175551299); fi ;;
		FILE) ARGV+=("$SCRATCH/numbers.txt") ;;
		CAMPAIGN) ARGV+=(CA2) ;;
		SUB) ARGV+=(new1) ;;
		--mode=*) ARGV+=(--mode preview) ;;
		--strategy=*) ARGV+=(--strategy ST1) ;;
		--tz=*) ARGV+=(--tz UTC --window 09:00-17:00 --days mon-fri) ;;
		--start=*) ARGV+=(--start 2026-12-01) ;;
		--end=*) ARGV+=(--end 2026-12-20) ;;
		--email=*) ARGV+=(--email "new1@$ORG.example") ;;
		--*=*) ARGV+=("${a%%=*}" "value-for-${a#*=}") ;;
		*) ARGV+=("no-fixture-for-$a") ;;
		esac
	done
	hint "$kind $verb"
	ARGV+=("${HINT[@]}")
}

# The writes outside the operation table, as __ops lines would describe them.
other_writes() {
	echo "bulk create write - new-set rows-ORG.csv"
	echo "bulk exec write - pending-ORG"
	echo "bulk rm write - pending-ORG"
	echo "rollback - write - CHANGE"
}

# ARGV for one of other_writes' lines.
build_other_argv() {
	local cmd=$1 verb=$2 a var
	shift 4
	ARGV=("$cmd")
	test "$verb" = - || ARGV+=("$verb")
	for a in "$@"; do
		case $a in
		CHANGE)
			var=rollback_${ORG//[^a-z0-9]/_}
			ARGV+=("${!var}")
			;;
		*) ARGV+=("${a//ORG/$ORG}") ;;
		esac
	done
}

# The index's content (not its file, which a checkpoint may rewrite), as one digest per
# line asked for: one python process for the whole run (starting one costs more than the
# runs it checks).
coproc INDEX_DIGEST {
	python3 -u -c '
import hashlib, sqlite3, sys
for path in sys.stdin:
    db = sqlite3.connect("file:" + path.strip() + "?mode=ro", uri=True)
    h = hashlib.sha256()
    for table in ("meta", "objects", "attrs"):
        for row in db.execute("SELECT * FROM %s ORDER BY 1, 2" % table):
            h.update(repr(row).encode())
    db.close()
    print(h.hexdigest())
'
}
index_state() {
	echo "$SCRATCH/$1/orgctl/index.sqlite" >&"${INDEX_DIGEST[1]}" &&
		read -r INDEX_NOW <&"${INDEX_DIGEST[0]}" && test -n "$INDEX_NOW"
}

classes=()
class_setup=()
# actor_class STATUS ORG ACTOR MAY-RUN DESCRIPTION [SETUP]: ACTOR is USER@ORG (--as),
# --as:VALUE (--as VALUE, two words), env:VALUE ($ORGCTL_ACTOR), or - (none given: the
# enterprise administrator); MAY-RUN is a regex of the "KIND VERB"s it is not refused.
# Keep the classes of one org together (the arguments are made once per org and verb).
actor_class() {
	classes+=("$1"$'\t'"$2"$'\t'"$3"$'\t'"$4"$'\t'"$5")
	class_setup+=("${6:-:}")
}

actor_class 4 acme nobody@acme - 'a user with no role' \
	'orgctl --org acme user create nobody --email nobody@acme.example'
actor_class 4 acme off@acme - 'a disabled user (a Master Admin)' \
	'orgctl --org acme user create off --email off@acme.example --role "Master Admin" &&
	 orgctl --org acme user disable off'
actor_class 4 acme offrole@acme - 'a user whose only role (all permissions) is disabled' \
	'orgctl --org acme role copy "Master Admin" Everything &&
	 orgctl --org acme user create offrole --email offrole@acme.example --role Everything &&
	 orgctl --org acme role disable Everything'
actor_class 4 acme offgroup@acme - 'a user whose role comes only through a disabled agent group' \
	'orgctl --org acme user create offgroup --email offgroup@acme.example &&
	 orgctl --org acme group create Admins --member offgroup --role "Master Admin" &&
	 orgctl --org acme group disable Admins'
actor_class 4 acme offaccess@acme - 'a user whose role comes only through a disabled access group' \
	'orgctl --org acme user create offaccess --email offaccess@acme.example &&
	 orgctl --org acme access create AdminAccess --member offaccess --role "Master Admin" &&
	 orgctl --org acme access disable AdminAccess'
actor_class 4 acme olga@other - "another org's Master Admin" \
	'orgctl org create Other &&
	 orgctl --org other user create olga --email olga@other.example --role "Master Admin"'
actor_class 4 acme ghost@acme - 'an unknown user'
actor_class 2 acme --as: - 'an empty --as ""'
actor_class 2 acme env: - 'an empty $ORGCTL_ACTOR'
actor_class 4 closed dora@closed - "a Master Admin of a disabled org, in it" \
	'orgctl org create Closed &&
	 orgctl --org closed user create dora --email dora@closed.example --role "Master Admin" &&
	 fixture closed &&
	 orgctl org disable closed'
# Bulk sets are not inside an org: creating and removing one is not a change in it.
actor_class 4 closed - '^(org create|org enable|bulk create|bulk rm)$' \
	'the enterprise administrator, in a disabled org (but for enabling it)'
# Holders of only a grant or edit permission, trying to pass on more than they hold: the
# fixture's roles hold directory:user:view, which they lack (the grant rule, lib/core/authz.c).
actor_class 4 acme granter@acme - 'a holder of only authorization:grant:add, giving roles above itself' \
	'orgctl --org acme role create GrantOnly --permission authorization:grant:add &&
	 orgctl --org acme user create granter --email granter@acme.example --role GrantOnly'
actor_class 4 acme roleeditor@acme '^role (update|enable|disable|revoke|reset-default)$' \
	'a holder of only authorization:role:edit, granting permissions it lacks' \
	'orgctl --org acme role create RoleEditOnly --permission authorization:role:edit &&
	 orgctl --org acme user create roleeditor --email roleeditor@acme.example --role RoleEditOnly'
actor_class 4 acme groupeditor@acme '^group (update|enable|disable|skill-set|skill-rm|member-rm)$' \
	'a holder of only directory:group:edit, adding members to a group carrying roles' \
	'orgctl --org acme role create GroupEditOnly --permission directory:group:edit &&
	 orgctl --org acme user create groupeditor --email groupeditor@acme.example --role GroupEditOnly'
actor_class 4 acme accesseditor@acme '^access (update|enable|disable|member-rm)$' \
	'a holder of only authorization:accessGroup:edit, adding members to an access group carrying roles' \
	'orgctl --org acme role create AccessEditOnly --permission authorization:accessGroup:edit &&
	 orgctl --org acme user create accesseditor --email accesseditor@acme.example --role AccessEditOnly'

test_expect_success 'setup: the fixture in acme, and the actors of every class' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo &&
	orgctl org create Acme >/dev/null &&
	fixture acme >/dev/null &&
	echo "s3cret-Passw0rd" >pw &&
	for setup in "${class_setup[@]}"; do
		eval "$setup" >/dev/null || return 1
	done &&
	orgctl __ops >ops &&
	test "$(grep -c " write " ops)" -gt 50
'

# The commit the branch points at, without a process per run (orgctl keeps refs loose).
head_now() {
	read -r HEAD_NOW <"$SCRATCH/repo/refs/heads/main" 2>/dev/null ||
		HEAD_NOW=$(git -C "$SCRATCH/repo" rev-parse refs/heads/main)
}

# run_as CLASS: runs ARGV as the class's actor in its org; STATUS, and the files out, err.
run_as() {
	local want org actor may what
	IFS=$'\t' read -r want org actor may what <<<"$1"
	case $actor in
	-) orgctl --org "$org" "${ARGV[@]}" ;;
	--as:*) orgctl --as "${actor#--as:}" --org "$org" "${ARGV[@]}" ;;
	env:*) ORGCTL_ACTOR=${actor#env:} orgctl --org "$org" "${ARGV[@]}" ;;
	*) orgctl --as "$actor" --org "$org" "${ARGV[@]}" ;;
	esac <pw >out 2>err
	STATUS=$?
}

# check_write [--other] LINE...: the line's write as every class: the status wanted, HEAD
# and the index unchanged; and the enterprise administrator, in a copy, succeeds.
check_write() {
	local build=build_argv
	if test "$1" = --other; then
		build=build_other_argv
		shift
	fi
	local what="$1 $2" head index class want org actor may desc built=
	test "$2" = - && what=$1
	rm -rf control && cp -a repo control &&
		ORG=acme && $build "$@" &&
		ORGCTL_DIR=$SCRATCH/control orgctl --org acme "${ARGV[@]}" <pw >out 2>err || {
		echo "control: the enterprise administrator could not run: orgctl --org acme ${ARGV[*]}" >&2
		cat err >&2
		return 1
	}
	head_now && head=$HEAD_NOW && index_state repo && index=$INDEX_NOW || return 1
	for class in "${classes[@]}"; do
		IFS=$'\t' read -r want org actor may desc <<<"$class"
		if test "$may" != - && [[ $what =~ $may ]]; then
			continue
		fi
		if test "$built" != "$org"; then
			ORG=$org && $build "$@" && built=$org || return 1
		fi
		run_as "$class"
		if test "$STATUS" != "$want"; then
			echo "$desc ($actor): orgctl --org $org ${ARGV[*]}: exit $STATUS, wanted $want" >&2
			cat out err >&2
			return 1
		fi
		head_now
		if test "$HEAD_NOW" != "$head"; then
			echo "$desc ($actor): orgctl --org $org ${ARGV[*]}: HEAD moved" >&2
			return 1
		fi
	done
	index_state repo || return 1
	if test "$INDEX_NOW" != "$index"; then
		echo "$what: the index changed" >&2
		return 1
	fi
}

while read -r line; do
	set -- $line
	case $1 in pair | clone) continue ;; esac # their own matrix: t7100-pair-matrix
	test "$3" = write &&
		test_expect_success "$1 $2: refused to every actor class that may not" "check_write $line"
done <"$SCRATCH/ops"
while read -r line; do
	set -- $line
	what="$1 $2" && test "$2" = - && what=$1
	test_expect_success "$what: refused to every actor class that may not" \
		"check_write --other $line"
done < <(other_writes)

eval "exec ${INDEX_DIGEST[1]}>&-" # python ends with its input
wait "$INDEX_DIGEST_PID"
test_done
