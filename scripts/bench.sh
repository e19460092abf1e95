#!/usr/bin/env bash
# make bench: the early-boot cost of a KHO kexec, per workload (kho-spec
# section 8). For each workload it boots gen1 in QEMU (TCG), preserves with
# lib/test_kho.ko, finalizes, kexecs -s into gen2, which restores and checks
# every byte, and reads the figures both kernels print about themselves.
# Prints a table, writes it as CSV, and plots gen2's early-boot KHO time
# against the number of preserved blocks (PNG, gnuplot).
#
#   W0     KHO on, nothing preserved                      4 GiB guest
#   W1     1000 folios of each order 0..10 (~8 GiB)      12 GiB guest
#   W2     200,000 order-0 pages, every other page        4 GiB guest
#   W3-1x  W2's pages again in the W3 guest              12 GiB guest
#   W3-2x  400,000 pages                                 12 GiB guest
#   W3-4x  800,000 pages                                 12 GiB guest
# The W3 points share one guest size, so that their ratios show how the
# cost grows with the number of blocks alone. Each workload runs --runs
# times (default 3) and the run with the median early-boot time is kept:
# TCG timing is noisy. Guest RAM is preallocated: under TCG the first touch
# of a guest page costs a host page fault, which is not the kernel's work.
#
# Takes: [--own] (bench your own tree and build, not patches/ as committed)
#        [--out DIR] (where bench.csv, bench.txt, bench.png and logs/ go;
#        default $LOGS/bench) [--runs N] [--report] (only redo the table
#        and chart from DIR's CSV) [WORKLOAD ...] (default: all of them).
# Not a test: it fails only when a run did not produce its figures or gen2
# found a mismatch; the targets are printed next to the figures.
set -euo pipefail
. "$(dirname "$0")/common.sh"

own=0 report=0 runs=3 out=$LOGS/bench picked=()
while [ $# -gt 0 ]; do
	case $1 in
	--own) own=1 ;;
	--report) report=1 ;;
	--runs) runs=$2; shift ;;
	--out) out=$(realpath -m "$2"); shift ;;
	W*) picked+=("$1") ;;
	*) die "bench.sh: unknown argument $1" ;;
	esac
	shift
done

none="folios_mb=0 runs=0 vmalloc_kb=0 blob_kb=0"
# name, guest MiB, time limit (s), test_kho parameters
workloads=(
	"W0 4096 200"
	"W1 12288 900 per_order=1000 $none"
	"W2 4096 300 scattered=200000 $none"
	"W3-1x 12288 300 scattered=200000 $none"
	"W3-2x 12288 400 scattered=400000 $none"
	"W3-4x 12288 600 scattered=800000 $none"
)
columns=workload,kernel,guest_mib,blocks,ranges,preserved_bytes,preserve_kho_us,fill_preserve_us,finalize_us,map_bytes,gen2_kho_early_us,gen2_init_ms,gen2_zonelists_to_memory_ms,restore_kho_us,restore_verify_us,result

"$REPO/scripts/deps.sh" gnuplot-nox
if [ $own -eq 0 ] && [ $report -eq 0 ]; then
	export KHO_TREE=$KHO_WORK/check/linux KHO_BUILD=$KHO_WORK/check/build
	TREE=$KHO_TREE BUILD=$KHO_BUILD
	"$REPO/scripts/fetch-base.sh" >/dev/null
	"$REPO/scripts/tree.sh" --force >/dev/null
fi
csv=$out/bench.csv
work=$LOGS/bench-work
mkdir -p "$out/logs" "$work"

# Figures from one run's log ($log): gen N's part, a debugfs stat line,
# a printk timestamp of gen2 in ms, the times in a KHO_TEST line.
gen() { log_generation "$log" "$1"; }
stat() { grep -a "HARNESS: gen=$1 $2-stat $3 " "$log" | awk '{ print $NF }' | head -1; }
stamp_ms() {
	gen 2 | grep -a -m1 "$1" | sed -n 's/^\[ *\([0-9]*\)\.\([0-9]*\)\].*/\1 \2/p' |
		awk '{ printf "%d", $1 * 1000 + $2 / 1000 }'
}
kho_us() { sed -n 's/.* in \([0-9]*\) us (kho calls \([0-9]*\) us).*/\2/p'; }
all_us() { sed -n 's/.* in \([0-9]*\) us (kho calls \([0-9]*\) us).*/\1/p'; }

