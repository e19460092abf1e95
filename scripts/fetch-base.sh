#!/usr/bin/env bash
# Fetch a pinned kernel source package from Debian without touching the
# machine's apt setup (private sources, lists and cache per suite), check
# its sha256 and unpack it. By default the base, trixie's
# linux-source-6.12, which becomes a git repository with one commit; with
# --peer NAME one of the mainline kernels used for interoperability tests
# (PEERS in scripts/common.sh: 7.2 from sid, 7.3 from trixie-backports),
# unpacked as it is under $KHO_CACHE/peer/<version>/src. With --registry
# it fetches nothing: it asks the registry (trixie, trixie-updates,
# trixie-security) for linux-source-6.12 VERSION, or the newest it has.
# Takes: [--peer NAME | --registry [VERSION]]. Prints the path of $BASE_GIT,
# or of the peer's source; with --registry "VERSION SHA256" (the sha256 from
# the registry's signed index; the download is checked against it).
set -euo pipefail
. "$(dirname "$0")/common.sh"

apt_dir=$KHO_CACHE/apt

# apt_private SUITE CMD...: run apt command CMD with a sources list of
# Debian's SUITE alone (a stable release also gets its -updates and
# -security suites), with lists and cache of its own under
# $apt_dir/SUITE, and nothing of the machine's apt state. One apt command
# per suite at a time: apt-get update fails when another holds the lists.
apt_private() {
	local suite=$1 d=$apt_dir/$1
	shift
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
	case $suite in
	*-* | sid | unstable | experimental)
		printf '%s\n' "Types: deb" "URIs: http://deb.debian.org/debian" \
			"Suites: $suite" "Components: main" \
			"Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" ;;
	*)
		printf '%s\n' "Types: deb" "URIs: http://deb.debian.org/debian" \
			"Suites: $suite $suite-updates" "Components: main" \
			"Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" "" \
			"Types: deb" "URIs: http://deb.debian.org/debian-security" \
			"Suites: $suite-security" "Components: main" \
			"Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" ;;
	esac >"$d/debian.sources"
	flock "$d.lock" "$@" -o Dir::Etc::SourceList="$d/debian.sources" \
		-o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$d/lists" \
		-o Dir::Cache="$d/cache" \
		-o Dir::State::status=/dev/null \
		-o APT::Architecture=amd64 \
		-o APT::Sandbox::User=root
}

# fetch_deb PKG VERSION SHA256 SUITE DIR PIN THEN: download the pinned .deb
# from SUITE into DIR and check it. When SUITE no longer has VERSION, fail
# with the versions it has, how to re-pin (PIN: what to set) and THEN what
# to run.
fetch_deb() {
	local pkg=$1 version=$2 sha=$3 suite=$4 dir=$5 pin=$6 then=$7
	local deb=$dir/${pkg}_${version}_all.deb

	mkdir -p "$dir"
	if [ -f "$deb" ] && echo "$sha  $deb" | sha256sum -c --status; then
		echo "$deb"
		return
	fi
	info "fetching $pkg $version from $suite into $dir"
	# (fetch_deb runs in $(...), where set -e does not hold: check each step.)
	apt_private "$suite" apt-get -q update >/dev/null || die "apt-get update for $suite failed"
	if ! apt_private "$suite" apt-cache madison "$pkg" 2>/dev/null |
		awk -F' *[|] *' -v v="$version" '$2 == v { found = 1 } END { exit !found }'; then
		rmdir "$dir" 2>/dev/null || true
		{
			echo "error: $pkg $version is no longer in the $suite registry."
			echo "Versions available now:"
			apt_private "$suite" apt-cache madison "$pkg" | sed 's/^/  /'
			echo "To re-pin: set $pin in scripts/common.sh to one of them"
			echo "(its sha256: apt-cache show $pkg=<version> with the private"
			echo "options of scripts/fetch-base.sh, sources $apt_dir/$suite/debian.sources),"
			echo "then $then."
		} >&2
		exit 1
	fi
	rm -f "$deb"
	(cd "$dir" && apt_private "$suite" apt-get -q download "$pkg=$version" >/dev/null) ||
		die "apt-get download $pkg=$version failed"
	echo "$sha  $deb" | sha256sum -c --status ||
		die "$deb: sha256 is $(sha256sum "$deb" | cut -d' ' -f1), pinned $sha"
	echo "$deb"
}

# unpack DEB PKG DEST: the source tarball inside the .deb, into DEST.
unpack() {
	mkdir -p "$3"
	dpkg-deb --fsys-tarfile "$1" |
		tar -xO "./usr/src/$2.tar.xz" | tar -xJ -C "$3" --strip-components=1
}

