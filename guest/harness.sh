# shellcheck shell=sh
# Helpers for /init and scenario scripts inside the guest. Sourced.
#   say TEXT            print "HARNESS: TEXT" on the console for the host
#   request_kexec ARGS  after the scenario, kexec -s into generation GEN+1
#                       with this kernel's command line plus ARGS
#   drop_param NAME     leave NAME=... out of the next generation's cmdline
#   kexec_kernel PATH   kexec into PATH instead of /boot/bzImage
#   load_next           load generation GEN+1 now, for a program that reboots
#   kexec_by_peer_gen   with peer_gen=G, alternate our kernel and a mainline one
#   tap_ok/tap_fail     report a guest-side check ("HARNESS: ok|not ok - ...")

GEN=$(sed -n 's/.*\bkgen=\([0-9]*\).*/\1/p' /proc/cmdline)
GEN=${GEN:-1}

# A line goes to the console as a printk record through /dev/kmsg, so that
# a kernel message printed at the same moment cannot cut it in two (it can
# cut a plain write to /dev/console: the kernel writes to the UART between
# the chunks the tty sends). Level 0 ("<0>"), so that it shows whatever the
# console log level (the dump scenario sets it to 1). /dev/kmsg takes a
# record of at most 1024 bytes in one write and rate-limits writers unless
# kernel.printk_devkmsg is "on"; a longer line, or a kernel that refuses,
# goes to /dev/console.
if [ -w /dev/kmsg ] && echo on 2>/dev/null >/proc/sys/kernel/printk_devkmsg; then
	say() {
		_line="HARNESS: $*"
		if [ ${#_line} -lt 960 ] && echo "<0>$_line" 2>/dev/null >/dev/kmsg; then
			return 0
		fi
		echo "$_line" >/dev/console
	}
else
	say() { echo "HARNESS: $*" >/dev/console; }
fi

tap_ok() { say "ok - gen$GEN: $*"; }
tap_fail() { say "not ok - gen$GEN: $*"; }

request_kexec() { echo "$*" >/run/kexec-append; }

drop_param() { echo "$1" >>/run/kexec-drop; }

kexec_kernel() { echo "$1" >/run/kexec-kernel; }

# With peer_gen=G on the command line (generation numbers as digits: 2, or
# 13), the next kernel is /payload/peer-bzImage when generation GEN+1 is
# one of them, else /payload/ours-bzImage (tests/lib.sh's peer_chain).
kexec_by_peer_gen() {
	_peers=$(sed -n 's/.*\bpeer_gen=\([0-9]*\).*/\1/p' /proc/cmdline)
	[ -n "$_peers" ] || return 0
	case $_peers in
	*$((GEN + 1))*) kexec_kernel /payload/peer-bzImage ;;
	*) kexec_kernel /payload/ours-bzImage ;;
	esac
}

# Pack the running root (the payload directories) into the next initramfs,
# so that every generation carries the kernel and itself along.
pack_initramfs() {
	(cd / && find init bin sbin lib lib64 usr boot scenario payload -xdev 2>/dev/null |
		cpio -o -H newc 2>/dev/null) >"$1"
}

# Load generation GEN+1 (kexec -s -l) as request_kexec, drop_param and
# kexec_kernel asked; for scenarios whose own program reboots into it
# (a live update keeps its sessions open until reboot(LINUX_REBOOT_CMD_KEXEC)).
load_next() {
	next=$((GEN + 1))
	cmdline=""
	for p in $(cat /proc/cmdline); do
		name=${p%%=*}
		[ "$name" = kgen ] && continue
		grep -qx "$name" /run/kexec-drop 2>/dev/null && continue
		cmdline="$cmdline $p"
	done
	cmdline="${cmdline# } kgen=$next $(cat /run/kexec-append 2>/dev/null)"
	pack_initramfs /tmp/next.cpio || { say "gen=$GEN pack-initramfs-failed"; return 1; }
	kernel=$(cat /run/kexec-kernel 2>/dev/null || echo /boot/bzImage)
	say "gen=$GEN kexec-load kernel=$kernel next-cmdline=$cmdline"
	if ! kexec -s -l "$kernel" --initrd=/tmp/next.cpio --append="$cmdline"; then
		say "gen=$GEN kexec-load-failed"
		return 1
	fi
}

do_kexec() {
	load_next || return 1
	say "gen=$GEN kexec-exec"
	kexec -e -x
	say "gen=$GEN kexec-exec-returned"
	return 1
}
