#!/usr/bin/env bash
# reserve_mem regions handed over with KHO ("memblock-v1"): pstore's ramoops
# lives in one, and what each generation writes to /dev/pmsg0 is read back
# by the next at the same physical address, over three kernels. A region
# whose size changed on the next command line is not taken over.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

args="kho=on reserve_mem=1M:4096:oops ramoops.mem_name=oops ramoops.pmsg_size=0x10000"
boot pstore pstore --timeout 120 --append "$args pstore_last=3"
problem=$(gens_problem 3)
check "reserve_mem: gen1 -> gen2 -> gen3 with a pstore region" "$problem"

region() { grep -a "HARNESS: gen=$1 pstore region=" "$LOG" | sed 's/.*region=\([^ ]*\).*/\1/'; }
r1=$(region 1) r2=$(region 2) r3=$(region 3)
check "reserve_mem: gen1 places the region, outside scratch, and hands it over" \
	"$([ -n "$r1" ] && [ "$r1" != none ] &&
		grep -aq "HARNESS: gen=1 pstore region=.* handed-over=0" "$LOG" &&
		! gen_log 1 | grep -aq 'reserve_mem: the regions are not handed over' ||
		echo "gen1 region '$r1'; $(gen_log 1 | grep -a 'reserve_mem' | head -3)")"
for g in 2 3; do
	rg=$(region $g)
	check "reserve_mem: gen$g takes the region over at the same address" \
		"$([ "$rg" = "$r1" ] && grep -aq "HARNESS: gen=$g pstore region=.* handed-over=1" "$LOG" ||
			echo "gen1 at '$r1', gen$g at '$rg'; $(gen_log $g | grep -a 'reserve_mem' | head -3)")"
	check "reserve_mem: gen$g reads what gen$((g - 1)) wrote to /dev/pmsg0" \
		"$(grep -aq "HARNESS: gen=$g pstore pmsg=\[.*pmsg-from-gen$((g - 1)) *\]" "$LOG" ||
			echo "$(grep -a "HARNESS: gen=$g pstore pmsg" "$LOG")")"
done
check "reserve_mem: no WARN, BUG or Oops over three kernels" \
	"$(grep -aE 'WARNING:|BUG:|Oops' "$LOG" | head -3)"

# Negative: the next kernel asks for another size: a new region, said so,
# and nothing of the old one read back.
boot pstore-resize pstore --timeout 90 --append "$args pstore_last=2 pstore_resize=1"
problem=$(gens_problem 2)
check "reserve_mem: a region whose size changed is allocated anew, not taken over" \
	"${problem:-$(gen_log 2 | grep -aq "reserve_mem: the handed-over region 'oops' .* does not fit" &&
		grep -aq 'HARNESS: gen=2 pstore region=.* handed-over=0' "$LOG" &&
		! grep -aq 'HARNESS: gen=2 pstore pmsg=\[.*pmsg-from-gen1' "$LOG" ||
		echo "$(gen_log 2 | grep -a 'reserve_mem\|pstore' | head -4)")}"
