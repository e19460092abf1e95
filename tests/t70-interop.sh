#!/usr/bin/env bash
# Interoperability with mainline Linux, both ways, against each mainline
# peer (PEERS in scripts/common.sh: Debian sid's linux-source-7.2 and
# trixie-backports' linux-source-7.3, built with the same config
# fragments). Per peer, six QEMU runs of three generations:
#   ours first: ours (cold) -> peer -> ours
#   peer first: peer (cold) -> ours -> peer
# each with the cold kernel's scratch sized by default, by sizes
# (kho_scratch=<lowmem>,<global>,<per-node>) and by a percentage
# (kho_scratch=N%); only the cold kernel gets kho_scratch=, every later
# kernel boots in the scratch handed to it. Each side must accept the
# other's kho-v4 data, read its kexec-metadata and subtrees and keep its
# preserved memory. Every TAP line names peer, who booted cold and the
# scratch mode.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

if [ ! -f "$BZIMAGE" ]; then
	not_ok "interop: our kernel is built" "no kernel image at $BZIMAGE (t20 builds it)"
	exit 1
fi
release=$(cat "$BUILD/include/config/kernel.release")
modes=(default sizes percent)
declare -A scratch_arg=([default]="" [sizes]="kho_scratch=16M,64M,16M" [percent]="kho_scratch=400%")
# The sizes above, as a kernel booting in them reports them: 3 areas (one
# NUMA node), 16 + 64 + 16 MiB.
sizes_areas=3 sizes_mib=96
dir=$TLOGS/interop
mkdir -p "$dir"
cp "$BZIMAGE" "$dir/ours-bzImage"

# Digits only: the console may run a kernel message into a line.
memtotal() { grep -a "HARNESS: gen=$1 memtotal=" "$LOG" | sed -n 's/.*memtotal=\([0-9]*\).*/\1/p' | head -1; }
# release_of N: the release generation N runs.
release_of() { gen_log "$1" | sed -n 's/.*Linux version \([^ ]*\).*/\1/p' | head -1; }
# count_in N: the kexec count generation N read from its handover (0: none).
count_in() {
	local c
	c=$(gen_log "$1" | sed -n 's/.*KHO: exec from: .* (count \([0-9]*\)).*/\1/p' | head -1)
	echo "${c:-0}"
}
# restored_kb N: what our kernel in generation N reserved from the map, kB.
restored_kb() {
	gen_log "$1" | sed -n 's/.*KHO: restored map: .* ranges, \([0-9]*\) bytes.*/\1/p' |
		head -1 | awk '{ print int($1 / 1024) }'
}
# ours_kho_problem N: why our kernel in generation N took no handover.
ours_kho_problem() {
	gen_log "$1" | grep -aq 'KHO: restored map: ' && return
	echo "no 'KHO: restored map:' in gen$1; its KHO lines:"
	gen_log "$1" | grep -a 'KHO:' | head -5
}
# boots_problem N WHO REL: why generation N did not boot as WHO (release REL).
boots_problem() {
	local p rel
	p=$(gens_problem "$1")
	[ -n "$p" ] && { echo "$p"; return; }
	rel=$(release_of "$1")
	[ "$rel" = "$3" ] || echo "gen$1 runs '${rel:-nothing}', not $2 ($3)"
}

# exec_from_problem N WANT: why generation N did not print line WANT.
exec_from_problem() {
	local got
	gen_log "$1" | grep -aqF "$2" && return
	got=$(gen_log "$1" | grep -a -m1 'exec from')
	echo "no '$2' in gen$1; ${got:-it printed no 'exec from' line}"
}

# Checks of a handover from ours (gen G-1) to the peer (gen G).
check_ours_to_peer() {
	local g=$1 label=$2 want
	check "$label: ours -> $P: $P boots from our handover" "$(boots_problem "$g" "$P" "$peer_release")"
	check "$label: ours -> $P: it accepts the kho-v4 data" \
		"$(gen_log "$g" | grep -aq 'KHO: found kexec handover data' || echo "no 'found kexec handover data' in gen$g")$(gen_log "$g" | grep -a 'disabling KHO revival\|handover FDT .* is \(invalid\|incompatible\)' | head -2)"
	want="KHO: exec from: $release (count $(($(count_in $((g - 1))) + 1)))"
	check "$label: ours -> $P: it reads our kexec-metadata" \
		"$(exec_from_problem "$g" "$want")"
}

