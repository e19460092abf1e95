#!/usr/bin/env bash
# make bench's live update workloads, on our kernel and on mainline peer
# 7.2, in the same QEMU guest with the same program (guest/lubench.c):
#
#   W0-LU  one session, no file: the blackout's baseline
#   W4     one 1 GiB memfd in 4 KiB pages
#   W5     the same in 2 MiB THP shmem folios
#   W6     1000 memfds of 1 MiB in 10 sessions
#
# Per workload and kernel: PRESERVE_FD time (all files), the freeze inside
# reboot() (ours says it; "-" for mainline), the reboot path (gen1's printk
# clock from lubench's last line to "Starting new kernel"), gen2's
# early-boot KHO time (ours), RETRIEVE_SESSION+RETRIEVE_FD time, FINISH
# time, and the blackout on the host's clock (lubench's "kexec now" to
# its first answer in gen2), each run's median of --runs. Prints a table,
# writes bench-lu.csv, and the ratios the targets name.
#
# Takes: [--own] (your tree and build, not patches/ as committed)
#        [--config FRAGMENT]... [--out DIR] [--runs N] [--peer NAME]
#        [WORKLOAD ...]. Not a test: it fails only when a run did not
# produce its figures or found a wrong page.
set -euo pipefail
. "$(dirname "$0")/../tests/lib.sh"

own=0 runs=3 out=$LOGS/bench peer=7.2 picked=() frags=()
while [ $# -gt 0 ]; do
	case $1 in
	--own) own=1 ;;
	--config) frags+=("$(realpath "$2")"); shift ;;
	--runs) runs=$2; shift ;;
	--out) out=$(realpath -m "$2"); shift ;;
	--peer) peer=$2; shift ;;
	W*) picked+=("$1") ;;
	*) die "bench-lu.sh: unknown argument $1" ;;
	esac
	shift
done
# name, lubench workload, guest MiB, time limit (s)
workloads=(
	"W0-LU w0 3072 200"
	"W4 w4 3072 400"
	"W5 w5 3072 400"
	"W6 w6 3072 400"
)
columns=workload,kernel,release,files,bytes,preserve_us,freeze_us,reboot_ms,kho_early_us,retrieve_us,finish_us,blackout_ms,thp_kb_after,result

if [ $own -eq 0 ]; then
	export KHO_TREE=$KHO_WORK/check/linux KHO_BUILD=$KHO_WORK/check/build
	TREE=$KHO_TREE BUILD=$KHO_BUILD BZIMAGE=$BUILD/arch/x86/boot/bzImage
	"$REPO/scripts/fetch-base.sh" >/dev/null
	"$REPO/scripts/tree.sh" --force >/dev/null
fi
work=$LOGS/bench-lu-work
csv=$out/bench-lu.csv
mkdir -p "$out/logs" "$work"

info "building $TREE"
"$REPO/scripts/build-kernel.sh" "${frags[@]}" >"$work/build.log" 2>&1 ||
	{ tail -n 30 "$work/build.log"; die "kernel build failed (log $work/build.log)"; }
grep -qx CONFIG_LIVEUPDATE_MEMFD=y "$BUILD/.config" ||
	die "$BUILD/.config has no CONFIG_LIVEUPDATE_MEMFD=y: the live update patches are not in this tree"
info "building mainline $peer"
# With ACPI, as ours: two CPUs each (the make check builds do without).
build_peer "$peer" "$REPO/config/kho-peer-acpi.config" "${frags[@]}" >"$work/peer.err" ||
	die "mainline $peer: $(cat "$work/peer.err")"
grep -qx CONFIG_ACPI=y "$PEER_BUILD/.config" || die "mainline $peer's build has no ACPI"
grep -qx CONFIG_LIVEUPDATE_MEMFD=y "$PEER_BUILD/.config" ||
	die "mainline $peer's build has no CONFIG_LIVEUPDATE_MEMFD=y"
build_lu_prog "$REPO/guest/lubench.c" "$work/lubench" || die "guest/lubench.c does not build"

# Figures of one run ($log, $stamps).
gen() { log_generation "$log" "$1"; }
lb() { gen "$1" | grep -a "LB: .*$2=" | head -1 | sed -n "s/.*$2=\([0-9]*\).*/\1/p"; }
stamp() { grep -a "$1" "$stamps" | head -1 | awk '{ print $1 }'; }
ktime_ms() {	# printk time of gen N's first line matching RE, in ms
	gen "$1" | grep -a -m1 "$2" | sed -n 's/^\[ *\([0-9]*\)\.\([0-9]*\)\].*/\1 \2/p' |
		awk '{ printf "%d", $1 * 1000 + $2 / 1000 }'
}