# fetch_peer NAME: the source of mainline peer NAME, fetched and unpacked
# once; prints its path.
fetch_peer() {
	local dir deb
	peer_pin "$1"
	dir=$KHO_CACHE/peer/$PEER_VERSION
	# One fetch of a peer at a time (make check prefetches them while it
	# builds ours; its interop tests then wait here for the rest).
	mkdir -p "$KHO_CACHE/peer"
	exec 7>"$dir.lock"
	flock 7
	if [ ! -f "$dir/src/kho-peer-done" ]; then
		deb=$(fetch_deb "$PEER_PKG" "$PEER_VERSION" "$PEER_SHA256" "$PEER_SUITE" "$dir" \
			"peer $1's version and sha256 in peer_pin" \
			"run 'make check T=\"interop mainline\"'")
		info "unpacking $PEER_PKG $PEER_VERSION into $dir/src"
		rm -rf "$dir/src"
		unpack "$deb" "$PEER_PKG" "$dir/src"
		rm -f "$deb"
		touch "$dir/src/kho-peer-done"
	fi
	echo "$dir/src"
}

# registry [VERSION]: print "VERSION SHA256" of $BASE_PKG VERSION as the
# trixie registry has it now (trixie, -updates, -security), or of the
# newest version it has. Fails when the registry cannot be reached: stale
# lists would give a stale answer.
registry() {
	local want=${1:-} out versions v best='' sha
	# Error-Mode=any: apt-get update otherwise exits 0 when a fetch fails
	# and keeps the old lists.
	if ! out=$(apt_private trixie apt-get -q -o APT::Update::Error-Mode=any update 2>&1); then
		die "cannot reach Debian's package registry (apt-get update of trixie," \
			"trixie-updates and trixie-security failed):"$'\n'"$(grep '^E:' <<<"$out" | head -n 5)"
	fi
	versions=$(apt_private trixie apt-cache madison "$BASE_PKG" |
		awk -F' *[|] *' '{ print $2 }' | sort -u)
	[ -n "$versions" ] || die "the trixie registry has no $BASE_PKG at all"
	if [ -n "$want" ]; then
		grep -qxF -- "$want" <<<"$versions" ||
			die "$BASE_PKG $want is not in the trixie registry; it has: ${versions//$'\n'/ }"
		best=$want
	else
		for v in $versions; do
			if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then best=$v; fi
		done
	fi
	# The same version can be in two suites (trixie and trixie-security):
	# one file, one sha256.
	sha=$(apt_private trixie apt-cache show "$BASE_PKG=$best" |
		awk '$1 == "SHA256:" { print $2 }' | sort -u)
	[[ $sha =~ ^[0-9a-f]{64}$ ]] ||
		die "the registry gives no single sha256 for $BASE_PKG $best: '${sha//$'\n'/ }'"
	echo "$best $sha"
}

usage="usage: fetch-base.sh [--peer NAME | --registry [VERSION]] (peers: $PEERS)"
case ${1:-} in
--peer)
	[ $# -eq 2 ] || die "$usage"
	fetch_peer "$2"
	exit 0 ;;
--registry)
	[ $# -le 2 ] || die "$usage"
	registry "${2:-}"
	exit 0 ;;
'') ;;
*) die "$usage" ;;
esac

# One import of a version at a time (make check in two checkouts, its
# newest-6.12 check and make rebase may want the same one).
mkdir -p "$KHO_CACHE/base"
exec 8>"$BASE_DIR.lock"
flock 8
stamp=$BASE_GIT/kho-base-done
if [ -f "$stamp" ]; then
	echo "$BASE_GIT"
	exit 0
fi
deb=$(fetch_deb "$BASE_PKG" "$BASE_VERSION" "$BASE_SHA256" trixie "$BASE_DIR" \
	"BASE_VERSION and BASE_SHA256" \
	"refresh patches/ with 'make tree FORCE=1 && make export' ('make rebase BASE=<version>' re-pins for you and says what to run)")

info "unpacking the base and committing it to $BASE_GIT"
src=$BASE_DIR/src
rm -rf "$src" "$BASE_GIT"
unpack "$deb" "$BASE_PKG" "$src"

git init -q --bare "$BASE_GIT"
export GIT_DIR=$BASE_GIT GIT_WORK_TREE=$src
# -f: the tarball is what Debian ships; .gitignore must not drop any of it.
n=$(cd "$src" && git add -A -f && git ls-files | wc -l)
[ "$n" -gt 50000 ] || die "base import holds only $n files; the tarball looks truncated"
date="2000-01-01T00:00:00Z"
tree=$(git write-tree)
commit=$(GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date \
	GIT_AUTHOR_NAME="Debian kernel team" GIT_AUTHOR_EMAIL=debian-kernel@lists.debian.org \
	git commit-tree "$tree" -m "Linux $BASE_VERSION (Debian $BASE_PKG, trixie)")
git update-ref refs/heads/base "$commit"
git symbolic-ref HEAD refs/heads/base
unset GIT_DIR GIT_WORK_TREE
rm -rf "$src"
touch "$stamp"
echo "$BASE_GIT"
