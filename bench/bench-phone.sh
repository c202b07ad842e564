#!/usr/bin/env bash
# The E.164 normaliser (lib/util/phone.c) over N numbers in the seeds' mixed formats, against
# its baseline in the same run (copying each number's digits out, the least work any
# normaliser does): numbers per second and the ratio. Issue 16 wants millions a second.
# Usage: bench/bench-phone.sh [BUILD-DIR] [N] (default ./build, 10,000,000).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
"$build/bench/bench-phone" "${2:-10000000}"
