#!/usr/bin/env bash
# Installs liborgctl from a build into a scratch prefix, builds examples/c/create-user.c
# against the installed headers and pkg-config file only (no source tree on the include
# path), and runs it. Ends with "N passed, N failed" (CI runs it as a stage).
#   examples/c/run.sh [BUILD-DIR]     (default ./build)
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
step() { # NAME CMD...
	local name=$1
	shift
	if "$@" >"$work/out" 2>&1; then
		echo "ok - $name"
		passed=$((passed + 1))
	else
		echo "not ok - $name"
		sed 's/^/# /' "$work/out" | head -40
		failed=$((failed + 1))
	fi
}
prefix=$(meson introspect --buildoptions "$build" |
	python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
libdir=$(meson introspect --buildoptions "$build" |
	python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "libdir"))')
root=$work/root
case $libdir in /*) ;; *) libdir=$prefix/$libdir ;; esac
step "meson install into a scratch root" meson install -C "$build" --destdir "$root" --quiet
pc=$root$libdir/pkgconfig
step "pkg-config finds liborgctl" env PKG_CONFIG_PATH="$pc" PKG_CONFIG_SYSROOT_DIR="$root" \
	pkg-config --exists liborgctl
flags=$(PKG_CONFIG_PATH="$pc" PKG_CONFIG_SYSROOT_DIR="$root" pkg-config --cflags --libs liborgctl)
step "create-user.c builds against the installed headers only" \
	cc -std=c11 -Wall -Wextra -Werror -o "$work/create-user" "$top/examples/c/create-user.c" $flags
step "it creates a user, is refused as one without roles, and sees no password hash" \
	env -u ORGCTL_ACTOR -u ORGCTL_DIR -u ORGCTL_ORG LD_LIBRARY_PATH="$root$libdir" \
	"$work/create-user" "$work/repo"
nm -D --defined-only "$root$libdir/liborgctl.so" | awk '$2 ~ /[TDRB]/ {print $3}' | sort >"$work/exported"
python3 "$top/lib/gen-symbols.py" "$work/declared.sym" "$root$prefix"/include/orgctl/*.h
sed -n 's/^    \(orgctl_[a-z0-9_]*\);$/\1/p' "$work/declared.sym" | sort >"$work/declared"
step "the library exports exactly what the installed headers declare" \
	diff "$work/declared" "$work/exported"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
