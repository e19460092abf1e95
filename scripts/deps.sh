#!/usr/bin/env bash
# Install the Debian packages the build, the guests and the tests need.
# Takes: [PACKAGE ...] needed on top (e.g. gnuplot-nox for make bench).
# Installs only what is missing (apt-get update runs only then).
set -euo pipefail

pkgs=(
	build-essential bc bison flex libelf-dev libssl-dev cpio xz-utils
	ccache git python3 python3-ply python3-git rsync kmod
	qemu-system-x86 kexec-tools busybox-static device-tree-compiler
	liburcu-dev clang libclang-rt-dev
	"$@"
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "==> installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q >/dev/null
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
