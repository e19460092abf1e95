#!/usr/bin/env bash
# The series' userspace harness (tools/testing/kho), built with ASan and
# UBSan from the kernel's own files:
# - kho_radix_test: kernel/kexec_handover_radix.c against a reference;
# - kho_in_test: kernel/kexec_handover_in.c (the checks of incoming data)
#   on a simulated machine with the memblock simulator: a sound handover,
#   every kind of corrupted data, the self-test of its boot check, then a
#   replay of fuzz/corpus (real handovers) and fuzz/regressions (every
#   input the fuzzer ever failed on).
# Their TAP lines become this suite's.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

dir=$TREE/tools/testing/kho
log=$TLOGS/kho-userspace.log
make -C "$dir" -s clean >/dev/null 2>&1
if ! make -C "$dir" -j"$(nproc)" kho_radix_test kho_in_test >"$log" 2>&1; then
	not_ok "tools/testing/kho builds" "$(grep -E 'error|warning' "$log" | head -10)"
	exit 1
fi
check "tools/testing/kho builds without a warning" \
	"$(grep -E 'warning:' "$log" | head -5)"

# run NAME PREFIX COMMAND...: the harness's TAP lines, prefixed, and one
# line for its plan and exit code. Leaves the output in RUN_OUT.
run() {
	local name=$1 prefix=$2 out rc n
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	RUN_OUT=$out
	sed -n -e "s|^ok [0-9]* - |ok - $prefix: |p" \
		-e "s|^not ok [0-9]* - |not ok - $prefix: |p" -e 's/^# /# /p' <<<"$out"
	n=$(grep -c '^\(not \)\?ok ' <<<"$out")
	check "$prefix: $name ran its plan and exited 0" \
		"$([ $rc -eq 0 ] && [ "$n" -gt 0 ] && grep -q "^1\.\.$n$" <<<"$out" ||
			echo "rc=$rc, $n results: $(tail -3 <<<"$out")")"
}

run kho_radix_test "userspace radix tree" "$dir/kho_radix_test"
run kho_in_test "userspace incoming checks" "$dir/kho_in_test" \
	"$REPO/fuzz/corpus" "$REPO/fuzz/regressions"
check "userspace incoming checks: the real handovers in fuzz/corpus are accepted" \
	"$(for f in "$REPO"/fuzz/corpus/real-*.img; do
		grep -q "image $f: accepted, [1-9]" <<<"$RUN_OUT" ||
			echo "$f is not accepted with its blocks"
	done)"
make -C "$dir" -s clean >/dev/null 2>&1
