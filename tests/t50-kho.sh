#!/usr/bin/env bash
# Kexec HandOver end to end, with lib/test_kho.ko as the client: round
# trip, finalize/abort/finalize, kexec without finalize, three generations,
# kho=off in gen2, and corrupted handover data that gen2 must reject whole.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

MEM=1024

# restored_ok DESC GEN: generation GEN's test module verified everything.
restored_ok() {
	local line
	line=$(gen_log "$2" | grep -a -m1 'KHO_TEST: restored')
	check "$1" "$(gens_problem "$2")$(grep -q ': PASS$' <<<"$line" || echo "gen$2: ${line:-no KHO_TEST result}")"
}

# The plain round trip.
boot kho-roundtrip kho --mem $MEM --timeout 150 --append "kho=on"
restored_ok "round trip: gen2 restores and verifies every byte" 2
check "round trip: gen1's out/fdt is a kho-v4 FDT (fdtdump)" \
	"$(grep -aq 'HARNESS: gen=1 out-fdt=kho-v4' "$LOG" || echo "no fdtdump result in $LOG")"
release=$(cat "$BUILD/include/config/kernel.release")
check "round trip: gen2 says where it came from" \
	"$(gen_log 2 | grep -aq "KHO: exec from: $release (count 1)" || echo "no 'exec from' line")"
check "round trip: gen2 reports the restored map" \
	"$(gen_log 2 | grep -aqE 'KHO: restored map: [0-9]+ blocks, [0-9]+ ranges, [0-9]+ bytes in [0-9]+ us' || echo "no 'restored map' line")"
check "round trip: no WARN, BUG or Oops in any generation" \
	"$(grep -aE 'WARNING:|BUG:|Oops' "$LOG" | head -3)"

boot kho-abort kho --mem $MEM --timeout 150 --append "kho=on kho_finalize=abort"
check "finalize, abort, finalize: debugfs reads 1, 0, 1" \
	"$(grep -a 'HARNESS: gen=1 finalize=' "$LOG" | sed 's/.*=//' | tr -d '\n' | grep -qx 101 || echo "got: $(grep -a 'gen=1 finalize=' "$LOG")")"
restored_ok "finalize, abort, finalize: gen2 verifies everything" 2

boot kho-nofinalize kho --mem $MEM --timeout 150 --append "kho=on kho_finalize=none"
restored_ok "kexec without finalize: gen2 verifies everything" 2

boot kho-chain kho --mem $MEM --timeout 200 --append "kho=on kho_gens=3"
restored_ok "three generations: gen2 verifies gen1's data" 2
restored_ok "three generations: gen3 verifies gen2's data" 3
check "three generations: gen3 counts two kexecs" \
	"$(gen_log 3 | grep -aq "KHO: exec from: $release (count 2)" || echo "no 'count 2' line")"

memtotal() { grep -a "HARNESS: gen=$1 memtotal=" "$LOG" | head -1 | sed 's/.*=//'; }

# close A B: memory sizes within 4 MiB of each other
close() { [ -n "$1" ] && [ -n "$2" ] && [ $(($1 > $2 ? $1 - $2 : $2 - $1)) -le 4096 ]; }

boot kho-off kho --mem $MEM --timeout 150 --append "kho=on kho_next_off=1"
check "kho=off in gen2: the handover is ignored and said so" \
	"$(gens_problem 2)$(gen_log 2 | grep -aq 'KHO: ignoring the handover from the previous kernel: KHO is off' || echo 'no such line')"
check "kho=off in gen2: nothing restored, all memory usable" \
	"$(gen_log 2 | grep -aq 'KHO_TEST: KHO is off' || echo 'module did not see KHO off')$(close "$(memtotal 1)" "$(memtotal 2)" || echo "MemTotal gen1 $(memtotal 1) kB, gen2 $(memtotal 2) kB")"

# Corrupted handover data: gen2 names the problem, reserves nothing,
# is_kho_boot() is false (the module preserves anew), boots to init.
while read -r kind why; do
	boot "kho-fault-$kind" kho --mem $MEM --timeout 150 --append "kho=on kho_fault=$kind"
	problem=$(gens_problem 2)
	[ -z "$problem" ] && ! gen_log 2 | grep -aq "KHO: ignoring the handover from the previous kernel: $why" &&
		problem="gen2 did not log '$why': $(gen_log 2 | grep -a 'KHO:' | head -3)"
	[ -z "$problem" ] && gen_log 2 | grep -aq 'KHO_TEST: restored' &&
		problem="gen2 restored data from a rejected handover"
	[ -z "$problem" ] && ! gen_log 2 | grep -aq 'KHO_TEST: preserved' &&
		problem="gen2's module did not start afresh"
	[ -z "$problem" ] && ! close "$(memtotal 1)" "$(memtotal 2)" &&
		problem="MemTotal gen1 $(memtotal 1) kB, gen2 $(memtotal 2) kB"
	check "corrupted handover ($kind): gen2 rejects it whole and boots" "$problem"
done <<'KINDS'
bad-compatible FDT is not compatible with kho-v4
truncated-fdt FDT header is not valid
map-outside-ram preserved-memory tree node outside RAM
misaligned-node misaligned node in the preserved-memory tree
key-beyond-memory preserved block beyond the end of memory
KINDS