# Checks of a handover from the peer (gen G-1) to ours (gen G).
check_peer_to_ours() {
	local g=$1 label=$2 want
	check "$label: $P -> ours: our kernel boots from the $P handover" "$(boots_problem "$g" ours "$release")"
	check "$label: $P -> ours: it accepts the data and reserves the map" "$(ours_kho_problem "$g")"
	want="KHO: exec from: $peer_release (count $(($(count_in $((g - 1))) + 1)))"
	check "$label: $P -> ours: it reads $P's kexec-metadata" \
		"$(exec_from_problem "$g" "$want")"
}

# check_scratch LABEL MODE G: our kernel in generation G boots in the
# scratch the cold kernel (gen1) sized as MODE asked.
check_scratch() {
	local label=$1 mode=$2 g=$3 line n mib why=""
	line=$(gen_log "$g" | grep -a -m1 'KHO: found handover data; booting in')
	n=$(sed -n 's/.*booting in \([0-9]*\) scratch areas (\([0-9]*\) MiB).*/\1/p' <<<"$line")
	mib=$(sed -n 's/.*booting in \([0-9]*\) scratch areas (\([0-9]*\) MiB).*/\2/p' <<<"$line")
	if [ -z "$mib" ]; then
		why="gen$g (ours) has no 'KHO: found handover data; booting in N scratch areas (M MiB)'"
	else
		case $mode in
		default) default_mib=$mib ;;
		sizes)
			[ "$n" = "$sizes_areas" ] && [ "$mib" = "$sizes_mib" ] ||
				why="gen$g boots in $n areas, $mib MiB; ${scratch_arg[sizes]} makes $sizes_areas, $sizes_mib MiB" ;;
		percent)
			[ -z "$default_mib" ] || [ "$mib" -gt "$default_mib" ] ||
				why="gen$g boots in $mib MiB of scratch with ${scratch_arg[percent]}, not more than the default's $default_mib MiB" ;;
		esac
	fi
	# The cold kernel took the parameter: mainline says so, ours warns
	# when it does not.
	if [ "$mode" != default ]; then
		if [ "$(release_of 1)" = "$release" ]; then
			gen_log 1 | grep -aq 'kho_scratch=.* is not' && why="$why$(gen_log 1 | grep -a 'kho_scratch=.* is not')"
		else
			gen_log 1 | grep -aq 'KHO: scratch \(scale is\|areas:\)' ||
				why="$why${why:+; }gen1 ($P) did not take ${scratch_arg[$mode]}: no 'KHO: scratch scale is' or 'KHO: scratch areas:'"
		fi
	fi
	check "$label: our kernel boots in the scratch the cold kernel sized${line:+ ($n areas, $mib MiB)}" "$why"
}

