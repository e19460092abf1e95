#!/usr/bin/env bash
# The whole test suite on the series as committed in patches/: installs what
# is missing, then runs tests/run.sh against a tree and build of its own
# ($KHO_WORK/check), so a developer's tree is never touched.
# Takes: [WORD ...] to run only the test scripts whose names contain a WORD.
# Prints TAP ending in "N passed, N failed, N skipped"; exits 1 on a failure.
set -euo pipefail
. "$(dirname "$0")/common.sh"

"$REPO/scripts/deps.sh"
export KHO_TREE=$KHO_WORK/check/linux
export KHO_BUILD=$KHO_WORK/check/build
exec "$REPO/tests/run.sh" "$@"
