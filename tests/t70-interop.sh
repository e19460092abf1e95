#!/usr/bin/env bash
# Interoperability with mainline Linux: our 6.12 kernel hands over to a
# mainline kernel with KHO (Debian trixie-backports' linux-source-7.3,
# built here with the same config fragment) and that kernel hands over
# back to ours. Both sides must accept the other's kho-v4 data.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

if ! build_peer >"$TLOGS/peer.err"; then
	not_ok "mainline peer kernel builds with KHO" "$(cat "$TLOGS/peer.err")"
	exit 1
fi
peer_build=$PEER_BUILD peer_release=$PEER_RELEASE
ok "mainline peer kernel $peer_release builds with KHO"

release=$(cat "$BUILD/include/config/kernel.release")
LOG=$TLOGS/interop.log
QEMU_RC=0
cp "$peer_build/arch/x86/boot/bzImage" "$TLOGS/peer-bzImage"
# The peer image goes into /payload of the same initramfs.
"$REPO/scripts/mkinitramfs.sh" "$TLOGS/interop.cpio" "$BZIMAGE" \
	"$REPO/tests/scenarios/interop" "$BUILD/lib/test_kho.ko" "$TLOGS/peer-bzImage"
"$REPO/scripts/qemu-run.sh" --kernel "$BZIMAGE" --initrd "$TLOGS/interop.cpio" \
	--log "$LOG" --mem 1024 --timeout 200 --append "kho=on" 2>"$TLOGS/interop.err" || QEMU_RC=$?

problem=$(gens_problem 2)
[ -z "$problem" ] && ! gen_log 2 | grep -aq "Linux version $peer_release" &&
	problem="gen2 is not the mainline kernel"
check "6.12 -> mainline: the mainline kernel boots from our handover" "$problem"
check "6.12 -> mainline: it accepts the kho-v4 data" \
	"$(gen_log 2 | grep -aq 'KHO: found kexec handover data' || echo "no 'found kexec handover data'")$(gen_log 2 | grep -a 'disabling KHO revival\|handover FDT .* is \(invalid\|incompatible\)' | head -2)"
check "6.12 -> mainline: it reads our kexec-metadata" \
	"$(gen_log 2 | grep -aq "KHO: exec from: $release (count 1)" || echo "no 'exec from: $release (count 1)'")"
check "6.12 -> mainline: our client's subtree is there" \
	"$(grep -aq 'HARNESS: gen=2 kho-in=.*kho-test' "$LOG" || echo "$(grep -a 'HARNESS: gen=2 kho-in' "$LOG")")"

# Digits only: the console may run a kernel message into the line.
memtotal() { grep -a "HARNESS: gen=$1 memtotal=" "$LOG" | sed -n 's/.*memtotal=\([0-9]*\).*/\1/p' | head -1; }
# What gen1's client preserved, in kB, from its KHO_TEST line.
preserved_kb=$(gen_log 1 | grep -a -m1 'KHO_TEST: preserved' |
	sed -E 's/.*\(([0-9]+) bytes\).*\(([0-9]+) bytes\) vmalloc=([0-9]+) blob=([0-9]+).*/\1 \2 \3 \4/' |
	awk '{ print int(($1 + $2 + $3 + $4) / 1024) }')
m1=$(memtotal 1) m2=$(memtotal 2) m3=$(memtotal 3)
check "6.12 -> mainline: it keeps our preserved memory from its allocator" \
	"$([ -n "$preserved_kb" ] && [ -n "$m1" ] && [ -n "$m2" ] &&
		[ $((m1 - m2)) -ge $((preserved_kb * 8 / 10)) ] ||
		echo "MemTotal gen1 $m1 kB, gen2 $m2 kB, preserved ${preserved_kb:-?} kB")"

problem=$(gens_problem 3)
check "mainline -> 6.12: our kernel boots from the mainline handover" "$problem"
check "mainline -> 6.12: it accepts the data and reserves the map" \
	"$(gen_log 3 | grep -aq 'KHO: restored map: ' || echo "no 'restored map': $(gen_log 3 | grep -a 'KHO:' | head -3)")"
check "mainline -> 6.12: it reads mainline's kexec-metadata" \
	"$(gen_log 3 | grep -aq "KHO: exec from: $peer_release (count 2)" || echo "no 'exec from: $peer_release (count 2)'")"
# gen3 reserves what mainline preserved (its own client's data included)
# and nothing of ours, which mainline did not hand on.
mainline_kb=$(gen_log 3 | sed -n 's/.*KHO: restored map: .* ranges, \([0-9]*\) bytes.*/\1/p' |
	head -1 | awk '{ print int($1 / 1024) }')
check "mainline -> 6.12: only what mainline preserved stays reserved" \
	"$([ -n "$m1" ] && [ -n "$m3" ] && [ -n "$mainline_kb" ] &&
		[ $((m1 - m3)) -le $((mainline_kb + 4096)) ] && [ $((m1 - m3)) -ge $((mainline_kb - 4096)) ] ||
		echo "MemTotal gen1 $m1 kB, gen3 $m3 kB, mainline preserved ${mainline_kb:-?} kB")"
check "6.12 <-> mainline: no WARN, BUG or Oops" "$(grep -aE 'WARNING:|BUG:|Oops' "$LOG" | head -3)"
