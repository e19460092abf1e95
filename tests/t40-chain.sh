#!/usr/bin/env bash
# kexec -s chains: gen1 -> gen2 -> gen3, each generation proving it ran with
# its own number on its command line; a kexec that does not happen is caught.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

boot chain chain --timeout 90 --append "chain_last=3"
problem=$(gens_problem 3)
check "gen1 -> kexec -s -> gen2 -> kexec -s -> gen3" "$problem"
for g in 1 2 3; do
	check "gen$g ran with kgen=$g on its command line" \
		"$(grep -aq "HARNESS: gen=$g booted .*cmdline=.*kgen=$g" "$LOG" || echo "no such line in $LOG")"
done
check "the chain ends in gen3" \
	"$(grep -aq 'HARNESS: gen=3 poweroff' "$LOG" && ! grep -aq 'HARNESS: gen=4' "$LOG" || echo "log $LOG")"

# Negative: gen1 asks to kexec a kernel that is not there.
boot chain-broken chain --timeout 60 --append "chain_last=2 chain_kernel=/boot/missing"
problem=$(gens_problem 2)
check "a kexec that does not happen is caught" \
	"$(grep -q 'gen2 never started' <<<"$problem" || echo "gens_problem said: '$problem'")"
