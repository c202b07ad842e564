#!/usr/bin/env bash
# libgit2 and libcrypto are loaded on first use (lib/store/git_load.h, lib/util/sha1.c):
# neither orgctl nor liborgctl links them, a command that reads no git object and hashes
# nothing (--version, help, a suppression check on a fresh stamp, completion) maps neither, a command
# that writes loads both and works, and every libgit2 function the layers call has its
# wrapper (lib/store/git_lazy.list), whatever the build's linker options.
#
# Usage: t9110-lazy-libs.sh [ORGCTL-BINARY [SOURCE-DIR]]; the layers' libraries are read
# from the build the binary is in (BUILD/cmd/orgctl, BUILD/lib/).
. "$(dirname "$0")/test-lib.sh"

export ORGCTL_NOW=2026-12-01T00:00:00Z
build=$(cd "$(dirname "$ORGCTL_BIN")/.." && pwd)

# mapped FILE CMD...: runs CMD with the dynamic loader reporting the files it maps, and
# writes to FILE the names of libgit2 and libcrypto it mapped (nothing when neither).
mapped() {
	local out=$1
	shift
	LD_DEBUG=files LD_DEBUG_OUTPUT=$SCRATCH/ld "$@" >"$SCRATCH/mapped.out" 2>&1
	local status=$?
	cat "$SCRATCH"/ld.* 2>/dev/null | grep -o "file=lib\(git2\|crypto\)[^ ]*" | sort -u >"$out"
	rm -f "$SCRATCH"/ld.*
	return $status
}

# neither FILE: passes when FILE (of mapped) is empty, else says what was mapped.
neither() {
	if test -s "$1"; then
		echo "mapped:" $(cat "$1") >&2
		return 1
	fi
}

test_expect_success 'orgctl and liborgctl link neither libgit2 nor libcrypto' '
	ldd "$ORGCTL_BIN" >ldd.out &&
	test_grep "liborgctl" ldd.out &&
	! grep "libgit2\|libcrypto\|libssh2\|libmbed\|libkrb5" ldd.out
'

test_expect_success '--version and help map neither' '
	mapped m.version orgctl --version && neither m.version &&
	mapped m.help orgctl --help && neither m.help &&
	mapped m.suphelp orgctl suppress --help && neither m.suphelp
'

test_expect_success 'a write loads both, and works' '
	suppress_repo Acme -- dnc &&
	mapped m.add orgctl suppress add dnc +13175551212 &&
	test_grep "change set" "$SCRATCH/mapped.out" &&
	test_grep "file=libgit2" m.add &&
	test_grep "file=libcrypto" m.add &&
	git -C repo show main:orgs/acme/suppress/dnc/numbers/131/13175.txt >shard &&
	test_grep "^+13175551212" shard
'

# cmd/no_tls_certs.c: the command never speaks TLS, so libgit2 (built with mbedTLS, as
# Debian's is) binds its certificate loading to the command's functions, which read no CA
# bundle. Where libgit2 uses another TLS library there is nothing to bind: skipped.
test_expect_success 'a write reads no CA bundle: libgit2 binds certificate loading to orgctl' '
	if ! LD_DEBUG=bindings LD_DEBUG_OUTPUT=$SCRATCH/bind orgctl suppress add dnc +13175551299 >/dev/null; then
		return 1
	fi &&
	cat "$SCRATCH"/bind.* >bindings && rm -f "$SCRATCH"/bind.* &&
	if grep -q "libmbedx509" bindings; then
		grep "libgit2.* to .*normal symbol .mbedtls_x509_crt_parse_file" bindings >parse_file &&
		test_grep "to \\([^ ]*/\\)\\{0,1\\}orgctl \\[0\\]" parse_file &&
		! grep "to .*libmbedx509" parse_file
	fi
'

test_expect_success 'suppress check on a fresh stamp, and completion from the index, map neither' '
	orgctl suppress check dnc +13175551212 >/dev/null; test $? = 10 &&
	mapped m.hit orgctl suppress check dnc +13175551212; test $? = 10 &&
	test_grep "+13175551212" "$SCRATCH/mapped.out" &&
	neither m.hit &&
	mapped m.miss orgctl suppress check dnc +13175551213 &&
	neither m.miss &&
	mapped m.complete orgctl __complete org show "" &&
	test_grep "^acme$" "$SCRATCH/mapped.out" &&
	neither m.complete
'

test_expect_success 'a commit made elsewhere: the stale stamp is read from git once' '
	orgctl suppress add dnc +13175551213 >/dev/null &&
	git -C repo update-ref refs/heads/main main~1 &&
	mapped m.stale orgctl suppress check dnc +13175551213 &&
	test_grep "file=libgit2" m.stale &&
	mapped m.fresh orgctl suppress check dnc +13175551213 &&
	neither m.fresh
'

test_expect_success 'a pairing request (random bytes, SHA-256) loads libcrypto and works' '
	orgctl org create Partner >/dev/null &&
	orgctl --org partner user create bob --email bob@p.example >/dev/null &&
	mapped m.pair orgctl --org partner pair request --to acme --user bob &&
	test_grep "file=libcrypto" m.pair &&
	orgctl --org partner pair list >pairs &&
	test_grep "acme" pairs
'

test_expect_success 'every libgit2 function a layer calls has its wrapper in the store' '
	for l in util schema store core outbound kinds bulk; do
		nm -g --defined-only "$build/lib/liborgctl_$l.a" | awk "NF == 3 { print \$3 }"
	done | grep "^git_" | sort -u >defined &&
	for l in util schema store core outbound kinds bulk; do
		nm -u "$build/lib/liborgctl_$l.a" | awk "{ print \$NF }"
	done | grep "^git_" | sort -u >used &&
	comm -23 used defined >unwrapped &&
	neither unwrapped &&
	test $(wc -l <used) -gt 50
'

test_done
