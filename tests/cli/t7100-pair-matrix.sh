#!/usr/bin/env bash
# The security matrix of authorized organisations: every pair and clone verb of the
# operation table (`orgctl __ops`: a new verb without a row in args() fails here), and a
# sample of other mutating verbs in the trusting org, run by every class of actor that
# may not: (a) actors without the permission, (b) a trustee before any grant, (c) a
# trustee after revoke, after pair disable, after pair rm, after the trust's expiry, (d) a
# clone whose source was removed from the trust, (f) a trustee user, and a clone, whose
# source user was removed and made again under the same name. Each exits 4 and leaves
# HEAD where it was; the enterprise administrator running the same command in a copy succeeds. Then (e)
# expired, reused and forged links: exit 1, HEAD unchanged.
. "$(dirname "$0")/test-lib.sh"

# request LINKFILE TRUSTEE TO [ARGS...]: a pairing request, its link in LINKFILE.
request() {
	local file=$1 from=$2 to=$3
	shift 3
	orgctl --org "$from" -q pair request --to "$to" "$@" >"$file"
}
id_of() { sed "s|orgctl://pair/||; s|/.*||" "$1"; }

test_expect_success 'setup: a partner trusted by client, cdis (off), crm (removed), cexp (expired)' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo &&
	for o in Partner Client Cdis Crm Cexp Cfree P2 P3; do
		orgctl org create $o >/dev/null || return 1
	done &&
	for u in bob dave rev gone eve u1 again; do
		orgctl --org partner user create $u --email $u@p.example >/dev/null || return 1
	done &&
	orgctl --org partner group create G1 --member eve >/dev/null &&
	orgctl --org p2 user create x --email x@p2.example >/dev/null &&
	orgctl --org p3 user create x --email x@p3.example >/dev/null &&
	orgctl --org client user create clerk --email clerk@c.example >/dev/null &&
	for t in client cdis crm cexp cfree; do
		orgctl --org $t user create u1 --email u1@$t.example >/dev/null &&
			orgctl --org $t role create R1 --permission directory:user:view >/dev/null ||
			return 1
	done &&
	for t in client cdis crm cexp; do
		exp= && test $t = cexp && exp="--expires 2026-01-03"
		request link-$t partner $t --user bob --user dave --user rev --user gone --user again \
			--group G1 $exp &&
			orgctl --org $t -q pair accept - <link-$t &&
			id_of link-$t >pid-$t &&
			orgctl --org $t -q pair grant "$(cat pid-$t)" --user bob --role "Master Admin" &&
			orgctl --org $t -q pair grant "$(cat pid-$t)" --user rev --user gone --role R1 &&
			orgctl --org $t -q pair revoke "$(cat pid-$t)" --user rev --role R1 || return 1
	done &&
	orgctl --org partner -q clone create "$(cat pid-client)" --user gone &&
	orgctl --org client -q pair grant "$(cat pid-client)" --user again --role "Master Admin" &&
	orgctl --org partner -q clone create "$(cat pid-client)" --user again &&
	orgctl --as again@partner --org client user list >/dev/null &&
	orgctl --as again@partner@client --org client user list >/dev/null &&
	orgctl --org partner -q user rm again --force &&
	orgctl --org partner -q user create again --email again@p.example &&
	orgctl --org client -q pair rm-user "$(cat pid-client)" --user gone &&
	orgctl --org cdis -q pair disable "$(cat pid-cdis)" &&
	orgctl --org crm -q pair rm "$(cat pid-crm)" &&
	request link-p2 p2 client --user x &&
	ORGCTL_NOW=2025-12-01T00:00:00Z request link-p3 p3 client --user x &&
	orgctl __ops >ops &&
	test "$(grep -cE "^(pair|clone) " ops)" -ge 16
'
# From here on, the trust of cexp has expired.
export ORGCTL_NOW=2026-01-05T00:00:00Z

# The classes: ORG ACTOR SIDE (the side of the pairing it acts from) and what it is.
classes=(
	"client clerk@client trusting a user of the trusting org without permissions"
	"partner eve@partner trustee a user of the trustee org without permissions"
	"client dave@partner trusting a trustee before any grant"
	"client rev@partner trusting a trustee after revoke"
	"cdis bob@partner trusting a trustee after pair disable"
	"crm bob@partner trusting a trustee after pair rm"
	"cexp bob@partner trusting a trustee after the trust expired"
	"client gone@partner@client trusting a clone whose source left the trust"
	"client again@partner trusting a trustee user removed and made again under the same name"
	"client again@partner@client trusting a clone whose source was removed and made again"
)

