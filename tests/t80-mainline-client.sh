#!/usr/bin/env bash
# Source compatibility with a real mainline client: mainline's own KHO test
# client (lib/test_kho.c of the mainline peer's source, unchanged) must
# compile against this series' headers.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

if ! build_peer >"$TLOGS/peer.err"; then
	not_ok "mainline peer kernel builds with its KHO test client" "$(cat "$TLOGS/peer.err")"
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
