#!/usr/bin/env bash
# t9100-layers: lib/ is built in layers (lib/README.md), util < schema < store < core < outbound <
# kinds < bulk, and nothing goes the wrong way: no include of a header of a layer above,
# and no call into a layer above but the known ones listed here, a list that may only
# shrink (an entry that is gone fails too, so that it is struck). Likewise the files
# outside lib/store/ that still call libgit2 or SQLite themselves.
#
# Usage: bash tests/cli/t9100-layers.sh [SOURCE-DIR [BUILD-DIR]]
#   SOURCE-DIR defaults to $ORGCTL_SRC, else the tree this script is in;
#   BUILD-DIR to $ORGCTL_BUILD, else SOURCE-DIR/build (its lib/liborgctl_LAYER.a are read
#   with nm, as the linker sees them).
# Prints TAP (the plan comes last).

src=${1:-${ORGCTL_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}}
build=${2:-${ORGCTL_BUILD:-$src/build}}
src=$(cd "$src" && pwd) || { echo "Bail out! no source dir"; exit 1; }
build=$(cd "$build" && pwd) || { echo "Bail out! no build dir"; exit 1; }
export LC_ALL=C
# check runs at the end of pipelines, and counts: in this shell, not a subshell.
shopt -s lastpipe

layers=(util schema store core outbound kinds bulk)

# Calls into a layer above that are known: CALLER-FILE CALLEE-LAYER SYMBOL.
known_upcalls='
'
# Files above the store that still call libgit2 or SQLite: FILE LIBRARY.
known_storage='
'

n=0
failed=0
ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}
not_ok() {
	n=$((n + 1))
	failed=1
	echo "not ok $n - $1"
	sed 's/^/# /'
}
# check DESCRIPTION < FINDINGS: passes when FINDINGS is empty, else shows them.
check() {
	local found
	found=$(cat)
	if test -z "$found"; then
		ok "$1"
	else
		printf '%s\n' "$found" | not_ok "$1"
	fi
}

rank() {
	local i
	for i in "${!layers[@]}"; do
		test "${layers[$i]}" = "$1" && echo "$i" && return
	done
	echo 99
}

# --- every file of lib/ is in a layer ---
for f in "$src/lib"/*; do
	case ${f##*/} in README.md | meson.build | gen-symbols.py) continue ;; esac
	test -d "$f" && test "$(rank "${f##*/}")" != 99 || echo "lib/${f##*/} is in no layer"
done | check "every file of lib/ is in a layer's folder"

# --- the build knows the same layers, in the same order ---
order=$(sed -n "s/^layer_names = \[\(.*\)\]/\1/p" "$src/lib/meson.build" | tr -d "' " | tr , ' ')
if test "$order" != "${layers[*]}"; then
	echo "lib/meson.build layer_names is \"$order\", this test's \"${layers[*]}\""
fi | check "lib/meson.build builds the layers in this order"

# --- includes: a header of the file's layer or of one below, or a public header ---
for layer in "${layers[@]}"; do
	r=$(rank "$layer")
	for f in "$src/lib/$layer"/*.[ch]; do
		grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
			sed 's/^\([0-9]*\):.*"\(.*\)".*/\1 \2/' |
			while read -r line h; do
				case $h in
				orgctl/*) continue ;;
				*/*)
					echo "lib/$layer/${f##*/}:$line: #include \"$h\" names a path"
					continue
					;;
				esac
				home=""
				for l in "${layers[@]}"; do
					test -e "$src/lib/$l/$h" && home=$l && break
				done
				if test -z "$home"; then
					echo "lib/$layer/${f##*/}:$line: #include \"$h\" is in no layer"
				elif test "$(rank "$home")" -gt "$r"; then
					echo "lib/$layer/${f##*/}:$line: #include \"$h\" is of the layer above, $home"
				fi
			done
	done | check "lib/$layer/ includes no header of a layer above"
done

# --- calls, as the linker sees them in each layer's library ---
if ! command -v nm >/dev/null; then
	echo "ok $((n + 1)) # skip no nm: calls between layers not checked"
	n=$((n + 1))
	echo "1..$n"
	exit $failed
fi
scratch=$(mktemp -d "${TMPDIR:-/tmp}/orgctl-t9100.XXXXXX") || {
	echo "Bail out! cannot make a scratch directory"
	exit 1
}
trap 'rm -rf "$scratch"' EXIT
missing=""
for layer in "${layers[@]}"; do
	a=$build/lib/liborgctl_$layer.a
	if ! test -e "$a"; then
		missing="$missing $a"
		continue
	fi
	# SYMBOL LAYER, for what the layer defines; SYMBOL LAYER/FILE, for what it uses.
	nm -g --defined-only "$a" | awk -v L="$layer" 'NF == 3 && $2 ~ /[TDBRC]/ { print $3, L }'
	nm -A -u "$a" | awk -v L="$layer" '{
		n = split($1, p, ":"); f = p[n - 1]; sub(/^.*\//, "", f); sub(/\.o$/, "", f)
		sub("^" L "_", L "/", f); print $NF, f, "use" }' >>"$scratch/uses"
done >"$scratch/defs"
if test -n "$missing"; then
	echo "Bail out! not built:$missing"
	exit 1
fi
sort -o "$scratch/defs" "$scratch/defs"
sort -o "$scratch/uses" "$scratch/uses"
# FILE LAYER SYMBOL for every call into a layer above.
join "$scratch/uses" "$scratch/defs" | while read -r sym file _ def; do
	test "$(rank "$def")" -gt "$(rank "${file%%/*}")" && echo "$file $def $sym"
done | sort -u >"$scratch/upcalls"
printf '%s\n' "$known_upcalls" | grep . | sort >"$scratch/known"
comm -23 "$scratch/upcalls" "$scratch/known" | sed 's/^/a new call into a layer above: /' |
	check "no call into a layer above but the known ones"
comm -13 "$scratch/upcalls" "$scratch/known" |
	sed 's/^/gone (strike it from known_upcalls in this test): /' |
	check "every known call into a layer above is still there (the list only shrinks)"

awk '$3 == "use" && $1 ~ /^(git_|sqlite3_)/ {
	print $2, ($1 ~ /^git_/ ? "libgit2" : "sqlite") }' "$scratch/uses" |
	grep -v '^store/' | sort -u >"$scratch/storage"
printf '%s\n' "$known_storage" | grep . | sort >"$scratch/known-storage"
comm -23 "$scratch/storage" "$scratch/known-storage" |
	sed 's/^/calls libgit2 or SQLite itself, above the store: /' |
	check "no new file above the store calls libgit2 or SQLite"
comm -13 "$scratch/storage" "$scratch/known-storage" |
	sed 's/^/gone (strike it from known_storage in this test): /' |
	check "every known user of libgit2 or SQLite above the store is still one (the list only shrinks)"

echo "1..$n"
exit $failed
