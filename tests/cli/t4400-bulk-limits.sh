#!/usr/bin/env bash
# orgctl bulk and hostile files: a set's file holds at most bulk.max_rows rows and
# bulk.max_megabytes of CSV (checked while reading, memory not following the file);
# reporting stops at the first 1,000 problems; a gzip bomb is refused in seconds. A
# native set's password files are read once, at create, in the CSV file's folder, regular
# files only, and only their hashes stored; a GAX Password Hash is a yescrypt hash.
# E-mail addresses are unique ignoring case beyond ASCII too (simple case folding).
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo ORGCTL_ORG=acme &&
	orgctl org create Acme >/dev/null &&
	orgctl user create bob --email bob@acme.example >/dev/null &&
	orgctl user create ann --email ann@acme.example >/dev/null
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

test_expect_success 'so is a zip bomb' '
	python3 - <<-\EOF &&
	import zipfile
	row = b"user,create,bob,bob@acme.example\n" * 32768
	with zipfile.ZipFile("bomb.zip", "w", zipfile.ZIP_DEFLATED) as z:
	    with z.open("rows.csv", "w", force_zip64=True) as f:
	        f.write(b"kind,op,name,email\n")
	        for _ in range(256 * 1024 * 1024 // len(row)):
	            f.write(row)
	EOF
	start=$(date +%s) &&
	test_unchanged --status 1 repo timeout 60 orgctl bulk create zb bomb.zip 2>err &&
	test $(($(date +%s) - start)) -le 3 &&
	test "$(wc -l <err)" -le 1002
'

# password_set USER: true or false.
password_set() {
	orgctl user show "$1" -o json | python3 -c 'import json, sys; print(str(json.load(sys.stdin)["password_set"]).lower())'
}

test_expect_success 'a password file is read at create, in the CSV file'"'"'s folder; only its hash is stored' '
	orgctl org update acme --unset-setting bulk.max_megabytes >/dev/null &&
	mkdir -p sets/sub elsewhere &&
	echo "Pa55-first-1" >sets/bob.pw &&
	echo "Pa55-second-2" >sets/sub/ann.pw &&
	echo "Decoy-pa55-3" >bob.pw &&
	printf "kind,op,name,password-file\nuser,passwd,bob,bob.pw\nuser,passwd,ann,sub/ann.pw\n" >sets/pw.csv &&
	(cd elsewhere && orgctl bulk create pw ../sets/pw.csv >../out) &&
	test_grep "2 rows, ready" out &&
	git -C repo show HEAD:bulk/pw/rows.csv >rows &&
	test_grep "^line,kind,op,name,Password Hash$" rows &&
	test "$(grep -c ",\$y\\$" rows)" = 2 &&
	! grep -e Pa55 -e "\.pw" rows
'

test_expect_success 'exec opens no file: it works after the files are gone, from anywhere' '
	rm sets/bob.pw sets/sub/ann.pw bob.pw &&
	(cd elsewhere && orgctl bulk exec pw >/dev/null) &&
	test "$(password_set bob)" = true &&
	test "$(password_set ann)" = true &&
	orgctl user show bob -o json >/dev/null
'

# bad_password FILE-CELL: a set whose password-file cell is FILE-CELL is refused (exit 1,
# nothing stored), the problem pointing at that cell; stderr in err.
bad_password() {
	printf "kind,op,name,password-file\nuser,passwd,bob,%s\n" "$1" >sets/bad.csv &&
	test_unchanged --status 1 repo timeout 10 orgctl bulk create bad sets/bad.csv 2>err &&
	test_grep "^sets/bad.csv:2:4: " err
}

test_expect_success 'a FIFO, a folder, a device and paths out of the folder are refused' '
	echo "Outside-secret-4" >elsewhere/out.pw &&
	mkfifo sets/fifo &&
	bad_password fifo &&
	bad_password sub &&
	bad_password ../elsewhere/out.pw &&
	bad_password "$SCRATCH/elsewhere/out.pw" &&
	bad_password /dev/zero &&
	if mknod sets/null c 1 3 2>/dev/null; then bad_password null; fi &&
	bad_password missing.pw
'

test_expect_success 'a symbolic link is refused, to a file or through a folder' '
	ln -s ../elsewhere/out.pw sets/link.pw &&
	ln -s ../elsewhere sets/linkdir &&
	ln -s sub/ann-again.pw sets/inside.pw &&
	echo "Ann-secret-5" >sets/sub/ann-again.pw &&
	bad_password link.pw &&
	bad_password linkdir/out.pw &&
	bad_password inside.pw
'

test_expect_success 'what a password file holds is checked as user passwd checks it' '
	printf "short\n" >sets/short.pw &&
	bad_password short.pw &&
	test_grep "password.min_length" err &&
	printf "Two-lines-pass-6\nmore\n" >sets/two.pw &&
	bad_password two.pw &&
	head -c 10000 /dev/zero | tr "\0" a >sets/huge.pw &&
	bad_password huge.pw
'

test_expect_success 'a set whose stored rows name a password file is not run: exec opens no path' '
	printf "kind,op,name,email\nuser,create,carl,carl@acme.example\n" >c.csv &&
	orgctl bulk create legacy c.csv >/dev/null &&
	mkfifo elsewhere/trap.pw &&
	printf "line,kind,op,name,password-file\n2,user,passwd,bob,%s\n" \
		"$SCRATCH/elsewhere/trap.pw" >legacy.csv &&
	export GIT_INDEX_FILE=$SCRATCH/hand-index &&
	git -C repo read-tree HEAD &&
	blob=$(git -C repo hash-object -w "$SCRATCH/legacy.csv") &&
	git -C repo update-index --cacheinfo "100644,$blob,bulk/legacy/rows.csv" &&
	tree=$(git -C repo write-tree) &&
	unset GIT_INDEX_FILE &&
	commit=$(git -C repo commit-tree "$tree" -p HEAD -m "hand edit") &&
	git -C repo update-ref refs/heads/main "$commit" &&
	before=$(orgctl user show bob -o json) &&
	test_unchanged --status 1 repo timeout 10 orgctl bulk exec legacy 2>err &&
	test_grep ":2:4: " err &&
	test "$(orgctl user show bob -o json)" = "$before"
'

test_expect_success 'GAX: a Password Hash must be yescrypt; MD5-crypt is a row error at its cell' '
	hash=$(git -C repo show HEAD:bulk/pw/rows.csv | sed -n "2p" | cut -d, -f5) &&
	case $hash in "\$y\$"*) ;; *) false ;; esac &&
	cat >gax.csv <<-EOF &&
	Action,First Name,Last Name,Employee Id,Username,Is Agent,Email Address,Password Hash
	ADD,Dan,Ng,1,dan,Y,dan@acme.example,$hash
	ADD,Eve,Ng,2,eve,Y,eve@acme.example,\$1\$abcdefgh\$0123456789abcdefghijkl
	ADD,Fay,Ng,3,fay,Y,fay@acme.example,\$6\$salt\$abc
	ADD,Gus,Ng,4,gus,Y,gus@acme.example,\$y\$j9T\$salt\$short
	EOF
	test_unchanged --status 1 repo orgctl bulk create gax gax.csv --format gax 2>err &&
	test_grep "^gax.csv:3:8: " err &&
	test_grep "^gax.csv:4:8: " err &&
	test_grep "^gax.csv:5:8: " err &&
	! grep "^gax.csv:2:" err &&
	sed -i "/^ADD,[EFG]/d" gax.csv &&
	orgctl bulk create gax gax.csv --format gax >/dev/null &&
	orgctl bulk exec gax >/dev/null &&
	test "$(password_set dan)" = true
