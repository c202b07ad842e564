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

# cpu_time CMD...: runs CMD (its stderr to err), prints its exit status and the CPU seconds
# it took (user and system): what a loaded machine does not stretch.
cpu_time() {
	python3 - "$@" 2>err <<-\EOF
	import resource, subprocess, sys
	r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
	u = resource.getrusage(resource.RUSAGE_CHILDREN)
	print(r.returncode, "%.2f" % (u.ru_utime + u.ru_stime))
	EOF
}

# refused_within SECONDS CMD...: CMD exits 1 within SECONDS of CPU, the branch unmoved.
refused_within() {
	local limit=$1 before status secs
	shift
	before=$(head_of repo) &&
	cpu_time "$@" >cpu &&
	read -r status secs <cpu &&
	test "$(head_of repo)" = "$before" &&
	test "$status" = 1 &&
	python3 -c "import sys; sys.exit(float(sys.argv[1]) > float(sys.argv[2]))" "$secs" "$limit" || {
		echo "exit $status after $secs s of CPU (at most $limit): $*" >&2
		return 1
	}
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
	import os, resource, subprocess
	# (built with AddressSanitizer: what it keeps of freed memory, the program does not hold)
	env = dict(os.environ, ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") +
	           ":quarantine_size_mb=1")
	p = subprocess.run(["orgctl", "bulk", "create", "big", "big.csv.gz"],
	                   stderr=subprocess.PIPE, env=env)
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
	gzbomb kinds.csv.gz 64 "kind%d,create,k%d,k%d@acme.example,K" 16 &&
	refused_within 1.5 orgctl bulk create kinds kinds.csv.gz &&
	test "$(grep -c "^kinds.csv.gz:[0-9]*:[0-9]*: " err)" = 1000 &&
	test "$(wc -l <err)" -le 1002 &&
	test_grep "1000 problems in kinds.csv.gz.*line 1002" err
'

test_expect_success 'the same problem on the lines after is one line: a bomb of one row, a handful of lines' '
	gzbomb dups.csv.gz 64 "user,create,dup,dup@acme.example,Dup" 16 &&
	refused_within 1.5 orgctl bulk create dups dups.csv.gz &&
	test "$(wc -l <err)" -le 3 &&
	test_grep "^dups.csv.gz:3:1: .*lines 3 to 1002" err &&
	orgctl -o json bulk create dups dups.csv.gz >out 2>/dev/null;
	python3 - <<-\EOF
	import json
	r = json.load(open("out"))
	assert r["problem_count"] == 1000 and r["stopped_at_line"] == 1003, r
	assert [(p["line"], p.get("last_line")) for p in r["problems"]] == [(3, 1002)], r
	EOF
'

test_expect_success 'a gzip bomb of 4 GiB behind a syntax error is refused in seconds' '
	gzbomb synbomb.csv.gz 64 "user,create,bob,bob@acme.example" 64 \
		"kind,op,name,email
user,create,b\"ob,bob@acme.example" &&
	test "$(wc -c <synbomb.csv.gz)" -lt 20000000 &&
	orgctl org update acme --setting bulk.max_megabytes=8 >/dev/null &&
	refused_within 1.5 orgctl bulk create syn synbomb.csv.gz &&
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
	refused_within 1.5 orgctl bulk create zb bomb.zip &&
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
	bad_password missing.pw &&
	bad_password "$(head -c 20000 /dev/zero | tr "\0" x)" &&
	test "$(wc -c <err)" -lt 1000
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

# hand_edit_rows SET FILE: a commit made with git that replaces the stored rows of SET.
hand_edit_rows() {
	local blob tree commit
	blob=$(git -C repo hash-object -w "$SCRATCH/$2") &&
	GIT_INDEX_FILE=$SCRATCH/hand-index git -C repo read-tree HEAD &&
	GIT_INDEX_FILE=$SCRATCH/hand-index git -C repo update-index \
		--cacheinfo "100644,$blob,bulk/$1/rows.csv" &&
	tree=$(GIT_INDEX_FILE=$SCRATCH/hand-index git -C repo write-tree) &&
	commit=$(git -C repo commit-tree "$tree" -p HEAD -m "hand edit") &&
	git -C repo update-ref refs/heads/main "$commit"
}

test_expect_success 'a set whose stored rows name a password file is not run: exec opens no path' '
	printf "kind,op,name,email\nuser,create,carl,carl@acme.example\n" >c.csv &&
	orgctl bulk create legacy c.csv >/dev/null &&
	mkfifo elsewhere/trap.pw &&
	printf "line,kind,op,name,password-file\n2,user,passwd,bob,%s\n" \
		"$SCRATCH/elsewhere/trap.pw" >legacy.csv &&
	hand_edit_rows legacy legacy.csv &&
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
	ADD,Ida,Ng,6,ida,Y,ida@acme.example,,a field too many
	EOF
	test_unchanged --status 1 repo orgctl bulk create gax gax.csv --format gax 2>err &&
	test_grep "^gax.csv:3:8: .*(lines 3 to 5)$" err &&
	test_grep "^gax.csv:6:9: " err &&
	! grep "^gax.csv:2:" err &&
	sed -i "/^ADD,[EFGI]/d" gax.csv &&
	orgctl bulk create gax gax.csv --format gax >/dev/null &&
	orgctl bulk exec gax >/dev/null &&
	test "$(password_set dan)" = true
'

test_expect_success 'GAX: a stored set whose rows were edited to hold MD5-crypt is not run' '
	cat >gax2.csv <<-\EOF &&
	Action,First Name,Last Name,Employee Id,Username,Is Agent,Email Address
	ADD,Hal,Ng,5,hal,Y,hal@acme.example
	EOF
	orgctl bulk create gax2 gax2.csv --format gax >/dev/null &&
	git -C repo show HEAD:bulk/gax2/rows.csv >edited.csv &&
	sed -i -e "1s/\$/,Password Hash/" -e "2s/\$/,\$1\$abcdefgh\$0123456789abcdefghijkl/" edited.csv &&
	hand_edit_rows gax2 edited.csv &&
	test_unchanged --status 1 repo orgctl bulk exec gax2 2>err &&
	test_grep "^gax2.csv:2:8: " err &&
	test_must_fail orgctl user show hal
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
	db.execute("PRAGMA user_version=5")
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

test_expect_success 'lib/util/casefold.h is what lib/util/gen-casefold.py makes (same Unicode version)' '
	want=$(sed -n "s/^#define ORGCTL_UNICODE_VERSION \"\(.*\)\"$/\1/p" "$TEST_SOURCE_DIR/lib/util/casefold.h") &&
	have=$(python3 -c "import unicodedata; print(unicodedata.unidata_version)") &&
	if test "$want" = "$have"; then
		python3 "$TEST_SOURCE_DIR/lib/util/gen-casefold.py" | sed 1d >made &&
		sed 1d "$TEST_SOURCE_DIR/lib/util/casefold.h" >kept &&
		test_cmp kept made
	fi
'

test_done
