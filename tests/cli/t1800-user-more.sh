#!/usr/bin/env bash
# orgctl user, the rest: templates, passwd (stdin or a file, the org's policy, only a
# yescrypt hash stored, never the password), options, list filters, and "user can".
. "$(dirname "$0")/test-lib.sh"

pw='Corr3ct-Horse-Battery'

# user_file NAME: the file of user NAME of org acme at the tip of main.
user_file() {
	git -C "$SCRATCH/repo" show "main:$(git -C "$SCRATCH/repo" ls-tree -r --name-only main \
		orgs/acme/users/ | grep "/$1\.json$")"
}

test_expect_success 'setup' '
	orgctl init repo >/dev/null &&
	export ORGCTL_DIR=$SCRATCH/repo ORGCTL_ORG=acme &&
	orgctl org create Acme >/dev/null &&
	orgctl role create Agent --permission routing:queue:view >/dev/null &&
	orgctl role create Lead --permission "directory:user:view" >/dev/null &&
	orgctl skill create java >/dev/null &&
	orgctl skill create spanish >/dev/null &&
	orgctl group create Sales >/dev/null &&
	orgctl user create alice --email alice@acme.example --full-name "Alice Doe" >/dev/null
'

# --- templates ---

test_expect_success 'template create gathers roles, groups, skills and options' '
	orgctl user template create agent --description "a sales agent" --role Agent \
		--group Sales --skill java=3 --skill spanish=6 --option lang=en >out &&
	test_grep "^change set [0-9]*: user template create agent$" out &&
	git -C repo show main:orgs/acme/templates/agent.json >actual &&
	cat >expect <<-\EOF &&
	{
	  "description": "a sales agent",
	  "groups": [
	    "Sales"
	  ],
	  "name": "agent",
	  "options": {
	    "lang": "en"
	  },
	  "roles": [
	    "Agent"
	  ],
	  "skills": {
	    "java": 3,
	    "spanish": 6
	  }
	}
	EOF
	test_cmp expect actual &&
	orgctl user template show agent -o json >actual &&
	test_cmp expect actual
'

test_expect_success 'template list, with filters' '
	orgctl user template create lead --role Lead >/dev/null &&
	orgctl user template list -o csv >actual &&
	cat >expect <<-\EOF &&
	name,roles,groups,skills,options,description
	agent,Agent,Sales,java=3;spanish=6,lang=en,a sales agent
	lead,Lead,,,,
	EOF
	test_cmp expect actual &&
	orgctl user template list --group Sales -o csv | cut -d, -f1 >actual &&
	printf "name\nagent\n" >expect && test_cmp expect actual &&
	orgctl user template list --role Lead -o csv | cut -d, -f1 >actual &&
	printf "name\nlead\n" >expect && test_cmp expect actual &&
	orgctl user template list --skill java -o csv | cut -d, -f1 >actual &&
	printf "name\nagent\n" >expect && test_cmp expect actual
'

test_expect_success 'template create refuses unknown references, bad levels, duplicates' '
	test_unchanged --status 3 repo orgctl user template create x --role Nope 2>err &&
	test_grep "role \"Nope\" does not exist" err &&
	test_unchanged --status 3 repo orgctl user template create x --group Nope 2>err &&
	test_grep "group \"Nope\" does not exist" err &&
	test_unchanged --status 3 repo orgctl user template create x --skill cobol=1 2>err &&
	test_grep "skill \"cobol\" does not exist" err &&
	test_unchanged --status 1 repo orgctl user template create x --skill java=12 2>err &&
	test_grep "level 12 is outside 0 to 10" err &&
	test_unchanged --status 1 repo orgctl user template create agent 2>err &&
	test_grep "template \"agent\" exists already" err &&
	test_unchanged --status 3 repo orgctl user template show nope
'

test_expect_success 'user create --template gives it all, and joins the groups, one change set' '
	before=$(head_of repo) &&
	orgctl user create bob --email bob@acme.example --template agent >out &&
	test "$(git -C repo rev-parse main^)" = "$before" &&
	git -C repo diff-tree -r --no-commit-id --name-status main >actual &&
	test_grep "^A	orgs/acme/users/.*/bob.json$" actual &&
	test_grep "^M	orgs/acme/groups/Sales.json$" actual &&
	test $(wc -l <actual) -eq 2 &&
	user_file bob | mask_ids >actual &&
	cat >expect <<-\EOF &&
	{
	  "email": "bob@acme.example",
	  "id": "ID",
	  "name": "bob",
	  "options": {
	    "lang": "en"
	  },
	  "roles": [
	    "Agent"
	  ],
	  "skills": {
	    "java": 3,
	    "spanish": 6
	  },
	  "state": "enabled"
	}
	EOF
	test_cmp expect actual &&
	orgctl user list --group Sales -o csv | cut -d, -f1 >actual &&
	printf "name\nbob\n" >expect && test_cmp expect actual