# run_case FIRST MODE: one QEMU run; FIRST (ours or peer) boots cold.
run_case() {
	local first=$1 mode=$2 label m1 m2 m3 kb base cold other
	if [ "$first" = ours ]; then
		printf 'ours /boot/bzImage\npeer /payload/peer-bzImage\nours /boot/bzImage\n' >"$dir/order"
		cold=$dir/ours-bzImage other=$dir/peer-bzImage
	else
		printf 'peer /boot/bzImage\nours /payload/ours-bzImage\npeer /boot/bzImage\n' >"$dir/order"
		cold=$dir/peer-bzImage other=$dir/ours-bzImage
	fi
	label="$P [$([ "$first" = ours ] && echo ours || echo "$P") first, ${scratch_arg[$mode]:-scratch default}]"
	LOG=$TLOGS/interop-$P-$first-$mode.log
	QEMU_RC=0
	"$REPO/scripts/mkinitramfs.sh" "$dir/case.cpio" "$cold" "$REPO/tests/scenarios/interop" \
		"$BUILD/lib/test_kho.ko" "$other" "$dir/order"
	"$REPO/scripts/qemu-run.sh" --kernel "$cold" --initrd "$dir/case.cpio" --log "$LOG" \
		--mem 1024 --timeout 150 --append "kho=on ${scratch_arg[$mode]}" \
		2>"${LOG%.log}.err" || QEMU_RC=$?
	m1=$(memtotal 1) m2=$(memtotal 2) m3=$(memtotal 3)

	if [ "$first" = ours ]; then
		ours_m1[$mode]=$m1
		check_ours_to_peer 2 "$label"
		check "$label: ours -> $P: our client's subtree is there" \
			"$(grep -aq 'HARNESS: gen=2 kho-in=.*kho-test' "$LOG" || echo "gen2 lists: '$(grep -a 'HARNESS: gen=2 kho-in' "$LOG")'")"
		# What gen1's client preserved, in kB, from its KHO_TEST line.
		kb=$(gen_log 1 | grep -a -m1 'KHO_TEST: preserved' |
			sed -E 's/.*\(([0-9]+) bytes\).*\(([0-9]+) bytes\) vmalloc=([0-9]+) blob=([0-9]+).*/\1 \2 \3 \4/' |
			awk '{ print int(($1 + $2 + $3 + $4) / 1024) }')
		check "$label: ours -> $P: it keeps our preserved memory from its allocator" \
			"$([ -n "$kb" ] && [ -n "$m1" ] && [ -n "$m2" ] && [ $((m1 - m2)) -ge $((kb * 8 / 10)) ] ||
				echo "MemTotal gen1 $m1 kB, gen2 $m2 kB, preserved ${kb:-?} kB")"
		check_peer_to_ours 3 "$label"
		# gen3 reserves what the peer preserved (its client's data) and
		# nothing of ours, which the peer did not hand on.
		kb=$(restored_kb 3)
		check "$label: $P -> ours: only what $P preserved stays reserved" \
			"$([ -n "$m1" ] && [ -n "$m3" ] && [ -n "$kb" ] &&
				[ $((m1 - m3)) -le $((kb + 4096)) ] && [ $((m1 - m3)) -ge $((kb - 4096)) ] ||
				echo "MemTotal gen1 $m1 kB, gen3 $m3 kB, $P preserved ${kb:-?} kB")"
		check_scratch "$label" "$mode" 3
	else
		check_peer_to_ours 2 "$label"
		check "$label: $P -> ours: $P's client's subtree is there" \
			"$(grep -aq 'HARNESS: gen=2 kho-in=.*kho_test' "$LOG" || echo "gen2 lists: '$(grep -a 'HARNESS: gen=2 kho-in' "$LOG")'")"
		# Our kernel booted cold (the ours-first run, same memory) is
		# the baseline: gen2 has exactly what the peer preserved less.
		kb=$(restored_kb 2) base=${ours_m1[$mode]:-}
		check "$label: $P -> ours: only what $P preserved stays reserved" \
			"$([ -n "$base" ] && [ -n "$m2" ] && [ -n "$kb" ] &&
				[ $((base - m2)) -le $((kb + 4096)) ] && [ $((base - m2)) -ge $((kb - 4096)) ] ||
				echo "MemTotal of ours booted cold ${base:-?} kB, gen2 $m2 kB, $P preserved ${kb:-?} kB")"
		check_scratch "$label" "$mode" 2
		check_ours_to_peer 3 "$label"
	fi
	check "$label: no WARN, BUG or Oops" "$(grep -aE 'WARNING:|BUG:|Oops' "$LOG" | head -3)"
}

failed_peers=0
# Per scratch mode: MemTotal of our kernel booted cold (ours-first gen1),
# the baseline of the peer-first runs. default_mib: the scratch of the
# run with default sizes, which the percentage run must exceed.
declare -A ours_m1=()
default_mib=""
for P in $PEERS; do
	peer_pin "$P"
	# A pin the registry no longer has fails with what the suite has.
	out=$(env "KHO_PEER_${P//./_}_VERSION=0.0-0kho-gone" "$REPO/scripts/fetch-base.sh" --peer "$P" 2>&1)
	rc=$?
	check "mainline $P: a vanished pin fails, listing what $PEER_SUITE has and how to re-pin" \
		"$([ $rc -ne 0 ] && grep -q "$PEER_PKG 0.0-0kho-gone is no longer in the $PEER_SUITE registry" <<<"$out" &&
			grep -q 'Versions available now:' <<<"$out" && grep -q 'To re-pin' <<<"$out" || echo "rc=$rc: $out")"

	if ! build_peer "$P" >"$TLOGS/peer-$P.err"; then
		not_ok "mainline $P ($PEER_PKG $PEER_VERSION from $PEER_SUITE) builds with KHO" "$(cat "$TLOGS/peer-$P.err")"
		failed_peers=$((failed_peers + 1))
		continue
	fi
	peer_release=$PEER_RELEASE
	ok "mainline $P ($PEER_PKG $PEER_VERSION from $PEER_SUITE) builds with KHO: $peer_release"
	cp "$PEER_BUILD/arch/x86/boot/bzImage" "$dir/peer-bzImage"

	ours_m1=()
	for first in ours peer; do
		default_mib=""
		for mode in "${modes[@]}"; do
			run_case "$first" "$mode"
		done
	done
done
[ "$failed_peers" -eq 0 ]
