#!/usr/bin/env bash
# A real mainline client on our kernel: mainline's own KHO test client
# (lib/test_kho.c of the mainline 7.3 peer's source, unchanged; one peer
# keeps this test short, t70 covers both) must compile
# against this series' headers without a warning, and, built into our
# kernel, get its data back across 6.12 -> 6.12, 6.12 -> mainline and
# mainline -> 6.12 handovers.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

peer=7.3
if ! build_peer "$peer" >"$TLOGS/peer-$peer.err"; then
	not_ok "mainline $peer kernel builds with its KHO test client" "$(cat "$TLOGS/peer-$peer.err")"
	exit 1
fi

# Compile the mainline client against our kernel's headers, as an external
# module's object. (It cannot be linked as a module: neither 6.12 nor
# mainline exports libfdt, which is why mainline builds it in only.)
mod=$TLOGS/mainline-client
rm -rf "$mod"
mkdir -p "$mod"
cp "$PEER_SRC/lib/test_kho.c" "$mod/"
printf 'obj-m := kho_mainline_client.o\nkho_mainline_client-y := test_kho.o\n' >"$mod/Kbuild"
if make -C "$TREE" O="$BUILD" ARCH=x86_64 CC="ccache gcc" M="$mod" W=1 test_kho.o \
	>"$TLOGS/mainline-client-build.log" 2>&1 && [ -f "$mod/test_kho.o" ] &&
	! grep -q 'warning:' "$TLOGS/mainline-client-build.log"; then
	ok "source compatibility: mainline's lib/test_kho.c compiles unchanged (W=1, no warning) against our headers"
else
	not_ok "source compatibility: mainline's lib/test_kho.c compiles unchanged against our headers" \
		"$(grep -E 'error|warning' "$TLOGS/mainline-client-build.log" | head -10)"
fi

# Run it: our kernel with mainline's client built in, handing over to
# itself and to and from the mainline peer (tests/scenarios/mlclient).
if ! build_mlclient >"$TLOGS/mlclient.err"; then
	not_ok "our kernel builds with mainline's lib/test_kho.c built in" "$(cat "$TLOGS/mlclient.err")"
	exit 1
fi
ok "our kernel builds with mainline's lib/test_kho.c built in"

cp "$PEER_BUILD/arch/x86/boot/bzImage" "$TLOGS/peer-bzImage"
LOG=$TLOGS/mlclient.log
QEMU_RC=0
BZIMAGE=$ML_BZIMAGE
"$REPO/scripts/mkinitramfs.sh" "$TLOGS/mlclient.cpio" "$BZIMAGE" \
	"$REPO/tests/scenarios/mlclient" "$TLOGS/peer-bzImage"
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
ours=$(cat "$ML_BUILD/include/config/kernel.release")
restored 2 "6.12 -> mainline $peer" "$PEER_RELEASE"
restored 4 "6.12 -> 6.12" "$ours"
restored 6 "mainline $peer -> 6.12" "$ours"
check "mainline client: no restore failure, WARN, BUG or Oops" \
	"$(grep -aE 'KHO restore failed|WARNING:|BUG:|Oops' "$LOG" | head -3)"
