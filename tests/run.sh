#!/usr/bin/env bash
# Run the test scripts (tests/t*.sh, or those whose names contain one of the
# given words) in order and print one TAP stream: each script's "ok"/"not ok"
# lines numbered, everything else as "#" comments, the plan at the end, and a
# last line "N passed, N failed, N skipped". A "not ok - ... # TODO ..." line
# is a warning (TAP's known not-yet-working thing): numbered and listed again
# before the summary, counted in none of its three numbers, not a failure.
# Exits 1 when anything failed.
set -euo pipefail
cd "$(dirname "$0")"

scripts=()
for t in t[0-9]*.sh; do
	if [ $# -eq 0 ]; then
		scripts+=("$t")
	else
		for w in "$@"; do
			case $t in *"$w"*) scripts+=("$t"); break ;; esac
		done
	fi
done

echo "TAP version 13"
n=0 pass=0 fail=0 skip=0 todo=()
for t in "${scripts[@]}"; do
	echo "# ${t%.sh}"
	failed_here=0
	while IFS= read -r line; do
		case $line in
		"ok - "*" # SKIP"*)
			n=$((n + 1)) skip=$((skip + 1))
			echo "ok $n - ${line#ok - }" ;;
		"ok - "*)
			n=$((n + 1)) pass=$((pass + 1))
			echo "ok $n - ${line#ok - }" ;;
		"not ok - "*" # TODO"*)
			n=$((n + 1))
			todo+=("not ok $n - ${line#not ok - }")
			echo "not ok $n - ${line#not ok - }" ;;
		"not ok - "*)
			n=$((n + 1)) fail=$((fail + 1)) failed_here=1
			echo "not ok $n - ${line#not ok - }" ;;
		"__RC "*)
			rc=${line#__RC }
			if [ "$rc" != 0 ] && [ $failed_here -eq 0 ]; then
				n=$((n + 1)) fail=$((fail + 1))
				echo "not ok $n - ${t%.sh} exited with status $rc"
			fi ;;
		"#"*) echo "$line" ;;
		*) echo "# $line" ;;
		esac
	done < <(bash "$t" 2>&1; echo "__RC $?")
done
echo "1..$n"
if [ ${#todo[@]} -gt 0 ]; then
	echo "# warnings (not ok # TODO, not counted as failed): ${#todo[@]}"
	printf '#   %s\n' "${todo[@]}"
fi
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
