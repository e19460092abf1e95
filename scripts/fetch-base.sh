#!/usr/bin/env bash
# Fetch the pinned base kernel, Debian trixie's linux-source-6.12, without
# touching the machine's apt setup (private sources, lists and cache), check
# its sha256, and turn it into a git repository with one commit: the base.
# Takes nothing; produces $BASE_GIT (bare) and prints its path.
set -euo pipefail
. "$(dirname "$0")/common.sh"

stamp=$BASE_GIT/kho-base-done
if [ -f "$stamp" ]; then
	echo "$BASE_GIT"
	exit 0
fi

mkdir -p "$BASE_DIR"
deb=$BASE_DIR/${BASE_PKG}_${BASE_VERSION}_all.deb
apt_dir=$KHO_CACHE/apt

apt_private() {
	mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
	cat >"$apt_dir/trixie.sources" <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie trixie-updates
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

if [ ! -f "$deb" ] || ! echo "$BASE_SHA256  $deb" | sha256sum -c --status; then
	info "fetching $BASE_PKG $BASE_VERSION (trixie) into $BASE_DIR"
	apt_private apt-get -q update >/dev/null
	if ! apt_private apt-cache madison "$BASE_PKG" 2>/dev/null |
		awk -F' *[|] *' -v v="$BASE_VERSION" '$2 == v { found = 1 } END { exit !found }'; then
		{
			echo "error: $BASE_PKG $BASE_VERSION is no longer in the trixie registry."
			echo "Versions available now:"
			apt_private apt-cache madison "$BASE_PKG" | sed 's/^/  /'
			echo "To re-pin: set BASE_VERSION and BASE_SHA256 in scripts/common.sh"
			echo "(sha256 from: apt-cache show $BASE_PKG=<version> with the same"
			echo "private options), then refresh patches/ with 'make tree export'."
		} >&2
		exit 1
	fi
	rm -f "$deb"
	(cd "$BASE_DIR" && apt_private apt-get -q download "$BASE_PKG=$BASE_VERSION" >/dev/null)
	echo "$BASE_SHA256  $deb" | sha256sum -c --status ||
		die "$deb: sha256 is $(sha256sum "$deb" | cut -d' ' -f1), pinned $BASE_SHA256"
fi

info "unpacking the base and committing it to $BASE_GIT"
src=$BASE_DIR/src
rm -rf "$src" "$BASE_GIT"
mkdir -p "$src"
dpkg-deb --fsys-tarfile "$deb" |
	tar -xO "./usr/src/$BASE_PKG.tar.xz" | tar -xJ -C "$src" --strip-components=1

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
