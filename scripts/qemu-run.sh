#!/usr/bin/env bash
# Boot a kernel and initramfs under qemu-system-x86_64 with TCG, serial
# console to a log file, and a time limit. The guest runs its generations
# (kexec chains) inside this one QEMU process; it ends when a guest powers
# off, panics (panic=-1 with -no-reboot) or the time runs out.
# Takes: --kernel F --initrd F --log F [--mem MiB] [--smp N] [--timeout S]
#        [--append "ARGS"] [--prealloc] (back all guest RAM before the boot:
#        the first touch of a page of lazily allocated guest RAM costs a
#        host page fault, which benchmarks must not measure). Exit 0 when QEMU ended by itself; on timeout it
# kills QEMU, prints the log's last 50 lines and exits 124. With --log -
# the serial console is this terminal instead (interactive, no time limit).
set -euo pipefail
. "$(dirname "$0")/common.sh"

mem=512 smp=2 timeout=120 append="" kernel="" initrd="" log="" prealloc=()
while [ $# -gt 0 ]; do
	case $1 in
	--prealloc) prealloc=(-mem-prealloc); shift; continue ;;
	--kernel) kernel=$2 ;;
	--initrd) initrd=$2 ;;
	--log) log=$2 ;;
	--mem) mem=$2 ;;
	--smp) smp=$2 ;;
	--timeout) timeout=$2 ;;
	--append) append=$2 ;;
	*) die "qemu-run.sh: unknown argument $1" ;;
	esac
	shift 2
done
[ -n "$kernel" ] && [ -n "$initrd" ] && [ -n "$log" ] ||
	die "usage: qemu-run.sh --kernel F --initrd F --log F [--mem MiB] [--smp N] [--timeout S] [--append ARGS]"

qemu=(qemu-system-x86_64 -accel tcg -m "$mem" "${prealloc[@]}" -smp "$smp" -no-reboot
	-kernel "$kernel" -initrd "$initrd"
	-append "console=ttyS0 panic=-1 kgen=1 $append")
if [ "$log" = - ]; then
	exec "${qemu[@]}" -nographic
fi

mkdir -p "$(dirname "$log")"
: >"$log"
rc=0
timeout --foreground -k 5 "$timeout" \
	"${qemu[@]}" -display none -monitor none -serial "file:$log" </dev/null || rc=$?

# The serial console ends lines with CR LF; keep plain LF.
sed -i 's/\r$//' "$log"

if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	echo "error: QEMU did not finish within ${timeout}s; killed it. Last 50 lines of $log:" >&2
	tail -n 50 "$log" | sed 's/^/  | /' >&2
	exit 124
fi
exit $rc
