#!/usr/bin/env bash
# Fetch a pinned kernel source package from Debian without touching the
# machine's apt setup (private sources, lists and cache), check its sha256
# and unpack it. By default the base, trixie's linux-source-6.12, which
# becomes a git repository with one commit; with --peer the mainline kernel
# used for interoperability tests (trixie-backports), unpacked as it is.
# Takes: [--peer]. Prints the path of $BASE_GIT, or of the peer's source.
set -euo pipefail
. "$(dirname "$0")/common.sh"

apt_dir=$KHO_CACHE/apt

apt_private() {
	mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
	cat >"$apt_dir/trixie.sources" <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie trixie-updates trixie-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: trixie-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	"$@" -o Dir::Etc::SourceList="$apt_dir/trixie.sources" \
		-o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$apt_dir/lists" \
		-o Dir::Cache="$apt_dir/cache" \
		-o Dir::State::status=/dev/null \
		-o APT::Architecture=amd64 \
		-o APT::Sandbox::User=root
}

# fetch_deb PKG VERSION SHA256 DIR: download the pinned .deb into DIR.
fetch_deb() {
	local pkg=$1 version=$2 sha=$3 dir=$4
	local deb=$dir/${pkg}_${version}_all.deb

	mkdir -p "$dir"
	if [ -f "$deb" ] && echo "$sha  $deb" | sha256sum -c --status; then
		echo "$deb"
		return
	fi
	info "fetching $pkg $version into $dir"
	apt_private apt-get -q update >/dev/null
	if ! apt_private apt-cache madison "$pkg" 2>/dev/null |
		awk -F' *[|] *' -v v="$version" '$2 == v { found = 1 } END { exit !found }'; then
		{
			echo "error: $pkg $version is no longer in the trixie registry."
			echo "Versions available now:"
			apt_private apt-cache madison "$pkg" | sed 's/^/  /'
			echo "To re-pin: set the version and sha256 in scripts/common.sh"
			echo "(sha256 from: apt-cache show $pkg=<version> with the same"
			echo "private options), then refresh patches/ with 'make tree export'."
		} >&2
		exit 1
	fi
	rm -f "$deb"
	(cd "$dir" && apt_private apt-get -q download "$pkg=$version" >/dev/null)
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

if [ "${1:-}" = --peer ]; then
	dir=$KHO_CACHE/peer/$PEER_VERSION
	if [ ! -f "$dir/src/kho-peer-done" ]; then
		deb=$(fetch_deb "$PEER_PKG" "$PEER_VERSION" "$PEER_SHA256" "$dir")
		rm -rf "$dir/src"
		unpack "$deb" "$PEER_PKG" "$dir/src"
		rm -f "$deb"
		touch "$dir/src/kho-peer-done"
	fi
	echo "$dir/src"
	exit 0
fi

stamp=$BASE_GIT/kho-base-done
if [ -f "$stamp" ]; then
	echo "$BASE_GIT"
	exit 0
fi
deb=$(fetch_deb "$BASE_PKG" "$BASE_VERSION" "$BASE_SHA256" "$BASE_DIR")

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