# once NAME MEM LIMIT ARGS: one run; prints its CSV row.
once() {
	local name=$1 mem=$2 limit=$3 args=$4 pre res blocks ranges bytes early zl memory init result
	printf '%s\n' "$args" >"$work/bench.args"
	"$REPO/scripts/mkinitramfs.sh" "$work/bench.cpio" "$bz" "$REPO/guest/bench" \
		"$BUILD/lib/test_kho.ko" "$work/bench.args"
	"$REPO/scripts/qemu-run.sh" --kernel "$bz" --initrd "$work/bench.cpio" --log "$log" \
		--mem "$mem" --prealloc --append "kho=on" --timeout "$limit" >/dev/null 2>&1 || true

	pre=$(gen 1 | grep -a -m1 'KHO_TEST: preserved' || true)
	res=$(gen 2 | grep -a -m1 'KHO_TEST: restored' || true)
	# gen2's own figures (debugfs kho/in/stats, read once it is up)
	blocks=$(stat 2 in preserved_blocks) ranges=$(stat 2 in preserved_ranges)
	bytes=$(stat 2 in preserved_bytes) early=$(stat 2 in deserialize_us)
	zl=$(stamp_ms 'Built [0-9]* zonelists') memory=$(stamp_ms '] Memory: ')
	init=$(stamp_ms 'Run /init as init process')
	if [ -z "$args" ]; then
		result=$([ -n "$blocks" ] && echo PASS || echo FAIL)
	else
		result=$(sed -n 's/.*: \(PASS\|FAIL\)$/\1/p' <<<"$res")
	fi
	[ "$result" = PASS ] || result=FAIL
	local row=("$name" "$release" "$mem" "$blocks" "$ranges" "$bytes"
		"$(kho_us <<<"$pre")" "$(all_us <<<"$pre")" "$(stat 1 out finalize_us)"
		"$(stat 1 out map_bytes)" "$early" "$init"
		"$([ -n "$zl" ] && [ -n "$memory" ] && echo $((memory - zl)))"
		"$(kho_us <<<"$res")" "$(all_us <<<"$res")" "$result")
	(IFS=,; echo "${row[*]}")
}

# run NAME MEM LIMIT ARGS...: $runs runs; keeps the median one (by gen2's
# early-boot time) in the CSV and in logs/NAME.log. Any failed run counts.
run() {
	local name=$1 mem=$2 limit=$3 args i rows=() pick
	shift 3
	args=$*
	for ((i = 1; i <= runs; i++)); do
		info "$name ($i/$runs): ${args:-nothing preserved}, ${mem} MiB guest"
		log=$work/$name.$i.log
		rows+=("$i,$(once "$name" "$mem" "$limit" "$args")")
		if [[ "${rows[-1]}" != *,PASS ]]; then
			warn "$name: run $i has no PASS from gen2 (log $log)"
			failed=1
		fi
	done
	# The median of the runs by column 12 (the early-boot time).
	pick=$(printf '%s\n' "${rows[@]}" | sort -t, -k12,12n | sed -n "$(((runs + 1) / 2))p")
	cp "$work/$name.${pick%%,*}.log" "$out/logs/$name.log"
	echo "${pick#*,}" >>"$csv"
	rm -f "$work/$name".*.log "$work/bench.cpio"
}

failed=0
if [ $report -eq 1 ]; then
	[ -f "$csv" ] || die "no $csv to report on"
