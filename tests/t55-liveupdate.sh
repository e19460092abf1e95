#!/usr/bin/env bash
# Live update end to end: the series' own selftest
# (tools/testing/selftests/liveupdate/vmtest.sh) with the built kernel and
# luo_test built static against the tree's uAPI header. Its KTAP results
# become this suite's TAP lines.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

dir=$TREE/tools/testing/selftests/liveupdate
if [ ! -x "$dir/vmtest.sh" ] || [ ! -f "$BZIMAGE" ]; then
	not_ok "live update selftest: vmtest.sh and the kernel exist" \
		"missing: $(ls "$dir/vmtest.sh" "$BZIMAGE" 2>&1 >/dev/null)"
	exit 1
fi
if ! out=$(build_luo_test); then
	not_ok "live update selftest: luo_test builds with no warning" "$out"
	exit 1
fi
ok "live update selftest: luo_test builds with no warning"

"$dir/vmtest.sh" -k "$BZIMAGE" -p "$LUO_TEST" -o "$TLOGS/luo" >"$TLOGS/luo.tap" 2>&1
rc=$?
sed -n -e 's/^ok [0-9]* /ok - live update selftest: /p' \
	-e 's/^not ok [0-9]* /not ok - live update selftest: /p' -e 's/^# /# /p' "$TLOGS/luo.tap"
n=$(grep -c '^\(not \)\?ok ' "$TLOGS/luo.tap")
check "live update selftest: vmtest.sh ran its plan and exited 0" \
	"$([ $rc -eq 0 ] && [ "$n" -gt 0 ] && grep -q "^1\.\.$n$" "$TLOGS/luo.tap" ||
		{ echo "rc=$rc, $n results"; tail -5 "$TLOGS/luo.tap"; })"
