#!/usr/bin/env bash
# The KUnit suite of the series (kernel/kexec_handover_test.c). It is built
# into the test kernel and off unless asked for (CONFIG_KUNIT_DEFAULT_ENABLED
# unset): one QEMU boot with kho=on kunit.enable=1 runs it, and the kernel's
# own tools/testing/kunit/kunit.py parses the KTAP it prints. Each KUnit case
# becomes one TAP line here. (kunit.py run, with the suite's kunitconfig in
# tools/testing/kunit/configs/kho.config, would build a second kernel for
# the same cases.)
set -uo pipefail
. "$(dirname "$0")/lib.sh"

log=$TLOGS/kunit-parse.log
if [ ! -f "$TREE/tools/testing/kunit/configs/kho.config" ]; then
	not_ok "KUnit: the series has tools/testing/kunit/configs/kho.config"
	exit 1
fi
if ! grep -qx 'CONFIG_KEXEC_HANDOVER_KUNIT_TEST=y' "$BUILD/.config" 2>/dev/null; then
	not_ok "KUnit: the test kernel has the suite built in" \
		"no CONFIG_KEXEC_HANDOVER_KUNIT_TEST=y in $BUILD/.config"
	exit 1
fi

boot kunit none --timeout 300 --mem 1024 --append "kho=on kunit.enable=1"
python3 "$TREE/tools/testing/kunit/kunit.py" parse "$LOG" >"$log" 2>&1
rc=$?

n=0
while read -r status name; do
	n=$((n + 1))
	case $status in
	PASSED) ok "KUnit: $name" ;;
	SKIPPED) echo "ok - KUnit: $name # SKIP" ;;
	*) not_ok "KUnit: $name" "$(grep -a -B5 "\[$status\] $name" "$log" | head -20)" ;;
	esac
done < <(sed -n 's/.*\[\(PASSED\|FAILED\|SKIPPED\|CRASHED\)\] \(kho_[a-z_0-9]*\).*/\1 \2/p' "$log")

check "KUnit: the kexec_handover suite ran to its end and kunit.py parse exited 0" \
	"$([ $rc -eq 0 ] && [ $n -gt 0 ] && [ -z "$(gens_problem 1)" ] &&
		grep -aq 'HARNESS: gen=1 poweroff' "$LOG" ||
		{ echo "kunit.py parse rc=$rc, $n cases; $(gens_problem 1); log $log:"; tail -20 "$log"; })"