'

test_expect_success 'what the command line gives is added, and wins over the template' '
	orgctl user create carol --email carol@acme.example --template agent --role Lead \
		--skill java=9 --option lang=fr --option tz=UTC >/dev/null &&
	orgctl user show carol -o json >actual &&
	test_grep "\"java\": 9" actual &&
	test_grep "\"spanish\": 6" actual &&
	test_grep "\"lang\": \"fr\"" actual &&
	test_grep "\"tz\": \"UTC\"" actual &&
	test_grep "\"Lead\"" actual && test_grep "\"Agent\"" actual
'

test_expect_success 'user create with an unknown template or group: exit 3, nothing changes' '
	test_unchanged --status 3 repo orgctl user create dave --email dave@acme.example \
		--template nope 2>err &&
	test_grep "template \"nope\" not found in org \"acme\"" err &&
	test_unchanged --status 3 repo orgctl user create dave --email dave@acme.example \
		--group Nope 2>err &&
	test_grep "group \"Nope\" not found" err &&
	test_must_fail --status 3 orgctl user show dave
'

test_expect_success 'template rm: users made from it keep what it gave' '
	orgctl user template rm lead >/dev/null &&
	test_unchanged --status 3 repo orgctl user template rm lead &&
	orgctl user template create gone --role Agent >/dev/null &&
	orgctl user create erin --email erin@acme.example --template gone >/dev/null &&
	orgctl user template rm gone >/dev/null &&
	orgctl user show erin -o json >actual &&
	test_grep "\"Agent\"" actual
'

test_expect_success 'creating from a template needs the rights over what it gives' '
	orgctl role create Hirer --permission directory:user:add \
		--permission directory:template:view >/dev/null &&
	orgctl user create hank --email hank@acme.example --role Hirer >/dev/null &&
	test_unchanged --status 4 repo orgctl --as hank@acme user create ivy \
		--email ivy@acme.example --template agent 2>err &&
	test_grep "lacks \"authorization:grant:add\"" err &&
	orgctl role grant Hirer authorization:grant:add routing:skill:assign >/dev/null &&
	test_unchanged --status 4 repo orgctl --as hank@acme user create ivy \
		--email ivy@acme.example --template agent 2>err &&
	test_grep "cannot grant role \"Agent\" in org \"acme\": they lack \"routing:queue:view\"" err &&
	orgctl role grant Hirer routing:queue:view >/dev/null &&
	test_unchanged --status 4 repo orgctl --as hank@acme user create ivy \
		--email ivy@acme.example --template agent 2>err &&
	test_grep "lacks \"directory:group:edit\"" err &&
	orgctl --as hank@acme user create ivy --email ivy@acme.example >/dev/null &&
	test_unchanged --status 4 repo orgctl --as hank@acme user template create t 2>err &&
	test_grep "lacks \"directory:template:add\"" err &&
	test_unchanged --status 4 repo orgctl --as hank@acme user template rm agent 2>err &&
	test_grep "lacks \"directory:template:delete\"" err
'

# --- passwords ---

test_expect_success 'passwd reads the password from stdin and stores a yescrypt hash' '
	printf "%s\n" "$pw" | orgctl user passwd alice >out &&
	test_grep "^change set [0-9]*: user passwd alice$" out &&
	user_file alice >actual &&
	hash=$(sed -n "s/^  \"password_hash\": \"\(.*\)\",$/\1/p" actual) &&
	case $hash in "\$y\$"*) ;; *) echo "not yescrypt: $hash"; false ;; esac &&
	test "$(perl -e "print crypt(\$ARGV[0], \$ARGV[1])" "$pw" "$hash")" = "$hash"
'

test_expect_success 'the password is nowhere in the repository, its history or the messages' '
	test_must_fail git -C repo grep -F "$pw" $(git -C repo rev-list --all) &&
	git -C repo log --all --format=%B >messages &&
	! grep -F "$pw" messages &&
	test_grep "^Command: orgctl user passwd alice$" messages &&
	! grep -rF "$pw" repo
'

test_expect_success 'show and list never print the hash' '
	orgctl user show alice -o json >actual &&
	test_grep "\"password_set\": true" actual &&
	! grep -e password_hash -e "\\\$y\\\$" actual &&
	orgctl user list -o json >actual &&
	! grep -e password_hash -e "\\\$y\\\$" actual
'