# once NAME W MEM LIMIT KERNEL BZIMAGE: one run; prints its CSV row.
once() {
	local name=$1 w=$2 mem=$3 limit=$4 kernel=$5 bz=$6 rel k a res t0 t1 freeze early thp
	"$REPO/scripts/mkinitramfs.sh" "$work/bench-lu.cpio" "$bz" "$REPO/guest/bench-lu" \
		"$work/lubench"
	qemu_stamped "$stamps" 'LB: (kexec now|answering)' "$log" --kernel "$bz" \
		--initrd "$work/bench-lu.cpio" --mem "$mem" --prealloc \
		--append "kho=on liveupdate=on lubench=$w" \
		--timeout "$limit" >/dev/null 2>&1 || true
	rel=$(gen 1 | sed -n 's/.*Linux version \([^ ]*\).*/\1/p' | head -1)
	k=$(stamp 'LB: kexec now') a=$(stamp 'LB: answering')
	res=$(gen 2 | grep -a 'LB: result' | sed 's/.*LB: result //' | head -1)
	t0=$(ktime_ms 1 'LB: kexec now') t1=$(ktime_ms 1 'Starting new kernel')
	freeze=$(gen 1 | sed -n 's/.*LUO: sessions frozen in \([0-9]*\) us.*/\1/p' | head -1)
	early=$(grep -a 'HARNESS: gen=2 in-stat deserialize_us ' "$log" | awk '{ print $NF }' | head -1)
	thp=$(gen 2 | sed -n 's/.*LB: .*retrieve_us=.* ShmemHugePages \([0-9]*\) kB.*/\1/p' | head -1)
	[ "$res" = PASS ] || res=FAIL
	local row=("$name" "$kernel" "$rel" "$(lb 1 files)" "$(lb 1 bytes)" "$(lb 1 preserve_us)"
		"${freeze:--}" "$([ -n "$t0" ] && [ -n "$t1" ] && echo $((t1 - t0)))"
		"${early:--}" "$(lb 2 retrieve_us)" "$(lb 2 finish_us)"
		"$([ -n "$k" ] && [ -n "$a" ] && echo $(((a - k) / 1000000)))" "${thp:-}" "$res")
	(IFS=,; echo "${row[*]}")
}

failed=0
echo "$columns" >"$csv"
stamps=$work/stamps
for wl in "${workloads[@]}"; do
	# shellcheck disable=SC2086  # name, workload, MiB, limit
	set -- $wl
	if [ ${#picked[@]} -gt 0 ] && [[ " ${picked[*]} " != *" $1 "* ]]; then
		continue
	fi
	for kernel in ours "$peer"; do
		bz=$BZIMAGE
		[ "$kernel" = ours ] || bz=$PEER_BUILD/arch/x86/boot/bzImage
		rows=()
		for ((i = 1; i <= runs; i++)); do
			info "$1 on $kernel ($i/$runs)"
			log=$work/$1-$kernel.$i.log
			rows+=("$i,$(once "$@" "$kernel" "$bz")")
			if [[ "${rows[-1]}" != *,PASS ]]; then
				warn "$1 on $kernel: run $i has no PASS (log $log)"
				failed=1
			fi
		done
		# The median run by its blackout (column 13 with the run number).
		pick=$(printf '%s\n' "${rows[@]}" | sort -t, -k13,13n | sed -n "$(((runs + 1) / 2))p")
		cp "$work/$1-$kernel.${pick%%,*}.log" "$out/logs/$1-$kernel.log"
		echo "${pick#*,}" >>"$csv"
	done
done

echo
echo "make bench (live update): ours against mainline $peer, QEMU TCG, 2 CPUs, 3 GiB guest" \
	"preallocated, median of $runs runs ($(date -u +%Y-%m-%d))" | tee "$out/bench-lu.txt"
awk -F, 'function ms(us) { return us == "" || us == "-" ? "-" : sprintf("%.1f", us / 1000) }
	function gib(b) { return b > 0 ? b / 1073741824 : 0 }
	BEGIN {
		printf "%-6s %-6s %5s %6s | %9s %8s %8s | %9s | %9s %8s | %9s %s\n", "", "kernel",
			"files", "MiB", "preserve", "freeze", "reboot", "KHO early", "retrieve",
			"finish", "blackout", ""
		printf "%-6s %-6s %5s %6s | %9s %8s %8s | %9s | %9s %8s | %9s %s\n", "", "", "", "",
			"ms", "ms", "ms", "boot ms", "ms", "ms", "ms", "gen2"
	}
	NR > 1 {
		printf "%-6s %-6s %5s %6.0f | %9s %8s %8s | %9s | %9s %8s | %9s %s\n", $1, $2, $4,
			$5 / 1048576, ms($6), ms($7), $8, ms($9), ms($10), ms($11), $12, $14
	}' "$csv" | tee -a "$out/bench-lu.txt"

col() { awk -F, -v w="$1" -v k="$2" -v c="$3" '$1 == w && $2 == k { print $c }' "$csv"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "?" }'; }
{
	echo
	for w in W4 W5; do
		[ -n "$(col $w ours 6)" ] || continue
		echo "$w preserve: mainline/ours $(ratio "$(col $w "$peer" 6)" "$(col $w ours 6)")x," \
			"retrieve: mainline/ours $(ratio "$(col $w "$peer" 10)" "$(col $w ours 10)")x (target >= 2)"
	done
	[ -n "$(col W4 ours 10)" ] && [ -n "$(col W5 ours 10)" ] &&
		echo "W5 retrieve per GiB: $(ratio "$(col W4 ours 10)" "$(col W5 ours 10)")x faster than W4 (target >= 50)"
	[ -n "$(col W6 ours 7)" ] && echo "W6 freeze: $(col W6 ours 7) us (target < 5000 us)"
	b0=$(col W0-LU ours 12)
	for w in W4 W5 W6; do
		b=$(col $w ours 12) m=$(col $w "$peer" 12) m0=$(col W0-LU "$peer" 12)
		[ -n "$b" ] && [ -n "$b0" ] &&
			echo "$w blackout over W0-LU: ours +$((b - b0)) ms$([ -n "$m" ] && [ -n "$m0" ] &&
				echo ", mainline +$((m - m0)) ms")"
	done
} | tee -a "$out/bench-lu.txt"
rm -f "$work/bench-lu.cpio"
[ $failed -eq 0 ] || die "a run failed: see the logs in $work"
