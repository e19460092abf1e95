#!/usr/bin/env bash
# The series' userspace harness (tools/testing/kho): the kernel's own
# kernel/kexec_handover_radix.c built unchanged in userspace, with ASan and
# UBSan, checked against a reference. Its TAP lines become this suite's.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

dir=$TREE/tools/testing/kho
log=$TLOGS/kho-userspace.log
make -C "$dir" -s clean >/dev/null 2>&1
if ! make -C "$dir" -j"$(nproc)" >"$log" 2>&1; then
	not_ok "tools/testing/kho builds" "$(grep -E 'error|warning' "$log" | head -10)"
	exit 1
fi
out=$("$dir/kho_radix_test" 2>&1)
rc=$?
sed -n -e 's/^ok [0-9]* - /ok - userspace radix tree: /p' \
	-e 's/^not ok [0-9]* - /not ok - userspace radix tree: /p' -e 's/^# /# /p' <<<"$out"
n=$(grep -c '^\(not \)\?ok ' <<<"$out")
check "userspace radix tree: the harness ran its plan and exited 0" \
	"$([ $rc -eq 0 ] && [ "$n" -gt 0 ] && grep -q "^1\.\.$n$" <<<"$out" ||
		echo "rc=$rc, $n results: $(tail -3 <<<"$out")")"
make -C "$dir" -s clean >/dev/null 2>&1
