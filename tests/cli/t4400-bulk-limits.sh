#!/usr/bin/env bash
# orgctl bulk and hostile files: a set's file holds at most bulk.max_rows rows and
# bulk.max_megabytes of CSV (checked while reading, memory not following the file);
# reporting stops at the first 1,000 problems; a gzip bomb is refused in seconds.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo ORGCTL_ORG=acme &&
	orgctl org create Acme >/dev/null
'

# users N [FIRST]: a native file of N user rows, named from FIRST (default 1).
users() {
	python3 - "$@" <<-\EOF
	import sys
	n, first = int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 1
	print("kind,op,name,email")
	for i in range(first, first + n):
	    print(f"user,create,u{i},u{i}@acme.example")
	EOF
}

# gzbomb FILE MIB ROW [COPIES] [HEADER]: a .gz of HEADER (default a user header) and the
# line ROW (%d: the row number) repeated to MIB MiB; that gzip member COPIES times over
# (gzip reads members one after another as one stream: 64 copies of 64 MiB, 4 GiB, in
# the time of one).
gzbomb() {
	python3 - "$@" <<-\EOF
	import sys, zlib
	path, mib, row = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode() + b"\n"
	copies = int(sys.argv[4]) if len(sys.argv) > 4 else 1
	header = sys.argv[5] if len(sys.argv) > 5 else "kind,op,name,email,full-name"
	c = zlib.compressobj(9, zlib.DEFLATED, 31)
	member = [c.compress(header.encode() + b"\n")]
	n, i = 0, 0
	while n < mib << 20:
	    r = row.replace(b"%d", str(i).encode()) if b"%d" in row else row
	    member.append(c.compress(r * (1 if b"%d" in row else 4096)))
	    n, i = n + len(r) * (1 if b"%d" in row else 4096), i + 1
	member.append(c.flush())
	member = b"".join(member)
	with open(path, "wb") as out:
	    out.write(member)
	    for _ in range(copies - 1):
	        out.write(member)
	EOF
}

test_expect_success 'the limits are settings, shown with their defaults' '
	orgctl org settings acme -o csv >s &&
	test_grep "^bulk.max_rows,1000000," s &&
	test_grep "^bulk.max_megabytes,1024," s
'

test_expect_success 'a set of up to bulk.max_rows rows is stored' '
	orgctl org update acme --setting bulk.max_rows=3 >/dev/null &&
	users 3 >three.csv &&
	orgctl bulk create three three.csv >out &&
	test_grep "3 rows, ready" out
'

test_expect_success 'one row more is refused at its line, naming the setting; nothing stored' '
	users 4 10 >four.csv &&
	test_unchanged --status 1 repo orgctl bulk create four four.csv 2>err &&
	test_grep "^four.csv:5:1: .*bulk.max_rows" err &&
	test_must_fail orgctl bulk show four
'

test_expect_success 'an org may lower the limit, not raise it past the enterprise' '
	orgctl org update enterprise --setting bulk.max_rows=1000 >/dev/null &&
	test_unchanged --status 1 repo orgctl org update acme --setting bulk.max_rows=2000 2>err &&
	test_grep "bulk.max_rows" err &&
	orgctl org update acme --unset-setting bulk.max_rows >/dev/null &&
	users 1001 100 >many.csv &&
	test_unchanged --status 1 repo orgctl bulk create many many.csv 2>err &&
	test_grep "^many.csv:1002:1: .*bulk.max_rows" err &&
	orgctl org update enterprise --unset-setting bulk.max_rows >/dev/null
'

test_expect_success 'a file of more than bulk.max_megabytes is refused while it is read' '
	orgctl org update acme --setting bulk.max_megabytes=1 >/dev/null &&
	users 30000 5000 >big.csv &&
	test "$(wc -c <big.csv)" -gt 1048576 &&
	test_unchanged --status 1 repo orgctl bulk create big big.csv 2>err &&
	test_grep "^big.csv:[0-9]*:1: .*bulk.max_megabytes" err &&
	test "$(wc -l <err)" -le 3 &&
	users 100 5000 >small.csv &&
	orgctl bulk create small small.csv >/dev/null
'

test_expect_success 'the same bound holds inflated: a .gz of 128 MiB against 1 MiB' '
	gzbomb bomb.csv.gz 128 "user,create,b%d,b%d@acme.example,$(printf "%02000d" 0)" &&
	test "$(wc -c <bomb.csv.gz)" -lt 4000000 &&
	test_unchanged --status 1 repo timeout 20 orgctl bulk create bomb bomb.csv.gz 2>err &&
	test_grep "^bomb.csv.gz:[0-9]*:1: .*bulk.max_megabytes" err &&
	test "$(wc -l <err)" -le 3
'

test_expect_success 'memory does not follow the file: 96 MiB read within a fraction of it' '
	orgctl org update acme --setting bulk.max_megabytes=96 >/dev/null &&
	gzbomb big.csv.gz 160 "user,create,c%d,c%d@acme.example,$(printf "%060000d" 0)" &&
	python3 - >rss <<-\EOF &&
	import resource, subprocess
	p = subprocess.run(["orgctl", "bulk", "create", "big", "big.csv.gz"],
	                   stderr=subprocess.PIPE)
	assert p.returncode == 1, p
	assert b"bulk.max_megabytes" in p.stderr, p.stderr
	print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
	EOF
	test "$(cat rss)" -lt 48 || {
		echo "peak RSS $(cat rss) MiB" >&2
		false
	}
'

test_expect_success 'reporting stops at 1,000 problems and says where reading stopped' '
	orgctl org update acme --unset-setting bulk.max_megabytes >/dev/null &&
	gzbomb dups.csv.gz 64 "user,create,dup,dup@acme.example,Dup" 16 &&
	test_unchanged --status 1 repo timeout 20 orgctl bulk create dups dups.csv.gz 2>err &&
	test "$(grep -c "^dups.csv.gz:[0-9]*:[0-9]*: " err)" = 1000 &&
	test "$(wc -l <err)" -le 1002 &&
	test_grep "1000 problems in dups.csv.gz.*line 1003" err
'

test_expect_success 'a gzip bomb of 4 GiB behind a syntax error is refused in seconds' '
	gzbomb synbomb.csv.gz 64 "user,create,bob,bob@acme.example" 64 \
		"kind,op,name,email
user,create,b\"ob,bob@acme.example" &&
	test "$(wc -c <synbomb.csv.gz)" -lt 20000000 &&
	orgctl org update acme --setting bulk.max_megabytes=8 >/dev/null &&
	start=$(date +%s) &&
	test_unchanged --status 1 repo timeout 60 orgctl bulk create syn synbomb.csv.gz 2>err &&
	test $(($(date +%s) - start)) -le 3 &&
	test_grep "^synbomb.csv.gz:2:" err &&
	test "$(wc -l <err)" -le 3
'

test_done
