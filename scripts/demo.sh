#!/usr/bin/env bash
# The demo: fetch the base, apply patches/, build, then in QEMU: gen1
# preserves a realistic mix with lib/test_kho.ko (256 MiB of random-order
# folios, page runs, a vmalloc area, a preserved blob), shows the outgoing
# FDT, finalizes and kexecs; gen2 restores and checks every byte. Prints a
# short report. Uses the same tree and build as 'make check'
# ($KHO_WORK/check), never a developer's. Takes nothing; exits non-zero on
# any failure or mismatch.
set -euo pipefail
. "$(dirname "$0")/common.sh"

export KHO_TREE=$KHO_WORK/check/linux KHO_BUILD=$KHO_WORK/check/build
TREE=$KHO_TREE BUILD=$KHO_BUILD
bz=$BUILD/arch/x86/boot/bzImage
log=$LOGS/demo.log
mkdir -p "$LOGS"
t0=$(date +%s)

"$REPO/scripts/fetch-base.sh" >/dev/null
"$REPO/scripts/tree.sh" --force >/dev/null
t1=$(date +%s)
"$REPO/scripts/build-kernel.sh" >"$LOGS/demo-build.log" 2>&1 ||
	{ tail -n 30 "$LOGS/demo-build.log"; die "kernel build failed (log $LOGS/demo-build.log)"; }
t2=$(date +%s)
"$REPO/scripts/mkinitramfs.sh" "$LOGS/demo.cpio" "$bz" "$REPO/guest/demo" "$BUILD/lib/test_kho.ko"
"$REPO/scripts/qemu-run.sh" --kernel "$bz" --initrd "$LOGS/demo.cpio" --log "$log" \
	--mem 2048 --append "kho=on" --timeout 300 || true
t3=$(date +%s)

# gen N's part of the log, and a value from it
gen() { log_generation "$log" "$1"; }
field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" | head -1; }

preserved=$(gen 1 | grep -a -m1 'KHO_TEST: preserved' || true)
restored=$(gen 2 | grep -a -m1 'KHO_TEST: restored' || true)
map=$(gen 2 | grep -a -m1 'KHO: restored map:' | sed 's/.*restored map: //' || true)
from=$(gen 2 | grep -a -m1 'KHO: exec from:' | sed 's/.*KHO: //' || true)
stat() { grep -a "HARNESS: gen=$1 $2-stat $3 " "$log" | awk '{ print $NF }'; }

echo
sed -n '/---- outgoing FDT/,/^----$/p' "$log"
echo
echo "KHO for Linux 6.12: demo report"
echo "  base kernel   : $BASE_PKG $BASE_VERSION + $(grep -cv '^\(#\|$\)' "$REPO/patches/series") patches"
echo "  kernel        : $(cat "$BUILD/include/config/kernel.release"), QEMU TCG, 2 GiB, 2 CPUs"
echo "  preserved     : $(field folios <<<"$preserved") folios ($(field folios <<<"$preserved" >/dev/null; sed -n 's/.*folios=[0-9]* (\([0-9]*\) bytes).*/\1/p' <<<"$preserved") bytes)," \
	"$(field runs <<<"$preserved") page runs, vmalloc $(field vmalloc <<<"$preserved") bytes, blob $(field blob <<<"$preserved") bytes"
echo "  handover map  : $(stat 1 out map_bytes) bytes in $(stat 1 out map_nodes) tree pages for $(stat 1 out preserved_blocks) blocks"
echo "  gen2 booted   : ${from:-?}"
echo "  gen2 reserved : ${map:-nothing}"
echo "  verified      : $(sed -n 's/.*restored \(.*\) in [0-9]* us.*/\1/p' <<<"$restored")"
# "in N us (kho calls M us)": the whole step, and the KHO calls in it
us() { sed -n 's/.* in \([0-9]*\) us (kho calls \([0-9]*\) us).*/\1 us (KHO calls \2 us)/p'; }
echo "  times         : fill+preserve $(us <<<"$preserved")," \
	"finalize $(stat 1 out finalize_us) us, gen2 early-boot KHO $(stat 2 in deserialize_us) us," \
	"restore+verify $(us <<<"$restored")"
echo "  wall clock    : fetch+apply $((t1 - t0)) s, build $((t2 - t1)) s, boot+preserve+kexec+verify $((t3 - t2)) s"
echo "  serial log    : $log"
if [[ "$restored" == *": PASS" ]] && [ -n "$preserved" ]; then
	echo "  result        : PASS"
else
	echo "  result        : FAIL (${restored:-gen2 did not restore anything})"
	exit 1
fi
