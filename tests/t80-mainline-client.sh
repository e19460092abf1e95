#!/usr/bin/env bash
# A real mainline client on our kernel: mainline's own KHO test client
# (lib/test_kho.c of the mainline 7.3 peer's source, unchanged; one peer
# keeps this test short, t70 covers both) must build against this series'
# headers without a warning and, loaded as a module into our kernel (built
# in on the peer), get its data back across 6.12 -> 6.12, 6.12 -> mainline
# and mainline -> 6.12 handovers.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

peer=7.3
if ! build_peer "$peer" >"$TLOGS/peer-$peer.err"; then
	not_ok "mainline $peer kernel builds with its KHO test client" "$(cat "$TLOGS/peer-$peer.err")"
	exit 1
fi

# Build the mainline client, unchanged, as a module of our kernel (W=1):
# test_kho.ko. Neither 6.12 nor mainline exports libfdt, which is why
# mainline builds its client in only; the module carries its own copy of
# the kernel's libfdt, from the same sources as the kernel's.
mod=$TLOGS/mainline-client
rm -rf "$mod"
mkdir -p "$mod"
cp "$PEER_SRC/lib/test_kho.c" "$mod/mainline_test_kho.c"
# The kernel's own libfdt wrappers (lib/fdt*.c), which include
# ../scripts/dtc/libfdt/*.c: found through -I lib.
fdt_objs=""
for f in fdt fdt_ro fdt_rw fdt_sw fdt_wip fdt_strerror; do
	cp "$TREE/lib/$f.c" "$mod/"
	fdt_objs="$fdt_objs $f.o"
done
cat >"$mod/Kbuild" <<EOK
obj-m := test_kho.o
test_kho-y := mainline_test_kho.o $fdt_objs
ccflags-y := -I\$(srctree)/lib -I\$(srctree)/scripts/dtc/libfdt
EOK
make -C "$TREE" O="$BUILD" ARCH=x86_64 CC="ccache gcc" M="$mod" W=1 modules \
	>"$TLOGS/mainline-client-build.log" 2>&1
rc=$?
check "source compatibility: mainline's lib/test_kho.c builds unchanged (W=1, no warning) as a module of our kernel" \
	"$([ $rc -eq 0 ] && [ -f "$mod/test_kho.ko" ] &&
		! grep 'warning:' "$TLOGS/mainline-client-build.log" | grep -q 'mainline_test_kho' ||
		{ echo "make rc=$rc"; grep -E 'error|warning|undefined' "$TLOGS/mainline-client-build.log" | head -10; })"
[ -f "$mod/test_kho.ko" ] || exit 1

# Run it: our kernel loads mainline's client, the mainline peer has it
# built in; handovers to itself and to and from the peer
# (tests/scenarios/mlclient).
cp "$PEER_BUILD/arch/x86/boot/bzImage" "$TLOGS/peer-bzImage"
LOG=$TLOGS/mlclient.log
QEMU_RC=0
"$REPO/scripts/mkinitramfs.sh" "$TLOGS/mlclient.cpio" "$BZIMAGE" \
	"$REPO/tests/scenarios/mlclient" "$TLOGS/peer-bzImage" "$mod/test_kho.ko"
# 64 MiB of random-order folios per save instead of the client's 8 MiB.
"$REPO/scripts/qemu-run.sh" --kernel "$BZIMAGE" --initrd "$TLOGS/mlclient.cpio" \
	--log "$LOG" --mem 1024 --timeout 300 --append "kho=on test_kho.max_mem=67108864" \
	2>"$TLOGS/mlclient.qemu.err" || QEMU_RC=$?

problem=$(gens_problem 6)
check "mainline client: six generations boot, ours and mainline's in turn" "$problem"
# restored GEN WHAT: the client in generation GEN says its data came back.
restored() {
	local g=$1 what=$2 want=$3 rel
	rel=$(gen_log "$g" | sed -n 's/.*Linux version \([^ ]*\).*/\1/p' | head -1)
	check "mainline client: $what (gen$g restores what gen$((g - 1)) saved)" \
		"$([ "$rel" = "$want" ] || echo "gen$g runs '${rel:-nothing}', not $want")$(gen_log "$g" |
			grep -aq 'test_kho: KHO restore succeeded' ||
			echo "gen$g has no 'test_kho: KHO restore succeeded': $(gen_log "$g" | grep -a 'test_kho\|KHO:' | head -5)")"
}
ours=$(cat "$BUILD/include/config/kernel.release")
restored 2 "6.12 -> mainline $peer" "$PEER_RELEASE"
restored 4 "6.12 -> 6.12" "$ours"
restored 6 "mainline $peer -> 6.12" "$ours"
check "mainline client: no restore failure, WARN, BUG or Oops" \
	"$(grep -aE 'KHO restore failed|WARNING:|BUG:|Oops' "$LOG" | head -3)"