'

test_expect_success 'e-mails are unique ignoring case beyond ASCII: a command' '
	orgctl user create anna --email "änna@acme.example" >/dev/null &&
	test_unchanged --status 1 repo orgctl user create anna2 --email "ÄNNA@acme.example" 2>err &&
	test_grep "anna" err &&
	orgctl user create sofia --email "σοφια@acme.example" >/dev/null &&
	test_unchanged --status 1 repo orgctl user create sofia2 --email "ΣΟΦΙΑ@acme.example" &&
	orgctl user create sofias --email "σοφιας@acme.example" >/dev/null &&
	test_unchanged --status 1 repo orgctl user create sofias2 --email "σοφιασ@acme.example" &&
	test_unchanged --status 1 repo orgctl user update bob --email "ÄnNA@ACME.example" &&
	orgctl user create strasse --email "straße@acme.example" >/dev/null
'

test_expect_success 'e-mails are unique ignoring case beyond ASCII: two rows of a set, a row and a user' '
	printf "kind,op,name,email\nuser,create,zoe,zoë@acme.example\nuser,create,zoe2,ZOË@acme.example\n" >fold.csv &&
	orgctl bulk create fold fold.csv 2>err >out ;
	test_unchanged --status 1 repo orgctl bulk exec fold 2>err &&
	test_grep "^fold.csv:3:" err &&
	test_must_fail orgctl user show zoe &&
	printf "kind,op,name,email\nuser,create,anne,ÄNNA@acme.example\n" >fold2.csv &&
	orgctl bulk create fold2 fold2.csv 2>err >out ;
	test_unchanged --status 1 repo orgctl bulk exec fold2 2>err &&
	test_grep "^fold2.csv:2:" err
'

test_expect_success 'an index of the older schema (e-mails ASCII-lowered) is rebuilt' '
	python3 - <<-\EOF &&
	import sqlite3
	db = sqlite3.connect("repo/orgctl/index.sqlite")
	db.execute("DELETE FROM attrs")
	db.execute("PRAGMA user_version=4")
	db.commit()
	EOF
	test_unchanged --status 1 repo orgctl user create anna3 --email "ÄnNa@acme.example"
'

test_expect_success 'search ignores case beyond ASCII' '
	orgctl user list --search "ÄNNA" -o csv >out &&
	test_grep "^anna," out &&
	orgctl user list --search "ΣΟΦΙΑ" -o csv >out &&
	test_grep "^sofia," out
'

test_expect_success 'lib/casefold.h is what lib/gen-casefold.py makes (same Unicode version)' '
	want=$(sed -n "s/^#define ORGCTL_UNICODE_VERSION \"\(.*\)\"$/\1/p" "$TEST_SOURCE_DIR/lib/casefold.h") &&
	have=$(python3 -c "import unicodedata; print(unicodedata.unidata_version)") &&
	if test "$want" = "$have"; then
		python3 "$TEST_SOURCE_DIR/lib/gen-casefold.py" | sed 1d >made &&
		sed 1d "$TEST_SOURCE_DIR/lib/casefold.h" >kept &&
		test_cmp kept made
	fi
'

test_done
