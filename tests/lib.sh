# shellcheck shell=bash
# Helpers for test scripts: TAP reporting and booting a scenario in QEMU.
# Sourced. A test script prints "ok - ...", "not ok - ..." (with "# ..."
# diagnostics) or "ok - ... # SKIP why" lines; tests/run.sh numbers them.

. "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"
BZIMAGE=$BUILD/arch/x86/boot/bzImage
TLOGS=$LOGS/tests
mkdir -p "$TLOGS"

ok() { echo "ok - $*"; }

# not_ok DESC [DIAGNOSTIC...]
not_ok() {
	local d=$1 l
	shift
	echo "not ok - $d"
	for l in "$@"; do printf '%s\n' "$l" | sed 's/^/# /'; done
}

# check DESC REASON: ok when REASON is empty, else not ok with it.
check() {
	if [ -z "$2" ]; then ok "$1"; else not_ok "$1" "$2"; fi
}

# build_luo_test: the live update selftest's luo_test as $LUO_TEST
# (build_lu_prog); on failure prints why and returns non-zero.
LUO_TEST=$TLOGS/luo_test
build_luo_test() {
	build_lu_prog "$TREE/tools/testing/selftests/liveupdate/luo_test.c" "$LUO_TEST"
}

# boot NAME SCENARIO [qemu-run.sh args...]: pack an initramfs with
# tests/scenarios/SCENARIO and boot it. Sets LOG (serial log) and QEMU_RC.
boot() {
	local name=$1 scenario=$2
	shift 2
	LOG=$TLOGS/$name.log
	QEMU_RC=0
	[ -f "$BZIMAGE" ] || { QEMU_RC=2; : >"$LOG"; return; }
	local extra=()
	[ -f "$BUILD/lib/test_kho.ko" ] && extra=("$BUILD/lib/test_kho.ko")
	"$REPO/scripts/mkinitramfs.sh" "$TLOGS/$name.cpio" "$BZIMAGE" \
		"$REPO/tests/scenarios/$scenario" "${extra[@]}"
	"$REPO/scripts/qemu-run.sh" --kernel "$BZIMAGE" --initrd "$TLOGS/$name.cpio" \
		--log "$LOG" "$@" 2>"$TLOGS/$name.err" || QEMU_RC=$?
}

