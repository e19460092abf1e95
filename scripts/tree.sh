#!/usr/bin/env bash
# Materialise the kernel git tree: the pristine base as one commit, then every
# patch named in patches/series applied with git am, on branch 'kho'.
# Takes: [--force] [--dest DIR] [--patches DIR]. Produces the tree ($TREE by
# default). An existing tree is kept when it already matches patches/; one
# holding work that patches/ lacks is refused unless --force.
set -euo pipefail
. "$(dirname "$0")/common.sh"

force=0
patches=$REPO/patches
while [ $# -gt 0 ]; do
	case $1 in
	--force) force=1 ;;
	--dest) TREE=$2; shift ;;
	--patches) patches=$2; shift ;;
	*) die "tree.sh: unknown argument $1" ;;
	esac
	shift
done

# make check, make demo, make bench and make check-debug share one tree:
# one materialisation at a time (the lock goes with the process).
mkdir -p "$(dirname "$TREE")"
exec 9>"$TREE.lock"
flock 9

if [ -d "$TREE/.git" ]; then
	if KHO_TREE=$TREE "$REPO/scripts/export.sh" --check --patches "$patches" >/dev/null 2>&1; then
		echo "$TREE"
		exit 0
	fi
	if [ $force -eq 0 ]; then
		KHO_TREE=$TREE "$REPO/scripts/export.sh" --check --patches "$patches" || true
		die "$TREE differs from $patches. Keep its work with 'make export'," \
			"or discard it and rebuild from patches/ with 'make tree FORCE=1'."
	fi
fi

"$REPO/scripts/fetch-base.sh" >/dev/null
info "materialising the kernel tree in $TREE"
if [ -d "$TREE/.git" ]; then
	# Reset in place: far faster than a new checkout of 86k files.
	tree_git am --abort >/dev/null 2>&1 || true
	tree_git checkout -q -f -B kho base
	tree_git clean -q -f -d -x
else
	rm -rf "$TREE"
	mkdir -p "$(dirname "$TREE")"
	git clone -q --shared --branch base "$BASE_GIT" "$TREE"
	tree_git checkout -q -b kho
	tree_git config user.name "$GIT_COMMITTER_NAME"
	tree_git config user.email "$GIT_COMMITTER_EMAIL"
fi

n=0
while read -r p; do
	case $p in ''|'#'*) continue ;; esac
	[ -f "$patches/$p" ] || die "patches/series names $p, which does not exist"
	if ! out=$(tree_git am -q --committer-date-is-author-date "$patches/$p" 2>&1); then
		printf '%s\n' "$out" >&2
		tree_git am --abort >/dev/null 2>&1 || true
		die "patch $p does not apply to the tree (base $BASE_VERSION + $n patches before it)"
	fi
	n=$((n + 1))
done <"$patches/series"
info "applied $n patches on top of $BASE_PKG $BASE_VERSION"
echo "$TREE"
