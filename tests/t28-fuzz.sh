#!/usr/bin/env bash
# A short run of the fuzzer over the checks of incoming handover data
# (scripts/fuzz.sh: tools/testing/kho's libFuzzer target with ASan and
# UBSan, seeded from fuzz/corpus and fuzz/regressions). Any crash, sanitizer
# report or broken promise of the boot check fails it, and the input lands
# in fuzz/regressions/. FUZZ_TIME overrides the 60 s.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

out=$("$REPO/scripts/fuzz.sh" --tree "$TREE" --work "$KHO_WORK/check-fuzz" \
	--time "${FUZZ_TIME:-60}" 2>&1)
rc=$?
echo "# $(grep '^fuzz:' <<<"$out" | head -1)"
check "fuzz the incoming checks for ${FUZZ_TIME:-60} s: no crash, no broken promise" \
	"$([ $rc -eq 0 ] || tail -8 <<<"$out")"
check "the fuzzer really ran (more than 10000 executions)" \
	"$(n=$(sed -n 's/^fuzz: \([0-9]*\) executions.*/\1/p' <<<"$out");
		[ "${n:-0}" -gt 10000 ] || echo "executions: ${n:-none}")"