else
	info "building $TREE"
	"$REPO/scripts/build-kernel.sh" >"$work/build.log" 2>&1 ||
		{ tail -n 30 "$work/build.log"; die "kernel build failed (log $work/build.log)"; }
	bz=$BUILD/arch/x86/boot/bzImage
	release=$(cat "$BUILD/include/config/kernel.release")
	echo "$columns" >"$csv"
	for w in "${workloads[@]}"; do
		# shellcheck disable=SC2086  # name, MiB, limit, parameters
		set -- $w
		if [ ${#picked[@]} -eq 0 ] || [[ " ${picked[*]} " == *" $1 "* ]]; then
			run "$@"
		fi
	done
fi
release=$(awk -F, 'NR == 2 { print $2 }' "$csv")

# The table, and the targets of kho-spec section 8 / issue 4.
echo
echo "make bench: $release, QEMU TCG, 2 CPUs, guest RAM preallocated," \
	"median of $runs runs ($(date -u +%Y-%m-%d))" | tee "$out/bench.txt"
# Times in ms; "-" where the workload has nothing to measure.
awk -F, 'function ms(us) { return us == "" ? "-" : sprintf("%.1f", us / 1000) }
	BEGIN {
		printf "%-6s %5s %7s %9s | %9s %8s %7s | %9s %7s %9s | %9s %9s %s\n", "", "guest",
			"blocks", "preserved", "preserve", "finalize", "map", "KHO early", "init", "zonelists",
			"restore", "+verify", ""
		printf "%-6s %5s %7s %9s | %9s %8s %7s | %9s %7s %9s | %9s %9s %s\n", "", "GiB",
			"", "MiB", "KHO ms", "ms", "KiB", "boot ms", "at ms", ">Memory ms",
			"KHO ms", "ms", "gen2"
	}
	NR > 1 {
		printf "%-6s %5d %7s %9.0f | %9s %8s %7.0f | %9s %7s %9s | %9s %9s %s\n",
			$1, $3 / 1024, $4, $6 / 1048576, ms($7), ms($9), $10 / 1024, ms($11),
			$12, $13, ms($14), ms($15), $16
	}' "$csv" | tee -a "$out/bench.txt"

col() { awk -F, -v w="$1" -v c="$2" '$1 == w { print $c }' "$csv"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", b / a; else print "?" }'; }
{
	echo
	w2=$(col W2 11) w0z=$(col W0 13) w2z=$(col W2 13) w1=$(col W1 11)
	[ -n "$w2" ] && echo "W2 gen2 early-boot KHO: $w2 us (target < 1000000 us)"
	[ -n "$w0z" ] && [ -n "$w2z" ] &&
		echo "W2 zonelists->Memory window: $w2z ms vs W0 $w0z ms, +$((w2z - w0z)) ms (target < +1000 ms)"
	[ -n "$w1" ] && echo "W1 gen2 early-boot KHO: $w1 us (target < 50000 us)"
	b1=$(col W3-1x 11) b2=$(col W3-2x 11) b4=$(col W3-4x 11)
	if [ -n "$b1" ]; then
		[ -n "$b2" ] && echo "W3 2x blocks: $(ratio "$b1" "$b2")x the time (target <= 2.2)"
		[ -n "$b4" ] && echo "W3 4x blocks: $(ratio "$b1" "$b4")x the time (target <= 4.4)"
	fi
} | tee -a "$out/bench.txt"

# The chart: gen2 early-boot KHO time against preserved blocks.
# Columns: name, blocks, ms, and the height of its label (W1 higher, W2
# below its point, so that labels of points close together stay apart).
dat=$work/bench.dat
awk -F, 'NR > 1 && $4 != "" && $11 != "" { n++; w[n] = $1; b[n] = $4; t[n] = $11 / 1000
		if (t[n] > max) max = t[n] }
	END { for (i = 1; i <= n; i++)
		print w[i], b[i], t[i], t[i] + (w[i] == "W1" ? 0.09 : w[i] == "W2" ? -0.045 : 0.035) * max }' "$csv" >"$dat"
if [ -s "$dat" ]; then
	fit='' plotfit=''
	if [ "$(grep -c '^W3' "$dat")" -ge 2 ]; then
		fit="f(x) = a * x + b; fit f(x) \"< grep '^W3' $dat\" using 2:3 via a, b"
		plotfit=', f(x) with lines dt 2 title "linear fit over the W3 points"'
	fi
	gnuplot <<EOF
set terminal pngcairo size 900,560 font "sans,11"
set output "$out/bench.png"
set title "KHO: gen2 early-boot time against preserved blocks ($release, QEMU TCG)"
set xlabel "preserved blocks (gen2's own count)"
set ylabel "early-boot KHO time (ms, the kernel's own figure)"
set key top left
set grid
set xrange [0:*]
set yrange [0:*]
set fit quiet
set fit logfile "$work/fit.log"
$fit
plot "$dat" using 2:3 with points pt 7 ps 1.5 title "workloads", \\
	"" using 2:4:1 with labels offset 1.5,0 left notitle$plotfit
EOF
fi 2>"$work/gnuplot.log" || warn "no chart (see $work/gnuplot.log)"

echo
echo "CSV: $csv"
[ -f "$out/bench.png" ] && echo "chart: $out/bench.png"
echo "logs: $out/logs/"
exit $failed