# args KIND VERB ORG: SIDE (trusting, trustee, either) and ARGV for the verb acting in ORG
# (the trustee side acts on client's pairing); false for a verb without a row.
args() {
	local p
	p=$(cat "pid-$3" 2>/dev/null || cat pid-client)
	case "$1 $2" in
	"pair request") SIDE=trustee ARGV=(--to cfree --user u1) ;;
	"pair accept") SIDE=trusting ARGV=("$(cat link-p2)") ;;
	"pair grant") SIDE=trusting ARGV=("$p" --user bob@partner --role R1) ;;
	"pair revoke") SIDE=trusting ARGV=("$p" --user bob@partner --role "Master Admin") ;;
	"pair enable" | "pair disable") SIDE=trusting ARGV=("$p") ;;
	"pair rm") SIDE=either ARGV=("$p") ;;
	"pair add-user") SIDE=trustee ARGV=("$p" --user u1) ;;
	"pair add-group") SIDE=trustee ARGV=("$p" --group G1) ;;
	"pair rm-user") SIDE=either ARGV=("$p" --user dave) ;;
	"pair rm-group") SIDE=either ARGV=("$p" --group G1) ;;
	"clone create") SIDE=trustee ARGV=("$p" --user bob) ;;
	"clone rm") SIDE=either ARGV=("$p" --user gone) ;;
	"user create") SIDE=trusting ARGV=(new1 --email "new1@$3.example") ;;
	"user rm") SIDE=trusting ARGV=(u1) ;;
	"user role-add") SIDE=trusting ARGV=(u1 R1) ;;
	"role create") SIDE=trusting ARGV=(Rnew --permission directory:user:view) ;;
	"role grant") SIDE=trusting ARGV=(R1 routing:skill:view) ;;
	*) return 1 ;;
	esac
	ARGV=("$1" ${2//-/ } "${ARGV[@]}")
}

# check KIND VERB: the control succeeds; every class that may act from the verb's side is
# refused with 4 and HEAD does not move.
check() {
	local kind=$1 verb=$2 class org actor side desc head
	args "$kind" "$verb" client || {
		echo "no row in args() for $kind $verb" >&2
		return 1
	}
	local control_org=client
	test "$SIDE" = trustee && control_org=partner
	args "$kind" "$verb" "$control_org" &&
		rm -rf control && cp -a repo control &&
		ORGCTL_DIR=$SCRATCH/control orgctl --org "$control_org" "${ARGV[@]}" >out 2>err || {
		echo "control: the enterprise administrator could not run: orgctl --org $control_org ${ARGV[*]}" >&2
		cat err >&2
		return 1
	}
	head=$(git -C repo rev-parse HEAD)
	for class in "${classes[@]}"; do
		read -r org actor side desc <<<"$class"
		args "$kind" "$verb" "$org"
		if test "$SIDE" != either && test "$SIDE" != "$side"; then
			continue
		fi
		orgctl --as "$actor" --org "$org" "${ARGV[@]}" >out 2>err </dev/null
		status=$?
		if test $status != 4; then
			echo "$desc: orgctl --as $actor --org $org ${ARGV[*]}: exit $status, wanted 4" >&2
			cat out err >&2
			return 1
		fi
		if test "$(git -C repo rev-parse HEAD)" != "$head"; then
			echo "$desc: orgctl --as $actor --org $org ${ARGV[*]}: HEAD moved" >&2
			return 1
		fi
	done
}

while read -r kind verb access rest; do
	case "$kind $access" in
	"pair write" | "clone write") ;;
	*) continue ;;
	esac
	test_expect_success "$kind $verb: refused to every class that may not" "check $kind $verb"
done <"$SCRATCH/ops"
for sample in "user create" "user rm" "user role-add" "role create" "role grant"; do
	test_expect_success "$sample in the trusting org: refused to every class that may not" \
		"check $sample"
done

test_expect_success 'reading: the classes see no pairing and no clone list' '
	for class in "${classes[@]}"; do
		read -r org actor side desc <<<"$class"
		p=$(cat pid-$org 2>/dev/null || cat pid-client)
		test_must_fail --status 4 orgctl --as "$actor" --org "$org" pair list &&
			test_must_fail --status 4 orgctl --as "$actor" --org "$org" clone list || {
			echo "$desc" >&2
			return 1
		}
		test "$actor" = eve@partner && continue # a member of the trusted group G1
		test_must_fail --status 4 orgctl --as "$actor" --org "$org" pair show "$p" || {
			echo "$desc: pair show" >&2
			return 1
		}
	done
'

test_expect_success '(e) expired, reused and forged links: exit 1, HEAD unchanged' '
	test_unchanged --status 1 repo orgctl --org client pair accept - <link-p3 2>err &&
	test_grep "expired" err &&
	test_unchanged --status 1 repo orgctl --org client pair accept - <link-client 2>err &&
	test_grep "already used" err &&
	sed "s/[0-9a-f]\$/x/" link-p2 >forged &&
	test_unchanged --status 1 repo orgctl --org client pair accept - <forged &&
	sed "s|/[0-9a-f]\\{32\\}\$|/00000000000000000000000000000000|" link-p2 >forged &&
	test_unchanged --status 1 repo orgctl --org client pair accept - <forged 2>err &&
	test_grep "does not match" err &&
	test_unchanged --status 1 repo orgctl --org cfree pair accept - <link-p2 2>err &&
	test_grep "unknown" err
'

test_expect_success 'no token of any link in any commit, nor in the index file' '
	for f in link-*; do
		token=$(sed "s|.*/||" $f) &&
			! git -C repo log -p --all | grep -qF "$token" &&
			! grep -qF "$token" repo/orgctl/index.sqlite* || {
			echo "token of $f found" >&2
			return 1
		}
	done
'

test_done
