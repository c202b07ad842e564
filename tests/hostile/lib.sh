# Sourced by every case of tests/hostile (run.sh): helpers that damage the case's copy of
# the repository ($REPO, a bare repository) with plain git and the shell.

# v PATH: the generated input $IN/PATH, as it is (a case writes "$(v name/rlo)").
v() { cat "$IN/$1"; }

# set_ref CONTENT: the loose branch ref holds CONTENT (printf format).
set_ref() { printf "$1" >"$REPO/refs/heads/main"; }

# object_of REV: the id of REV (main, main^{tree}, main:orgs/acme/org.json) in $REPO.
object_of() { git -C "$REPO" rev-parse --verify -q "$1"; }

# loose_path ID: where the loose object ID is (every object of the template is loose).
loose_path() { echo "$REPO/objects/$(echo "$1" | cut -c1-2)/$(echo "$1" | cut -c3-)"; }

# corrupt REV: the loose object of REV holds garbage; lose REV: it is gone.
corrupt() {
	local p
	p=$(loose_path "$(object_of "$1")") && chmod u+w "$p" && printf 'x\234garbage' >"$p"
}
lose() { rm -f "$(loose_path "$(object_of "$1")")"; }

# file_of KIND-DIR NAME: the path in the tree of an object of org acme ("users", "alice").
file_of() { git -C "$REPO" ls-tree -r --name-only main | grep -m1 "^orgs/acme/$1/\(.*/\)\?$2\.json$"; }

# by_hand 'COMMANDS': runs COMMANDS in a clone of $REPO, commits all and pushes to main,
# as someone with plain git would; then lets the index catch up, as any command would.
by_hand() {
	rm -rf "$W/work" && git clone -q "$REPO" "$W/work" &&
		(cd "$W/work" && eval "$1") &&
		git -C "$W/work" add -A && git -C "$W/work" commit -q -m "by hand" &&
		git -C "$W/work" push -q origin HEAD:main &&
		{ orgctl org list >/dev/null 2>&1 || true; } # the index catches up (or tries to)
}

# put_json FILE 'PYTHON': edits the JSON object in FILE (a path in the clone) with a Python
# expression statement on o.
put_json() {
	python3 - "$1" "$2" <<-\PY
	import json, sys
	o = json.load(open(sys.argv[1]))
	exec(sys.argv[2])
	open(sys.argv[1], "w").write(json.dumps(o, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
	PY
}
