#!/usr/bin/env bash
# Move the base pin to another Debian linux-source-6.12 release, or only
# check that patches/series applies to one. VERSION is one the registry
# has (trixie, trixie-updates, trixie-security), or "newest"; its sha256
# comes from the registry's signed index and the download is checked
# against it; the base is imported and cached like the pinned one.
# Takes: [--check | --continue] [--force] VERSION.
#   default: apply the series with git am -3 in a scratch tree of its own
#     ($KHO_WORK/rebase/linux); when every patch applies, set BASE_VERSION
#     and BASE_SHA256 in scripts/common.sh and say how to refresh patches/;
#     when one does not, stop at it, name it and leave the tree as git am
#     left it, with how to finish by hand. --force discards such a tree.
#   --continue: after finishing git am by hand, move the pin.
#   --check: nothing changes; plain git am, as make tree applies, in a
#     sparse scratch tree ($KHO_WORK/newest/linux, only the files the series
#     touches); prints "applies VERSION" or "stops VERSION PATCH". The
#     answer is cached per version and series.
# Exits 1, saying why, when the registry or the download fails.
set -euo pipefail
. "$(dirname "$0")/common.sh"

# next_steps: what to run once the series sits on the new pin in $dir.
next_steps() {
	cat <<EOF
  KHO_TREE=$dir make export
  make tree FORCE=1       # discards your tree's unexported work: make export-check first
  make check
  git add patches scripts/common.sh && git commit
EOF
}

mode='rebase' force=0 want=''
while [ $# -gt 0 ]; do
	case $1 in
	--check) mode='check' ;;
	--continue) mode='continue' ;;
	--force) force=1 ;;
	-*) die "rebase.sh: unknown option $1" ;;
	*) [ -z "$want" ] || die "rebase.sh: one VERSION only"; want=$1 ;;
	esac
	shift
done
if [ -z "$want" ]; then
	newest=$("$REPO/scripts/fetch-base.sh" --registry) || exit 1
	die "usage: make rebase BASE=<version> (or BASE=newest); the pin is" \
		"$BASE_VERSION, the newest $BASE_PKG in the registry ${newest%% *}" \
		"(all: apt-cache madison $BASE_PKG with the private options of scripts/fetch-base.sh)"
fi

patches=$REPO/patches
series=()
while read -r p; do
	case $p in '' | '#'*) continue ;; esac
	[ -f "$patches/$p" ] || die "patches/series names $p, which does not exist"
	series+=("$p")
