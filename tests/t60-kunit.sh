#!/usr/bin/env bash
# The KUnit suite of the series (kernel/kexec_handover_test.c), run by the
# kernel's own tools/testing/kunit/kunit.py under QEMU x86_64 with kho=on.
# Each KUnit case becomes one TAP line here.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

kunit_dir=$(dirname "$BUILD")/kunit
log=$TLOGS/kunit.log
if [ ! -f "$TREE/tools/testing/kunit/configs/kho.config" ]; then
	not_ok "KUnit: the series has tools/testing/kunit/configs/kho.config"
	exit 1
fi

# kunit.py builds a kernel: one build at a time (see build-kernel.sh).
(cd "$TREE" && flock "$KHO_CACHE/build.lock" python3 tools/testing/kunit/kunit.py run --arch=x86_64 \
	--kunitconfig=tools/testing/kunit/configs/kho.config \
	--kernel_args=kho=on --build_dir="$kunit_dir" --jobs="$(nproc)" \
	--make_options "CC=ccache gcc" --timeout=300) >"$log" 2>&1
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

check "KUnit: kunit.py ran the kexec_handover suite and exited 0" \
	"$([ $rc -eq 0 ] && [ $n -gt 0 ] || { echo "kunit.py rc=$rc, $n cases; log $log:"; tail -20 "$log"; })"
