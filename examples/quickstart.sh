#!/usr/bin/env bash
# The main job: a local config repository (no server) with an org, a role and a user,
# then its history read back by orgctl and by plain git. Run from the source tree after
# building (the README's first command does both); ORGCTL names another binary.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
orgctl=${ORGCTL:-$here/build/cmd/orgctl}
repo=${1:-$(mktemp -d)/acme-config}
step() { printf '\n$ %s\n' "$*"; "$@"; }

step "$orgctl" init "$repo" --enterprise "Acme Holdings"
export ORGCTL_DIR=$repo
step "$orgctl" org create "Acme Corp"
step "$orgctl" --org acmecorp role create Supervisor \
  --permission 'directory:user:view' --permission 'routing:*:view'
step "$orgctl" --org acmecorp user create alice --email alice@acme.example --full-name "Alice Doe"
step "$orgctl" --org acmecorp user role add alice Supervisor
step "$orgctl" --org acmecorp user list
step "$orgctl" --org acmecorp user show alice -o json
# alice may view users but not create them: exit status 4, nothing changes.
if "$orgctl" --as alice@acmecorp --org acmecorp user create bob --email bob@acme.example; then
  echo "expected a permission error" >&2; exit 1
fi
step "$orgctl" log
step "$orgctl" show 5
step "$orgctl" diff 5
step "$orgctl" rollback 5
step "$orgctl" --org acmecorp user show alice
step git -C "$repo" log --stat -3
echo
echo "config repository: $repo"
