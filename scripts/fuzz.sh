#!/usr/bin/env bash
# Fuzz the checks of incoming handover data (kernel/kexec_handover_in.c) in
# userspace: tools/testing/kho's libFuzzer target, built with Debian's
# clang, AddressSanitizer and UBSan, over machine images (RAM, kernel, boot
# data, FDT, scratch table, tree nodes).
# Takes: [--time SECONDS] (default 60, 0: no limit) [--runs N] [--tree DIR]
#        [--work DIR]; with both a time and a count, the first reached ends it.
# The corpus grows in WORK/corpus ($KHO_CACHE/fuzz) across runs, seeded from
# fuzz/corpus (real handovers, make corpus) and fuzz/regressions. A crash
# is copied to fuzz/regressions/ (commit it: make check replays them all)
# and fails the run. Prints the executions, their rate and the coverage.
set -euo pipefail
. "$(dirname "$0")/common.sh"

time_s=60 runs=-1 tree=$TREE work=$KHO_CACHE/fuzz
while [ $# -gt 0 ]; do
	case $1 in
	--time) time_s=$2; shift ;;
	--runs) runs=$2; shift ;;
	--tree) tree=$2; shift ;;
	--work) work=$2; shift ;;
	*) die "unknown argument $1" ;;
	esac
	shift
done

"$REPO/scripts/deps.sh"
dir=$tree/tools/testing/kho
[ -f "$dir/fuzz.c" ] || die "$tree has no tools/testing/kho/fuzz.c (make tree)"
mkdir -p "$KHO_WORK/logs"
make -s -C "$dir" kho_in_fuzz >/dev/null 2>"$KHO_WORK/logs/fuzz-build.log" ||
	{ cat "$KHO_WORK/logs/fuzz-build.log"; die "cannot build the fuzzer"; }

mkdir -p "$work/corpus" "$work/artifacts" "$REPO/fuzz/regressions"
rm -f "$work/artifacts/"*
log=$work/fuzz.log
start=$(date +%s)
rc=0
"$dir/kho_in_fuzz" -max_total_time="$time_s" -runs="$runs" -max_len=65536 \
	-timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
	-artifact_prefix="$work/artifacts/" \
	"$work/corpus" "$REPO/fuzz/corpus" "$REPO/fuzz/regressions" >"$log" 2>&1 || rc=$?
elapsed=$(($(date +%s) - start))

execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
echo "fuzz: ${execs:-?} executions in ${elapsed} s (${rate:-?}/s), coverage ${cov:-?} edges, corpus $(find "$work/corpus" -type f | wc -l) inputs"

found=0
for a in "$work/artifacts/"*; do
	[ -f "$a" ] || continue
	name=$(basename "$a")
	cp "$a" "$REPO/fuzz/regressions/$name.img"
	warn "fuzz: $name -> fuzz/regressions/$name.img (commit it)"
	found=$((found + 1))
done
if [ "$rc" -ne 0 ] || [ "$found" -gt 0 ]; then
	grep -E 'ERROR|broken promise|runtime error|SUMMARY' "$log" | head -5 >&2
	die "fuzz: the target failed ($found inputs saved); log: $log"
fi
