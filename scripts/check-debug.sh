#!/usr/bin/env bash
# make check-debug: the KHO selftest (tools/testing/selftests/kho/vmtest.sh,
# every scenario) and the live update selftest
# (tools/testing/selftests/liveupdate/vmtest.sh, every scenario) on a
# second build of the series with KASAN, kmemleak,
# lockdep (PROVE_LOCKING), DEBUG_VM and DEBUG_PAGEALLOC
# (config/kho-debug.config). Each generation asks kmemleak for a scan
# before it kexecs or powers off. Fails on a failed check, and on any
# KASAN report, leak, lockdep splat, BUG or WARN in any kernel's log.
# (kmemleak's scans are the KHO selftest's; the live update one is checked
# for the rest.) Uses a tree and a build of its own ($KHO_WORK/debug), so that it can run
# while make check runs.
# KASAN's shadow makes the kernel's own memblock allocations eight times
# larger, and each scratch area is 200% of them by default, three areas
# in all: more than the 1 GiB guest has. The run asks for 50% instead,
# still room for the next kernel's allocations in the three areas.
# Takes nothing. Prints TAP ending in "N passed, N failed".
set -euo pipefail
. "$(dirname "$0")/common.sh"

"$REPO/scripts/deps.sh"
"$REPO/scripts/fetch-base.sh" >/dev/null
export KHO_TREE=$KHO_WORK/debug/linux KHO_BUILD=$KHO_WORK/debug/build
TREE=$KHO_TREE BUILD=$KHO_BUILD
rm -rf "$KHO_WORK/check/debug-build"	# where earlier versions built it
"$REPO/scripts/tree.sh" --force >/dev/null
out=$LOGS/check-debug
rm -rf "$out"
mkdir -p "$out"

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok $((pass + fail)) - $*"; }
not_ok() {
	local d=$1
	shift
	fail=$((fail + 1))
	echo "not ok $((pass + fail)) - $d"
	printf '%s\n' "$@" | sed 's/^/# /'
}

echo "TAP version 13"
t0=$(date +%s)
if "$REPO/scripts/build-kernel.sh" "$REPO/config/kho-debug.config" >"$out/build.log" 2>&1; then
	ok "debug kernel builds (KASAN, kmemleak, lockdep, DEBUG_VM, DEBUG_PAGEALLOC) in $(($(date +%s) - t0)) s"
else
	not_ok "debug kernel builds" "$(tail -n 20 "$out/build.log")"
	echo "$pass passed, $fail failed"
	exit 1
fi

t0=$(date +%s)
"$TREE/tools/testing/selftests/kho/vmtest.sh" -k "$BUILD/arch/x86/boot/bzImage" \
	-m "$BUILD/lib/test_kho.ko" -o "$out/kho" -t 900 -c "kho_scratch=50%" \
	>"$out/kho.tap" 2>&1 || true
while IFS= read -r line; do
	case $line in
	"ok "*) ok "KHO selftest (debug kernel): ${line#ok * }" ;;
	"not ok "*) not_ok "KHO selftest (debug kernel): ${line#not ok * }" ;;
	esac
done < <(sed -E 's/^(not )?ok [0-9]+ /\1ok x /' "$out/kho.tap")
n=$(grep -c '^\(not \)\?ok ' "$out/kho.tap" || true)
if grep -q "^1\.\.$n$" "$out/kho.tap" && [ "$n" -gt 0 ]; then
	ok "KHO selftest (debug kernel): ran its whole plan ($n checks) in $(($(date +%s) - t0)) s"
else
	not_ok "KHO selftest (debug kernel): ran its whole plan" "$(tail -5 "$out/kho.tap")"
fi

# The live update selftest: its static luo_test built against the tree's
# uAPI header, the same debug kernel and scratch.
t0=$(date +%s)
if out_build=$(build_lu_prog "$TREE/tools/testing/selftests/liveupdate/luo_test.c" \
	"$out/luo_test" 2>&1); then
	"$TREE/tools/testing/selftests/liveupdate/vmtest.sh" -k "$BUILD/arch/x86/boot/bzImage" \
		-p "$out/luo_test" -o "$out/luo" -t 1800 -c "kho_scratch=50%" \
		>"$out/luo.tap" 2>&1 || true
	while IFS= read -r line; do
		case $line in
		"ok "*) ok "live update selftest (debug kernel): ${line#ok * }" ;;
		"not ok "*) not_ok "live update selftest (debug kernel): ${line#not ok * }" ;;
		esac
	done < <(sed -E 's/^(not )?ok [0-9]+ /\1ok x /' "$out/luo.tap")
	n=$(grep -c '^\(not \)\?ok ' "$out/luo.tap" || true)
	if grep -q "^1\.\.$n$" "$out/luo.tap" && [ "$n" -gt 0 ]; then
		ok "live update selftest (debug kernel): ran its whole plan ($n checks) in $(($(date +%s) - t0)) s"
	else
		not_ok "live update selftest (debug kernel): ran its whole plan" "$(tail -5 "$out/luo.tap")"
	fi
else
	not_ok "live update selftest (debug kernel): luo_test builds" "$out_build"
fi

# What the checkers found, in every generation of every scenario.
pattern='BUG:|WARNING:|Oops|KASAN|kmemleak: [0-9]+ new suspected|KHO_VM: gen=[0-9]+ kmemleak:|possible recursive locking|circular locking|inconsistent lock state|suspicious RCU usage|page dumped because'
for log in "$out"/kho/*.log "$out"/luo/*.log; do
	name=$(basename "$log" .log)
	found=$(grep -aE "$pattern" "$log" | head -5 || true)
	if [ -z "$found" ]; then
		ok "no KASAN report, leak, lockdep splat, BUG or WARN: $name"
	else
		not_ok "no KASAN report, leak, lockdep splat, BUG or WARN: $name" "$found" "(log $log)"
	fi
done
echo "1..$((pass + fail))"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
