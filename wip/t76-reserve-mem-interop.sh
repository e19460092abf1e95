#!/usr/bin/env bash
# reserve_mem handed over between our kernel and each mainline peer, both
# ways ("memblock-v1"): pstore's ramoops lives in reserve_mem=1M:4096:oops
# and what each generation writes to /dev/pmsg0 is read back by the next,
# over ours -> peer -> ours and peer -> ours -> peer (the peers built with
# the same config fragments, PSTORE_RAM included).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

args="kho=on reserve_mem=1M:4096:oops ramoops.mem_name=oops ramoops.pmsg_size=0x10000 pstore_last=3"
release=$(cat "$BUILD/include/config/kernel.release")
cp "$BZIMAGE" "$TLOGS/ours-bzImage"
for peer in $PEERS; do
	if ! build_peer "$peer" >"$TLOGS/peer-$peer.err"; then
		not_ok "reserve_mem interop: mainline $peer builds" "$(cat "$TLOGS/peer-$peer.err")"
		continue
	fi
	grep -qx CONFIG_PSTORE_PMSG=y "$PEER_BUILD/.config" || {
		not_ok "reserve_mem interop: mainline $peer has PSTORE_PMSG"
		continue
	}
	cp "$PEER_BUILD/arch/x86/boot/bzImage" "$TLOGS/peer-$peer-bzImage"
	for order in 2 13; do
		if [ $order = 2 ]; then
			first=$TLOGS/ours-bzImage who="ours -> $peer -> ours"
			rels=("$release" "$PEER_RELEASE" "$release")
		else
			first=$TLOGS/peer-$peer-bzImage who="$peer -> ours -> $peer"
			rels=("$PEER_RELEASE" "$release" "$PEER_RELEASE")
		fi
		name=rmem-$peer-$order
		LOG=$TLOGS/$name.log
		QEMU_RC=0
		mkdir -p "$TLOGS/$name.payload"
		cp "$TLOGS/peer-$peer-bzImage" "$TLOGS/$name.payload/peer-bzImage"
		cp "$TLOGS/ours-bzImage" "$TLOGS/$name.payload/ours-bzImage"
		"$REPO/scripts/mkinitramfs.sh" "$TLOGS/$name.cpio" "$first" \
			"$REPO/tests/scenarios/pstore" "$TLOGS/$name.payload"/*
		"$REPO/scripts/qemu-run.sh" --kernel "$first" --initrd "$TLOGS/$name.cpio" \
			--log "$LOG" --mem 2048 --timeout 180 \
			--append "$args pstore_peer_gen=$order" 2>"$TLOGS/$name.err" || QEMU_RC=$?
		problem=$(gens_problem 3)
		for g in 1 2 3; do
			rel=$(gen_log $g | sed -n 's/.*Linux version \([^ ]*\).*/\1/p' | head -1)
			[ -n "$problem" ] || [ "$rel" = "${rels[$((g - 1))]}" ] ||
				problem="gen$g runs '$rel', not ${rels[$((g - 1))]}"
		done
		check "reserve_mem $who: three kernels boot in turn" "$problem"
		for g in 2 3; do
			check "reserve_mem $who: gen$g reads what gen$((g - 1)) wrote to /dev/pmsg0" \
				"$(grep -aq "HARNESS: gen=$g pstore pmsg=\[.*pmsg-from-gen$((g - 1)) *\]" "$LOG" ||
					grep -a "HARNESS: gen=$g pstore" "$LOG")"
		done
		check "reserve_mem $who: no WARN, BUG or Oops" \
			"$(grep -aE 'WARNING:|BUG:|Oops|Kernel panic' "$LOG" | head -3)"
	done
done
