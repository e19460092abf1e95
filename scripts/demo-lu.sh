#!/usr/bin/env bash
# The live update demo: fetch the base, apply patches/, build, then in QEMU
# a service (guest/kvstore.c) keeps a key-value table of MIB MiB (default
# 1024) in memfds, preserves them on /dev/liveupdate and reboots with kexec
# into the next kernel, whose service retrieves them, answers from the same
# memory, checks every byte and finishes. Prints a report with the times
# of each step; the blackout is measured on the host's clock, from the
# line the service prints before reboot() to its first answer in the next
# kernel. Uses the tree and build of 'make check' ($KHO_WORK/check), or,
# with --own, yours. Takes: [--own] [--config FRAGMENT]... (more config
# fragments for the build) [MIB]. Exits non-zero
# on any failure.
set -euo pipefail
. "$(dirname "$0")/common.sh"

own=0 mib=1024 frags=()
while [ $# -gt 0 ]; do
	case $1 in
	--own) own=1 ;;
	--config) frags+=("$(realpath "$2")"); shift ;;
	[0-9]*) mib=$1 ;;
	*) die "demo-lu.sh: unknown argument $1" ;;
	esac
	shift
done
if [ $own -eq 0 ]; then
	export KHO_TREE=$KHO_WORK/check/linux KHO_BUILD=$KHO_WORK/check/build
	TREE=$KHO_TREE BUILD=$KHO_BUILD
fi
bz=$BUILD/arch/x86/boot/bzImage
log=$LOGS/demo-lu.log stamps=$LOGS/demo-lu.stamps
mkdir -p "$LOGS/demo-lu"
t0=$(date +%s)

if [ $own -eq 0 ]; then
	"$REPO/scripts/fetch-base.sh" >/dev/null
	"$REPO/scripts/tree.sh" --force >/dev/null
fi
t1=$(date +%s)
"$REPO/scripts/build-kernel.sh" "${frags[@]}" >"$LOGS/demo-lu-build.log" 2>&1 ||
	{ tail -n 30 "$LOGS/demo-lu-build.log"; die "kernel build failed (log $LOGS/demo-lu-build.log)"; }
grep -qx CONFIG_LIVEUPDATE_MEMFD=y "$BUILD/.config" ||
	die "$BUILD/.config has no CONFIG_LIVEUPDATE_MEMFD=y: the live update patches are not in this tree"
build_lu_prog "$REPO/guest/kvstore.c" "$LOGS/demo-lu/kvstore" || die "guest/kvstore.c does not build"
t2=$(date +%s)

"$REPO/scripts/mkinitramfs.sh" "$LOGS/demo-lu.cpio" "$bz" "$REPO/guest/demo-lu" \
	"$LOGS/demo-lu/kvstore"
# The guest needs the table twice over (gen1's, then gen2 booting beside
# it) plus room to boot.
mem=$((mib + 1536))
rc=0
qemu_stamped "$stamps" 'KV: (kexec now|answering)' "$log" --kernel "$bz" \
	--initrd "$LOGS/demo-lu.cpio" --mem "$mem" --append "kho=on liveupdate=on kvstore_mib=$mib" \
	--timeout 600 || rc=$?
t3=$(date +%s)

gen() { log_generation "$log" "$1"; }
kv() { gen "$1" | grep -a "KV: $2" | head -1 | sed 's/.*KV: //'; }
num() { sed -n "s/.*$1 \([0-9]*\) us.*/\1/p" | head -1; }
stat() { grep -a "HARNESS: gen=$1 $2-stat $3 " "$log" | awk '{ print $NF }'; }
stamp() { grep -a "$1" "$stamps" | head -1 | awk '{ print $1 }'; }

table=$(kv 1 table)
times1=$(kv 1 fill)
freeze=$(gen 1 | grep -a 'LUO: sessions frozen in' | num 'frozen in')
answer=$(kv 2 answering) first=$(kv 2 answering | sed 's/^answering: //')
times2=$(kv 2 retrieve)
checked=$(kv 2 checked)
result=$(kv 2 result)
k=$(stamp 'KV: kexec now') a=$(stamp 'KV: answering')
blackout=?
[ -n "$k" ] && [ -n "$a" ] && blackout="$(((a - k) / 1000000)) ms"

echo
echo "KHO for Linux 6.12: live update demo report"
if [ $own -eq 0 ]; then
	echo "  base kernel   : $BASE_PKG $BASE_VERSION + $(grep -cv '^\(#\|$\)' "$REPO/patches/series") patches"
else
	echo "  base kernel   : $BASE_PKG $BASE_VERSION + $(tree_git rev-list --count base..HEAD) patches (your tree)"
fi
echo "  kernel        : $(cat "$BUILD/include/config/kernel.release"), QEMU TCG, $mem MiB, 2 CPUs"
echo "  service       : ${table:-?}"
echo "  gen1          : fill $(num fill <<<"$times1") us, PRESERVE_FD x5 $(num preserve <<<"$times1") us," \
	"freeze in reboot() ${freeze:-?} us"
echo "  gen2 booted   : $(gen 2 | grep -a -m1 'LUO: live update number' | sed 's/.*LUO: //')," \
	"early-boot KHO $(stat 2 in deserialize_us) us"
echo "  gen2          : retrieve $(num retrieve <<<"$times2") us, first answer ${first:-none}"
echo "  verified      : ${checked:-nothing}, in $(num check <<<"$times2") us; FINISH $(num finish <<<"$times2") us"
echo "  blackout      : $blackout (host clock, 'kexec now' to the first answer)"
echo "  wall clock    : fetch+apply $((t1 - t0)) s, build $((t2 - t1)) s, boot+fill+kexec+check $((t3 - t2)) s"
echo "  serial log    : $log"
slots=$((mib * 1024 * 1024 / 64))
if [ $rc -eq 0 ] && [ "$result" = "result PASS" ] && [[ "$checked" == "checked $slots slots "*", 0 differ" ]] &&
	[[ "$answer" == *" ok, "* ]]; then
	echo "  result        : PASS"
else
	echo "  result        : FAIL (qemu rc $rc; gen2: ${result:-no result})"
	exit 1
fi
