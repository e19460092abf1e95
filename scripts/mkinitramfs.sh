#!/usr/bin/env bash
# Build a test initramfs (uncompressed newc cpio) from Debian's busybox-static
# and kexec-tools (with the libraries ldd names), fdtdump, the built kernel
# (so the guest can kexec into the next generation) and a scenario script.
# Takes: OUTPUT BZIMAGE [SCENARIO [EXTRA-FILE...]]; extra files land in /payload.
set -euo pipefail
. "$(dirname "$0")/common.sh"

[ $# -ge 2 ] || die "usage: mkinitramfs.sh OUTPUT BZIMAGE [SCENARIO [FILE...]]"
out=$1 bzimage=$2 scenario=${3:-}
shift 2
[ $# -gt 0 ] && shift
[ -f "$bzimage" ] || die "no kernel image at $bzimage"

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,lib,usr/bin,boot,proc,sys,dev,run,tmp,payload}

copy_with_libs() {
	local bin=$1 dest=$2 lib
	install -D -m 0755 "$bin" "$root$dest"
	for lib in $(ldd "$bin" 2>/dev/null | grep -o '/[^ ]*'); do
		[ -e "$root$lib" ] || install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
	done
}

install -m 0755 /bin/busybox "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
copy_with_libs /sbin/kexec /sbin/kexec
copy_with_libs /usr/bin/fdtdump /usr/bin/fdtdump
install -m 0755 "$REPO/guest/init" "$root/init"
install -m 0644 "$REPO/guest/harness.sh" "$root/lib/harness.sh"
install -m 0644 "$bzimage" "$root/boot/bzImage"
[ -n "$scenario" ] && install -m 0755 "$scenario" "$root/scenario"
for f in "$@"; do
	# Programs stay executable (luo_test, the demo's service).
	mode=0644
	[ -x "$f" ] && mode=0755
	install -m "$mode" "$f" "$root/payload/$(basename "$f")"
done

mkdir -p "$(dirname "$out")"
(cd "$root" && find . | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --reproducible --quiet) >"$out"