test_expect_success 'passwd --password-file reads the first line of a file; a new salt each time' '
	old=$(user_file alice | grep password_hash) &&
	printf "%s\r\n" "$pw" >pwfile &&
	orgctl user passwd alice --password-file pwfile >/dev/null &&
	new=$(user_file alice | grep password_hash) &&
	test "$old" != "$new" &&
	printf "%s\n" "$pw" | orgctl user passwd alice --password-file - >/dev/null
'

test_expect_success 'the password is never taken from the command line' '
	test_unchanged --status 2 repo orgctl user passwd alice --password "$pw" 2>err &&
	test_grep "unknown option \"--password\"" err &&
	test_unchanged --status 2 repo orgctl user passwd alice "$pw"
'

test_expect_success 'passwords below the default policy are refused (exit 1), unchanged' '
	echo short1 >short &&
	test_unchanged --status 1 repo orgctl user passwd alice --password-file short 2>err &&
	test_grep "has 6 characters; the policy of org \"acme\" wants at least 8 (password.min_length)" err &&
	! grep short1 err &&
	echo "xxALICExx99" >named &&
	test_unchanged --status 1 repo orgctl user passwd alice --password-file named 2>err &&
	test_grep "contains the user name" err &&
	echo "alice@acme.example" >mail &&
	test_unchanged --status 1 repo orgctl user passwd alice --password-file mail 2>err
'

test_expect_success 'the org policy is settings: min_length, min_classes, max_length' '
	orgctl org update acme --setting password.min_length=12 \
		--setting password.min_classes=3 --setting password.max_length=20 >/dev/null &&
	echo "abcdefghijk" >p11 &&
	test_unchanged --status 1 repo orgctl user passwd alice --password-file p11 2>err &&
	test_grep "wants at least 12" err &&
	echo "abcdefghijklmn" >p1class &&
	test_unchanged --status 1 repo orgctl user passwd alice --password-file p1class 2>err &&
	test_grep "mixes 1 kinds of character; .* wants 3 .*(password.min_classes)" err &&
	echo "Abcdefghijklmnopqrs-1" >p21 &&
	test_unchanged --status 1 repo orgctl user passwd alice --password-file p21 2>err &&
	test_grep "allows at most 20 (password.max_length)" err &&
	echo "Abcdefghijk-1" >good &&
	orgctl user passwd alice --password-file good >/dev/null
'

test_expect_success 'a broken policy setting is refused when set (t6300 has the rest)' '
	test_unchanged --status 1 repo orgctl org update acme --setting password.min_length=lots 2>err &&
	test_grep "setting password.min_length=\"lots\" is not an integer" err &&
	orgctl org update acme --unset-setting password.min_length \
		--unset-setting password.min_classes --unset-setting password.max_length >/dev/null
'

test_expect_success 'empty input, several lines, a missing file: refused, unchanged' '
	test_unchanged --status 1 repo orgctl user passwd alice </dev/null 2>err &&
	test_grep "no password given" err &&
	printf "%s\nsecond\n" "$pw" >two &&
	test_unchanged --status 1 repo orgctl user passwd alice --password-file two 2>err &&
	test_grep "more than one line" err &&
	test_unchanged --status 1 repo orgctl user passwd alice --password-file nope 2>err &&
	test_grep "cannot open password file \"nope\"" err
'

test_expect_success 'passwd of an unknown user is exit 3; without the permission exit 4' '
	printf "%s\n" "$pw" >pwfile &&
	test_unchanged --status 3 repo orgctl user passwd nobody --password-file pwfile &&
	test_unchanged --status 4 repo orgctl --as hank@acme user passwd alice --password-file pwfile 2>err &&
	test_grep "lacks \"directory:user:setPassword\"" err
'

# --- options ---

test_expect_success 'option set and rm' '
	orgctl user option set alice tz=UTC lang=de >/dev/null &&
	orgctl user show alice -o json >actual &&
	test_grep "\"tz\": \"UTC\"" actual && test_grep "\"lang\": \"de\"" actual &&
	orgctl user option rm alice tz >/dev/null &&
	orgctl user show alice -o json >actual &&
	! grep "\"tz\"" actual
'

test_expect_success 'option errors: not KEY=VALUE (1), missing key (3), missing argument (2)' '
	test_unchanged --status 1 repo orgctl user option set alice novalue 2>err &&
	test_grep "option \"novalue\" is not KEY=VALUE" err &&
	test_unchanged --status 3 repo orgctl user option rm alice tz 2>err &&
	test_grep "user \"alice\" has no option \"tz\"" err &&
	test_unchanged --status 2 repo orgctl user option set alice &&
	test_unchanged --status 4 repo orgctl --as hank@acme user option set alice a=b
