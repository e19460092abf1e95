#!/usr/bin/env bash
# The built kernel boots to the initramfs and reports its release; a kernel
# that cannot reach init is reported as such, not as a pass.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

release=$(cat "$BUILD/include/config/kernel.release" 2>/dev/null)
boot boot none --timeout 60
problem=$(gens_problem 1)
if [ -z "$problem" ]; then
	got=$(grep -a -o 'HARNESS: gen=1 booted release=[^ ]*' "$LOG" | sed 's/.*release=//')
	[ "$got" = "$release" ] || problem="guest reports release '$got', built '$release'"
fi
check "kernel boots to the initramfs and reports release $release" "$problem"
check "gen1 powers off cleanly" \
	"$(grep -aq 'HARNESS: gen=1 poweroff' "$LOG" && [ "$QEMU_RC" -eq 0 ] || echo "QEMU rc $QEMU_RC, log $LOG")"
# Every test guest has two CPUs (qemu-run.sh's default): a kernel that
# boots only one (no ACPI, and SeaBIOS's MP table lists the boot CPU alone)
# would leave every race untested.
check "the guest runs on both of its CPUs" \
	"$(grep -aq 'smp: Brought up [0-9]* nodes\?, 2 CPUs' "$LOG" ||
		grep -a 'smp: Brought up' "$LOG" || echo "no 'smp: Brought up' line in $LOG")"

# Negative: an init that does not exist must be reported as a failed boot.
boot noinit none --timeout 60 --append "rdinit=/no-such-init"
problem=$(gens_problem 1)
check "a kernel that does not reach init is caught" \
	"$(grep -q 'gen1 did not boot' <<<"$problem" || echo "gens_problem said: '$problem'")"
