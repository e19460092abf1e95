#!/usr/bin/env bash
# Configure and build the kernel tree out of tree with ccache.
# Config: tinyconfig + config/kho.config (+ any extra fragments given as
# arguments), regenerated only when a fragment changes. Fails, naming the
# option, when a fragment line did not survive olddefconfig.
# Takes: [fragment ...]. Produces $BUILD/arch/x86/boot/bzImage and modules.
set -euo pipefail
. "$(dirname "$0")/common.sh"

frags=("$REPO/config/kho.config" "$@")
[ -f "$TREE/Makefile" ] || die "no kernel tree at $TREE (make tree)"
mkdir -p "$BUILD"

kmake() {
	make -C "$TREE" O="$BUILD" ARCH=x86_64 CC="ccache gcc" HOSTCC="ccache gcc" \
		LOCALVERSION= KBUILD_BUILD_USER=kho KBUILD_BUILD_HOST=qemu \
		KBUILD_BUILD_TIMESTAMP="2000-01-01" -j"$(nproc)" "$@"
}

# Every CONFIG_ line of the fragments must be in .config exactly as written;
# where fragments disagree, the later one wins, as in merge_config.sh.
check_config() {
	local cfg=$1 frag line name bad=0
	local -A want from
	local -a order=()
	shift
	for frag in "$@"; do
		while IFS= read -r line; do
			case $line in
			CONFIG_*=*) name=${line%%=*} ;;
			'# CONFIG_'*' is not set') name=${line#\# }; name=${name%% *} ;;
			*) continue ;;
			esac
			[ -n "${want[$name]+set}" ] || order+=("$name")
			want[$name]=$line
			from[$name]=$frag
		done <"$frag"
	done
	for name in "${order[@]}"; do
		line=${want[$name]}
		if ! grep -qxF -- "$line" "$cfg"; then
			echo "error: $(basename "${from[$name]}"): '$line' did not survive olddefconfig" \
				"(.config has: $(grep -E "^(# )?${name}[= ]" "$cfg" || echo 'nothing'))" >&2
			bad=1
		fi
	done
	return $bad
}

if [ "${1:-}" = --check-config ]; then
	shift
	check_config "$@"
	exit
fi

# One kernel build at a time on this machine (two checkouts, make check and
# a developer's build, helpers): the others wait here.
mkdir -p "$KHO_CACHE"
exec 9>"$KHO_CACHE/build.lock"
flock 9

sum=$(cat "${frags[@]}" "$TREE/Makefile" | sha256sum | cut -c1-16)
if [ "$(cat "$BUILD/.kho-config-sum" 2>/dev/null)" != "$sum" ] || [ ! -f "$BUILD/.config" ]; then
	info "configuring: tinyconfig + ${frags[*]##*/}"
	kmake -s tinyconfig >/dev/null
	KCONFIG_CONFIG=$BUILD/.config "$TREE/scripts/kconfig/merge_config.sh" \
		-m -O "$BUILD" "$BUILD/.config" "${frags[@]}" >/dev/null
	kmake -s olddefconfig >/dev/null
	# KHO_CONFIG_LENIENT=1 (scripts/check-series.sh): early patches of the
	# series lack some options; report them, do not stop.
	check_config "$BUILD/.config" "${frags[@]}" || [ "${KHO_CONFIG_LENIENT:-0}" = 1 ] ||
		die "kernel config is not what config/ asks for (see above)"
	echo "$sum" >"$BUILD/.kho-config-sum"
fi

info "building $(kmake -s kernelrelease) in $BUILD"
kmake -s
echo "$BUILD/arch/x86/boot/bzImage"
