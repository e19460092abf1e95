#!/usr/bin/env bash
# Export the kernel tree's commits (base..kho) to patches/ as git format-patch
# files plus a quilt-style series file. The output depends only on the commits
# (no hashes, no dates that change on their own), so an unchanged tree
# re-exports byte for byte. patches/0000-cover-letter.patch is kept as is.
# Takes: [--check] [--patches DIR]. With --check nothing is written: exits 1,
# saying what differs, when the tree holds commits or changes patches/ lacks.
set -euo pipefail
. "$(dirname "$0")/common.sh"

check=0
patches=$REPO/patches
while [ $# -gt 0 ]; do
	case $1 in
	--check) check=1 ;;
	--patches) patches=$2; shift ;;
	*) die "export.sh: unknown argument $1" ;;
	esac
	shift
done

if [ ! -d "$TREE/.git" ]; then
	[ $check -eq 1 ] && exit 0
	die "no kernel tree at $TREE (make tree)"
fi
# In the middle of a rebase or git am, HEAD is only part of the series.
for d in rebase-merge rebase-apply; do
	[ -d "$TREE/.git/$d" ] &&
		die "$TREE is in the middle of a git rebase or git am: finish or abort it first"
done

# Write the series of base..HEAD into directory $1.
export_to() {
	local out=$1
	local count
	count=$(tree_git rev-list --count base..HEAD)
	mkdir -p "$out"
	: >"$out/series"
	[ "$count" -eq 0 ] && return 0
	tree_git format-patch -q --zero-commit --no-signature --numbered \
		--abbrev=12 --no-binary -o "$out" base..HEAD
	local f
	for f in "$out"/[0-9][0-9][0-9][0-9]-*.patch; do
		case ${f##*/} in 0000-*) ;; *) echo "${f##*/}" ;; esac
	done >"$out/series"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export_to "$tmp/new"

if [ $check -eq 1 ]; then
	bad=0
	# --ignored: Debian's .gitignore ignores every top-level path, so a
	# new file in the tree is "ignored", not "untracked".
	# Build products of in-tree harnesses (tools/testing/...) are ignored
	# by their own .gitignore, which git does not read under Debian's.
	dirty=$(tree_git status --porcelain --ignored |
		python3 "$REPO/scripts/build-products.py" "$TREE")
	if [ -n "$dirty" ]; then
		echo "$TREE has changes that are not committed (commit, then make export):"
		printf '%s\n' "$dirty" | head -n 10 | sed 's/^/  /'
		bad=1
	fi
	mkdir -p "$tmp/old"
	for f in "$patches"/series "$patches"/[0-9][0-9][0-9][0-9]-*.patch; do
		[ -f "$f" ] || continue
		case $(basename "$f") in 0000-*) continue ;; esac
		cp "$f" "$tmp/old/"
	done
	if ! diff -r -q "$tmp/old" "$tmp/new" >"$tmp/diff"; then
		echo "$TREE (branch kho) and $patches differ (make export writes the tree's series):"
		sed -e "s|$tmp/old|patches|g" -e "s|$tmp/new|tree|g" -e 's/^/  /' "$tmp/diff" | head -n 10
		bad=1
	fi
	exit $bad
fi

# The cover letter is written by hand down to its shortlog line
# ("Author (N):"), apart from its "Patches" section; the subject's patch
# count, that section (the numbered subjects), the shortlog and the
# diffstat are regenerated here, so that no number in it can drift. The
# prose names patches by subject, never by number.
update_cover() {
	local cover=$1 n
	[ -f "$cover" ] || return 0
	n=$(tree_git rev-list --count base..HEAD)
	tree_git log --reverse --format=%s base..HEAD |
		awk '{ printf "%2d  %s\n", NR, $0 }' >"$tmp/list"
	{
		sed -e "s/^Subject: \[PATCH 0*\/[0-9]*\]/Subject: [PATCH 00\/$n]/" \
			-e '/^[^ ].* ([0-9]*):$/,$d' "$cover" |
			awk -v list="$tmp/list" '
				/^Patches$/ { print; getline; print; while ((getline l < list) > 0) print l; skip = 1; next }
				skip && /^$/ { skip = 0 }
				!skip'

		tree_git shortlog base..HEAD
		tree_git diff --stat=72 --summary base..HEAD
		echo
		echo "base-commit: Debian $BASE_PKG $BASE_VERSION"
		echo "-- "
		echo "KHO for 6.12"
	} >"$tmp/cover"
	mv "$tmp/cover" "$cover"
}

mkdir -p "$patches"
find "$patches" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' ! -name '0000-*' -delete
cp "$tmp/new"/* "$patches/"
update_cover "$patches/0000-cover-letter.patch"
info "exported $(wc -l <"$patches/series") patches to $patches"
