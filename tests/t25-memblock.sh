#!/usr/bin/env bash
# The kernel's own memblock simulator (tools/testing/memblock), which
# compiles mm/memblock.c in userspace, must still build and pass with the
# series' memblock changes, with and without NUMA; with KHO=1 it runs the
# series' own suite (sorted reservation, scratch-only allocation, the
# kernel's own reservations) alone.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

sim=$TREE/tools/testing/memblock
for opts in "NUMA=0" "NUMA=1" "KHO=1 NUMA=0" "KHO=1 NUMA=1"; do
	desc="memblock simulator (tools/testing/memblock, $opts)"
	log=$TLOGS/memblock-${opts// /-}.log
	make -C "$sim" -s clean >/dev/null 2>&1
	# shellcheck disable=SC2086  # make variables
	if ! make -C "$sim" -j"$(nproc)" $opts >"$log" 2>&1; then
		not_ok "$desc builds" "$(grep -E 'error|warning' "$log" | head -10)"
		continue
	fi
	out=$("$sim/main" -v 2>&1)
	rc=$?
	n=$(grep -c '^ok ' <<<"$out")
	bad=$(grep -v '^ok \|^\s*Running\|^$' <<<"$out" | head -10)
	check "$desc: $n checks pass" \
		"$([ $rc -eq 0 ] && [ "$n" -ge 8 ] && [ -z "$bad" ] || echo "rc=$rc, $n ok; $bad")"
done
make -C "$sim" -s clean >/dev/null 2>&1
