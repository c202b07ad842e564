#!/usr/bin/env bash
# Onboarding from a spreadsheet: examples/onboarding.csv creates an org with its roles,
# skills, agent groups, an access group, a capacity rule and 21 users with their skills and
# memberships, reviewed first, then applied as ONE change set, then rolled back and applied
# again. Run from the source tree after building; ORGCTL names another binary.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
orgctl=${ORGCTL:-$here/build/cmd/orgctl}
repo=${1:-$(mktemp -d)/acme-config}
mkdir -p "$(dirname "$repo")"
repo=$(cd "$(dirname "$repo")" && pwd)/$(basename "$repo")
cd "$here" # the set records its file as given: examples/onboarding.csv
step() { printf '\n$ %s\n' "$*"; "$@"; }

step "$orgctl" init "$repo" --enterprise "Acme Holdings"
export ORGCTL_DIR=$repo ORGCTL_ORG=acme
# The set is stored in the repository, reviewed, versioned; nothing else changes yet.
step "$orgctl" bulk create onboarding examples/onboarding.csv
step "$orgctl" bulk plan onboarding
step "$orgctl" bulk exec onboarding
step "$orgctl" bulk list --completed
step "$orgctl" user list --group "Billing Tier 1"
step "$orgctl" user can mgarcia directory:user:edit
step "$orgctl" user show esilva -o json
# One rollback undoes the whole set and makes it pending again.
id=$(git -C "$repo" log -1 --format=%B | sed -n 's/^Change-Set: //p')
step "$orgctl" rollback "$id"
step "$orgctl" bulk list --pending
step "$orgctl" bulk exec onboarding
step git -C "$repo" log --oneline -5
echo
echo "config repository: $repo"
