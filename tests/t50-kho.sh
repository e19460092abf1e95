#!/usr/bin/env bash
# Kexec HandOver end to end: the series' own selftest
# (tools/testing/selftests/kho/vmtest.sh) with the built kernel and
# lib/test_kho.ko. Its KTAP results become this suite's TAP lines.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

vmtest=$TREE/tools/testing/selftests/kho/vmtest.sh
if [ ! -x "$vmtest" ] || [ ! -f "$BZIMAGE" ] || [ ! -f "$BUILD/lib/test_kho.ko" ]; then
	not_ok "KHO selftest: vmtest.sh, the kernel and test_kho.ko exist" \
		"missing: $(ls "$vmtest" "$BZIMAGE" "$BUILD/lib/test_kho.ko" 2>&1 >/dev/null)"
	exit 1
fi

"$vmtest" -k "$BZIMAGE" -m "$BUILD/lib/test_kho.ko" -o "$TLOGS/kho" >"$TLOGS/kho.tap" 2>&1
rc=$?
sed -n -e 's/^ok [0-9]* /ok - KHO selftest: /p' -e 's/^not ok [0-9]* /not ok - KHO selftest: /p' \
	-e 's/^# /# /p' "$TLOGS/kho.tap"
n=$(grep -c '^\(not \)\?ok ' "$TLOGS/kho.tap")
check "KHO selftest: vmtest.sh ran its plan and exited 0" \
	"$([ $rc -eq 0 ] && [ "$n" -gt 0 ] && grep -q "^1\.\.$n$" "$TLOGS/kho.tap" ||
		{ echo "rc=$rc, $n results"; tail -5 "$TLOGS/kho.tap"; })"
