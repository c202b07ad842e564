#!/usr/bin/env bash
# t9210-permission-catalogue: every permission a code path can demand is in the catalogue
# (lib/core/perm.c), or no one could ever be granted it. The permissions made from the
# kind table and the operation table (a kind's perm_prefix + action, a field's, an op's)
# are checked by tests/unit/test-core.c; this test reads the rest where they are written:
# every string literal of lib/ and cmd/ of the form DOMAIN:ENTITY:ACTION whose domain is
# one of the catalogue's must be a permission of the catalogue (other literals of that
# form, the "domain:entity:action" of a help text, name no domain of it).
#
# Usage: bash tests/cli/t9210-permission-catalogue.sh ORGCTL SOURCE-DIR
# Prints TAP (the plan comes last).

orgctl=$1
src=$(cd "$2" && pwd) || { echo "Bail out! no source dir"; exit 1; }
scratch=$(mktemp -d "${TMPDIR:-/tmp}/orgctl-t9210.XXXXXX") || {
	echo "Bail out! cannot make a scratch directory"
	exit 1
}
trap 'rm -rf "$scratch"' EXIT
export LC_ALL=C
unset ORGCTL_DIR ORGCTL_ORG ORGCTL_ACTOR

# The catalogue, as the CLI completes "--permission" from it.
"$orgctl" __complete role create x --permission "" | sort -u >"$scratch/catalogue"
cut -d: -f1 "$scratch/catalogue" | sort -u >"$scratch/domains"
# FILE:LINE:"PERMISSION" for every literal of the form in the sources.
grep -rnoE '"[a-z]+:[a-zA-Z]+:[a-zA-Z]+"' "$src/lib" "$src/cmd" --include='*.c' --include='*.h' |
	sed "s|^$src/||; s|\"||g" >"$scratch/literals"
n_lit=$(wc -l <"$scratch/literals")
n_cat=$(wc -l <"$scratch/catalogue")

if test "$n_cat" -gt 40; then
	echo "ok 1 - the catalogue is read from the binary ($n_cat permissions)"
else
	echo "not ok 1 - the catalogue read from the binary has $n_cat permissions"
fi
missing=$(while IFS=: read -r file line perm; do
	domain=${perm%%:*}
	grep -qxF "$domain" "$scratch/domains" || continue
	grep -qxF "$perm" "$scratch/catalogue" || echo "$file:$line: \"$perm\" is not in the catalogue"
done <"$scratch/literals")
if test -z "$missing" && test "$n_lit" -gt 40; then
	echo "ok 2 - every permission written in lib/ and cmd/ is in the catalogue ($n_lit places)"
else
	echo "not ok 2 - permissions written in lib/ and cmd/ that the catalogue lacks ($n_lit places read)"
	printf '%s\n' "$missing" | sed 's/^/# /'
fi
echo "1..2"
