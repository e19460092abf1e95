#!/usr/bin/env bash
# Check that every patch of the series builds on its own: apply patches/
# one at a time to a scratch tree ($KHO_WORK/series) and build after each,
# with the project config and with CONFIG_KEXEC_HANDOVER=n. Then check
# for whitespace errors, compile the C files the series touches with W=1
# at the base and at the top and report warnings the series adds, run
# scripts/checkpatch.pl --strict on every patch and scripts/kernel-doc on
# every file the series adds.
# Takes: [FIRST [LAST]] patch numbers. Prints one line per step; exits 1
# on the first failure.
set -euo pipefail
. "$(dirname "$0")/common.sh"

first=${1:-1}
series=$KHO_WORK/series
export KHO_TREE=$series/linux KHO_CONFIG_LENIENT=1
mapfile -t patches < <(grep -v '^\(#\|$\)' "$REPO/patches/series")
last=${2:-${#patches[@]}}

empty=$(mktemp -d)
trap 'rm -rf "$empty"' EXIT
: >"$empty/series"
"$REPO/scripts/tree.sh" --force --dest "$KHO_TREE" --patches "$empty" >/dev/null
TREE=$KHO_TREE
for ((i = 0; i < last; i++)); do
	p=${patches[$i]}
	tree_git am -q --committer-date-is-author-date "$REPO/patches/$p"
	[ $((i + 1)) -lt "$first" ] && continue
	for mode in on off; do
		frag=()
		[ $mode = off ] && frag=("$REPO/config/kho-off.config")
		# x86 enables KHO only once its boot handoff is in: build the
		# generic patches before that with the architecture's switch
		# added by hand, so that their code is compiled and linked
		# from the first patch on.
		arch=""
		if [ $mode = on ] && ! grep -q '^config ARCH_SUPPORTS_KEXEC_HANDOVER' \
			"$KHO_TREE/arch/x86/Kconfig"; then
			printf '\nconfig ARCH_SUPPORTS_KEXEC_HANDOVER\n\tdef_bool X86_64\n' \
				>>"$KHO_TREE/arch/x86/Kconfig"
			arch=", x86 switch added for the build"
		fi
		t0=$(date +%s)
		if KHO_BUILD=$series/build-$mode "$REPO/scripts/build-kernel.sh" "${frag[@]}" \
			>"$series/build-$mode.log" 2>&1; then
			echo "ok   $((i + 1))/${#patches[@]} KHO=$mode $p ($(($(date +%s) - t0)) s$arch)"
		else
			echo "FAIL $((i + 1))/${#patches[@]} KHO=$mode $p$arch"
			grep -E 'error|warning' "$series/build-$mode.log" | head -20
			exit 1
		fi
		[ -z "$arch" ] || tree_git checkout -q -- arch/x86/Kconfig
	done
done

ws=$(tree_git diff --check base HEAD || true)
if [ -n "$ws" ]; then
	echo "FAIL whitespace (git diff --check):"
	echo "$ws" | head -20
	exit 1
fi
echo "ok   no whitespace errors (git diff --check)"

# W=1: warnings in the files the series touches, before and after it.
w1() {
	local out=$2 objs
	mapfile -t objs < <(tr ' ' '\n' <<<"$1" | grep . | sed 's/\.c$/.o/')
	(cd "$series/build-on" && make -C "$KHO_TREE" O="$series/build-on" ARCH=x86_64 \
		CC="ccache gcc" W=1 "${objs[@]}" 2>&1 |
		grep -E 'warning:' | sed -E 's/:[0-9]+:[0-9]+:/:/' | sort -u) >"$out" || true
}
files=$(tree_git diff --name-only base HEAD -- '*.c' | grep -v '^tools/\|^arch/x86/boot/' | tr '\n' ' ')
w1 "$files" "$series/w1-top.txt"
top=$(tree_git rev-parse HEAD)
tree_git checkout -q base
existing=$(for f in $files; do [ -f "$KHO_TREE/$f" ] && echo "$f"; done | tr '\n' ' ')
w1 "$existing" "$series/w1-base.txt"
tree_git checkout -q "$top"
new=$(comm -13 "$series/w1-base.txt" "$series/w1-top.txt")
if [ -n "$new" ]; then
	echo "FAIL W=1: new warnings:"
	echo "$new"
	exit 1
fi
echo "ok   W=1 adds no warning in: $files"

# checkpatch.pl --strict on every patch, from the tree (its spelling and
# SPDX checks need it). Debian's python3 first: spdxcheck.py needs its
# python3-ply and python3-git.
# FILE_PATH_CHANGES asks whether MAINTAINERS needs updating for a new
# file; it does not when get_maintainer.pl already maps every file the
# patch adds to the KHO entry, and the question is then dropped.
maintained() {
	local f
	for f in $(awk '/^diff --git /{f=$4} /^new file mode/{sub(/^b\//, "", f); print f}' "$1"); do
		(cd "$KHO_TREE" && scripts/get_maintainer.pl --no-git --no-git-fallback \
			--no-rolestats -f "$f" 2>/dev/null) | grep -q 'kho612@example.org' || return 1
	done
}
bad=0
for p in "${patches[@]}"; do
	ignore=()
	maintained "$REPO/patches/$p" && ignore=(--ignore FILE_PATH_CHANGES)
	out=$(cd "$KHO_TREE" && PATH=/usr/bin:/bin:$PATH \
		scripts/checkpatch.pl --strict -q "${ignore[@]}" "$REPO/patches/$p" 2>&1) || true
	if [ -n "$out" ]; then
		echo "FAIL checkpatch.pl --strict: $p"
		echo "$out" | head -20
		bad=1
	fi
done
[ $bad -eq 0 ] || exit 1
echo "ok   checkpatch.pl --strict: nothing to report on ${#patches[@]} patches"

# kernel-doc on every C file and header the series adds.
mapfile -t added < <(tree_git diff --name-only --diff-filter=A base HEAD -- '*.c' '*.h' |
	grep -v '^tools/')
out=$(cd "$KHO_TREE" && scripts/kernel-doc -none "${added[@]}" 2>&1) || true
if [ -n "$out" ]; then
	echo "FAIL kernel-doc:"
	echo "$out" | head -20
	exit 1
fi
echo "ok   kernel-doc: clean on ${added[*]}"