done <"$patches/series"
[ ${#series[@]} -gt 0 ] || die "patches/series lists no patch"
files=("${series[@]/#/$patches/}")

# g DIR ARGS...: git in a scratch tree.
g() { local d=$1; shift; git -C "$d" "$@"; }

am_in_progress() { [ -d "$1/.git/rebase-apply" ]; }

# valid_next N: N (git am's rebase-apply/next) names a patch of the series.
valid_next() { [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ] && [ "$1" -le ${#series[@]} ]; }

# scratch_tree DIR VERSION SHA256 [PATHS_FILE]: DIR as a git tree of base
# VERSION (fetched and imported if need be) on a fresh branch kho, with no
# git am in progress. With PATHS_FILE only those paths are checked out.
scratch_tree() {
	local dir=$1 ver=$2 sha=$3 paths=${4:-} base_git
	base_git=$(KHO_BASE_VERSION=$ver KHO_BASE_SHA256=$sha "$REPO/scripts/fetch-base.sh") ||
		die "cannot fetch $BASE_PKG $ver"
	if [ -d "$dir/.git" ] && [ "$(g "$dir" config kho.base || true)" = "$ver $sha" ]; then
		g "$dir" am --abort >/dev/null 2>&1 || true
	else
		rm -rf "$dir"
		mkdir -p "$(dirname "$dir")"
		git clone -q --shared --no-checkout --branch base "$base_git" "$dir"
		g "$dir" config kho.base "$ver $sha"
		g "$dir" config user.name "$GIT_COMMITTER_NAME"
		g "$dir" config user.email "$GIT_COMMITTER_EMAIL"
		# 86k files: a split index halves the time git am takes.
		g "$dir" config core.splitIndex true
	fi
	if [ -n "$paths" ]; then
		g "$dir" sparse-checkout set --no-cone --stdin <"$paths"
	fi
	g "$dir" checkout -q -f -B kho base
	g "$dir" clean -q -f -d -x
}

# series_paths: every path the series touches, as sparse-checkout patterns.
series_paths() {
	awk '/^diff --git a\// {
		sub(/^diff --git a\//, "")
		n = index($0, " b/")
		print "/" substr($0, 1, n - 1)
		print "/" substr($0, n + 3)
	}' "${files[@]}" | sort -u
}

# set_pin VERSION SHA256: the pin lines of scripts/common.sh.
set_pin() {
	local f=$REPO/scripts/common.sh
	sed -i -e "s|^BASE_VERSION=\${KHO_BASE_VERSION:-[^}]*}$|BASE_VERSION=\${KHO_BASE_VERSION:-$1}|" \
		-e "s|^BASE_SHA256=\${KHO_BASE_SHA256:-[0-9a-f]*}$|BASE_SHA256=\${KHO_BASE_SHA256:-$2}|" "$f"
	if ! grep -qxF "BASE_VERSION=\${KHO_BASE_VERSION:-$1}" "$f" ||
		! grep -qxF "BASE_SHA256=\${KHO_BASE_SHA256:-$2}" "$f"; then
		die "could not find the pin lines in $f; set BASE_VERSION to $1 and BASE_SHA256 to $2 by hand"
	fi
	info "scripts/common.sh: BASE_VERSION=$1, BASE_SHA256=$2"
	[ -z "${KHO_BASE_VERSION:-}${KHO_BASE_SHA256:-}" ] ||
		warn "KHO_BASE_VERSION or KHO_BASE_SHA256 is set in your environment and overrides the pin: unset it"
}

# ---- --continue: the scratch tree was finished by hand; move the pin.
if [ $mode = continue ]; then
	dir=$KHO_WORK/rebase/linux
	[ -d "$dir/.git" ] || die "no make rebase to continue: $dir does not exist"
	read -r tver tsha <<<"$(g "$dir" config kho.base || true)"
	[ "${tver:-}" = "$want" ] || [ "$want" = newest ] ||
		die "$dir is a rebase onto ${tver:-nothing}, not $want"
	am_in_progress "$dir" &&
		die "git am has not finished in $dir: fix, git add -u, git am --continue there first" \
			"(git am --skip drops a patch, git am --show-current-patch=diff shows it)"
	[ -z "$(g "$dir" status --porcelain --untracked-files=no)" ] ||
		die "$dir has uncommitted changes: commit them (git commit --amend into their patch) first"
	n=$(g "$dir" rev-list --count base..HEAD)
	info "$dir: $n commits on $BASE_PKG $tver (patches/series has ${#series[@]})"
	set_pin "$tver" "$tsha"
	g "$dir" config --unset kho.stopped || true
	{
		echo "The pin is now $tver. Write the rebased series to patches/ from that tree,"
		echo "then rebuild your own tree from it and test:"
		next_steps
	} >&2
	exit 0
fi

reg=$("$REPO/scripts/fetch-base.sh" --registry "${want/#newest/}") || exit 1
read -r ver sha <<<"$reg"

# ---- --check: does the series apply as it is, with plain git am?
if [ $mode = check ]; then
	root=$KHO_WORK/newest
	mkdir -p "$root"
	exec 9>"$root.lock"
	flock 9
	key="$ver $sha $(cat "$patches/series" "${files[@]}" | sha256sum | cut -c1-64) $(git --version)"
	if [ "$(head -n 1 "$root/result" 2>/dev/null)" = "$key" ]; then
		info "the series against $ver: known from an earlier run ($root/result)"
		sed -n '3,$p' "$root/result" >&2
		sed -n 2p "$root/result"
		exit 0
	fi
	series_paths >"$root/paths"
	scratch_tree "$root/linux" "$ver" "$sha" "$root/paths"
	errors=''
	if out=$(g "$root/linux" am -q --committer-date-is-author-date "${files[@]}" 2>&1); then
		result="applies $ver"
	else
		# git am's own hints are about this throwaway tree: only the errors.
		errors=$(grep '^error: ' <<<"$out" || printf '%s\n' "$out")
		printf '%s\n' "$errors" >&2
		next=$(cat "$root/linux/.git/rebase-apply/next" 2>/dev/null || echo 0)
		g "$root/linux" am --abort >/dev/null 2>&1 || true
		valid_next "$next" || die "git am failed in $root/linux before any patch (see above)"
		result="stops $ver ${series[next - 1]}"
	fi
	printf '%s\n' "$key" "$result" ${errors:+"$errors"} >"$root/result"
	echo "$result"
	exit 0
fi

# ---- make rebase BASE=VERSION
[ "$ver" != "$BASE_VERSION" ] || die "$ver is already the pin"
dpkg --compare-versions "$ver" gt "$BASE_VERSION" ||
	warn "$ver is older than the pin $BASE_VERSION"
dir=$KHO_WORK/rebase/linux
mkdir -p "$KHO_WORK"
exec 9>"$KHO_WORK/rebase.lock"
flock 9
# A tree a stopped make rebase left (in git am, or finished by hand but
# not yet continued) holds work: keep it unless --force.
if [ -d "$dir/.git" ] && [ -n "$(g "$dir" config kho.stopped || true)" ] && [ $force -eq 0 ]; then
	tver=$(g "$dir" config kho.base | cut -d' ' -f1)
	die "$dir holds a make rebase onto $tver that stopped at a patch: finish it" \
		"(cd there, fix, git add -u, git am --continue, then make rebase BASE=$tver CONTINUE=1)" \
		"or discard it with make rebase BASE=$want FORCE=1"
fi
info "rebasing ${#series[@]} patches from $BASE_PKG $BASE_VERSION onto $ver in $dir"
pin_git=$("$REPO/scripts/fetch-base.sh") || die "cannot fetch the pinned base $BASE_VERSION"
scratch_tree "$dir" "$ver" "$sha"
g "$dir" config --unset kho.stopped || true

# git am -3 rebuilds each patch's preimage from the blob ids on its "index"
# lines: the pinned base's blobs and those the series makes from them.
# Make them all here, in a throwaway index, so that a 3-way merge can run
# for any patch.
alt=$dir/.git/objects/info/alternates
grep -qxF "$pin_git/objects" "$alt" || echo "$pin_git/objects" >>"$alt"
idx=$(mktemp)
trap 'rm -f "$idx"' EXIT
GIT_INDEX_FILE=$idx g "$dir" read-tree "$(git -C "$pin_git" rev-parse base)"
for f in "${files[@]}"; do
	GIT_INDEX_FILE=$idx g "$dir" apply --cached "$f" 2>/dev/null ||
		{ warn "${f##*/} does not apply to the pin either: 3-way merges from there on may fail"; break; }
done

log=$LOGS/rebase-$ver.log
mkdir -p "$LOGS"
if g "$dir" am -3 --committer-date-is-author-date "${files[@]}" >"$log" 2>&1; then
	# Which patches needed the 3-way merge, i.e. would stop plain git am.
	merged=$(awk '/^Applying: / { n++ } /^Falling back to patching base and 3-way merge/ { print n }' "$log" |
		while read -r i; do echo "${series[i - 1]}"; done)
	info "all ${#series[@]} patches apply to $ver (log $log)"
	set_pin "$ver" "$sha"
	if [ -z "$merged" ]; then
		cat >&2 <<EOF
Every patch applies as it is. Refresh patches/ against the new base, test,
commit:
  make tree FORCE=1 && make export
  make check
  git add patches scripts/common.sh && git commit
(make tree FORCE=1 discards your tree's unexported work: make export-check first.)
EOF
	else
		{
			echo "These needed a 3-way merge (plain git am, as make tree applies, stops at them):"
			echo "  ${merged//$'\n'/$'\n'  }"
			echo "So write patches/ from the rebased tree, rebuild your own tree, test, commit:"
			next_steps
		} >&2
	fi
	exit 0
fi

next=$(cat "$dir/.git/rebase-apply/next" 2>/dev/null || echo 0)
if ! valid_next "$next"; then
	cat "$log" >&2
	die "git am failed in $dir before any patch (see above)"
fi
g "$dir" config kho.stopped "${series[next - 1]}"
grep -E '^(error|CONFLICT|Patch failed)|^[A-Z]+ ' "$log" | tail -n 20 >&2 || true
cat >&2 <<EOF
error: patch ${series[next - 1]} does not apply to $BASE_PKG $ver, even with
a 3-way merge (patches 1 to $((next - 1)) of ${#series[@]} applied). The pin is unchanged.
git am stopped in $dir and left it for you (log $log). To finish by hand:
  cd $dir
  git status                          # the conflicts; git am --show-current-patch=diff shows the patch
  # fix the files, then (Debian's .gitignore ignores every top-level path:
  # git add -u, or git add -f FILE)
  git add -u
  git am --continue                   # applies the rest; repeat for each patch that stops
                                      # (git am --skip drops a patch the new base already has)
then, in $REPO:
  make rebase BASE=$ver CONTINUE=1    # checks the tree and moves the pin; it says what then
To start over: make rebase BASE=$ver FORCE=1. To give up: rm -rf $dir
EOF
exit 1