# build_peer NAME [FRAGMENT...]: fetch and build mainline peer NAME (PEERS
# in scripts/common.sh: 7.2, 7.3) from tinyconfig, config/kho.config,
# config/kho-mlclient.config (mainline's own KHO test client built in) and
# any further config fragments, in a build directory of its own. Sets PEER_SRC, PEER_BUILD, PEER_RELEASE;
# returns non-zero, with the reason on stdout, when that fails or when the
# peer's config lacks KHO.
build_peer() {
	local name=$1 opt
	shift
	# Progress goes to stderr, the path to stdout: only the path is kept.
	if ! PEER_SRC=$("$REPO/scripts/fetch-base.sh" --peer "$name" 2>"$TLOGS/peer-$name-fetch.log"); then
		cat "$TLOGS/peer-$name-fetch.log"
		return 1
	fi
	PEER_BUILD=$(dirname "$BUILD")/peer-$name-build
	# Extra fragments build elsewhere, so that switching never rebuilds.
	[ $# -eq 0 ] || PEER_BUILD+=-$(cat "$@" | sha1sum | cut -c1-8)
	# Lenient: options of the 6.12 fragment that mainline no longer has are
	# listed in the log, not fatal; the ones KHO needs are checked below.
	if ! KHO_TREE=$PEER_SRC KHO_BUILD=$PEER_BUILD KHO_CONFIG_LENIENT=1 \
		"$REPO/scripts/build-kernel.sh" "$REPO/config/kho-mlclient.config" "$@" \
		>"$TLOGS/peer-$name-build.log" 2>&1; then
		tail -n 20 "$TLOGS/peer-$name-build.log"
		return 1
	fi
	for opt in CONFIG_KEXEC_HANDOVER=y CONFIG_KEXEC_HANDOVER_DEBUGFS=y CONFIG_TEST_KEXEC_HANDOVER=y; do
		grep -qx "$opt" "$PEER_BUILD/.config" ||
			{ echo "mainline $name: $opt is not in $PEER_BUILD/.config"; return 1; }
	done
	# shellcheck disable=SC2034  # for the test scripts
	PEER_RELEASE=$(cat "$PEER_BUILD/include/config/kernel.release")
	PEER_NAME=$name
}

# peer_chain NAME SCENARIO ORDER TIMEOUT APPEND [FILE...]: three
# generations in one QEMU between our kernel ($BZIMAGE) and the peer that
# build_peer built last: ORDER 2 runs ours -> peer -> ours, 13 peer ->
# ours -> peer (the scenario calls kexec_by_peer_gen of guest/harness.sh).
# APPEND goes on the first kernel's command line, FILEs into /payload.
# Sets LOG, QEMU_RC, CHAIN ("ours -> 7.2 -> ours"), CHAIN_RELEASES (the
# release each generation must run) and CHAIN_PROBLEM (empty when the three
# booted in order, each the kernel it should be).
peer_chain() {
	local name=$1 scenario=$2 order=$3 limit=$4 append=$5 ours first g rel
	shift 5
	ours=$(cat "$BUILD/include/config/kernel.release")
	if [ "$order" = 2 ]; then
		first=$BZIMAGE CHAIN="ours -> $PEER_NAME -> ours"
		CHAIN_RELEASES=("$ours" "$PEER_RELEASE" "$ours")
	else
		first=$PEER_BUILD/arch/x86/boot/bzImage CHAIN="$PEER_NAME -> ours -> $PEER_NAME"
		CHAIN_RELEASES=("$PEER_RELEASE" "$ours" "$PEER_RELEASE")
	fi
	LOG=$TLOGS/$name.log
	QEMU_RC=0
	rm -rf "$TLOGS/$name.payload"
	mkdir -p "$TLOGS/$name.payload"
	cp "$BZIMAGE" "$TLOGS/$name.payload/ours-bzImage"
	cp "$PEER_BUILD/arch/x86/boot/bzImage" "$TLOGS/$name.payload/peer-bzImage"
	[ $# -eq 0 ] || cp "$@" "$TLOGS/$name.payload/"
	"$REPO/scripts/mkinitramfs.sh" "$TLOGS/$name.cpio" "$first" \
		"$REPO/tests/scenarios/$scenario" "$TLOGS/$name.payload"/*
	"$REPO/scripts/qemu-run.sh" --kernel "$first" --initrd "$TLOGS/$name.cpio" \
		--log "$LOG" --mem 2048 --timeout "$limit" --append "$append peer_gen=$order" \
		2>"$TLOGS/$name.err" || QEMU_RC=$?
	CHAIN_PROBLEM=$(gens_problem 3)
	for g in 1 2 3; do
		rel=$(gen_log $g | sed -n 's/.*Linux version \([^ ]*\).*/\1/p' | head -1)
		[ -n "$CHAIN_PROBLEM" ] || [ "$rel" = "${CHAIN_RELEASES[$((g - 1))]}" ] ||
			CHAIN_PROBLEM="gen$g runs '$rel', not ${CHAIN_RELEASES[$((g - 1))]}"
	done
}

# gen_log N: the part of $LOG that generation N's kernel printed.
gen_log() { log_generation "$LOG" "$1"; }

# gens_problem N: print why generations 1..N did not all boot in order in
# $LOG (nothing when they did).
gens_problem() {
	local n=$1 g last
	if [ ! -f "$BZIMAGE" ]; then
		echo "no kernel image at $BZIMAGE (the build failed or did not run)"
		return
	fi
	for g in $(seq 1 "$n"); do
		grep -aq "HARNESS: gen=$g booted" "$LOG" && continue
		if [ "$g" -eq 1 ]; then
			echo "gen1 did not boot to init: no 'HARNESS: gen=1 booted' in $LOG"
		else
			last=$(grep -a "HARNESS: gen=$((g - 1)) " "$LOG" | tail -n 1)
			echo "gen$g never started: the kexec from gen$((g - 1)) did not happen" \
				"(its last harness line: '${last:-none}'; log $LOG)"
		fi
		grep -a -m1 'Kernel panic' "$LOG" | sed 's/^/kernel: /'
		[ "$QEMU_RC" -eq 124 ] && echo "QEMU was killed after its time limit"
		return
	done
}
