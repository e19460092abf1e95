#!/usr/bin/env bash
# reserve_mem handed over between our kernel and each mainline peer, both
# ways ("memblock-v1"): pstore's ramoops lives in reserve_mem=1M:4096:oops
# and what each generation writes to /dev/pmsg0 is read back by the next,
# over ours -> peer -> ours and peer -> ours -> peer (the peers built with
# the same config fragments, PSTORE_RAM included).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

args="kho=on reserve_mem=1M:4096:oops ramoops.mem_name=oops ramoops.pmsg_size=0x10000 pstore_last=3"
for peer in $PEERS; do
	if ! build_peer "$peer" >"$TLOGS/peer-$peer.err"; then
		not_ok "reserve_mem interop: mainline $peer builds" "$(cat "$TLOGS/peer-$peer.err")"
		continue
	fi
	grep -qx CONFIG_PSTORE_PMSG=y "$PEER_BUILD/.config" || {
		not_ok "reserve_mem interop: mainline $peer has PSTORE_PMSG"
		continue
	}
	for order in 2 13; do
		peer_chain "rmem-$peer-$order" pstore $order 180 "$args"
		who=$CHAIN
		check "reserve_mem $who: three kernels boot in turn" "$CHAIN_PROBLEM"
		for g in 2 3; do
			check "reserve_mem $who: gen$g reads what gen$((g - 1)) wrote to /dev/pmsg0" \
				"$(grep -aq "HARNESS: gen=$g pstore pmsg=\[.*pmsg-from-gen$((g - 1)) *\]" "$LOG" ||
					grep -a "HARNESS: gen=$g pstore" "$LOG")"
		done
		check "reserve_mem $who: no WARN, BUG or Oops" \
			"$(grep -aE 'WARNING:|BUG:|Oops|Kernel panic' "$LOG" | head -3)"
	done
done