'

# --- list filters ---

test_expect_success 'user list filters combine: --state, --role, --group, --skill, --search' '
	orgctl user disable carol >/dev/null &&
	orgctl user list --skill java -o csv | cut -d, -f1 >actual &&
	printf "name\nbob\ncarol\n" >expect && test_cmp expect actual &&
	orgctl user list --skill java --state enabled -o csv | cut -d, -f1 >actual &&
	printf "name\nbob\n" >expect && test_cmp expect actual &&
	orgctl user list --group Sales --role Lead -o csv | cut -d, -f1 >actual &&
	printf "name\ncarol\n" >expect && test_cmp expect actual &&
	orgctl user list --search CAROL@ -o csv | cut -d, -f1 >actual &&
	printf "name\ncarol\n" >expect && test_cmp expect actual &&
	orgctl user list --group Sales --search bo -o json >actual &&
	test_grep "\"name\": \"bob\"" actual && ! grep carol actual &&
	orgctl user list --skill cobol -o json >actual &&
	echo "[]" >expect && test_cmp expect actual
'

# --- user can ---

test_expect_success 'can: yes through the user own role (exit 0)' '
	orgctl user enable carol >/dev/null &&
	orgctl user can carol directory:user:view >out &&
	test_grep "^reason  *yes: role \"Lead\"$" out &&
	test_grep "^answer  *true$" out
'

test_expect_success 'can: yes through an agent group, and -o json says which' '
	orgctl group role add Sales Lead >/dev/null &&
	orgctl user can bob directory:user:view -o json >actual &&
	cat >expect <<-\EOF &&
	{
	  "access": null,
	  "answer": true,
	  "group": "Sales",
	  "org": "acme",
	  "permission": "directory:user:view",
	  "reason": "yes: role \"Lead\" through agent group \"Sales\"",
	  "role": "Lead",
	  "user": "bob"
	}
	EOF
	test_cmp expect actual
'

test_expect_success 'can: no is exit 10, with the reason, in table and JSON' '
	test_must_fail --status 10 orgctl user can alice routing:queue:view >out &&
	test_grep "^answer  *false$" out &&
	test_grep "no enabled role" out &&
	test_must_fail --status 10 orgctl user can alice routing:queue:view -o json >actual &&
	test_grep "\"answer\": false" actual
'

test_expect_success 'can: a wildcard grant answers yes; a disabled user answers no' '
	orgctl role create Wild --permission "routing:*:view" >/dev/null &&
	orgctl user role add alice Wild >/dev/null &&
	orgctl user can alice routing:skill:view >/dev/null &&
	orgctl user disable carol >/dev/null &&
	test_must_fail --status 10 orgctl user can carol directory:user:view >out &&
	test_grep "user \"carol\" is disabled" out
'

test_expect_success 'can: a disabled role answers no' '
	orgctl role disable Wild >/dev/null &&
	test_must_fail --status 10 orgctl user can alice routing:skill:view &&
	orgctl role enable Wild >/dev/null
'

test_expect_success 'can: an unknown permission is exit 1, an unknown user exit 3' '
	test_must_fail --status 1 orgctl user can alice routing:nothing:view 2>err &&
	test_grep "unknown permission \"routing:nothing:view\"" err &&
	test_must_fail --status 1 orgctl user can alice notapermission &&
	test_must_fail --status 3 orgctl user can nobody routing:skill:view &&
	test_must_fail --status 2 orgctl user can alice
'

test_expect_success 'can needs authorization:grant:view (exit 4)' '
	test_must_fail --status 4 orgctl --as hank@acme user can alice routing:skill:view 2>err &&
	test_grep "lacks \"authorization:grant:view\"" err
'

test_expect_success 'completion of can offers users, then permissions' '
	orgctl __complete user can "" >actual &&
	test_grep "^alice$" actual &&
	orgctl __complete user can alice directory:user:a >actual &&
	printf "directory:user:add\n" >expect && test_cmp expect actual &&
	orgctl __complete user template show "" >actual &&
	printf "agent\n" >expect && test_cmp expect actual
'

test_expect_success 'completion of a name offers the names with that prefix, in order' '
	orgctl user create al --email al@acme.example >/dev/null &&
	orgctl user create alz --email alz@acme.example >/dev/null &&
	orgctl __complete user show al >actual &&
	printf "al\nalice\nalz\n" >expect && test_cmp expect actual &&
	orgctl __complete user show ali >actual &&
	printf "alice\n" >expect && test_cmp expect actual &&
	orgctl __complete user show alx >actual &&
	test ! -s actual
'

test_expect_success 'the repository is sound' '
	test_fsck repo
'

test_done
