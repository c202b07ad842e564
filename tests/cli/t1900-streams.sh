#!/usr/bin/env bash
# Lists and change sets stream: `user list` in every format, and `show` and `diff` of a
# bulk set, print row by row and hold a row, not the result. Checked by memory, not by
# time: each runs under a data limit (ulimit -d: the heap and every private mapping) that
# 20,000 users overrun when held whole (before streaming these commands ran out of memory
# under 40 MB; streamed they run in 16 MB), and prints what it prints without one. The
# patch of `diff` is 8 MB, which a held copy fits in as text; held as a JSON string it does
# not. The control: `diff -o csv` holds the whole patch (CSV has it in one cell), and fails.
. "$(dirname "$0")/test-lib.sh"

users=20000
limit_kb=30000

# limited OUT CMD...: CMD with at most limit_kb kB of data, its output in OUT.
limited() {
	local out=$1
	shift
	(ulimit -d "$limit_kb" && exec "$@") >"$out"
}

# AddressSanitizer maps terabytes of shadow memory: no data limit makes sense under it.
if ldd "$ORGCTL_BIN" 2>/dev/null | grep -q libasan || test -n "$ASAN_OPTIONS"; then
	echo "ok 1 # skip streaming under a data limit: the binary is built with AddressSanitizer"
	echo "1..1"
	exit 0
fi

test_expect_success 'setup: an org of 20,000 users in a group, made by one bulk set' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo ORGCTL_ORG=acme &&
	orgctl org create Acme >/dev/null &&
	orgctl role create Agent >/dev/null &&
	orgctl group create all >/dev/null &&
	awk -v n=$users "BEGIN {
		print \"kind,op,name,email,full-name,role,member\"
		for (i = 0; i < n; i++)
			printf \"user,create,u%06d,u%06d@acme.example,%s,Agent,\\n\", i, i,
				i == n - 10 ? \"The longest full name of all\" : \"User \" i
		for (i = 0; i < n; i++)
			printf \"group,member-add,all,,,,u%06d\\n\", i
	}" >users.csv &&
	orgctl bulk create users users.csv >/dev/null &&
	orgctl bulk exec users >/dev/null
'

# Every format of the list and of show: the same output as without a limit, all of it.
for what in "user list" "show HEAD"; do
	for format in table csv json; do
		test_expect_success "$what -o $format streams: under a limit the whole overruns" '
			limited out orgctl '"$what"' -o '$format' &&
			orgctl '"$what"' -o '$format' >expect &&
			test_cmp expect out &&
			test $(wc -l <out) -gt $users
		'
	done
done

test_expect_success 'user list as a table: each column as wide as its widest row, the tenth last' '
	limited out orgctl user list &&
	head -1 out >actual &&
	printf "%-9s%-30s%-22s%-9s%s\n" NAME FULL_NAME EMAIL STATE ROLES >expect &&
	test_cmp expect actual &&
	tail -1 out >actual &&
	printf "%-9s%-30s%-22s%-9s%s\n" u019999 "User 19999" u019999@acme.example enabled Agent \
		>expect &&
	test_cmp expect actual
'

for format in table json; do
	test_expect_success "diff -o $format of the 20,000-object set streams" '
		limited out orgctl diff HEAD -o '$format' &&
		orgctl diff HEAD -o '$format' >expect &&
		test_cmp expect out &&
		test $(wc -c <out) -gt 5000000
	'
done

test_expect_success 'the control: diff -o csv holds the patch whole, and the limit stops it' '
	(limited out orgctl diff HEAD -o csv 2>err); test $? -ne 0 &&
	orgctl diff HEAD -o csv >whole &&
	test $(wc -c <whole) -gt 5000000
'

test_done
