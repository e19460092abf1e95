#!/usr/bin/env bash
# Live update between our kernel and each mainline peer, both ways: the
# selftest's luo_test preserves memfds (sizes, a sparse file, a position, a
# file written through a mapping, each seal, MFD_NOEXEC_SEAL, THP) in
# gen1, the next kernel checks and preserves them again, the third checks
# them: ours -> peer -> ours and peer -> ours -> peer (the peers built
# with LIVEUPDATE and LIVEUPDATE_MEMFD from the same config fragments).
# Proves the uAPI and the luo-v5/memfd-v2 wire format both ways.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

if ! out=$(build_luo_test); then
	not_ok "live update interop: luo_test builds" "$out"
	exit 1
fi
release=$(cat "$BUILD/include/config/kernel.release")

for peer in $PEERS; do
	if ! build_peer "$peer" >"$TLOGS/peer-$peer.err"; then
		not_ok "live update interop: mainline $peer builds" "$(cat "$TLOGS/peer-$peer.err")"
		continue
	fi
	grep -qx CONFIG_LIVEUPDATE_MEMFD=y "$PEER_BUILD/.config" || {
		not_ok "live update interop: mainline $peer has LIVEUPDATE_MEMFD"
		continue
	}
	for order in 2 13; do
		peer_chain "luox-$peer-$order" luo-interop $order 300 "kho=on liveupdate=on" "$LUO_TEST"
		who=$CHAIN rels=("${CHAIN_RELEASES[@]}")
		check "live update $who: three kernels boot in turn" "$CHAIN_PROBLEM"
		while IFS= read -r line; do
			case $line in
			"ok - "*) ok "live update $who: ${line#ok - }" ;;
			"not ok - "*) not_ok "live update $who: ${line#not ok - }" ;;
			esac
		done < <(grep -ao 'LUO_T: \(not \)\?ok - .*' "$LOG" | sed 's/^LUO_T: //')
		check "live update $who: every stage ran to its end" \
			"$(gen_log 1 | grep -aq 'LUO_T: kexec passed=[0-9]* failed=0' &&
				gen_log 2 | grep -aq 'LUO_T: kexec passed=[0-9]* failed=0' &&
				gen_log 3 | grep -aq 'LUO_T: done passed=[0-9]* failed=0' ||
				grep -a 'LUO_T: \(kexec\|done\)\|LUO:' "$LOG" | head -6)"
		# The test FLBs (CONFIG_LIVEUPDATE_TEST in both): each kernel
		# after the first takes the previous one's, in its own words.
		problem=""
		for g in 2 3; do
			for i in 0 1 2; do
				if [ "${rels[$((g - 1))]}" = "$release" ]; then
					want="liveupdate-test-flb-v$i: retrieved the previous kernel's handle"
				else
					want="liveupdate-test-flb-v$i: found flb data from the previous boot"
				fi
				gen_log $g | grep -aq "liveupdate test: $want" ||
					problem="$problem gen$g lacks '$want';"
			done
		done
		check "live update $who: the test FLBs cross both ways" \
			"$problem$(grep -a 'liveupdate test: .*\(ERROR\|not\|cannot\|wrong\)' "$LOG" | head -3)"
		check "live update $who: no WARN, BUG or Oops" \
			"$(grep -aE 'WARNING:|BUG:|Oops|Kernel panic' "$LOG" | head -3)"
	done
done
